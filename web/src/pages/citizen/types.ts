export interface Member {
  personId: string;
  relationship: string;
  pinfl: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  birthDate: string;
  education: string;
  employment: string;
  source: string;
  membershipSource: string;
}

export interface HouseholdView {
  id: string;
  /** Short human reference (H-2026-000042), shown instead of the id. */
  reference: string;
  address: string;
  source: string;
  members: Member[];
  facts: {
    incomes: { personId: string; kind: string; monthlyAmount: number; source: string }[];
    dwellings: { cadastreNumber: string; kind: string; areaM2: number; source: string }[];
    vehicles: { ownerPersonId: string; plate: string; make: string; modelYear: number; source: string }[];
    bankDeposits: { personId: string; balance: number; source: string }[];
    /** Sent to the family itself (health data): the group is a code, never shown as such. */
    disabilities?: { personId: string; group: string; source: string }[];
  };
}

/** A change request as the family sees it (GET /api/change-requests): a reported mistake has `contest`. */
export interface ChangeRequestView {
  id: string;
  type: string;
  status: 'pending' | 'applied' | 'rejected' | 'verifying' | 'accepted';
  householdId: string | null;
  submittedAt: string;
  decidedAt: string | null;
  /** The officer's reason for a rejection, written for the family. */
  decisionNote: string | null;
  contest: {
    fact: string;
    sourceAgency: string;
    /** Null for a contested disability read by staff without health access. */
    comment: string | null;
    memberPersonId: string | null;
    shownValue: string | null;
    decisionId: number | null;
    documentIds: string[];
  } | null;
}

/** A programme id of the registry (src/programs/catalogue.ts); its label is `programmes.<id>`. */
export type Programme = string;

export interface Offer {
  decisionId: number;
  programme: Programme;
  month: string;
  amount: number;
  category: string;
  response: 'accepted' | 'declined' | null;
  respondedAt: string | null;
}

export interface DecisionView {
  id: number;
  householdId: string;
  programme: Programme;
  month: string;
  kind: 'granted' | 'amount_changed' | 'ended';
  categoryAfter: string;
  amountAfter: number;
  /** The three plain sentences the decision opens with (server: src/rules/summary.ts). */
  summary: DecisionSummary;
  /** The full trace in plain language (shown folded). */
  explanation: string;
  language?: string;
  parameters: {
    name: string;
    label: string;
    value: number | boolean;
    unit: string;
    from: string;
    /** Only ever true for staff. */
    unverified: boolean;
  }[];
}

export interface DecisionSummary {
  what: string;
  why: string;
  fix: string;
  facts: {
    fact: string | null;
    source: string | null;
    text: string;
    reportLabel: string | null;
    /** Portal path of the report-a-mistake form for this fact. */
    report: string | null;
  }[];
}

export function memberName(m: { firstName: string; lastName: string }): string {
  return `${m.firstName} ${m.lastName}`;
}

export type ApplicationStatus = 'submitted' | 'questionnaire_done' | 'mahalla_opinion' | 'decided';
export const APPLICATION_STEPS: ApplicationStatus[] = [
  'submitted',
  'questionnaire_done',
  'mahalla_opinion',
  'decided',
];

export interface Application {
  id: string;
  /** Short human reference (A-2026-004213), shown instead of the id. */
  reference: string;
  householdId: string;
  programme: Programme;
  channel: string;
  submittedOn: string;
  decisionMonth: string;
  status: ApplicationStatus;
  questionnaire: { by: string; on: string } | null;
  mahallaOpinion: { supports: boolean; by: string; on: string } | null;
  dueOn: string | null;
  overdue: boolean;
  decidedOn: string | null;
  outcome: { entitled: boolean; category: string; amount: number } | null;
}

export type AppealStatus = 'submitted' | 'under_review' | 'upheld' | 'overturned' | 'withdrawn';

export interface Appeal {
  id: string;
  decisionId: number;
  householdId: string;
  grounds: string;
  status: AppealStatus;
  submittedOn: string;
  dueOn: string;
  overdue: boolean;
}

export interface DecisionRow {
  id: number;
  householdId: string;
  programme: Programme;
  month: string;
  kind: 'granted' | 'amount_changed' | 'ended';
  categoryAfter: string;
  amountAfter: number;
}

export interface DocumentView {
  id: string;
  applicationId: string | null;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
}

export interface CaseView {
  id: string;
  kind: string;
  occurredOn: string;
  status: 'open' | 'done' | 'failed';
  createdAt: string;
}

export interface CaseDetail extends CaseView {
  steps: { step: string; status: 'done' | 'skipped' | 'failed'; at: string }[];
}

/** Today in Tashkent (the date the server counts from), as YYYY-MM-DD. */
export function today(): string {
  return new Date(Date.now() + 5 * 3600_000).toISOString().slice(0, 10);
}
