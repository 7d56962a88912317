import type { Selectable } from 'kysely';
import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 010_proactive.sql. */

export type ServiceCaseStatus = Selectable<ServiceCaseTable>['status'];
export type ServiceCaseStepStatus = Selectable<ServiceCaseStepTable>['status'];

export type ServiceCaseTable = Tables.ServiceCase;

export type ServiceCaseStepTable = Tables.ServiceCaseStep;

export type OfferResponse = Selectable<OfferResponseTable>['response'];

/** Migration 011_offer_response.sql. */
export type OfferResponseTable = Tables.OfferResponse;
