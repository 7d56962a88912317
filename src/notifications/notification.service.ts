import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { enqueue, enqueueMany } from '../outbox/outbox.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError, LANGUAGES, type Language } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { SMS_KIND } from './dispatcher.ts';
import * as repo from './notification.repository.ts';
import type { NotificationChannel, NotificationStatus } from './notifications.tables.ts';
import { type NotificationTemplate, renderTemplate } from './templates.ts';

export { type DispatchContext, dispatchPending, kickDispatch } from './dispatcher.ts';
export type { NotificationTemplate } from './templates.ts';
export type NotificationRecord = repo.NotificationRecord;

/**
 * The notifications other contexts send: a notification row per channel, rendered in the person's language and
 * written in the caller's transaction, so a message exists exactly when the event that caused it commits.
 * An SMS is also queued in the one outbox (src/outbox), which sends it (dispatcher.ts), never while the
 * caller waits.
 */

export interface EnqueueNotification {
  personId: string;
  template: NotificationTemplate;
  params: Record<string, string | number>;
  /** Default both. A person without a phone gets the portal message only (no SMS row is written). */
  channels?: ('sms' | 'portal')[];
  /** Names the event ('offer:<decision id>'): the same key never notifies twice on a channel. */
  dedupeKey: string;
}

/**
 * The rows of one message: one per channel, in the recipient's language; no SMS row for a person without a
 * phone.
 */
function rowsOf(
  input: EnqueueNotification,
  recipient: { phone: string | null; language: Language },
): repo.NewNotification[] {
  const body = renderTemplate(input.template, input.params, recipient.language);
  return [...new Set<NotificationChannel>(input.channels ?? ['sms', 'portal'])]
    .filter((channel) => channel !== 'sms' || recipient.phone)
    .map((channel) => ({
      id: randomUUID(),
      personId: input.personId,
      channel,
      template: input.template,
      params: input.params,
      language: recipient.language,
      body,
      phone: channel === 'sms' ? recipient.phone : null,
      dedupeKey: input.dedupeKey,
    }));
}

/**
 * Queues a message (idempotent by `dedupeKey`): one read of the recipient and one insert. `created` is
 * false when every channel of the key was already there; `ids` are the key's rows either way. Takes a
 * Kysely handle or a transaction; the outbox is nudged so that an SMS leaves within milliseconds of the
 * commit (callers inside a transaction may also call `kickDispatch()` right after they commit).
 */
export async function enqueueNotification(
  db: Kysely<DB>,
  input: {
    personId: string;
    template: NotificationTemplate;
    params: Record<string, string | number>;
    channels?: ('sms' | 'portal')[];
    dedupeKey: string;
  },
): Promise<{ ids: string[]; created: boolean }> {
  if (!input.dedupeKey) throw new DomainError('VALIDATION_FAILED', { reason: 'dedupeKey is required' });
  const recipient = await repo.findRecipient(db, input.personId);
  if (!recipient) throw new DomainError('PERSON_NOT_FOUND', { personId: input.personId });
  const rows = rowsOf(input, recipient);
  const inserted = await repo.insertNotifications(db, rows);
  // Each new SMS is an outbox message, in the same transaction: it leaves once the caller commits.
  for (const row of rows) {
    if (row.channel !== 'sms' || !row.phone || !inserted.includes(row.id)) continue;
    await enqueue(db, {
      kind: SMS_KIND,
      payload: { notificationId: row.id },
      target: row.phone,
      idempotencyKey: `sms:${row.id}`,
    });
  }
  if (inserted.length === rows.length) return { ids: inserted, created: inserted.length > 0 };
  return { ids: await repo.idsByDedupeKey(db, input.dedupeKey), created: inserted.length > 0 };
}

/** Rows written per statement by `enqueueNotifications` (about ten parameters a row). */
const INSERT_BATCH = 1000;

/**
 * Queues many messages (each idempotent by its `dedupeKey`) with one read of the recipients and one insert
 * per thousand rows, ON CONFLICT on the key: what `enqueueNotification` does once per message, for a month's
 * run of thousands of decisions. Returns how many messages (keys) had a row written now. An unknown person
 * is PERSON_NOT_FOUND, as one at a time.
 */
export async function enqueueNotifications(
  db: Kysely<DB>,
  inputs: readonly EnqueueNotification[],
): Promise<{ created: number }> {
  if (inputs.some((input) => !input.dedupeKey)) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'dedupeKey is required' });
  }
  const recipients = await repo.findRecipients(
    db,
    inputs.map((input) => input.personId),
  );
  const rows: repo.NewNotification[] = [];
  for (const input of inputs) {
    const recipient = recipients.get(input.personId);
    if (!recipient) throw new DomainError('PERSON_NOT_FOUND', { personId: input.personId });
    rows.push(...rowsOf(input, recipient));
  }
  const createdKeys = new Set<string>();
  for (let start = 0; start < rows.length; start += INSERT_BATCH) {
    const batch = rows.slice(start, start + INSERT_BATCH);
    const inserted = new Set(await repo.insertNotifications(db, batch));
    const fresh = batch.filter((row) => inserted.has(row.id));
    for (const row of fresh) createdKeys.add(row.dedupeKey);
    // Each new SMS is an outbox message, in the same statement's transaction as the caller's.
    await enqueueMany(
      db,
      fresh.flatMap((row) =>
        row.channel === 'sms' && row.phone
          ? [
              {
                kind: SMS_KIND,
                payload: { notificationId: row.id },
                target: row.phone,
                idempotencyKey: `sms:${row.id}`,
              },
            ]
          : [],
      ),
    );
  }
  return { created: createdKeys.size };
}

/** The language a person is written to in (their choice on the portal, or a social worker's note). */
export async function setPreferredLanguage(db: Kysely<DB>, personId: string, language: Language) {
  if (!LANGUAGES.includes(language)) throw new DomainError('VALIDATION_FAILED', { field: 'language' });
  await repo.setPreferredLanguage(db, personId, language);
}

export async function getNotification(db: Kysely<DB>, id: string): Promise<NotificationRecord> {
  const found = await repo.findNotification(db, id);
  if (!found) throw new DomainError('NOTIFICATION_NOT_FOUND', { id });
  return found;
}

export function listMyMessages(db: Kysely<DB>, personId: string, page: PageQuery) {
  return repo.listPortalMessages(db, personId, page);
}

/** Someone else's message, or an SMS, is 404: the route does not reveal which ids exist. */
export async function readMyMessage(db: Kysely<DB>, id: string, personId: string) {
  const read = await repo.markRead(db, id, personId);
  if (!read) throw new DomainError('NOTIFICATION_NOT_FOUND', { id });
  return read;
}

/** A delivery report of the SMS gateway (idempotent); an unknown message id is 404. */
export async function applyDeliveryReport(
  db: Kysely<DB>,
  report: { messageId: string; status: 'delivered' | 'failed'; error?: string | undefined },
): Promise<NotificationRecord> {
  const updated = await repo.applyDeliveryReport(db, report.messageId, report.status, report.error ?? null);
  if (!updated) throw new DomainError('NOTIFICATION_NOT_FOUND', { messageId: report.messageId });
  return updated;
}

export function listNotifications(
  db: Kysely<DB>,
  filters: { status?: NotificationStatus | undefined; channel?: NotificationChannel | undefined },
  page: PageQuery,
  scope: Scope,
) {
  return repo.listNotifications(db, filters, page, scope);
}
