import type { ColumnType, Generated } from 'kysely';

/** Table types of migration 010_proactive.sql. */

export type ServiceCaseStatus = 'open' | 'done' | 'failed';
export type ServiceCaseStepStatus = 'done' | 'skipped' | 'failed';

export interface ServiceCaseTable {
  id: string;
  event_id: string;
  source: string;
  kind: string;
  occurred_on: string;
  household_ids: string[];
  person_ids: string[];
  status: ColumnType<ServiceCaseStatus, ServiceCaseStatus | undefined, ServiceCaseStatus>;
  created_at: Generated<Date>;
  finished_at: Date | null;
}

export interface ServiceCaseStepTable {
  id: Generated<number>;
  case_id: string;
  step: string;
  status: ServiceCaseStepStatus;
  detail: ColumnType<unknown, string | undefined, string>;
  at: Generated<Date>;
}

export type OfferResponse = 'accepted' | 'declined';

/** Migration 011_offer_response.sql. */
export interface OfferResponseTable {
  decision_id: number;
  response: OfferResponse;
  person_id: string;
  channel: ColumnType<string, string | undefined, string>;
  responded_at: Generated<Date>;
}

export interface ProactiveTables {
  service_case: ServiceCaseTable;
  service_case_step: ServiceCaseStepTable;
  offer_response: OfferResponseTable;
}
