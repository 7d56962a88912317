import { type Kysely, sql } from 'kysely';
import type { IntakeCallbackPayload, IntakeStatus } from '../notifications/notifications.tables.ts';
import type { DB } from '../platform/db/schema.ts';

/** All SQL of the my.gov.uz intake. Rows are mapped to plain objects here and never leave raw. */

export interface IntakeRecord {
  applicationId: string;
  personId: string;
  clientId: string;
  callbackUrl: string;
  consentId: string | null;
  consentAt: Date;
  createdAt: Date;
}

export async function findIntake(db: Kysely<DB>, applicationId: string): Promise<IntakeRecord | undefined> {
  const row = await db
    .selectFrom('intake_application')
    .selectAll()
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return row
    ? {
        applicationId: row.application_id,
        personId: row.person_id,
        clientId: row.client_id,
        callbackUrl: row.callback_url,
        consentId: row.consent_id,
        consentAt: new Date(row.consent_at),
        createdAt: new Date(row.created_at),
      }
    : undefined;
}

export async function insertIntake(db: Kysely<DB>, r: Omit<IntakeRecord, 'createdAt'>): Promise<boolean> {
  const rows = await db
    .insertInto('intake_application')
    .values({
      application_id: r.applicationId,
      person_id: r.personId,
      client_id: r.clientId,
      callback_url: r.callbackUrl,
      consent_id: r.consentId,
      consent_at: r.consentAt,
    })
    .onConflict((oc) => oc.column('application_id').doNothing())
    .returning('application_id')
    .execute();
  return rows.length > 0;
}

/** One callback per application and status (the constraint makes a repeated notify a no-op). */
export async function insertCallback(
  db: Kysely<DB>,
  c: { id: string; applicationId: string; status: IntakeStatus; payload: IntakeCallbackPayload },
): Promise<boolean> {
  const rows = await db
    .insertInto('intake_callback')
    .values({
      id: c.id,
      application_id: c.applicationId,
      status: c.status,
      payload: JSON.stringify(c.payload),
    })
    .onConflict((oc) => oc.constraint('intake_callback_once').doNothing())
    .returning('id')
    .execute();
  return rows.length > 0;
}

export interface DueCallback {
  id: string;
  applicationId: string;
  status: IntakeStatus;
  payload: IntakeCallbackPayload;
  attempts: number;
  callbackUrl: string;
  /** The machine client the application came from: its callback URIs bound the address. */
  clientId: string;
}

/**
 * A callback the outbox is about to deliver: marked 'sending' with the outbox's count of attempts.
 * Undefined when it is gone or settled already, so that it is never delivered twice.
 */
export async function markCallbackSending(
  db: Kysely<DB>,
  id: string,
  attempts: number,
): Promise<DueCallback | undefined> {
  const row = await db
    .updateTable('intake_callback')
    .set({ state: 'sending', attempts })
    .where('id', '=', id)
    .where('state', 'in', ['queued', 'sending'])
    .returning(['id', 'application_id', 'status', 'payload', 'attempts'])
    .executeTakeFirst();
  if (!row) return undefined;
  const intake = await db
    .selectFrom('intake_application')
    .select(['callback_url', 'client_id'])
    .where('application_id', '=', row.application_id)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    applicationId: row.application_id,
    status: row.status,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    attempts: row.attempts,
    callbackUrl: intake.callback_url,
    clientId: intake.client_id,
  };
}

/** A failed callback that staff send again. */
export async function requeueFailedCallback(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .updateTable('intake_callback')
    .set({ state: 'queued', attempts: 0, next_attempt_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('state', '=', 'failed')
    .execute();
}

const statusRank = (column: string) =>
  sql`array_position(array['submitted', 'questionnaire_done', 'mahalla_opinion', 'decided'], ${sql.ref(column)})`;

export async function markDelivered(db: Kysely<DB>, id: string): Promise<void> {
  await db
    .updateTable('intake_callback')
    .set({ state: 'delivered', delivered_at: sql<Date>`now()`, last_error: null })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .execute();
}

export async function markCallbackFailed(
  db: Kysely<DB>,
  id: string,
  error: string,
  retryInMs: number | null,
): Promise<void> {
  await db
    .updateTable('intake_callback')
    .set(
      retryInMs === null
        ? { state: 'failed', last_error: error }
        : {
            state: 'queued',
            last_error: error,
            next_attempt_at: sql<Date>`now() + make_interval(secs => ${retryInMs / 1000})`,
          },
    )
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .execute();
}

export interface CallbackRecord {
  status: IntakeStatus;
  state: string;
  attempts: number;
  lastError: string | null;
  deliveredAt: Date | null;
}

export async function listCallbacks(db: Kysely<DB>, applicationId: string): Promise<CallbackRecord[]> {
  const rows = await db
    .selectFrom('intake_callback')
    .select(['status', 'state', 'attempts', 'last_error', 'delivered_at'])
    .where('application_id', '=', applicationId)
    .orderBy(statusRank('status'))
    .execute();
  return rows.map((r) => ({
    status: r.status,
    state: r.state,
    attempts: r.attempts,
    lastError: r.last_error,
    deliveredAt: r.delivered_at ? new Date(r.delivered_at) : null,
  }));
}
