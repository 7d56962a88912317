import { type OutboxHandler, registerOutboxHandler } from '../outbox/outbox.handlers.ts';
import { DeliveryLoop } from '../outbox/outbox.loop.ts';
import {
  attachOutboxLoop,
  deliverDue,
  kickOutbox,
  kickOutboxSoon,
  nextDueAt,
} from '../outbox/outbox.service.ts';
import type { AppContext } from '../platform/context.ts';
import type { Logger } from '../platform/logger.ts';
import * as repo from './notification.repository.ts';
import { providerFromConfig, type SmsProvider } from './providers.ts';

/**
 * SMS through the one outbox (src/outbox): a queued SMS is an outbox message of kind 'sms' naming its
 * notification row, and this handler sends it through the configured provider and mirrors each outcome
 * into the row: sent (or delivered, when the provider confirms at once), queued again after a backoff, or
 * failed after SMS_MAX_ATTEMPTS attempts or a refusal. Portal messages need no dispatch: they are
 * delivered when stored.
 */

export const SMS_KIND = 'sms';

export type DispatchContext = Pick<AppContext, 'database' | 'config' | 'logger'> & {
  /** Instead of the configured provider (tests). */
  provider?: SmsProvider;
  /** Milliseconds before attempt `attempt + 1`, after `attempt` failed attempts (tests make it 0). */
  backoff?: (attempt: number) => number;
};

export interface DispatchSummary {
  claimed: number;
  sent: number;
  retrying: number;
  failed: number;
}

const providers = new WeakMap<object, SmsProvider>();

/** The configured provider, made once per configuration. */
export function providerOf(ctx: Pick<AppContext, 'config' | 'logger'>): SmsProvider {
  let provider = providers.get(ctx.config);
  if (!provider) {
    provider = providerFromConfig(ctx.config, ctx.logger);
    providers.set(ctx.config, provider);
  }
  return provider;
}

const notificationIdOf = (payload: Record<string, unknown>) => String(payload.notificationId);

/** The outbox handler of SMS; `provider` in place of the configured one (tests). */
export function smsHandler(provider?: SmsProvider): OutboxHandler {
  return {
    kind: SMS_KIND,
    maxAttempts: (config) => config.SMS_MAX_ATTEMPTS,
    // 5 s, 10 s, 20 s, ... bounds, up to an hour, with full jitter below each.
    backoff: { baseMs: 5000, capMs: 3_600_000 },
    async deliver(message, ctx) {
      const id = notificationIdOf(message.payload);
      const sms = await repo.markSending(ctx.database.db, id, message.attempts);
      if (!sms) {
        return {
          ok: false,
          retryable: false,
          error: 'the notification is gone or was settled elsewhere',
          reason: 'record_gone',
        };
      }
      const sender = provider ?? providerOf(ctx);
      const detail = { provider: sender.name };
      if (!sms.phone) {
        return { ok: false, retryable: false, error: 'no phone', reason: 'no_recipient', detail };
      }
      const result = await sender
        .send({ id, phone: sms.phone, text: sms.body, language: sms.language })
        .catch((error: unknown) => ({ ok: false as const, retryable: true, error: String(error) }));
      if (result.ok) {
        return {
          ok: true,
          detail: { ...detail, providerMessageId: result.providerMessageId, delivered: result.delivered },
        };
      }
      return { ok: false, retryable: result.retryable, error: result.error, detail };
    },
    async recorded(trx, message, settlement) {
      const id = notificationIdOf(message.payload);
      const providerName = String(settlement.detail?.provider ?? 'unknown');
      if (settlement.status === 'delivered') {
        const providerMessageId = settlement.detail?.providerMessageId;
        await repo.markSent(
          trx,
          id,
          providerName,
          typeof providerMessageId === 'string' ? providerMessageId : null,
          settlement.detail?.delivered === true,
        );
        return;
      }
      const retryIn = settlement.status === 'retrying' ? settlement.retryInMs : null;
      await repo.markAttemptFailed(trx, id, providerName, settlement.error, retryIn);
    },
    async reopened(trx, message) {
      await repo.requeueFailedSms(trx, notificationIdOf(message.payload));
    },
  };
}

/** One pass over the due SMS, at most `limit` of them. Never waits for anything but the provider. */
export async function dispatchPending(ctx: DispatchContext, limit = 100): Promise<DispatchSummary> {
  const backoff = ctx.backoff;
  const summary = await deliverDue(ctx, {
    kinds: [SMS_KIND],
    handlers: [smsHandler(ctx.provider)],
    limit,
    ...(backoff ? { backoff: (attempts: number) => backoff(attempts) } : {}),
  });
  return {
    claimed: summary.claimed,
    sent: summary.delivered,
    retrying: summary.retrying,
    failed: summary.dead,
  };
}

/** Sends pending SMS now, in every delivery loop of this process (after a commit that queued some). */
export const kickDispatch = kickOutbox;

/** For rows queued inside a transaction not yet committed: kicks a few times over the next half second. */
export const kickDispatchSoon = kickOutboxSoon;

/**
 * Wiring: the SMS handler joins the outbox. In a process that works jobs the provider is made at once, so
 * that SMS_PROVIDER=http without SMS_PROVIDER_URL stops the server at boot and names the variable.
 */
export function registerSmsDelivery(ctx: Pick<AppContext, 'config' | 'logger'>): void {
  if (ctx.config.JOBS) providerOf(ctx);
  registerOutboxHandler(smsHandler());
}

/** An in-process loop over `dispatchPending` (tests); attach it with `attachDispatchLoop`. */
export function dispatchLoop(ctx: DispatchContext, logger: Logger): DeliveryLoop {
  const limit = 100;
  return new DeliveryLoop(
    'notifications',
    async () => ({ full: (await dispatchPending(ctx, limit)).claimed === limit }),
    () => nextDueAt(ctx.database.db, [SMS_KIND]),
    logger,
  );
}

/** Registers a loop made by the caller (tests), so that kicks reach it; returns what unregisters it. */
export const attachDispatchLoop = attachOutboxLoop;
