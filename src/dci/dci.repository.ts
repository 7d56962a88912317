import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { householdRowInScope } from '../access/scope.sql.ts';
import type { DB } from '../platform/db/schema.ts';
import type { Condition, Entity, SortKey, ValueKind } from './dci.query.ts';
import type { DciOutboxKind, DciStatus, DciTransactionKind } from './dci.tables.ts';

/** All SQL of the DCI API: the search over households and persons, transactions, subscriptions, outbox. */

/** The dates and poverty line a search is computed for (see README: poverty_score). */
export interface SearchDates {
  /** Membership on this day counts. */
  asOf: string;
  /** The three calendar months before asOf's month: [windowStart, windowEnd). */
  windowStart: string;
  windowEnd: string;
  /** MCE in force on the first day of asOf's month, so'm per person per month. */
  mce: number;
}

export interface SearchRow {
  household_id: string;
  region_code: string;
  district_code: string;
  mahalla_code: string;
  address: string;
  registration_date: string;
  category: string | null;
  group_size: number;
  poverty_score: number | null;
  person_id?: string;
  total_count: number;
}

const CASTS: Record<ValueKind, string> = {
  text: 'text',
  number: 'numeric',
  date: 'date',
  uuid: 'uuid',
  sex: 'text',
  pinfl: 'text',
};
const OPERATORS = { eq: '=', ne: '<>', lt: '<', le: '<=', gt: '>', ge: '>=' } as const;

const current = (alias: string, asOf: string) =>
  sql<SqlBool>`${sql.ref(`${alias}.valid_from`)} <= ${asOf}::date
    and (${sql.ref(`${alias}.valid_to`)} is null or ${sql.ref(`${alias}.valid_to`)} > ${asOf}::date)`;

