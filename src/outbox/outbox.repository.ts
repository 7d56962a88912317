import { type Kysely, type Selectable, sql, type UpdateObject } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import type { DeadReason, OutboxMessage } from './outbox.handlers.ts';
import type { OutboxMessageTable } from './outbox.tables.ts';

/** All SQL of the outbox. */

export interface NewOutboxMessage {
  id: string;
  kind: string;
  payload: Record<string, unknown>;
  target: string;
  idempotencyKey: string;
  orderKey?: string | null;
}

/** Inserts unless the idempotency key exists; returns the id of the key's row and whether it is new. */
export async function insertMessage(
  db: Kysely<DB>,
  m: NewOutboxMessage,
): Promise<{ id: string; created: boolean }> {
  const inserted = await db
    .insertInto('outbox_message')
    .values({
      id: m.id,
      kind: m.kind,
      payload: JSON.stringify(m.payload),
      target: m.target,
      idempotency_key: m.idempotencyKey,
      order_key: m.orderKey ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true };
  const found = await db
    .selectFrom('outbox_message')
    .select('id')
    .where('idempotency_key', '=', m.idempotencyKey)
    .executeTakeFirstOrThrow();
  return { id: found.id, created: false };
}

/** Inserts the messages whose idempotency key is new (one statement); returns how many were. */
export async function insertMessages(db: Kysely<DB>, messages: readonly NewOutboxMessage[]): Promise<number> {
  if (messages.length === 0) return 0;
  // Column arrays (unnest): one statement planned once for a batch of any size.
  const { rows } = await sql<{ n: number }>`with inserted as (
      insert into outbox_message (id, kind, payload, target, idempotency_key, order_key)
      select u.id, u.kind, u.payload::jsonb, u.target, u.idempotency_key, u.order_key
      from unnest(${messages.map((m) => m.id)}::uuid[], ${messages.map((m) => m.kind)}::text[],
        ${messages.map((m) => JSON.stringify(m.payload))}::text[], ${messages.map((m) => m.target)}::text[],
        ${messages.map((m) => m.idempotencyKey)}::text[], ${messages.map((m) => m.orderKey ?? null)}::text[])
        as u(id, kind, payload, target, idempotency_key, order_key)
      on conflict (idempotency_key) do nothing
      returning 1
    )
    select count(*)::int as n from inserted`.execute(db);
  return rows[0]?.n ?? 0;
}

type Row = Selectable<OutboxMessageTable>;

const toMessage = (r: Row): OutboxMessage => ({
  id: r.id,
  kind: r.kind,
  payload: typeof r.payload === 'string' ? JSON.parse(r.payload) : r.payload,
  target: r.target,
  idempotencyKey: r.idempotency_key,
  attempts: r.attempts,
  createdAt: new Date(r.created_at),
});

/**
 * Claims due messages of the given kinds (`for update skip locked`, so any number of workers may run):
 * counts the attempt and leases the row for `leaseSeconds`, after which a worker that died is presumed
 * dead and the row is due again. A message waits while an earlier one of its order key is pending.
 */
export async function claimDue(
  db: Kysely<DB>,
  kinds: readonly string[],
  limit: number,
  leaseSeconds: number,
): Promise<OutboxMessage[]> {
  if (kinds.length === 0) return [];
  const result = await sql<Row>`
    update outbox_message set attempts = attempts + 1, updated_at = now(),
      next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
    where id in (
      select m.id from outbox_message m
      where m.status = 'pending' and m.next_attempt_at <= now()
        and m.kind in (${sql.join(kinds)})
        and (m.order_key is null or not exists (
          select 1 from outbox_message e
          where e.order_key = m.order_key and e.status = 'pending' and e.seq < m.seq))
      order by m.next_attempt_at
      limit ${limit}
      for update of m skip locked)
    returning *`.execute(db);
  return result.rows.map(toMessage);
}

/**
 * Settles a message that is still pending (a message another worker settled, or staff sent again, is left
 * alone): whether this call changed it.
 */
async function settlePending(
  db: Kysely<DB>,
  id: string,
  change: UpdateObject<DB, 'outbox_message'>,
): Promise<boolean> {
  const rows = await db
    .updateTable('outbox_message')
    .set({ ...change, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .returning('id')
    .execute();
  return rows.length > 0;
}

export function markDelivered(db: Kysely<DB>, id: string): Promise<boolean> {
  return settlePending(db, id, { status: 'delivered', delivered_at: sql<Date>`now()`, last_error: null });
}

export function markRetry(db: Kysely<DB>, id: string, error: string, retryInMs: number): Promise<boolean> {
  return settlePending(db, id, {
    last_error: error.slice(0, 1000),
    next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})`,
  });
}

export function markDead(db: Kysely<DB>, id: string, error: string, reason: DeadReason): Promise<boolean> {
  return settlePending(db, id, {
    status: 'dead',
    last_error: error.slice(0, 1000),
    dead_reason: reason,
    dead_at: sql<Date>`now()`,
  });
}

/**
 * The earliest due time of a message a pass of these kinds could claim (undefined: none). Messages waiting
 * behind an earlier one of their order key do not count: a loop would otherwise wake for them at once,
 * again and again, while the earlier one waits for its retry.
 */
export async function nextDueAt(db: Kysely<DB>, kinds: readonly string[]): Promise<Date | undefined> {
  if (kinds.length === 0) return undefined;
  const result = await sql<{ at: Date | string | null }>`
    select min(m.next_attempt_at) as at from outbox_message m
    where m.status = 'pending' and m.kind in (${sql.join(kinds)})
      and (m.order_key is null or not exists (
        select 1 from outbox_message e
        where e.order_key = m.order_key and e.status = 'pending' and e.seq < m.seq))`.execute(db);
  const at = result.rows[0]?.at;
  return at ? new Date(at) : undefined;
}

export interface DeadLetter {
  id: string;
  kind: string;
  target: string;
  attempts: number;
  reason: DeadReason;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

const toDeadLetter = (r: Row): DeadLetter => ({
  id: r.id,
  kind: r.kind,
  target: r.target,
  attempts: r.attempts,
  reason: (r.dead_reason ?? 'attempts_exhausted') as DeadReason,
  lastError: r.last_error,
  createdAt: new Date(r.created_at),
  deadAt: new Date(r.dead_at ?? r.updated_at),
});

function deadLetters(db: Kysely<DB>, filter: { kind?: string | undefined }) {
  const base = db.selectFrom('outbox_message').where('status', '=', 'dead');
  return filter.kind ? base.where('kind', '=', filter.kind) : base;
}

export async function countDeadLetters(db: Kysely<DB>, filter: { kind?: string | undefined }) {
  const count = await deadLetters(db, filter)
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(count.n);
}

/** Dead letters, the latest given up first. */
export async function listDeadLetters(
  db: Kysely<DB>,
  filter: { kind?: string | undefined },
  page: PageQuery,
): Promise<{ items: DeadLetter[]; total: number }> {
  const base = deadLetters(db, filter);
  const [rows, total] = await Promise.all([
    base
      .selectAll()
      .orderBy('dead_at', 'desc')
      .orderBy('seq', 'desc')
      .limit(page.pageSize)
      .offset(offsetOf(page))
      .execute(),
    countDeadLetters(db, filter),
  ]);
  return { items: rows.map(toDeadLetter), total };
}

export async function findMessage(db: Kysely<DB>, id: string) {
  const row = await db.selectFrom('outbox_message').selectAll().where('id', '=', id).executeTakeFirst();
  return row && { message: toMessage(row), status: row.status };
}

/** A dead letter queued again for a fresh series of attempts (its last error kept until the next one). */
export async function reopen(db: Kysely<DB>, id: string): Promise<OutboxMessage | undefined> {
  const row = await db
    .updateTable('outbox_message')
    .set({
      status: 'pending',
      attempts: 0,
      dead_reason: null,
      dead_at: null,
      next_attempt_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .returningAll()
    .executeTakeFirst();
  return row && toMessage(row);
}

export interface KindState {
  kind: string;
  queued: number;
  retrying: number;
  sent: number;
  dead: number;
  /** Seconds the oldest message still waiting (queued or retrying) has waited; null when none waits. */
  oldestWaitingSeconds: number | null;
}

/** Counts per kind and state, with the oldest waiting age, in one pass over the table. */
export async function stateByKind(db: Kysely<DB>): Promise<KindState[]> {
  const rows = await db
    .selectFrom('outbox_message')
    .select([
      'kind',
      sql<string>`count(*) filter (where status = 'pending' and attempts = 0)`.as('queued'),
      sql<string>`count(*) filter (where status = 'pending' and attempts > 0)`.as('retrying'),
      sql<string>`count(*) filter (where status = 'delivered')`.as('sent'),
      sql<string>`count(*) filter (where status = 'dead')`.as('dead'),
      sql<
        string | null
      >`floor(extract(epoch from now() - min(created_at) filter (where status = 'pending')))`.as('oldest'),
    ])
    .groupBy('kind')
    .orderBy('kind')
    .execute();
  return rows.map((r) => ({
    kind: r.kind,
    queued: Number(r.queued),
    retrying: Number(r.retrying),
    sent: Number(r.sent),
    dead: Number(r.dead),
    oldestWaitingSeconds: r.oldest === null ? null : Math.max(0, Number(r.oldest)),
  }));
}
