import type { AppContext } from '../platform/context.ts';
import type { Logger } from '../platform/logger.ts';
import { DeliveryLoop } from './delivery-loop.ts';
import * as repo from './notification.repository.ts';
import { providerFromConfig, type SmsProvider } from './providers.ts';

/**
 * Sends queued SMS through the configured provider: claims due rows (`for update skip locked`, so any
 * number of dispatchers may run), sends each, and records the outcome: sent (or delivered, when the
 * provider confirms at once), queued again after a backoff, or failed after SMS_MAX_ATTEMPTS attempts or a
 * refusal. Portal messages need no dispatch: they are delivered when stored.
 */

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

/** 5 s, 10 s, 20 s, ... up to an hour, with up to 20% jitter so that retries of a burst spread out. */
export function defaultBackoff(attempt: number): number {
  const base = Math.min(5000 * 2 ** Math.max(attempt - 1, 0), 3_600_000);
  return Math.round(base * (1 + Math.random() * 0.2));
}

/** A claimed message not settled within this long is due again (its sender is presumed dead). */
const LEASE_SECONDS = 120;

const providers = new WeakMap<object, SmsProvider>();

function providerOf(ctx: DispatchContext): SmsProvider {
  if (ctx.provider) return ctx.provider;
  let provider = providers.get(ctx.config);
  if (!provider) {
    provider = providerFromConfig(ctx.config, ctx.logger);
    providers.set(ctx.config, provider);
  }
  return provider;
}

/** One pass over the due SMS, at most `limit` of them. Never waits for anything but the provider. */
export async function dispatchPending(ctx: DispatchContext, limit = 100): Promise<DispatchSummary> {
  const db = ctx.database.db;
  const provider = providerOf(ctx);
  const backoff = ctx.backoff ?? defaultBackoff;
  const claimed = await repo.claimDueSms(db, limit, LEASE_SECONDS);
  const summary: DispatchSummary = { claimed: claimed.length, sent: 0, retrying: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (message) => {
      const phone = message.phone;
      const result = phone
        ? await provider
            .send({ id: message.id, phone, text: message.body, language: message.language })
            .catch((error: unknown) => ({ ok: false as const, retryable: true, error: String(error) }))
        : { ok: false as const, retryable: false, error: 'no phone' };
      if (result.ok) {
        await repo.markSent(db, message.id, provider.name, result.providerMessageId, result.delivered);
        summary.sent += 1;
        return;
      }
      const giveUp = !result.retryable || message.attempts >= ctx.config.SMS_MAX_ATTEMPTS;
      await repo.markAttemptFailed(
        db,
        message.id,
        provider.name,
        result.error,
        giveUp ? null : backoff(message.attempts),
      );
      if (giveUp) {
        summary.failed += 1;
        ctx.logger.warn(
          { notification: message.id, attempts: message.attempts, error: result.error },
          'SMS failed for good',
        );
      } else summary.retrying += 1;
    }),
  );
  return summary;
}

export const DISPATCH_JOB = 'notifications.dispatch';

const loops = new Set<DeliveryLoop>();

/** Sends pending SMS now, in every running dispatcher of this process (after a commit that queued some). */
export function kickDispatch(): void {
  for (const loop of loops) loop.kick();
}

/** For rows queued inside a transaction not yet committed: kicks a few times over the next half second. */
export function kickDispatchSoon(): void {
  for (const loop of loops) loop.kickSoon();
}

/** The job: a sweep over whatever is due (cron every minute), for SMS other processes left behind. */
export function registerNotificationJobs(ctx: DispatchContext & Pick<AppContext, 'jobs'>): void {
  ctx.jobs.register(DISPATCH_JOB, async () => {
    for (;;) {
      const summary = await dispatchPending(ctx);
      if (summary.claimed > 0) ctx.logger.info(summary, 'notifications dispatched');
      if (summary.claimed < 100) break;
    }
  });
}

/**
 * In a process that works jobs: the minute sweep, and the in-process loop that sends an SMS as soon as
 * it is queued and wakes up for retries. Returns what stops the loop.
 */
export async function startNotificationDispatch(
  ctx: DispatchContext & Pick<AppContext, 'jobs'>,
): Promise<() => void> {
  // At boot, so that SMS_PROVIDER=http without SMS_PROVIDER_URL stops the server and names the variable.
  providerOf(ctx);
  await ctx.jobs.schedule(DISPATCH_JOB, '* * * * *', {}, 'UTC');
  const loop = dispatchLoop(ctx, ctx.logger);
  loops.add(loop);
  loop.kick();
  return () => {
    loop.stop();
    loops.delete(loop);
  };
}

/** The in-process loop over `dispatchPending`; exported for tests. */
export function dispatchLoop(ctx: DispatchContext, logger: Logger): DeliveryLoop {
  const limit = 100;
  return new DeliveryLoop(
    'notifications',
    async () => ({ full: (await dispatchPending(ctx, limit)).claimed === limit }),
    () => repo.nextDueAt(ctx.database.db),
    logger,
  );
}

/** Registers a loop made by the caller (tests), so that kicks reach it; returns what unregisters it. */
export function attachDispatchLoop(loop: DeliveryLoop): () => void {
  loops.add(loop);
  return () => {
    loop.stop();
    loops.delete(loop);
  };
}
