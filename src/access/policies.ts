import type { Actor, Area, Role, RoleGrant } from './actor.ts';

/**
 * Who may do what, in one place. A role grants actions; a grant binds the role to an area, and the action
 * reaches only the households of that area. Routes name the action they need (`access` in their config),
 * services check a loaded resource with `can`, and repositories narrow every list and count to
 * `scopeOf(actor, action)` inside their SQL, so a search, a count or an export never holds a record from
 * outside the actor's area.
 */

export const ACTIONS = [
  /** Household and person records (without health data). */
  'registry.read',
  /** Diagnoses, disability groups and assessments: disability roles, and the person themself. */
  'health.read',
  /** Propose a change to a household (a citizen: report a mistake in their own data). */
  'change_requests.submit',
  /** Apply or reject a proposed change. */
  'change_requests.decide',
  'duplicates.review',
  'decisions.read',
  /** Re-evaluate one household now (the incremental path). */
  'evaluations.household',
  /** Queue the whole month's proactive evaluation. */
  'evaluations.run',
  'simulations.run',
  'overrides.propose',
  /** The second pair of eyes: never the proposer (checked by the override service). */
  'overrides.approve',
  'appeals.submit',
  'appeals.decide',
  'applications.submit',
  /** Record the social worker's questionnaire and the mahalla committee's opinion. */
  'applications.process',
  /** The final assessment of an application. */
  'applications.decide',
  'audit.read',
  /** Staff accounts: create, grants, disable, second factor, unlock (src/administration). */
  'accounts.manage',
  /** Machine clients: scopes, area, callbacks, signing key, secret (src/administration). */
  'clients.manage',
  /** Messages the outbox gave up (dead letters: SMS and partners' callbacks), phones masked (src/outbox). */
  'outbox.read',
  /** Send a dead letter again. */
  'outbox.retry',
  /** Payment history, batches and reconciliation, account numbers masked (src/payments). */
  'payments.read',
  /** Build payrolls, approve batches (four eyes above the limit), export bank files, import results. */
  'payments.manage',
  /** Open and close the holds that stop a household's payments (suspected fraud, data mismatch). */
  'payments.hold',
  // Machine clients only. Each is also the OAuth2 scope that grants it (see MACHINE_SCOPES).
  /** DCI Social Registry search and transaction status (src/dci). */
  'dci.search',
  /** DCI subscriptions to registry events, and their transaction status. */
  'dci.subscribe',
  /** Push the change events of the client's own agency (src/integration). */
  'events.push',
  /** Push change events for any agency: an exchange bus relaying several agencies. */
  'events.push:any',
  /** my.gov.uz: submit citizens' applications with their consent (src/intake). */
  'intake.submit',
  /** The SMS gateway's delivery reports (src/notifications). */
  'notifications.callback',
] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * The OAuth2 scopes a machine client can be granted, each the name of the one action it grants. A machine
 * actor holds an action only when its token carries that scope (`grantsFor`), whatever its role grants:
 * a token issued for `dci.search` reads nothing through `/api`.
 */
export const MACHINE_SCOPES = [
  'registry.read',
  'dci.search',
  'dci.subscribe',
  'events.push',
  'events.push:any',
  'intake.submit',
  'notifications.callback',
] as const satisfies readonly Action[];
export type MachineScope = (typeof MACHINE_SCOPES)[number];

export const isMachineScope = (scope: string): scope is MachineScope =>
  (MACHINE_SCOPES as readonly string[]).includes(scope);

/** What each role may do. Territorial roles do it within the areas of their grants. */
export const ROLE_ACTIONS: Readonly<Record<Role, readonly Action[]>> = {
  citizen: [
    'registry.read',
    'health.read',
    'change_requests.submit',
    'decisions.read',
    'appeals.submit',
    'applications.submit',
    'payments.read',
  ],
  social_worker: [
    'registry.read',
    'change_requests.submit',
    'decisions.read',
    'applications.submit',
    'applications.process',
    'payments.read',
  ],
  district_officer: [
    'registry.read',
    'change_requests.submit',
    'change_requests.decide',
    'duplicates.review',
    'decisions.read',
    'evaluations.household',
    'overrides.propose',
    'overrides.approve',
    'appeals.submit',
    'appeals.decide',
    'applications.submit',
    'applications.process',
    'applications.decide',
    'payments.read',
    'payments.hold',
  ],
  disability_assessor: ['registry.read', 'health.read', 'decisions.read'],
  commission_member: ['registry.read', 'health.read', 'decisions.read'],
  youth_officer: ['registry.read', 'decisions.read'],
  regional_admin: [
    'registry.read',
    'change_requests.submit',
    'change_requests.decide',
    'duplicates.review',
    'decisions.read',
    'evaluations.household',
    'evaluations.run',
    'simulations.run',
    'overrides.propose',
    'overrides.approve',
    'appeals.decide',
    'applications.decide',
    'audit.read',
    'accounts.manage',
    'clients.manage',
    'outbox.read',
    'outbox.retry',
  ],
  auditor: ['registry.read', 'decisions.read', 'simulations.run', 'audit.read', 'payments.read'],
  vendor: [],
  agency_client: MACHINE_SCOPES,
  finance: ['payments.read', 'payments.manage', 'payments.hold'],
};

