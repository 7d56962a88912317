import { z } from 'zod';
import { FACT_AGENCIES, REPORT_FACTS } from '../../shared/report-facts.ts';
import {
  IsoDate,
  NewPersonInput,
  PersonName,
  Phone,
  Pinfl,
  Relationship,
} from '../persons/person.schemas.ts';

export { Relationship };

/** What a contest of a fact records besides the envelope of every change request. */
export const FactContestView = z.object({
  fact: z.enum(REPORT_FACTS),
  sourceAgency: z.enum(FACT_AGENCIES).describe('The agency the contested fact comes from'),
  comment: z
    .string()
    .nullable()
    .describe("The family's words; null for a disability contest read by a role without health access"),
  memberPersonId: z.uuid().nullable().describe('The member the fact is about, for a personal fact'),
  shownValue: z.string().nullable().describe('The value as the citizen saw it'),
  decisionId: z.number().int().nullable().describe('The decision whose explanation led here'),
  documentIds: z.array(z.uuid()),
});
export type FactContestView = z.infer<typeof FactContestView>;

export const MemberRelationship = Relationship.exclude(['head']).describe(
  "Relationship to the household's head",
);
export type MemberRelationship = z.infer<typeof MemberRelationship>;

const EffectiveDate = IsoDate.describe(
  'The day the change takes effect (YYYY-MM-DD); periods are [from, to)',
);

/** Restated relationships to the head, keyed by person id. */
export const Relationships = z
  .record(z.uuid(), MemberRelationship)
  .describe(
    'Restated relationship to the head of the household each person is in after the change, by person id',
  );
export type Relationships = z.infer<typeof Relationships>;

export const ExistingPersonRef = z
  .strictObject({ personId: z.uuid() })
  .describe('A person already in the registry');
export type ExistingPersonRef = z.infer<typeof ExistingPersonRef>;

export const AddMemberPayload = z.object({
  householdId: z.uuid(),
  person: z
    .union([ExistingPersonRef, NewPersonInput])
    .describe('An existing person, or a new one to register'),
  relationship: Relationship.describe(
    "Relationship to the head; 'head' only for a household without members",
  ),
  effectiveDate: EffectiveDate,
});
export type AddMemberPayload = z.infer<typeof AddMemberPayload>;

export const RemoveMemberPayload = z.object({
  householdId: z.uuid(),
  personId: z.uuid(),
  effectiveDate: EffectiveDate,
  reason: z.enum(['moved', 'died', 'other']),
  deathDate: IsoDate.optional().describe("Only with reason 'died'; defaults to the effective date"),
  newHeadPersonId: z.uuid().optional().describe('Required when the head leaves and others remain'),
});
export type RemoveMemberPayload = z.infer<typeof RemoveMemberPayload>;

export const ChangeHeadPayload = z.object({
  householdId: z.uuid(),
  newHeadPersonId: z.uuid(),
  formerHeadRelationship: MemberRelationship.describe("The former head's relationship to the new head"),
  effectiveDate: EffectiveDate,
  relationships: Relationships.optional(),
});
export type ChangeHeadPayload = z.infer<typeof ChangeHeadPayload>;

export const SplitHouseholdPayload = z.object({
  householdId: z.uuid().describe('The household members leave'),
  newHouseholdId: z.uuid().describe('Client-made id of the household they form'),
  personIds: z.array(z.uuid()).min(1).max(50).describe('Members who leave to form the new household'),
  newHeadPersonId: z.uuid().describe('One of personIds'),
  mahallaCode: z.string().regex(/^[0-9]{7,14}$/, 'mahalla code is digits'),
  address: z.string().trim().min(1).max(300),
  effectiveDate: EffectiveDate,
  remainingHeadPersonId: z
    .uuid()
    .optional()
    .describe('Required when the current head leaves and others stay'),
  relationships: Relationships.optional(),
});
export type SplitHouseholdPayload = z.infer<typeof SplitHouseholdPayload>;

export const MergeHouseholdsPayload = z.object({
  householdId: z.uuid().describe('The household that stays'),
  sourceHouseholdId: z.uuid().describe('The household whose members move in; it is dissolved'),
  effectiveDate: EffectiveDate,
  relationships: Relationships.optional().describe(
    "Relationship to the staying head of each moving person, by person id; the moving head becomes 'other' unless restated",
  ),
});
export type MergeHouseholdsPayload = z.infer<typeof MergeHouseholdsPayload>;

export const PersonalDataChanges = z
  .object({
    lastName: PersonName.optional(),
    firstName: PersonName.optional(),
    patronymic: PersonName.nullable().optional(),
    birthDate: IsoDate.optional(),
    sex: z.enum(['M', 'F']).optional(),
    phone: Phone.nullable().optional(),
    pinfl: Pinfl.optional(),
  })
  .strict()
  .refine((changes) => Object.keys(changes).length > 0, 'at least one field must change');
export type PersonalDataChanges = z.infer<typeof PersonalDataChanges>;

export const CorrectPersonalDataPayload = z.object({
  personId: z.uuid(),
  changes: PersonalDataChanges,
  effectiveDate: EffectiveDate,
});
export type CorrectPersonalDataPayload = z.infer<typeof CorrectPersonalDataPayload>;

export const CHANGE_REQUEST_TYPES = [
  'add_member',
  'remove_member',
  'change_head',
  'split_household',
  'merge_households',
  'correct_personal_data',
  'contest_fact',
] as const;
export const ChangeRequestType = z.enum(CHANGE_REQUEST_TYPES);
export type ChangeRequestType = z.infer<typeof ChangeRequestType>;

