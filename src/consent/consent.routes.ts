import { z } from 'zod';
import { auditActorOf } from '../audit/audit.service.ts';
import { requireCitizen } from '../audit/request-actor.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as consents from './consent.service.ts';

const TAGS = ['consent'];

const ConsentKind = z.enum(consents.CONSENT_KINDS);

export const GrantConsentBody = z.object({
  kind: ConsentKind,
  counterpart: z
    .string()
    .trim()
    .regex(
      /^(\*|[a-z0-9][a-z0-9._:-]{0,99})$/,
      "an agency or programme code such as 'tax' or 'my.gov.uz', or '*'",
    )
    .describe(
      "The agency or programme the consent covers ('tax', 'my.gov.uz', 'child_allowance'), or '*' for all",
    ),
});
export type GrantConsentBody = z.infer<typeof GrantConsentBody>;

const ConsentView = z.object({
  id: z.uuid(),
  kind: ConsentKind,
  counterpart: z.string(),
  grantedAt: z.date(),
  withdrawnAt: z.date().nullable(),
  inForce: z.boolean(),
  channel: z.enum(consents.CONSENT_CHANNELS),
});

const IdParams = z.object({ id: z.uuid() });

/** The fields a citizen sees: who recorded it is kept for the audit, not shown. */
const present = (c: consents.ConsentView) => ({
  id: c.id,
  kind: c.kind,
  counterpart: c.counterpart,
  grantedAt: c.grantedAt,
  withdrawnAt: c.withdrawnAt,
  inForce: c.inForce,
  channel: c.channel,
});

export const consentRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/me/consents',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'My consents, in force and withdrawn (signed-in citizen)',
        response: { 200: z.object({ items: z.array(ConsentView) }) },
      },
    },
    async (request) => {
      const citizen = requireCitizen(request);
      const items = await consents.listConsents(db, citizen.personId);
      return { items: items.map(present) };
    },
  );

  app.post(
    '/api/me/consents',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Give consent (to share my data with a counterpart, or to receive proactive offers)',
        description:
          'A consent already in force for the same kind and counterpart is returned unchanged (200).',
        body: GrantConsentBody,
        response: { 200: ConsentView, 201: ConsentView },
      },
    },
    async (request, reply) => {
      const citizen = requireCitizen(request);
      const { consent, created } = await db
        .transaction()
        .execute((trx) =>
          consents.grantConsent(
            trx,
            { personId: citizen.personId, ...request.body, channel: 'portal' },
            auditActorOf(request),
          ),
        );
      return reply.status(created ? 201 : 200).send(present(consent));
    },
  );

  app.post(
    '/api/me/consents/:id/withdraw',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Withdraw one of my consents (the record stays, with the time of withdrawal)',
        params: IdParams,
        response: { 200: ConsentView },
      },
    },
    async (request) => {
      const citizen = requireCitizen(request);
      const consent = await db
        .transaction()
        .execute((trx) =>
          consents.withdrawConsent(trx, request.params.id, citizen.personId, auditActorOf(request)),
        );
      return present(consent);
    },
  );
};
