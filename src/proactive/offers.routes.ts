import { z } from 'zod';
import { actorIn, ownHouseholdIds } from '../access/access.plugin.ts';
import { auditFromRequest } from '../audit/audit.service.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as repo from './offers.repository.ts';

const TAGS = ['proactive'];

const Offer = z.object({
  decisionId: z.number().int(),
  programme: z.string(),
  month: z.string(),
  amount: z.number().describe("So'm a month; for the Social Registry the benefit share in per mille"),
  category: z.string(),
  response: z.enum(['accepted', 'declined']).nullable(),
  respondedAt: z.date().nullable(),
});
const Answer = z.object({
  decisionId: z.number().int(),
  response: z.enum(['accepted', 'declined']),
  respondedAt: z.date(),
});
const DecisionParam = z.object({ decisionId: z.coerce.number().int().positive() });

/**
 * The family's side of proactive services: the offers the rules made (granted decisions of its household)
 * and its answer to each. The offer stands on its own; the answer says whether the family wants it paid.
 */
export const offerRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/me/offers',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: "My family's proactive offers, newest first, with my answers",
        response: { 200: z.object({ items: z.array(Offer) }) },
      },
    },
    async (request) => {
      const [householdId] = await ownHouseholdIds(request, db);
      return { items: householdId ? await repo.listOffers(db, householdId) : [] };
    },
  );

  for (const response of ['accepted', 'declined'] as const) {
    const verb = response === 'accepted' ? 'accept' : 'decline';
    app.post(
      `/api/me/offers/:decisionId/${verb}`,
      {
        config: { access: { citizen: true } },
        schema: {
          tags: TAGS,
          summary: `${verb === 'accept' ? 'Accept' : 'Decline'} an offer made to my family (repeatable; the latest answer counts)`,
          params: DecisionParam,
          response: { 200: Answer },
        },
      },
      async (request) => {
        const actor = actorIn(request);
        if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN');
        const { decisionId } = request.params;
        const offer = await repo.findOfferHousehold(db, decisionId);
        const own = await ownHouseholdIds(request, db);
        // Another family's decision is as unknown as a missing one: nothing about it is confirmed.
        if (offer?.kind !== 'granted' || !own.includes(offer.household_id)) {
          throw new DomainError('DECISION_NOT_FOUND', { id: decisionId });
        }
        const saved = await db.transaction().execute(async (trx) => {
          const answer = await repo.saveResponse(trx, decisionId, actor.personId, response, 'portal');
          // An acceptance is confirmed to the one who gave it, once per offer (a retry or a change of mind
          // back to yes is not told again).
          if (response === 'accepted') {
            await enqueueNotification(trx, {
              personId: actor.personId,
              template: 'offer.accepted',
              params: { programme: offer.programme },
              dedupeKey: `offer:${decisionId}:accepted`,
            });
          }
          await auditFromRequest(trx, request, {
            action: 'update',
            resourceType: 'offer',
            resourceId: String(decisionId),
            subjectHouseholdIds: [offer.household_id],
            subjectPersonIds: [actor.personId],
            fields: [response],
          });
          return answer;
        });
        return { decisionId, ...saved };
      },
    );
  }
};
