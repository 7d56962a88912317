import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../platform/db/schema.ts';
import { actorOf } from '../platform/http/actor.ts';
import { actorIn, heldPurpose, ownHouseholdIds, purposeRequiredAt } from './access.plugin.ts';
import { allowedActions, SCREEN_ACTIONS, type ScreenAction, type ScreenResource } from './allowed-actions.ts';
import type { Place } from './policies.ts';
import { Purpose } from './purposes.ts';

/** The answer's field: what the screen may offer on this record (see allowed-actions.ts). */
export const AllowedActions = z
  .array(z.enum(SCREEN_ACTIONS))
  .describe('What you may do with this record: show a control only when its action is here');

/** The screen actions of a record for the request's actor, from the policy the routes ask. */
export async function allowedActionsFor(
  request: FastifyRequest,
  db: Kysely<DB>,
  resource: ScreenResource,
): Promise<ScreenAction[]> {
  const asker = {
    actor: actorIn(request),
    actorId: actorOf(request),
    ownHouseholdIds: await ownHouseholdIds(request, db),
  };
  return allowedActions(asker, resource);
}

export const HouseholdAccess = z.object({
  allowedActions: AllowedActions,
  purposeRequired: z
    .boolean()
    .describe('A purpose must be stated to open the record: outside your own area and worklist'),
  purpose: Purpose.nullable().describe('The purpose you stated for this record, while it holds'),
});
export type HouseholdAccess = z.infer<typeof HouseholdAccess>;

/** What the actor may do with a household, and whether its record needs (or holds) a stated purpose. */
export async function householdAccess(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
  place: Place,
): Promise<HouseholdAccess> {
  return {
    allowedActions: await allowedActionsFor(request, db, { kind: 'household', householdId, place }),
    purposeRequired: await purposeRequiredAt(request, db, householdId, place),
    purpose: await heldPurpose(request, db, householdId),
  };
}
