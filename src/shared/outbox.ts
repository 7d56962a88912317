/**
 * The outbox's vocabularies, one list for the server (src/outbox) and the staff console (web/src/pages/staff):
 * the kinds of message the contexts register handlers for, why a message is given up, and the states staff
 * see. Each value has a label in the four languages in web/src/i18n/outbox; a value not listed here reads as
 * "other" there.
 */

/** The handlers' kinds: an SMS to a citizen, a status callback to my.gov.uz, a DCI callback to a partner. */
export const OUTBOX_KINDS = ['sms', 'intake_callback', 'dci_callback'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/** Why a message was given up. */
export const DEAD_REASONS = [
  /** Every allowed attempt failed with an error that might have passed (timeouts, 5xx, redirects). */
  'attempts_exhausted',
  /** The recipient's system refused the message for good (a 4xx of the SMS gateway). */
  'refused',
  /** The partner's address is no longer under a callback address registered for it. */
  'address_not_registered',
  /** No one to send it to (a person without a phone number). */
  'no_recipient',
  /** The context's own record of the message is gone or was settled elsewhere. */
  'record_gone',
] as const;
export type DeadReason = (typeof DEAD_REASONS)[number];

/**
 * Where a message stands, as staff see it: `queued` (waiting for its first attempt), `retrying` (waiting
 * after failed attempts), `sent` (delivered to the recipient's system) or `dead` (given up).
 */
export const OUTBOX_STATES = ['queued', 'retrying', 'sent', 'dead'] as const;
export type OutboxState = (typeof OUTBOX_STATES)[number];

export const isOutboxKind = (k: string): k is OutboxKind => (OUTBOX_KINDS as readonly string[]).includes(k);
export const isDeadReason = (r: string): r is DeadReason => (DEAD_REASONS as readonly string[]).includes(r);
