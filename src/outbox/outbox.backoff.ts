import type { BackoffPolicy } from './outbox.handlers.ts';

/**
 * Exponential backoff with full jitter: after `attempt` failed attempts the next waits a random time
 * between 0 and min(cap, base * 2^(attempt - 1)). Full jitter (rather than a little noise on top of the
 * exponential) spreads a burst of failures, e.g. a partner down for an hour, evenly over the window, so
 * that the retries do not arrive together when it comes back.
 */
export function backoffBound(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 40);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random) {
  return Math.floor(random() * backoffBound(attempt, policy));
}
