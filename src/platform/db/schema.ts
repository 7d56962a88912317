import type { Insertable, Selectable } from 'kysely';
import type * as Tables from './tables.generated.ts';

/**
 * The registry's table types under the names the code uses. The types themselves are generated from the
 * migrations into tables.generated.ts (`npm run db:types`); nothing here repeats a column. Dates are
 * 'YYYY-MM-DD' strings; so'm amounts are numbers (int8 parsed to a double is exact up to 9e15). Named
 * value lists (Sex, Employment...) are read from the columns, whose CHECK constraints define them.
 */

export type RegionTable = Tables.Region;

export type DistrictTable = Tables.District;

export type MahallaTable = Tables.Mahalla;

export type Sex = Selectable<PersonTable>['sex'];
export type Education = Selectable<PersonTable>['education'];
export type Employment = Selectable<PersonTable>['employment'];
export type EmploymentSector = NonNullable<Selectable<PersonTable>['employment_sector']>;

export type PersonTable = Tables.Person;

export type PersonHistoryTable = Tables.PersonHistory;

export type HouseholdTable = Tables.Household;

export type Relationship = Selectable<MembershipTable>['relationship'];

export type MembershipTable = Tables.Membership;

export type IncomeKind = Selectable<IncomeTable>['kind'];

export type IncomeTable = Tables.Income;

export type DwellingTable = Tables.Dwelling;

export type VehicleTable = Tables.Vehicle;

export type BankDepositTable = Tables.BankDeposit;

export type DisabilityGroup = Selectable<DisabilityTable>['disability_group'];

export type DisabilityTable = Tables.Disability;

export type ChangeRequestType = Selectable<ChangeRequestTable>['type'];
export type ChangeRequestStatus = Selectable<ChangeRequestTable>['status'];

export type ChangeRequestTable = Tables.ChangeRequest;

export type DuplicateStatus = Selectable<DuplicateCandidateTable>['status'];

export type DuplicateCandidateTable = Tables.DuplicateCandidate;

export type SeedRunTable = Tables.SeedRun;

export type EvaluationTrigger = Selectable<EvaluationRunTable>['trigger'];
export type EvaluationStatus = Selectable<EvaluationRunTable>['status'];

export type EvaluationRunTable = Tables.EvaluationRun;

/**
 * A programme id: any id of the programme registry (src/programs/catalogue.ts), checked by the database
 * against the `programme` table (migration 017), which the application fills from the registry at start.
 */
export type DecisionProgramme = Selectable<DecisionTable>['programme'];

/** The programme ids decisions may name (migration 017), upserted from the registry at start. */
export type ProgrammeTable = Tables.Programme;
export type DecisionKind = Selectable<DecisionTable>['kind'];

export type DecisionTable = Tables.Decision;

export type DecisionTraceTable = Tables.DecisionTrace;

export type EntitlementTable = Tables.Entitlement;

export type OverrideStatus = Selectable<OverrideRequestTable>['status'];

export type OverrideRequestTable = Tables.OverrideRequest;

export type AppealStatus = Selectable<AppealTable>['status'];

export type AppealTable = Tables.Appeal;

export type AppealEventTable = Tables.AppealEvent;

export type ApplicationStatus = Selectable<ApplicationTable>['status'];
export type ApplicationChannel = Selectable<ApplicationTable>['channel'];

export type ApplicationTable = Tables.Application;

export type DB = Tables.DB;

export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type HouseholdRow = Selectable<HouseholdTable>;
export type MembershipRow = Selectable<MembershipTable>;
