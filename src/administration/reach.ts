import type { Area, Role, RoleGrant } from '../access/actor.ts';
import { ROLE_ACTIONS } from '../access/policies.ts';

/**
 * Which changes need a second administrator (four eyes; ADR 004).
 *
 * A change needs a second administrator when, after it, its account or client would hold a REGISTRY-WIDE
 * REACH it did not hold before. A registry-wide reach is:
 * - for a machine client: a scope that reads the registry's records (`registry.read`, `dci.search`,
 *   `dci.subscribe`) with no area or a whole region as its area; or `events.push:any`, whatever the area
 *   (it reports any agency's events, births and deaths included, and pushes are not bound to an area);
 * - for a staff account: a grant over a whole region or with no area (the whole country) of any role that
 *   may do anything (every staff role but `vendor`, which holds no action): regional_admin, auditor and
 *   commission_member, and equally a district officer or social worker given a whole region.
 * Area comparisons are exact: the same scope over another region, or a region-wide grant turned
 * country-wide, is a new reach. Taking reach away, narrowing an area, changing an organisation's name or a
 * client's callbacks and keys never needs a second administrator.
 */

/** The scopes that read personal records of the registry. */
export const REGISTRY_READING_SCOPES: readonly string[] = ['registry.read', 'dci.search', 'dci.subscribe'];
/** Scopes whose reach is not bound to the client's area at all. */
export const UNBOUNDED_SCOPES: readonly string[] = ['events.push:any'];

export interface ClientReach {
  scopes: string[];
  area: Area | null;
}

export const areaKey = (area: Area | null): string => (area ? `${area.kind}:${area.code}` : '*');
const isWideArea = (area: Area | null) => area === null || area.kind === 'region';

/** The scopes that give this client reach a registry-wide reach. */
export function wideScopes(reach: ClientReach): string[] {
  return reach.scopes.filter(
    (s) => UNBOUNDED_SCOPES.includes(s) || (isWideArea(reach.area) && REGISTRY_READING_SCOPES.includes(s)),
  );
}

/** Whether going from `before` (null: a new client) to `after` needs a second administrator. */
export function clientChangeNeedsApproval(before: ClientReach | null, after: ClientReach): boolean {
  const wanted = wideScopes(after);
  if (wanted.length === 0) return false;
  if (!before) return true;
  const held = new Set(
    areaKey(before.area) === areaKey(after.area)
      ? wideScopes(before)
      : before.scopes.filter((s) => UNBOUNDED_SCOPES.includes(s)),
  );
  return wanted.some((s) => !held.has(s));
}

/** The reach a new client gets at once, before a second administrator approves the rest. */
export function clientReachWithoutApproval(reach: ClientReach): ClientReach {
  const wide = new Set(wideScopes(reach));
  return { scopes: reach.scopes.filter((s) => !wide.has(s)), area: reach.area };
}

const actsAtAll = (role: Role) => ROLE_ACTIONS[role].length > 0;

export const grantKey = (g: Pick<RoleGrant, 'role' | 'area'>): string => `${g.role}@${areaKey(g.area)}`;

export function isWideGrant(g: Pick<RoleGrant, 'role' | 'area'>): boolean {
  return isWideArea(g.area) && actsAtAll(g.role);
}

/** Whether going from `before` (null: a new account) to `after` needs a second administrator. */
export function grantChangeNeedsApproval(
  before: readonly RoleGrant[] | null,
  after: readonly RoleGrant[],
): boolean {
  const held = new Set((before ?? []).filter(isWideGrant).map(grantKey));
  return after.filter(isWideGrant).some((g) => !held.has(grantKey(g)));
}

/** The grants a new account gets at once, before a second administrator approves the rest. */
export function grantsWithoutApproval(grants: readonly RoleGrant[]): RoleGrant[] {
  return grants.filter((g) => !isWideGrant(g));
}
