/**
 * The OAuth scopes a machine client may be given. The access model is turning scopes into actions of
 * src/access/policies.ts; until then this list is the one the administration validates against (the lead
 * points it at the policies when both are merged).
 */
export const KNOWN_SCOPES = [
  'registry.read',
  'dci.search',
  'dci.subscribe',
  'events.push',
  'events.push:any',
  'intake.submit',
  'notifications.callback',
] as const;
export type KnownScope = (typeof KNOWN_SCOPES)[number];

export const isKnownScope = (scope: string): scope is KnownScope =>
  (KNOWN_SCOPES as readonly string[]).includes(scope);
