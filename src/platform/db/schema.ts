import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { AdministrationTables } from '../../administration/administration.tables.ts';
import type { AuditTables } from '../../audit/audit.tables.ts';
import type { DciTables } from '../../dci/dci.tables.ts';
import type { DocumentTables } from '../../documents/documents.tables.ts';
import type { IdentityTables } from '../../identity/identity.tables.ts';
import type { IntegrationTables } from '../../integration/integration.tables.ts';
import type { NotificationTables } from '../../notifications/notifications.tables.ts';
import type { ProactiveTables } from '../../proactive/proactive.tables.ts';

/**
 * Hand-kept table types, one per table of the migrations. Dates are 'YYYY-MM-DD' strings; so'm
 * amounts are numbers (int8 parsed to a double is exact up to 9e15).
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type DefaultedText<T extends string = string> = ColumnType<T, T | undefined, T>;

export interface RegionTable {
  code: string;
  name_uz_latn: string;
  name_uz_cyrl: string;
  name_ru: string;
  name_en: string;
  population: number;
}

export interface DistrictTable {
  code: string;
  region_code: string;
  kind: 'district' | 'city';
  name_uz_latn: string;
  name_uz_cyrl: string;
  name_ru: string;
  name_en: string;
  population: number;
  remote: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface MahallaTable {
  code: string;
  district_code: string;
  name_uz_latn: string;
  name_uz_cyrl: string;
  name_ru: string;
  name_en: string;
  population: number;
}

export type Sex = 'M' | 'F';
export type Education =
  | 'none'
  | 'preschool'
  | 'school'
  | 'vocational'
  | 'college'
  | 'university'
  | 'graduated';
export type Employment =
  | 'none'
  | 'child'
  | 'student'
  | 'employed_formal'
  | 'employed_informal'
  | 'self_employed'
  | 'unemployed'
  | 'retired'
  | 'homemaker'
  | 'military';
export type EmploymentSector = 'public' | 'private' | 'security';

export interface PersonTable {
  id: string;
  pinfl: string | null;
  last_name: string;
  first_name: string;
  patronymic: string | null;
  name_key: string;
  sex: Sex;
  birth_date: string;
  death_date: string | null;
  phone: string | null;
  education: DefaultedText<Education>;
  employment: DefaultedText<Employment>;
  employment_sector: EmploymentSector | null;
  merged_into: string | null;
  source: string;
  source_ref: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface PersonHistoryTable {
  id: Generated<number>;
  person_id: string;
  field: string;
  old_value: string | null;
  new_value: string | null;
  change_request_id: string | null;
  source: string;
  changed_at: Generated<Date>;
}

export interface HouseholdTable {
  id: string;
  district_code: string;
  mahalla_code: string;
  address: string;
  created_on: string;
  dissolved_on: string | null;
  source: string;
  source_ref: string | null;
  created_at: Generated<Date>;
}

export type Relationship =
  | 'head'
  | 'spouse'
  | 'child'
  | 'parent'
  | 'sibling'
  | 'grandchild'
  | 'grandparent'
  | 'child_in_law'
  | 'other';

export interface MembershipTable {
  id: Generated<number>;
  household_id: string;
  person_id: string;
  relationship: Relationship;
  valid_from: string;
  valid_to: string | null;
  source: string;
  change_request_id: string | null;
}

export type IncomeKind =
  | 'wage'
  | 'pension'
  | 'business'
  | 'agriculture'
  | 'remittance'
  | 'allowance'
  | 'other';

export interface IncomeTable {
  id: Generated<number>;
  person_id: string;
  kind: IncomeKind;
  monthly_amount: number;
  valid_from: string;
  valid_to: string | null;
  source: string;
}

export interface DwellingTable {
  id: Generated<number>;
  household_id: string;
  owner_person_id: string | null;
  cadastre_number: string;
  kind: 'residential' | 'non_residential';
  area_m2: number;
  source: string;
}

export interface VehicleTable {
  id: Generated<number>;
  owner_person_id: string;
  plate: string;
  make: string;
  model_year: number;
  source: string;
}

export interface BankDepositTable {
  id: Generated<number>;
  person_id: string;
  balance: number;
  as_of: string;
  source: string;
}

export type DisabilityGroup = 'I' | 'II' | 'III' | 'child';

export interface DisabilityTable {
  id: Generated<number>;
  person_id: string;
  disability_group: DisabilityGroup;
  valid_from: string;
  valid_to: string | null;
  source: string;
}

export type ChangeRequestType =
  | 'add_member'
  | 'remove_member'
  | 'change_head'
  | 'split_household'
  | 'merge_households'
  | 'correct_personal_data';
export type ChangeRequestStatus = 'pending' | 'applied' | 'rejected';

export interface ChangeRequestTable {
  id: string;
  type: ChangeRequestType;
  household_id: string | null;
  person_id: string | null;
  payload: ColumnType<unknown, string, string>;
  payload_hash: string;
  effective_date: string;
  status: DefaultedText<ChangeRequestStatus>;
  submitted_by: string;
  source: string;
  submitted_at: Generated<Date>;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  result: ColumnType<unknown, string | null, string | null>;
}

export type DuplicateStatus = 'pending' | 'duplicate' | 'distinct';

export interface DuplicateCandidateTable {
  id: Generated<number>;
  person_a: string;
  person_b: string;
  reason: string;
  score: number;
  status: DefaultedText<DuplicateStatus>;
  detected_at: Generated<Date>;
  reviewed_by: string | null;
  reviewed_at: Date | null;
  note: string | null;
}

export interface SeedRunTable {
  id: Generated<number>;
  seed: number;
  households: number;
  persons: number;
  scope: string;
  reference_date: string;
  seconds: number;
  finished_at: Generated<Date>;
}

export type EvaluationTrigger = 'nightly' | 'manual' | 'household';
export type EvaluationStatus = 'queued' | 'running' | 'finished' | 'failed';

export interface EvaluationRunTable {
  id: Generated<number>;
  month: string;
  trigger: EvaluationTrigger;
  status: DefaultedText<EvaluationStatus>;
  job_id: string | null;
  parameters_digest: string | null;
  households_evaluated: ColumnType<number, number | undefined, number>;
  decisions_written: ColumnType<number, number | undefined, number>;
  error: string | null;
  created_at: Generated<Date>;
  started_at: Date | null;
  finished_at: Date | null;
  /** Written while the run works (migration 014); a stale one means the process died. */
  heartbeat_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

