import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/**
 * Tables of migration 008: the notification outbox, and the my.gov.uz intake's records and status
 * callbacks (kept here so that the database type takes one name from the two contexts).
 */

export type NotificationChannel = Selectable<NotificationTable>['channel'];
export type NotificationStatus = Selectable<NotificationTable>['status'];

export type NotificationTable = Tables.Notification;

export type IntakeApplicationTable = Tables.IntakeApplication;

export type IntakeCallbackState = Selectable<IntakeCallbackTable>['state'];
export type IntakeStatus = Selectable<IntakeCallbackTable>['status'];

export interface IntakeCallbackPayload {
  applicationId: string;
  status: IntakeStatus;
  outcome?: { entitled: boolean; category: string; amount: number };
}

export type IntakeCallbackTable = Tables.IntakeCallback;