/** A parsed condition as SQL over the search row `r`: names from the closed attribute list, values bound. */
export function conditionSql(condition: Condition, asOf: string): RawBuilder<SqlBool> {
  if ('and' in condition) {
    return sql<SqlBool>`(${sql.join(
      condition.and.map((c) => conditionSql(c, asOf)),
      sql` and `,
    )})`;
  }
  if ('or' in condition) {
    return sql<SqlBool>`(${sql.join(
      condition.or.map((c) => conditionSql(c, asOf)),
      sql` or `,
    )})`;
  }
  if ('not' in condition) return sql<SqlBool>`(not coalesce(${conditionSql(condition.not, asOf)}, false))`;
  const type = sql.raw(CASTS[condition.kind]);
  const compare = (target: RawBuilder<unknown>): RawBuilder<SqlBool> =>
    condition.op === 'in'
      ? sql<SqlBool>`${target} = any(cast(${condition.value} as ${type}[]))`
      : sql<SqlBool>`${target} ${sql.raw(OPERATORS[condition.op])} cast(${condition.value} as ${type})`;
  const parts = condition.columns.map((column) => {
    if (column === 'member_pinfl') {
      return sql<SqlBool>`exists (select 1 from membership qm join person qp on qp.id = qm.person_id
        where qm.household_id = r.household_id and ${current('qm', asOf)} and ${compare(sql.ref('qp.pinfl'))})`;
    }
    return compare(sql.ref(`r.${column}`));
  });
  return parts.length === 1 && parts[0] ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/** What the maintained figures of a household were computed for (migration 028): the day and the MCE. */
export function figureBasis(d: SearchDates): string {
  return `${d.asOf}|${d.mce}`;
}

/** A household's size and poverty score computed from the registry (the definition; README: poverty_score). */
function liveFigures(household: RawBuilder<unknown>, d: SearchDates) {
  const windowDays = Math.round((Date.parse(d.windowEnd) - Date.parse(d.windowStart)) / 86_400_000);
  return sql`
    select s.group_size,
      case when s.group_size > 0
        then round((s.income_days / ${windowDays}::float8 / s.group_size / ${d.mce}::float8)::numeric, 2)::float8
      end as poverty_score
    from (
      select count(distinct m.person_id)::int as group_size,
        coalesce(sum(i.monthly_amount::float8 * greatest(0,
          least(coalesce(i.valid_to, ${d.windowEnd}::date), ${d.windowEnd}::date)
          - greatest(i.valid_from, ${d.windowStart}::date))), 0)::float8 as income_days
      from membership m
      left join income i on i.person_id = m.person_id
        and i.valid_from < ${d.windowEnd}::date and (i.valid_to is null or i.valid_to > ${d.windowStart}::date)
      where m.household_id = ${household} and ${current('m', d.asOf)}
    ) s`;
}

/**
 * Size and poverty score of every household: the maintained figures where they were computed for this
 * day and MCE and nothing changed since (an index scan for a condition on either), computed live for the
 * rest (a household changed since the last refresh, or a new day before the refresh ran). The same values
 * either way: the live branch is the definition, the refresh stores its result.
 */
function figureRows(d: SearchDates) {
  const basis = figureBasis(d);
  return sql`
    select f.household_id, f.group_size, f.poverty_score
    from dci_household_figure f where f.basis = ${basis}
    union all
    select f.household_id, s.group_size, s.poverty_score
    from dci_household_figure f cross join lateral (${liveFigures(sql.ref('f.household_id'), d)}) s
    where f.basis is null or f.basis < ${basis} or f.basis > ${basis}`;
}

/** One row per household in scope, with its size and poverty score (above). */
function groupRows(scope: Scope, d: SearchDates) {
  return sql`
    select h.id as household_id, dd.region_code, h.district_code, h.mahalla_code, h.address,
      h.created_on::text as registration_date, e.category, g.group_size, g.poverty_score
    from (${figureRows(d)}) g
    join household h on h.id = g.household_id
    join district dd on dd.code = h.district_code
    left join entitlement e on e.household_id = h.id and e.programme = 'social_registry' and e.to_month is null
    where h.dissolved_on is null and ${householdRowInScope(scope, 'h')}`;
}

/**
 * Stores the figures of up to `limit` households whose row is not for `d` (changed, or another day), in
 * household order. A row invalidated while this ran (its version moved on) keeps its null basis: the next
 * refresh computes it again. Returns how many rows were stored.
 */
export async function refreshFigures(db: Kysely<DB>, d: SearchDates, limit: number): Promise<number> {
  const basis = figureBasis(d);
  const result = await sql`
    update dci_household_figure f
    set basis = ${basis}, group_size = c.group_size, poverty_score = c.poverty_score, computed_at = now()
    from (
      select t.household_id, t.version, s.group_size, s.poverty_score
      from (
        select household_id, version from dci_household_figure
        where basis is null or basis < ${basis} or basis > ${basis}
        order by household_id limit ${limit}
      ) t cross join lateral (${liveFigures(sql.ref('t.household_id'), d)}) s
    ) c
    where f.household_id = c.household_id and f.version = c.version`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/** Households whose figures are not for `d` (the refresh's backlog; 0 = every search is an index scan). */
export async function countStaleFigures(db: Kysely<DB>, d: SearchDates): Promise<number> {
  const basis = figureBasis(d);
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from dci_household_figure
    where basis is null or basis < ${basis} or basis > ${basis}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

function memberRows(scope: Scope, d: SearchDates) {
  return sql`
    select g.*, p.id as person_id, p.pinfl, p.sex, p.birth_date::text as birth_date,
      date_part('year', age(${d.asOf}::date, p.birth_date))::int as age, m.relationship, p.employment
    from (${groupRows(scope, d)}) g
    join membership m on m.household_id = g.household_id and ${current('m', d.asOf)}
    join person p on p.id = m.person_id
    where p.merged_into is null`;
}

/** A page of households (Group) or persons (Member) matching the condition, within the scope. */
export async function searchPage(
  db: Kysely<DB>,
  input: {
    scope: Scope;
    dates: SearchDates;
    entity: Entity;
    condition: Condition;
    sort: readonly SortKey[];
    pageSize: number;
    pageNumber: number;
  },
): Promise<{ rows: SearchRow[]; total: number }> {
  const base =
    input.entity === 'Group' ? groupRows(input.scope, input.dates) : memberRows(input.scope, input.dates);
  const where = conditionSql(input.condition, input.dates.asOf);
  const order = [
    ...input.sort.map(
      (k) => sql`${sql.ref(`r.${k.column}`)} ${sql.raw(k.descending ? 'desc' : 'asc')} nulls last`,
    ),
    sql`r.household_id`,
    ...(input.entity === 'Member' ? [sql`r.person_id`] : []),
  ];
  const offset = (input.pageNumber - 1) * input.pageSize;
  const { rows } = await sql<SearchRow>`
    select r.*, count(*) over ()::int as total_count from (${base}) r
    where ${where}
    order by ${sql.join(order)}
    limit ${input.pageSize} offset ${offset}`.execute(db);
  if (rows.length > 0) return { rows, total: Number(rows[0]?.total_count ?? 0) };
  if (offset === 0) return { rows: [], total: 0 };
  const counted = await sql<{ n: number }>`select count(*)::int as n from (${base}) r where ${where}`.execute(
    db,
  );
  return { rows: [], total: Number(counted.rows[0]?.n ?? 0) };
}

export interface MemberRow {
  household_id: string;
  relationship: string;
  valid_from: string;
  id: string;
  pinfl: string | null;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  sex: 'M' | 'F';
  birth_date: string;
  death_date: string | null;
  education: string;
  employment: string;
}

/** Current members of the households (head first), for the records of a page. */
export async function listMembers(
  db: Kysely<DB>,
  householdIds: readonly string[],
  asOf: string,
  personIds?: readonly string[],
): Promise<MemberRow[]> {
  if (householdIds.length === 0) return [];
  const { rows } = await sql<MemberRow>`
    select m.household_id, m.relationship, m.valid_from::text as valid_from, p.id, p.pinfl, p.last_name,
      p.first_name, p.patronymic, p.sex, p.birth_date::text as birth_date, p.death_date::text as death_date,
      p.education, p.employment
    from membership m join person p on p.id = m.person_id
    where m.household_id = any(${[...householdIds]}::uuid[]) and ${current('m', asOf)}
      and p.merged_into is null
      ${personIds ? sql`and p.id = any(${[...personIds]}::uuid[])` : sql``}
    order by m.household_id, (m.relationship = 'head') desc, p.birth_date, p.id`.execute(db);
  return rows;
}

// --- Transactions and requests ---

export interface TransactionRow {
  client_id: string;
  kind: DciTransactionKind;
  transaction_id: string;
  correlation_id: string;
  mode: 'sync' | 'async';
  message_hash: string;
  sender_id: string;
  sender_uri: string | null;
  message: unknown;
  scope: unknown;
  audit_actor: unknown;
  purpose: string | null;
  status: DciStatus;
  response: unknown;
  created_at: Date;
}

export async function findTransaction(
  db: Kysely<DB>,
  clientId: string,
  kind: DciTransactionKind,
  transactionId: string,
): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('dci_transaction')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('kind', '=', kind)
    .where('transaction_id', '=', transactionId)
    .executeTakeFirst();
}

export async function findTransactionByCorrelation(
  db: Kysely<DB>,
  clientId: string,
  kind: DciTransactionKind,
  correlationId: string,
): Promise<TransactionRow | undefined> {
  return db
    .selectFrom('dci_transaction')
    .selectAll()
    .where('client_id', '=', clientId)
    .where('kind', '=', kind)
    .where('correlation_id', '=', correlationId)
    .executeTakeFirst();
}

export interface NewTransaction {
  clientId: string;
  kind: DciTransactionKind;
  transactionId: string;
  correlationId: string;
  mode: 'sync' | 'async';
  messageHash: string;
  senderId: string;
  senderUri: string | null;
  message: unknown;
  scope: Scope;
  auditActor: unknown;
  purpose: string | null;
  status: DciStatus;
}

/** Inserts the transaction unless the client already sent one with that id; true when inserted. */
export async function insertTransaction(db: Kysely<DB>, t: NewTransaction): Promise<boolean> {
  const inserted = await db
    .insertInto('dci_transaction')
    .values({
      client_id: t.clientId,
      kind: t.kind,
      transaction_id: t.transactionId,
      correlation_id: t.correlationId,
      mode: t.mode,
      message_hash: t.messageHash,
      sender_id: t.senderId,
      sender_uri: t.senderUri,
      message: JSON.stringify(t.message),
      scope: JSON.stringify(t.scope),
      audit_actor: JSON.stringify(t.auditActor),
      purpose: t.purpose,
      status: t.status,
    })
    .onConflict((oc) => oc.columns(['client_id', 'kind', 'transaction_id']).doNothing())
    .returning('correlation_id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function completeTransaction(
  db: Kysely<DB>,
  key: { clientId: string; kind: DciTransactionKind; transactionId: string },
  status: DciStatus,
  response: unknown,
): Promise<void> {
  await db
    .updateTable('dci_transaction')
    .set({ status, response: JSON.stringify(response), completed_at: new Date() })
    .where('client_id', '=', key.clientId)
    .where('kind', '=', key.kind)
    .where('transaction_id', '=', key.transactionId)
    .execute();
}

export async function setTransactionStatus(
  db: Kysely<DB>,
  key: { clientId: string; kind: DciTransactionKind; transactionId: string },
  status: DciStatus,
): Promise<void> {
  await db
    .updateTable('dci_transaction')
    .set({ status })
    .where('client_id', '=', key.clientId)
    .where('kind', '=', key.kind)
    .where('transaction_id', '=', key.transactionId)
    .execute();
}

export interface RequestStatus {
  referenceId: string;
  status: DciStatus;
  reasonCode?: string | null;
  recordCount?: number | null;
}

/** Records (or updates) the status of each request of a transaction. */
export async function saveRequests(
  db: Kysely<DB>,
  key: { clientId: string; kind: DciTransactionKind; transactionId: string },
  requests: readonly RequestStatus[],
): Promise<void> {
  if (requests.length === 0) return;
  await db
    .insertInto('dci_request')
    .values(
      requests.map((r) => ({
        client_id: key.clientId,
        kind: key.kind,
        transaction_id: key.transactionId,
        reference_id: r.referenceId,
        status: r.status,
        status_reason_code: r.reasonCode ?? null,
        record_count: r.recordCount ?? null,
      })),
    )
    .onConflict((oc) =>
      oc.columns(['client_id', 'kind', 'transaction_id', 'reference_id']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        status_reason_code: eb.ref('excluded.status_reason_code'),
        record_count: eb.ref('excluded.record_count'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

export interface RequestRow {
  transaction_id: string;
  reference_id: string;
  status: DciStatus;
  status_reason_code: string | null;
  updated_at: Date;
}

/** Requests of one transaction, or (by reference ids) of the client's transactions of a kind. */
export async function listRequests(
  db: Kysely<DB>,
  clientId: string,
  kind: DciTransactionKind,
  by: { transactionId: string } | { referenceIds: readonly string[] },
): Promise<RequestRow[]> {
  let query = db
    .selectFrom('dci_request')
    .select(['transaction_id', 'reference_id', 'status', 'status_reason_code', 'updated_at'])
    .where('client_id', '=', clientId)
    .where('kind', '=', kind);
  query =
    'transactionId' in by
      ? query.where('transaction_id', '=', by.transactionId)
      : query.where('reference_id', 'in', [...by.referenceIds]);
  return query.orderBy('updated_at', 'desc').orderBy('reference_id').execute();
}

// --- Subscriptions ---

export interface SubscriptionRow {
  code: string;
  client_id: string;
  transaction_id: string;
  reference_id: string;
  reg_event_type: string;
  filter_type: 'idtype-value' | 'expression' | 'predicate';
  filter: unknown;
  notify_record_type: string;
  notify_uri: string;
  scope: unknown;
  audit_actor: unknown;
  status: 'subscribe' | 'unsubscribe';
  created_at: Date;
}

export async function insertSubscription(
  db: Kysely<DB>,
  s: Omit<SubscriptionRow, 'created_at' | 'status' | 'filter' | 'scope' | 'audit_actor'> & {
    filter: unknown;
    scope: Scope;
    auditActor: unknown;
  },
): Promise<void> {
  await db
    .insertInto('dci_subscription')
    .values({
      code: s.code,
      client_id: s.client_id,
      transaction_id: s.transaction_id,
      reference_id: s.reference_id,
      reg_event_type: s.reg_event_type,
      filter_type: s.filter_type,
      filter: JSON.stringify(s.filter),
      notify_record_type: s.notify_record_type,
      notify_uri: s.notify_uri,
      scope: JSON.stringify(s.scope),
      audit_actor: JSON.stringify(s.auditActor),
      status: 'subscribe',
    })
    .execute();
}

/** An active subscription of the client to the same event with the same filter, if any. */
export async function findActiveSameSubscription(
  db: Kysely<DB>,
  clientId: string,
  eventType: string,
  filterType: string,
  filter: unknown,
  notifyRecordType: string,
): Promise<string | undefined> {
  const { rows } = await sql<{ code: string }>`
    select code from dci_subscription
    where client_id = ${clientId} and status = 'subscribe' and reg_event_type = ${eventType}
      and filter_type = ${filterType} and filter = ${JSON.stringify(filter)}::jsonb
      and notify_record_type = ${notifyRecordType}
    limit 1`.execute(db);
  return rows[0]?.code;
}

export async function findSubscriptions(
  db: Kysely<DB>,
  codes: readonly string[],
): Promise<SubscriptionRow[]> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('dci_subscription')
    .selectAll()
    .where('code', 'in', [...codes])
    .execute();
}

export async function unsubscribe(db: Kysely<DB>, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  await db
    .updateTable('dci_subscription')
    .set({ status: 'unsubscribe', unsubscribed_at: new Date() })
    .where('code', 'in', [...codes])
    .where('status', '=', 'subscribe')
    .execute();
}

export async function activeSubscriptions(db: Kysely<DB>, eventType: string): Promise<SubscriptionRow[]> {
  return db
    .selectFrom('dci_subscription')
    .selectAll()
    .where('status', '=', 'subscribe')
    .where('reg_event_type', '=', eventType)
    .orderBy('created_at')
    .execute();
}

// --- Outbox ---

export interface NewOutboxRow {
  kind: DciOutboxKind;
  clientId: string;
  url: string;
  body: unknown;
  dedupeKey: string;
  subscriptionCode?: string | null;
  eventId?: string | null;
}

/** Queues a delivery once per dedupe key; returns its id (new or existing) and whether it is still pending. */
export async function enqueueOutbox(
  db: Kysely<DB>,
  row: NewOutboxRow,
): Promise<{ id: number; pending: boolean; created: boolean }> {
  const inserted = await db
    .insertInto('dci_outbox')
    .values({
      kind: row.kind,
      client_id: row.clientId,
      url: row.url,
      body: JSON.stringify(row.body),
      dedupe_key: row.dedupeKey,
      subscription_code: row.subscriptionCode ?? null,
      event_id: row.eventId ?? null,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: Number(inserted.id), pending: true, created: true };
  const found = await db
    .selectFrom('dci_outbox')
    .select(['id', 'status'])
    .where('dedupe_key', '=', row.dedupeKey)
    .executeTakeFirstOrThrow();
  return { id: Number(found.id), pending: found.status === 'pending', created: false };
}

export async function findOutboxByDedupeKey(
  db: Kysely<DB>,
  dedupeKey: string,
): Promise<{ id: number; pending: boolean } | undefined> {
  const row = await db
    .selectFrom('dci_outbox')
    .select(['id', 'status'])
    .where('dedupe_key', '=', dedupeKey)
    .executeTakeFirst();
  return row && { id: Number(row.id), pending: row.status === 'pending' };
}

export async function findOutbox(db: Kysely<DB>, id: number) {
  return db.selectFrom('dci_outbox').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function recordDelivery(
  db: Kysely<DB>,
  id: number,
  outcome: { delivered: true } | { delivered: false; error: string; failed: boolean },
): Promise<void> {
  await db
    .updateTable('dci_outbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      ...(outcome.delivered
        ? { status: 'delivered' as const, delivered_at: new Date(), last_error: null }
        : {
            last_error: outcome.error.slice(0, 1000),
            ...(outcome.failed ? { status: 'failed' as const } : {}),
          }),
    }))
    .where('id', '=', id)
    .execute();
}

/** Failed for good (the outbox gave it up), unless it was settled meanwhile. */
export async function markOutboxFailed(db: Kysely<DB>, id: number, error: string): Promise<void> {
  await db
    .updateTable('dci_outbox')
    .set({ status: 'failed', last_error: error.slice(0, 1000) })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}

/** A failed delivery that staff send again: pending, with a fresh count of attempts. */
export async function reopenOutbox(db: Kysely<DB>, id: number): Promise<void> {
  await db
    .updateTable('dci_outbox')
    .set({ status: 'pending', attempts: 0 })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .execute();
}

// --- Himoya's signing key ---

const SIGNING_KEY_ROW = 'current';

export async function findSigningKey(
  db: Kysely<DB>,
): Promise<{ privateJwk: Record<string, unknown>; publicJwk: Record<string, unknown> } | undefined> {
  const row = await db
    .selectFrom('dci_signing_key')
    .select(['private_jwk', 'public_jwk'])
    .where('id', '=', SIGNING_KEY_ROW)
    .executeTakeFirst();
  return row && { privateJwk: row.private_jwk, publicJwk: row.public_jwk };
}

/** Stores the key unless another process stored one first; the caller re-reads to use the winner. */
export async function insertSigningKeyIfAbsent(
  db: Kysely<DB>,
  privateJwk: Record<string, unknown>,
  publicJwk: Record<string, unknown>,
): Promise<void> {
  await db
    .insertInto('dci_signing_key')
    .values({
      id: SIGNING_KEY_ROW,
      private_jwk: JSON.stringify(privateJwk),
      public_jwk: JSON.stringify(publicJwk),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}
