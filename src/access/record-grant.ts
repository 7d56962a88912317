import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { actorIn, authorizeHousehold } from './access.plugin.ts';
import type { RoleGrant } from './actor.ts';
import { type Action, areaHolds, grantsFor, type Place } from './policies.ts';

/**
 * The record-level check of the routes of decisions and casework, and the grant it used: what the audit
 * entry names as role, organisation and area (the one that reaches the household, not the actor's first).
 * Grant logic is the access policy's, so it lives here rather than in the contexts that use it.
 */

/** The actor's first grant allowing `action` at `place` (a citizen's grant for their own household). */
export function grantAt(request: FastifyRequest, action: Action, place: Place): RoleGrant | undefined {
  const actor = actorIn(request);
  return grantsFor(actor, action).find((g) =>
    g.role === 'citizen' ? actor.kind === 'citizen' : g.area === null || areaHolds(g.area, place),
  );
}

/**
 * `authorizeHousehold` (404 for no such household, 403 outside the actor's areas), returning the grant that
 * allowed it, for the audit entry.
 */
export async function authorizeHouseholdGrant(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
): Promise<{ place: Place; grant: RoleGrant | undefined }> {
  const place = await authorizeHousehold(request, db, action, householdId);
  return { place, grant: grantAt(request, action, place) };
}
