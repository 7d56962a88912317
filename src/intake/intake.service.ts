import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findCurrentHouseholdOfPerson } from '../access/access.service.ts';
import { type AuditActor, appendAudit } from '../audit/audit.service.ts';
import { getApplication, submitApplication } from '../casework/application.service.ts';
import { grantConsent } from '../consent/consent.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import type { IntakeCallbackPayload, IntakeStatus } from '../notifications/notifications.tables.ts';
import { type OutboxHandler, registerOutboxHandler } from '../outbox/outbox.handlers.ts';
import { deliverDue, enqueue } from '../outbox/outbox.service.ts';
import type { AppContext } from '../platform/context.ts';
import type { DB, DecisionProgramme } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { isRegisteredCallback, outboundPolicyOf, postToPartner } from '../platform/http/outbound-url.ts';
import { findPersonByPinfl } from '../registry/persons/person.service.ts';
import * as repo from './intake.repository.ts';

/**
 * Applications the state portal (my.gov.uz) submits for a citizen, with the citizen's consent, into the same
 * application flow as the citizen portal (channel 'mygov'), and the status callbacks the portal receives as
 * the application moves on. The callbacks are recorded here (`intake_callback`) and delivered with retries
 * by the one outbox (src/outbox).
 */

/** Who the consent is given to, and the channel it came through. */
export const MYGOV = 'my.gov.uz';

export interface IntakeSubmission {
  /** The portal's id of the application (idempotency key): Himoya's application id too. */
  id: string;
  pinfl: string;
  programme: DecisionProgramme;
  submittedOn: string;
  consent?: { granted: boolean; at: string } | undefined;
  callbackUrl: string;
}

export interface IntakeCaller {
  /** machine_client.id */
  clientId: string;
  /** 'machine:<client id>', as applications record who submitted them. */
  actor: string;
  audit: AuditActor;
  /** Refuses (throws) a household outside the client's area; the route checks it with the policies. */
  authorizeHousehold?: (householdId: string) => Promise<unknown>;
}

/**
 * Records the application (idempotent by `id`: a retry with the same content answers as the first time)
 * in one transaction with the consent, the intake record, the citizen's `application.received` message and
 * the 'submitted' callback. Unknown PINFL, no household or no consent: 422, nothing written.
 */
export async function submitIntake(trx: Kysely<DB>, input: IntakeSubmission, caller: IntakeCaller) {
  const found = await findPersonByPinfl(trx, input.pinfl);
  if (!found) throw new DomainError('INTAKE_PINFL_UNKNOWN');
  const personId = found.merged_into ?? found.id;
  if (!input.consent?.granted)
    throw new DomainError('CONSENT_REQUIRED', { kind: 'data_sharing', counterpart: MYGOV });
  const previous = await repo.findIntake(trx, input.id);
  if (previous && (previous.personId !== personId || previous.clientId !== caller.clientId)) {
    throw new DomainError('APPLICATION_ID_REUSED', { id: input.id });
  }
  const householdId = previous
    ? (await getApplication(trx, input.id)).householdId
    : await findCurrentHouseholdOfPerson(trx, personId);
  if (!householdId) throw new DomainError('INTAKE_NO_HOUSEHOLD');
  await caller.authorizeHousehold?.(householdId);
  const { application, created } = await submitApplication(
    trx,
    {
      id: input.id,
      householdId,
      programme: input.programme,
      channel: 'mygov',
      submittedOn: input.submittedOn,
    },
    caller.actor,
  );
  if (previous) return { application, created: false, personId };
  const { consent } = await grantConsent(
    trx,
    { personId, kind: 'data_sharing', counterpart: MYGOV, channel: MYGOV },
    caller.audit,
  );
  await repo.insertIntake(trx, {
    applicationId: input.id,
    personId,
    clientId: caller.clientId,
    callbackUrl: input.callbackUrl,
    consentId: consent.id,
    consentAt: new Date(input.consent.at),
  });
  await enqueueNotification(trx, {
    personId,
    template: 'application.received',
    params: { programme: input.programme, reference: application.reference },
    dedupeKey: `application.received:${input.id}`,
  });
  await notifyIntakeStatus(trx, input.id);
  if (created) {
    // Last: the audit chain's lock is held to the end of the transaction.
    await appendAudit(trx, [
      {
        ...caller.audit,
        action: 'create',
        resourceType: 'application',
        resourceId: input.id,
        subjectPersonIds: [personId],
        subjectHouseholdIds: [householdId],
        fields: ['application', 'channel:mygov'],
      },
    ]);
  }
  return { application, created, personId };
}

/**
 * Queues the status callback of an application the portal submitted, for its current status (once per
 * status: calling it again changes nothing). Call it after every transition of an application, in the
 * transition's transaction or after it; an application that did not come from the portal is ignored.
 */
