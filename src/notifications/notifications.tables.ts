import type { ColumnType, Generated } from 'kysely';
import type { Language } from '../platform/errors.ts';

/**
 * Tables of migration 008: the notification outbox, and the my.gov.uz intake's records and status
 * callbacks (kept here so that the database type takes one name from the two contexts).
 */

export type NotificationChannel = 'sms' | 'portal';
export type NotificationStatus = 'queued' | 'sending' | 'sent' | 'delivered' | 'failed';

type Json<T> = ColumnType<T, string, string>;

export interface NotificationTable {
  id: string;
  person_id: string;
  channel: NotificationChannel;
  template: string;
  params: Json<Record<string, string | number>>;
  language: Language;
  body: string;
  phone: string | null;
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Date | null;
  last_error: string | null;
  provider: string | null;
  provider_message_id: string | null;
  dedupe_key: string;
  created_at: Generated<Date>;
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
}

export interface IntakeApplicationTable {
  application_id: string;
  person_id: string;
  client_id: string;
  callback_url: string;
  consent_id: string | null;
  consent_at: ColumnType<Date, Date | string, Date | string>;
  created_at: Generated<Date>;
}

export type IntakeCallbackState = 'queued' | 'sending' | 'delivered' | 'failed';
export type IntakeStatus = 'submitted' | 'questionnaire_done' | 'mahalla_opinion' | 'decided';

export interface IntakeCallbackPayload {
  applicationId: string;
  status: IntakeStatus;
  outcome?: { entitled: boolean; category: string; amount: number };
}

export interface IntakeCallbackTable {
  id: string;
  application_id: string;
  status: IntakeStatus;
  payload: Json<IntakeCallbackPayload>;
  state: ColumnType<IntakeCallbackState, IntakeCallbackState | undefined, IntakeCallbackState>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string>;
  last_error: string | null;
  created_at: Generated<Date>;
  delivered_at: Date | null;
}

export interface NotificationTables {
  notification: NotificationTable;
  intake_application: IntakeApplicationTable;
  intake_callback: IntakeCallbackTable;
}