/** The request as stored: its type and the type's fields (what the payload hash covers). */
export const ChangeRequestPayload = z.discriminatedUnion('type', [
  AddMemberPayload.extend({ type: z.literal('add_member') }),
  RemoveMemberPayload.extend({ type: z.literal('remove_member') }),
  ChangeHeadPayload.extend({ type: z.literal('change_head') }),
  SplitHouseholdPayload.extend({ type: z.literal('split_household') }),
  MergeHouseholdsPayload.extend({ type: z.literal('merge_households') }),
  CorrectPersonalDataPayload.extend({ type: z.literal('correct_personal_data') }),
]);
export type ChangeRequestPayload = z.infer<typeof ChangeRequestPayload>;

const Envelope = {
  id: z.uuid().describe('Client-made id: a retry with the same id and payload is the same request'),
  apply: z
    .boolean()
    .default(false)
    .describe('Validate and apply at once (stored as applied) instead of pending'),
  source: z.string().min(1).max(40).default('social_worker').describe('Where the facts come from'),
};

/** The body of POST /api/change-requests: one shape per type, so the OpenAPI document shows each. */
export const SubmitChangeRequest = z.discriminatedUnion('type', [
  AddMemberPayload.extend({ type: z.literal('add_member'), ...Envelope }).describe(
    'Add an existing or new person to a household',
  ),
  RemoveMemberPayload.extend({ type: z.literal('remove_member'), ...Envelope }).describe(
    'End a membership; the last member leaving dissolves the household',
  ),
  ChangeHeadPayload.extend({ type: z.literal('change_head'), ...Envelope }).describe(
    'Make another member the head',
  ),
  SplitHouseholdPayload.extend({ type: z.literal('split_household'), ...Envelope }).describe(
    'Some members leave to form a new household',
  ),
  MergeHouseholdsPayload.extend({ type: z.literal('merge_households'), ...Envelope }).describe(
    'All members of one household join another; the source is dissolved',
  ),
  CorrectPersonalDataPayload.extend({ type: z.literal('correct_personal_data'), ...Envelope }).describe(
    "Correct a person's names, birth date, sex, phone or PINFL",
  ),
]);
export type SubmitChangeRequest = z.infer<typeof SubmitChangeRequest>;
export type SubmitChangeRequestInput = z.input<typeof SubmitChangeRequest>;

const MembershipChange = z.object({
  membershipId: z.number().int(),
  householdId: z.uuid(),
  personId: z.uuid(),
  relationship: Relationship,
  date: IsoDate.describe('valid_to of an ended period, valid_from of a created one'),
});

/** What applying a request did, stored with it. */
export const ChangeResult = z.object({
  membershipsEnded: z.array(MembershipChange),
  membershipsCreated: z.array(MembershipChange),
  householdsCreated: z.array(z.uuid()),
  householdsDissolved: z.array(z.uuid()),
  personsCreated: z.array(z.uuid()),
  personChanges: z.array(
    z.object({
      personId: z.uuid(),
      field: z.string(),
      oldValue: z.string().nullable(),
      newValue: z.string().nullable(),
    }),
  ),
});
export type ChangeResult = z.infer<typeof ChangeResult>;

/**
 * 'verifying': a contested fact sent to the agency that owns it; 'accepted': a contested fact the
 * registry itself holds, to be corrected by the officer (src/registry/change-requests/fact-contest.*).
 */
export const ChangeRequestStatus = z.enum(['pending', 'applied', 'rejected', 'verifying', 'accepted']);
export type ChangeRequestStatus = z.infer<typeof ChangeRequestStatus>;

export const ChangeRequestView = z.object({
  id: z.uuid(),
  type: ChangeRequestType,
  status: ChangeRequestStatus,
  householdId: z.uuid().nullable(),
  personId: z.uuid().nullable(),
  effectiveDate: IsoDate,
  payload: z.record(z.string(), z.unknown()).describe("The type's fields as submitted (after defaults)"),
  source: z.string(),
  submittedBy: z.string(),
  submittedAt: z.iso.datetime(),
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  decisionNote: z.string().nullable(),
  result: ChangeResult.nullable(),
  contest: FactContestView.nullable().describe("A contested fact's details (type contest_fact), else null"),
  householdReference: z
    .string()
    .nullable()
    .optional()
    .describe("The household's reference, H-<year>-<number>; in lists"),
});
export type ChangeRequestView = z.infer<typeof ChangeRequestView>;

export const RejectChangeRequest = z.object({ reason: z.string().trim().min(1).max(1000) });
export type RejectChangeRequest = z.infer<typeof RejectChangeRequest>;

export const ChangeRequestFilter = z.object({
  status: ChangeRequestStatus.optional(),
  type: ChangeRequestType.optional(),
  householdId: z
    .uuid()
    .optional()
    .describe('Requests naming this household (as target, source or new household)'),
});
export type ChangeRequestFilter = z.infer<typeof ChangeRequestFilter>;

/** A member of a household on a given date, with the person's identifying facts. */
export interface HouseholdMemberOn {
  personId: string;
  relationship: Relationship;
  validFrom: string;
  validTo: string | null;
  lastName: string;
  firstName: string;
  patronymic: string | null;
  sex: 'M' | 'F';
  birthDate: string;
  deathDate: string | null;
  pinfl: string | null;
}
