import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { findCurrentHouseholdOfPerson } from '../access/access.service.ts';
import { type AuditActor, appendAudit } from '../audit/audit.service.ts';
import { getApplication, submitApplication } from '../casework/application.service.ts';
import { grantConsent } from '../consent/consent.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import { DeliveryLoop } from '../notifications/delivery-loop.ts';
import { defaultBackoff } from '../notifications/dispatcher.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import type { IntakeCallbackPayload, IntakeStatus } from '../notifications/notifications.tables.ts';
import type { AppContext } from '../platform/context.ts';
import type { DB, DecisionProgramme } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { isRegisteredCallback, outboundPolicyOf, postToPartner } from '../platform/http/outbound-url.ts';
import type { Logger } from '../platform/logger.ts';
import { findPersonByPinfl } from '../registry/persons/person.service.ts';
import * as repo from './intake.repository.ts';

/**
 * Applications the state portal (my.gov.uz) submits for a citizen, with the citizen's consent, into the same
 * application flow as the citizen portal (channel 'mygov'), and the status callbacks the portal receives as
 * the application moves on. The callbacks are an outbox (`intake_callback`) delivered with retries.
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
    params: { programme: input.programme, reference: input.id.slice(0, 8).toUpperCase() },
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
  const queued = await repo.insertCallback(db, {
    id: randomUUID(),
    applicationId,
    status: application.status,
    payload,
  });
  if (queued) {
    if (db.isTransaction) for (const loop of loops) loop.kickSoon();
    else kickIntakeCallbacks();
  }
  return { queued };
}

export const listCallbacks = repo.listCallbacks;

// --- Delivery of the callbacks ---

export type CallbackContext = Pick<AppContext, 'database' | 'config' | 'logger'> & {
  fetch?: typeof fetch;
  backoff?: (attempt: number) => number;
};

/** Header naming the callback, so that the portal can drop a repeated delivery. */
export const CALLBACK_ID_HEADER = 'x-himoya-callback-id';

const LEASE_SECONDS = 120;

/** One pass: POSTs due callbacks as JSON; 2xx = delivered, anything else is retried with backoff. */
export async function deliverIntakeCallbacks(ctx: CallbackContext, limit = 50) {
  const db = ctx.database.db;
  const doFetch = ctx.fetch ?? fetch;
  const backoff = ctx.backoff ?? defaultBackoff;
  const claimed = await repo.claimDueCallbacks(db, limit, LEASE_SECONDS);
  const summary = { claimed: claimed.length, delivered: 0, retrying: 0, failed: 0 };
  const policy = outboundPolicyOf(ctx.config);
  const registered = new Map<string, Promise<string[]>>();
  const callbackUrisOf = (clientId: string) => {
    let uris = registered.get(clientId);
    if (!uris) {
      uris = clientCallbacksOf(db, clientId).then((c) => c.callbackUris);
      registered.set(clientId, uris);
    }
    return uris;
  };
  await Promise.all(
    claimed.map(async (c) => {
      // Checked again at delivery: an address no longer registered for the portal is never called.
      if (!isRegisteredCallback(c.callbackUrl, await callbackUrisOf(c.clientId))) {
        const error = 'refused: the address is not under a callback URI registered for the client';
        await repo.markCallbackFailed(db, c.id, error, null);
        summary.failed += 1;
        ctx.logger.warn({ callback: c.id, application: c.applicationId, error }, 'intake callback refused');
        return;
      }
      const outcome = await postToPartner(c.callbackUrl, JSON.stringify(c.payload), {
        policy,
        timeoutMs: ctx.config.INTAKE_CALLBACK_TIMEOUT_MS,
        headers: { [CALLBACK_ID_HEADER]: c.id },
        fetch: doFetch,
      });
      if (outcome.ok) {
        await repo.markDelivered(db, c.id);
        summary.delivered += 1;
        return;
      }
      const { error } = outcome;
      if (outcome.kind === 'redirect') {
        // Never followed: the portal's answer is a failed attempt, retried at the registered address.
        ctx.logger.warn(
          { callback: c.id, application: c.applicationId, error },
          'intake callback redirected',
        );
      }
      const giveUp = c.attempts >= ctx.config.INTAKE_CALLBACK_MAX_ATTEMPTS;
      await repo.markCallbackFailed(db, c.id, error, giveUp ? null : backoff(c.attempts));
      if (giveUp) {
        summary.failed += 1;
        ctx.logger.warn({ callback: c.id, application: c.applicationId, error }, 'intake callback failed');
      } else summary.retrying += 1;
    }),
  );
  return summary;
}

export const INTAKE_CALLBACK_JOB = 'intake.callbacks';

const loops = new Set<DeliveryLoop>();

export function kickIntakeCallbacks(): void {
  for (const loop of loops) loop.kick();
}

export function registerIntakeJobs(ctx: CallbackContext & Pick<AppContext, 'jobs'>): void {
  ctx.jobs.register(INTAKE_CALLBACK_JOB, async () => {
    for (;;) {
      const summary = await deliverIntakeCallbacks(ctx);
      if (summary.claimed > 0) ctx.logger.info(summary, 'intake callbacks delivered');
      if (summary.claimed < 50) break;
    }
  });
}

/** The minute sweep and the in-process loop (as for SMS); returns what stops the loop. */
export async function startIntakeCallbacks(ctx: CallbackContext & Pick<AppContext, 'jobs'>) {
  await ctx.jobs.schedule(INTAKE_CALLBACK_JOB, '* * * * *', {}, 'UTC');
  const loop = intakeCallbackLoop(ctx, ctx.logger);
  loops.add(loop);
  loop.kick();
  return () => {
    loop.stop();
    loops.delete(loop);
  };
}

export function intakeCallbackLoop(ctx: CallbackContext, logger: Logger): DeliveryLoop {
  return new DeliveryLoop(
    'intake-callbacks',
    async () => ({ full: (await deliverIntakeCallbacks(ctx)).claimed === 50 }),
    () => repo.nextCallbackDueAt(ctx.database.db),
    logger,
  );
}

/** Registers a loop made by the caller (tests), so that kicks reach it; returns what unregisters it. */
export function attachIntakeLoop(loop: DeliveryLoop): () => void {
  loops.add(loop);
  return () => {
    loop.stop();
    loops.delete(loop);
  };
}
