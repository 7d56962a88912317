import { z } from 'zod';
import { actorIn, authorizeHousehold } from '../access/access.plugin.ts';
import { auditActorOf } from '../audit/audit.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import { kickOutbox } from '../outbox/outbox.service.ts';
import { DomainError } from '../platform/errors.ts';
import { actorOf } from '../platform/http/actor.ts';
import {
  isRegisteredCallback,
  normaliseOutboundUrl,
  OutboundUrlError,
  outboundPolicyOf,
} from '../platform/http/outbound-url.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { ProgrammeId } from '../programs/programme.schema.ts';
import { CivilDate, Instant } from '../shared/date-schemas.ts';
import { submitIntake } from './intake.service.ts';

const TAGS = ['intake'];

/** The machine client scope of the state portal. */

export const IntakeApplication = z.object({
  id: z.uuid().describe("The portal's id of the application: a retry with the same id changes nothing"),
  pinfl: z
    .string()
    .regex(/^\d{14}$/, 'a PINFL is 14 digits')
    .describe("The applicant's PINFL"),
  programme: ProgrammeId('intake'),
  submittedOn: CivilDate,
  consent: z
    .object({
      granted: z.boolean(),
      at: Instant.describe('When the citizen gave it on the portal'),
    })
    .optional()
    .describe("The citizen's consent to share their data with Himoya (required: without it, 422)"),
  callbackUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .describe('Where Himoya POSTs {applicationId, status, outcome?} as the application moves on'),
});

const Accepted = z.object({
  applicationId: z.uuid(),
  status: z.enum(['submitted', 'questionnaire_done', 'mahalla_opinion', 'decided']),
  created: z.boolean().describe('False for a retry of an application already received'),
});

export const intakeRoutes: HttpPlugin = (app, { config, database }) => {
  const { db } = database;
  const policy = outboundPolicyOf(config);

  app.post(
    '/api/intake/applications',
    {
      config: { access: { action: 'intake.submit' } },
      schema: {
        tags: TAGS,
        summary: "my.gov.uz: submit a citizen's application, with their consent, into the application flow",
        body: IntakeApplication,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      const actor = actorIn(request);
      if (actor.kind !== 'machine') throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: ['machine'] });
      // Status callbacks go only where the portal was registered to receive them (no request forwarding):
      // the normalised URL, compared by origin and path segments, is the one stored and called.
      let callbackUrl: string;
      try {
        callbackUrl = normaliseOutboundUrl(request.body.callbackUrl, policy);
      } catch (error) {
        if (!(error instanceof OutboundUrlError)) throw error;
        throw new DomainError('VALIDATION_FAILED', { field: 'callbackUrl', reason: error.message });
      }
      const { callbackUris } = await clientCallbacksOf(db, actor.id);
      if (!isRegisteredCallback(callbackUrl, callbackUris)) {
        throw new DomainError('VALIDATION_FAILED', {
          field: 'callbackUrl',
          reason: 'not under a callback address registered for this client',
        });
      }
      const result = await db.transaction().execute((trx) =>
        submitIntake(
          trx,
          { ...request.body, callbackUrl },
          {
            clientId: actor.id,
            actor: actorOf(request),
            audit: auditActorOf(request),
            // The portal of a region submits for that region's households only.
            authorizeHousehold: (householdId) =>
              authorizeHousehold(request, trx, 'intake.submit', householdId),
          },
        ),
      );
      // Committed: the SMS and the 'submitted' callback can leave now.
      kickOutbox();
      return reply.status(202).send({
        applicationId: result.application.id,
        status: result.application.status,
        created: result.created,
      });
    },
  );
};
