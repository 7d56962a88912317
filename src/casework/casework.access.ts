import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { actorIn, mayOnHousehold, scopeFor } from '../access/access.plugin.ts';
import { findPlaceOfHousehold } from '../access/access.service.ts';
import type { RoleGrant } from '../access/actor.ts';
import { type Action, mayEver, type Scope } from '../access/policies.ts';
import { grantAt } from '../access/record-grant.ts';
import { allowedActionsFor } from '../access/screen-access.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { ScreenAction } from '../shared/screen-actions.ts';

/**
 * Reads of casework (`access: { anyOf }`) reach a household through any of the actions the actor holds:
 * the worklist of the officer who decides, and the record of the one who submitted.
 */

const heldOf = (request: FastifyRequest, actions: readonly Action[]) =>
  actions.filter((action) => mayEver(actorIn(request), action));

/** The widest of the scopes of the actions the actor holds, for a list and its count. */
export async function scopeForAny(
  request: FastifyRequest,
  db: Kysely<DB>,
  actions: readonly Action[],
): Promise<Scope> {
  const scopes: Scope[] = [];
  for (const action of heldOf(request, actions)) scopes.push(await scopeFor(request, db, action));
  return widest(scopes);
}

const uniq = (values: string[]) => [...new Set(values)];

/**
 * The union of scopes. Areas and households never meet in one actor (a citizen holds only the citizen
 * role, and staff never reach a household as its member), so the union of the two kinds is not needed.
 */
export function widest(scopes: readonly Scope[]): Scope {
  if (scopes.some((s) => s.kind === 'all')) return { kind: 'all' };
  const areas = scopes.flatMap((s) => (s.kind === 'areas' ? [s] : []));
  if (areas.length > 0) {
    return {
      kind: 'areas',
      regions: uniq(areas.flatMap((s) => s.regions)),
      districts: uniq(areas.flatMap((s) => s.districts)),
      mahallas: uniq(areas.flatMap((s) => s.mahallas)),
    };
  }
  const households = scopes.flatMap((s) => (s.kind === 'households' ? s.ids : []));
  if (scopes.some((s) => s.kind === 'households')) return { kind: 'households', ids: uniq(households) };
  return { kind: 'none' };
}

/**
 * The record-level check of a read by id: the actor may do one of `actions` on the household (404 for no
 * such household, 403 naming nothing of the record otherwise). Returns the grant that allowed it.
 */
export async function authorizeHouseholdAny(
  request: FastifyRequest,
  db: Kysely<DB>,
  actions: readonly Action[],
  householdId: string,
): Promise<RoleGrant | undefined> {
  const place = await findPlaceOfHousehold(db, householdId);
  if (!place) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId });
  for (const action of heldOf(request, actions)) {
    if (await mayOnHousehold(request, db, action, householdId, place)) return grantAt(request, action, place);
  }
  throw new DomainError('FORBIDDEN');
}

/** What the reader's screen may offer on an application or an appeal (see src/access/allowed-actions.ts). */
export async function screenActionsOn(
  request: FastifyRequest,
  db: Kysely<DB>,
  kind: 'application' | 'appeal',
  householdId: string,
): Promise<ScreenAction[]> {
  const place = await findPlaceOfHousehold(db, householdId);
  return place ? allowedActionsFor(request, db, { kind, householdId, place }) : [];
}