/** Where a household is, for an area check. */
export interface Place {
  regionCode: string;
  districtCode: string;
  mahallaCode: string;
}

/** A resource an action is about: a household's place, or a citizen's own data. */
export interface Resource {
  /** The household the record belongs to (a person's: their current household). */
  householdId?: string | null;
  place?: Place | null;
  /** The person the record is about, when it is one person's (a citizen may read their own). */
  personId?: string | null;
}

/** The actor's grants whose role allows the action. */
export function grantsFor(actor: Actor, action: Action): RoleGrant[] {
  if (actor.kind === 'anonymous') return [];
  // A machine client's role says what a client may ever do; its token's scopes say what this one may.
  if (actor.kind === 'machine' && !actor.scopes.includes(action)) return [];
  return actor.grants.filter((g) => ROLE_ACTIONS[g.role].includes(action));
}

/** Whether the actor holds any role that allows the action somewhere (the route-level check). */
export function mayEver(actor: Actor, action: Action): boolean {
  return grantsFor(actor, action).length > 0;
}

/** Whether a place lies within an area. */
export function areaHolds(area: Area, place: Place): boolean {
  switch (area.kind) {
    case 'region':
      return place.regionCode === area.code;
    case 'district':
      return place.districtCode === area.code;
    case 'mahalla':
      return place.mahallaCode === area.code;
  }
}

/**
 * Whether the actor may do the action on the resource. A citizen acts on their own household (resolved by
 * the caller into `ownHouseholdIds`) or their own person record; staff and machines within their areas.
 */
export function can(
  actor: Actor,
  action: Action,
  resource: Resource,
  ownHouseholdIds: readonly string[] = [],
) {
  for (const grant of grantsFor(actor, action)) {
    if (grant.role === 'citizen') {
      if (actor.kind !== 'citizen') continue;
      if (resource.personId && resource.personId === actor.personId) return true;
      if (resource.householdId && ownHouseholdIds.includes(resource.householdId)) return true;
      continue;
    }
    if (grant.area === null) return true;
    if (resource.place && areaHolds(grant.area, resource.place)) return true;
  }
  return false;
}

/**
 * The households an action reaches, for the WHERE clause of lists, counts and exports: everything, the
 * areas of the grants, a citizen's own households, or nothing.
 */
export type Scope =
  | { kind: 'all' }
  | { kind: 'areas'; regions: string[]; districts: string[]; mahallas: string[] }
  | { kind: 'households'; ids: string[] }
  | { kind: 'none' };

export function scopeOf(actor: Actor, action: Action, ownHouseholdIds: readonly string[] = []): Scope {
  const regions = new Set<string>();
  const districts = new Set<string>();
  const mahallas = new Set<string>();
  let citizen = false;
  for (const grant of grantsFor(actor, action)) {
    if (grant.role === 'citizen') {
      citizen = actor.kind === 'citizen';
      continue;
    }
    if (grant.area === null) return { kind: 'all' };
    if (grant.area.kind === 'region') regions.add(grant.area.code);
    else if (grant.area.kind === 'district') districts.add(grant.area.code);
    else mahallas.add(grant.area.code);
  }
  if (regions.size + districts.size + mahallas.size > 0) {
    return { kind: 'areas', regions: [...regions], districts: [...districts], mahallas: [...mahallas] };
  }
  if (citizen) return { kind: 'households', ids: [...ownHouseholdIds] };
  return { kind: 'none' };
}

/** A plain description of an actor's role for records citizens see: role and organisation, never a name. */
export function publicRoleOf(
  actor: Actor,
  action: Action,
): { role: Role | null; organisation: string | null } {
  const grant = grantsFor(actor, action)[0] ?? (actor.kind === 'anonymous' ? undefined : actor.grants[0]);
  return { role: grant?.role ?? null, organisation: grant?.organisation ?? null };
}