export async function notifyIntakeStatus(
  db: Kysely<DB>,
  applicationId: string,
): Promise<{ queued: boolean }> {
  const intake = await repo.findIntake(db, applicationId);
  if (!intake) return { queued: false };
  const application = await getApplication(db, applicationId);
  const payload: IntakeCallbackPayload = {
    applicationId,
    status: application.status as IntakeStatus,
    ...(application.status === 'decided' && application.outcome ? { outcome: application.outcome } : {}),
  };
  const id = randomUUID();
  const queued = await repo.insertCallback(db, { id, applicationId, status: application.status, payload });
  if (queued) {
    await enqueue(db, {
      kind: INTAKE_CALLBACK_KIND,
      payload: { callbackId: id },
      target: intake.callbackUrl,
      idempotencyKey: `intake_callback:${id}`,
      // One application's statuses leave in order.
      orderKey: `intake:${applicationId}`,
    });
  }
  return { queued };
}

export const listCallbacks = repo.listCallbacks;

// --- Delivery of the callbacks, through the one outbox (src/outbox) ---

export const INTAKE_CALLBACK_KIND = 'intake_callback';

export type CallbackContext = Pick<AppContext, 'database' | 'config' | 'logger'> & {
  fetch?: typeof fetch;
  backoff?: (attempt: number) => number;
};

/** Header naming the callback, so that the portal can drop a repeated delivery. */
export const CALLBACK_ID_HEADER = 'x-himoya-callback-id';

const callbackIdOf = (payload: Record<string, unknown>) => String(payload.callbackId);

/**
 * The outbox handler of the portal's status callbacks: POSTs the stored payload as JSON to the address the
 * application gave (checked again against the client's registered callback URIs, never a redirect
 * followed); 2xx = delivered, anything else is retried with backoff, up to INTAKE_CALLBACK_MAX_ATTEMPTS.
 * The outbox delivers the statuses of one application in order (their order key), so the portal never
 * hears 'decided' before 'submitted'. `fetch` in place of the global one (tests).
 */
export function intakeCallbackHandler(fetchOverride?: typeof fetch): OutboxHandler {
  return {
    kind: INTAKE_CALLBACK_KIND,
    maxAttempts: (config) => config.INTAKE_CALLBACK_MAX_ATTEMPTS,
    backoff: { baseMs: 5000, capMs: 3_600_000 },
    async deliver(message, ctx) {
      const db = ctx.database.db;
      const c = await repo.markCallbackSending(db, callbackIdOf(message.payload), message.attempts);
      if (!c) {
        return {
          ok: false,
          retryable: false,
          error: 'the callback is gone or was settled elsewhere',
          reason: 'record_gone',
        };
      }
      // Checked again at delivery: an address no longer registered for the portal is never called.
      const { callbackUris } = await clientCallbacksOf(db, c.clientId);
      if (!isRegisteredCallback(c.callbackUrl, callbackUris)) {
        const error = 'refused: the address is not under a callback URI registered for the client';
        ctx.logger.warn({ callback: c.id, application: c.applicationId, error }, 'intake callback refused');
        return { ok: false, retryable: false, error, reason: 'address_not_registered' };
      }
      const outcome = await postToPartner(c.callbackUrl, JSON.stringify(c.payload), {
        policy: outboundPolicyOf(ctx.config),
        timeoutMs: ctx.config.INTAKE_CALLBACK_TIMEOUT_MS,
        headers: { [CALLBACK_ID_HEADER]: c.id },
        fetch: fetchOverride ?? ctx.fetch ?? fetch,
      });
      if (outcome.ok) return { ok: true };
      if (outcome.kind === 'redirect') {
        // Never followed: the portal's answer is a failed attempt, retried at the registered address.
        ctx.logger.warn(
          { callback: c.id, application: c.applicationId, error: outcome.error },
          'intake callback redirected',
        );
      }
      return { ok: false, retryable: true, error: outcome.error };
    },
    async recorded(trx, message, settlement) {
      const id = callbackIdOf(message.payload);
      if (settlement.status === 'delivered') await repo.markDelivered(trx, id);
      else {
        const retryIn = settlement.status === 'retrying' ? settlement.retryInMs : null;
        await repo.markCallbackFailed(trx, id, settlement.error, retryIn);
      }
    },
    async reopened(trx, message) {
      await repo.requeueFailedCallback(trx, callbackIdOf(message.payload));
    },
  };
}

/** Wiring: the portal's callbacks join the outbox. */
export function registerIntakeDelivery(): void {
  registerOutboxHandler(intakeCallbackHandler());
}

/** One pass over the due callbacks (the outbox's, for this kind only); with the job workers off too. */
export async function deliverIntakeCallbacks(ctx: CallbackContext, limit = 50) {
  const backoff = ctx.backoff;
  const summary = await deliverDue(ctx, {
    kinds: [INTAKE_CALLBACK_KIND],
    handlers: [intakeCallbackHandler(ctx.fetch)],
    limit,
    ...(backoff ? { backoff: (attempts: number) => backoff(attempts) } : {}),
  });
  return {
    claimed: summary.claimed,
    delivered: summary.delivered,
    retrying: summary.retrying,
    failed: summary.dead,
  };
}