/**
 * A programme id: any id of the programme registry (src/programs/catalogue.ts), checked by the database
 * against the `programme` table (migration 017), which the application fills from the registry at start.
 */
export type DecisionProgramme = string;

/** The programme ids decisions may name (migration 017), upserted from the registry at start. */
export interface ProgrammeTable {
  id: string;
  declared_at: Generated<Date>;
}
export type DecisionKind = 'granted' | 'amount_changed' | 'ended';

export interface DecisionTable {
  id: Generated<number>;
  household_id: string;
  programme: DecisionProgramme;
  month: string;
  kind: DecisionKind;
  category_before: string;
  category_after: string;
  amount_before: number;
  amount_after: number;
  previous_decision_id: number | null;
  trace_id: number;
  parameters_digest: string;
  run_id: number;
  created_at: Generated<Date>;
}

export interface DecisionTraceTable {
  id: Generated<number>;
  household_id: string;
  month: string;
  run_id: number;
  parameters_digest: string;
  trace: ColumnType<unknown, string, string>;
  created_at: Generated<Date>;
}

export interface EntitlementTable {
  household_id: string;
  programme: DecisionProgramme;
  category: string;
  amount: number;
  from_month: string;
  to_month: string | null;
  decided_month: string;
  last_decision_id: number;
  updated_at: Timestamp;
}

export type OverrideStatus = 'pending' | 'approved' | 'rejected';

export interface OverrideRequestTable {
  id: string;
  household_id: string;
  programme: DecisionProgramme;
  month: string;
  /** Last month the override holds (inclusive); evaluations of months up to it keep its outcome. */
  until_month: string;
  amount: number | null;
  category: string | null;
  reason: string;
  legal_basis: string;
  status: DefaultedText<OverrideStatus>;
  requested_by: string;
  reviewed_by: string | null;
  review_note: string | null;
  decision_id: number | null;
  created_at: Generated<Date>;
  reviewed_at: Date | null;
}

export type AppealStatus = 'submitted' | 'under_review' | 'upheld' | 'overturned' | 'withdrawn';

export interface AppealTable {
  id: string;
  decision_id: number;
  household_id: string;
  grounds: string;
  status: DefaultedText<AppealStatus>;
  submitted_by: string;
  /** 'YYYY-MM-DD'. */
  submitted_on: ColumnType<string, string, string>;
  due_on: ColumnType<string, string, string>;
  override_id: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface AppealEventTable {
  id: Generated<number>;
  appeal_id: string;
  from_status: AppealStatus | null;
  to_status: AppealStatus;
  actor: string;
  note: string | null;
  at: Generated<Date>;
}

export type ApplicationStatus = 'submitted' | 'questionnaire_done' | 'mahalla_opinion' | 'decided';
export type ApplicationChannel = 'portal' | 'social_worker' | 'mygov' | 'centre';

export interface ApplicationTable {
  id: string;
  household_id: string;
  programme: DecisionProgramme;
  channel: ApplicationChannel;
  submitted_on: string;
  submitted_by: string;
  decision_month: string;
  status: DefaultedText<ApplicationStatus>;
  precheck_entitled: boolean;
  precheck_category: string;
  questionnaire_by: string | null;
  questionnaire_on: string | null;
  mahalla_supports: boolean | null;
  mahalla_by: string | null;
  mahalla_on: string | null;
  due_on: string | null;
  decided_on: string | null;
  outcome_entitled: boolean | null;
  outcome_category: string | null;
  outcome_amount: number | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** Contexts that own several tables keep their types beside their code and are merged in here. */
export interface DB
  extends IdentityTables,
    AuditTables,
    ProactiveTables,
    IntegrationTables,
    DciTables,
    NotificationTables,
    DocumentTables,
    AdministrationTables {
  region: RegionTable;
  district: DistrictTable;
  mahalla: MahallaTable;
  person: PersonTable;
  person_history: PersonHistoryTable;
  household: HouseholdTable;
  membership: MembershipTable;
  income: IncomeTable;
  dwelling: DwellingTable;
  vehicle: VehicleTable;
  bank_deposit: BankDepositTable;
  disability: DisabilityTable;
  change_request: ChangeRequestTable;
  duplicate_candidate: DuplicateCandidateTable;
  seed_run: SeedRunTable;
  evaluation_run: EvaluationRunTable;
  decision_trace: DecisionTraceTable;
  decision: DecisionTable;
  programme: ProgrammeTable;
  entitlement: EntitlementTable;
  override_request: OverrideRequestTable;
  appeal: AppealTable;
  appeal_event: AppealEventTable;
  application: ApplicationTable;
}

export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type HouseholdRow = Selectable<HouseholdTable>;
export type MembershipRow = Selectable<MembershipTable>;
