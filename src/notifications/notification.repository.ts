import { type Kysely, type Selectable, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { personIdInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';
import type { Language } from '../platform/errors.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { NotificationChannel, NotificationStatus, NotificationTable } from './notifications.tables.ts';

/** All SQL of the outbox. Rows are mapped to plain objects here and never leave raw. */

export interface NotificationRecord {
  id: string;
  personId: string;
  channel: NotificationChannel;
  template: string;
  params: Record<string, string | number>;
  language: Language;
  body: string;
  phone: string | null;
  status: NotificationStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastError: string | null;
  provider: string | null;
  providerMessageId: string | null;
  dedupeKey: string;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

const toRecord = (r: Selectable<NotificationTable>): NotificationRecord => ({
  id: r.id,
  personId: r.person_id,
  channel: r.channel,
  template: r.template,
  params: typeof r.params === 'string' ? JSON.parse(r.params) : r.params,
  language: r.language,
  body: r.body,
  phone: r.phone,
  status: r.status,
  attempts: r.attempts,
  nextAttemptAt: date(r.next_attempt_at),
  lastError: r.last_error,
  provider: r.provider,
  providerMessageId: r.provider_message_id,
  dedupeKey: r.dedupe_key,
  createdAt: new Date(r.created_at),
  sentAt: date(r.sent_at),
  deliveredAt: date(r.delivered_at),
  readAt: date(r.read_at),
});

/** What a message is rendered for: the person's phone and language (null: no such person). */
export async function findRecipient(
  db: Kysely<DB>,
  personId: string,
): Promise<{ phone: string | null; language: Language } | undefined> {
  const row = await db
    .selectFrom('person')
    .select(['phone', sql<Language>`preferred_language`.as('language')])
    .where('id', '=', personId)
    .executeTakeFirst();
  return row ? { phone: row.phone, language: row.language } : undefined;
}

/** The recipients of many people in one read (a person missing from the map does not exist). */
export async function findRecipients(
  db: Kysely<DB>,
  personIds: readonly string[],
): Promise<Map<string, { phone: string | null; language: Language }>> {
  const found = new Map<string, { phone: string | null; language: Language }>();
  if (personIds.length === 0) return found;
  const rows = await db
    .selectFrom('person')
    .select(['id', 'phone', sql<Language>`preferred_language`.as('language')])
    .where('id', 'in', [...new Set(personIds)])
    .execute();
  for (const row of rows) found.set(row.id, { phone: row.phone, language: row.language });
  return found;
}

export async function setPreferredLanguage(db: Kysely<DB>, personId: string, language: Language) {
  await sql`update person set preferred_language = ${language} where id = ${personId}`.execute(db);
}

export interface NewNotification {
  id: string;
  personId: string;
  channel: NotificationChannel;
  template: string;
  params: Record<string, string | number>;
  language: Language;
  body: string;
  phone: string | null;
  dedupeKey: string;
}

/**
 * One insert for every channel of an event; a channel the dedupe key already has is skipped (the unique
 * constraint decides, so concurrent enqueues of one event still leave one row). Returns the ids inserted.
 * SMS are queued and due now; portal messages are delivered by being stored.
 */
export async function insertNotifications(
  db: Kysely<DB>,
  rows: readonly NewNotification[],
): Promise<string[]> {
  if (rows.length === 0) return [];
  // One statement of column arrays (unnest), not a VALUES list of ten parameters a row: a month's
  // thousands of messages are parsed and planned once, whatever their number.
  const column = <T>(pick: (n: NewNotification) => T) => rows.map(pick);
  const { rows: inserted } = await sql<{ id: string }>`
    insert into notification (id, person_id, channel, template, params, language, body, phone, dedupe_key,
      status, next_attempt_at, sent_at, delivered_at)
    select u.id, u.person_id, u.channel, u.template, u.params::jsonb, u.language, u.body, u.phone, u.dedupe_key,
      case when u.channel = 'sms' then 'queued' else 'delivered' end,
      case when u.channel = 'sms' then now() end,
      case when u.channel = 'sms' then null else now() end,
      case when u.channel = 'sms' then null else now() end
    from unnest(${column((n) => n.id)}::uuid[], ${column((n) => n.personId)}::uuid[],
      ${column((n) => n.channel)}::text[], ${column((n) => n.template)}::text[],
      ${column((n) => JSON.stringify(n.params))}::text[], ${column((n) => n.language)}::text[],
      ${column((n) => n.body)}::text[], ${column((n) => n.phone)}::text[], ${column((n) => n.dedupeKey)}::text[])
      as u(id, person_id, channel, template, params, language, body, phone, dedupe_key)
    on conflict on constraint notification_dedupe_key do nothing
    returning id`.execute(db);
  return inserted.map((r) => r.id);
}

export async function idsByDedupeKey(db: Kysely<DB>, dedupeKey: string): Promise<string[]> {
  const rows = await db
    .selectFrom('notification')
    .select('id')
    .where('dedupe_key', '=', dedupeKey)
    .orderBy('channel')
    .execute();
  return rows.map((r) => r.id);
}

export async function findNotification(db: Kysely<DB>, id: string): Promise<NotificationRecord | undefined> {
  const row = await db.selectFrom('notification').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/**
 * An SMS the outbox is about to send: marked 'sending' with the outbox's count of attempts. Undefined when
 * it is gone or settled already (sent, delivered or failed), so that it is never sent twice.
 */
export async function markSending(
  db: Kysely<DB>,
  id: string,
  attempts: number,
): Promise<NotificationRecord | undefined> {
  const row = await db
    .updateTable('notification')
    .set({ status: 'sending', attempts })
    .where('id', '=', id)
    .where('channel', '=', 'sms')
    .where('status', 'in', ['queued', 'sending'])
    .returningAll()
    .executeTakeFirst();
  return row && toRecord(row);
}

/** A failed SMS that staff send again: queued, its earlier attempts forgotten with the outbox's. */
export async function requeueFailedSms(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .updateTable('notification')
    .set({ status: 'queued', attempts: 0, next_attempt_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .execute();
}

export async function markSent(
  db: Kysely<DB>,
  id: string,
  provider: string,
  providerMessageId: string | null,
  delivered: boolean,
): Promise<void> {
  await db
    .updateTable('notification')
    .set({
      status: delivered ? 'delivered' : 'sent',
      provider,
      provider_message_id: providerMessageId,
      sent_at: sql<Date>`now()`,
      ...(delivered ? { delivered_at: sql<Date>`now()` } : {}),
      next_attempt_at: null,
      last_error: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/** A failed attempt: due again after `retryInMs`, or failed for good (`retryInMs` null). */
export async function markAttemptFailed(
  db: Kysely<DB>,
  id: string,
  provider: string,
  error: string,
  retryInMs: number | null,
): Promise<void> {
  await db
    .updateTable('notification')
    .set(
      retryInMs === null
        ? { status: 'failed', provider, last_error: error, next_attempt_at: null }
        : {
            status: 'queued',
            provider,
            last_error: error,
            next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})`,
          },
    )
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .execute();
}

/**
 * A delivery report: 'delivered' is final (a later 'failed' changes nothing); 'failed' only lands on a
 * message that was sent and not yet delivered. Idempotent: a repeated report leaves the row as it was.
 */
export async function applyDeliveryReport(
  db: Kysely<DB>,
  providerMessageId: string,
  status: 'delivered' | 'failed',
  error: string | null,
): Promise<NotificationRecord | undefined> {
  if (status === 'delivered') {
    await db
      .updateTable('notification')
      .set({ status: 'delivered', delivered_at: sql<Date>`coalesce(delivered_at, now())` })
      .where('provider_message_id', '=', providerMessageId)
      .where('status', 'in', ['sent', 'delivered', 'failed'])
      .execute();
  } else {
    await db
      .updateTable('notification')
      .set({ status: 'failed', last_error: error ?? 'reported failed by the provider' })
      .where('provider_message_id', '=', providerMessageId)
      .where('status', '=', 'sent')
      .execute();
  }
  const row = await db
    .selectFrom('notification')
    .selectAll()
    .where('provider_message_id', '=', providerMessageId)
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** A citizen's portal messages, newest first, with the count of unread ones. */
export async function listPortalMessages(db: Kysely<DB>, personId: string, page: PageQuery) {
  const base = db
    .selectFrom('notification')
    .where('person_id', '=', personId)
    .where('channel', '=', 'portal');
  const [rows, counts] = await Promise.all([
    base
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    base
      .select((eb) => [
        eb.fn.countAll<string>().as('total'),
        eb.fn.count<string>('id').filterWhere('read_at', 'is', null).as('unread'),
      ])
      .executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRecord), total: Number(counts.total), unread: Number(counts.unread) };
}

/** Marks one of the person's portal messages read (the first reading time is kept); undefined: not theirs. */
export async function markRead(
  db: Kysely<DB>,
  id: string,
  personId: string,
): Promise<NotificationRecord | undefined> {
  const row = await db
    .updateTable('notification')
    .set({ read_at: sql<Date>`coalesce(read_at, now())` })
    .where('id', '=', id)
    .where('person_id', '=', personId)
    .where('channel', '=', 'portal')
    .returningAll()
    .executeTakeFirst();
  return row ? toRecord(row) : undefined;
}

/** The outbox for staff, narrowed in SQL to the persons of households in scope. */
export async function listNotifications(
  db: Kysely<DB>,
  filters: { status?: NotificationStatus | undefined; channel?: NotificationChannel | undefined },
  page: PageQuery,
  scope: Scope,
) {
  let query = db.selectFrom('notification').where(personIdInScope(scope, 'notification.person_id'));
  if (filters.status) query = query.where('status', '=', filters.status);
  if (filters.channel) query = query.where('channel', '=', filters.channel);
  const [rows, count] = await Promise.all([
    query
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toRecord), total: Number(count.n) };
}
