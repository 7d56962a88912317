import { z } from 'zod';
import type { Role } from '../access/actor.ts';

/** The administration API's request and response shapes (zod: they validate and make the OpenAPI document). */

/** The roles a staff account may hold: not `citizen` (citizens sign in with OneID) nor `agency_client`. */
export const STAFF_ROLES = [
  'social_worker',
  'district_officer',
  'disability_assessor',
  'commission_member',
  'youth_officer',
  'regional_admin',
  'auditor',
  'vendor',
  'finance',
] as const satisfies readonly Role[];
export const StaffRole = z.enum(STAFF_ROLES);
export type StaffRole = z.infer<typeof StaffRole>;

/**
 * One line of text people type: trimmed, no control characters (a NUL byte never reaches SQL) and no lone
 * surrogates (PostgreSQL refuses them in jsonb, where grants are kept while they wait for approval).
 */
export const Text = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[^\p{Cc}\p{Cs}]*$/u, 'no control characters or lone surrogates');

export const AreaKind = z.enum(['region', 'district', 'mahalla']);
export const AreaInput = z.object({
  kind: AreaKind,
  code: z
    .string()
    .regex(/^[0-9]{4,10}$/, 'a territory code: 4 to 10 digits')
    .describe('SOATO code of the region, district or mahalla (see /api/territory)'),
});
export type AreaInput = z.infer<typeof AreaInput>;

export const GrantInput = z.object({
  role: StaffRole,
  area: AreaInput.nullable().describe('Null: no area (the whole country); such grants need four eyes'),
  organisation: Text(200).describe('The organisation the role acts for, shown to citizens'),
});
export type GrantInput = z.infer<typeof GrantInput>;

const Reason = Text(2000).describe(
  'Why: required when the change gives a registry-wide reach (a second administrator must approve it)',
);

export const CreateAccount = z.object({
  id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
  username: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{3,64}$/, '3 to 64 letters, digits, dots, dashes or underscores'),
  displayName: Text(200),
  password: z
    .string()
    .min(12)
    .max(200)
    .describe(
      'The initial password (at least 12 characters), told to the person in private; never shown again',
    ),
  grants: z.array(GrantInput).max(20),
  reason: Reason.optional(),
});
export type CreateAccount = z.infer<typeof CreateAccount>;

export const SetGrants = z.object({
  grants: z.array(GrantInput).max(20).describe('The complete list of grants the account should hold'),
  reason: Reason.optional(),
});
export type SetGrants = z.infer<typeof SetGrants>;

const Scope = z.string().min(1).max(64).describe('An OAuth scope, e.g. dci.search');
const Uri = z.string().max(2000);
const Jwk = z
  .record(z.string().max(64), z.unknown())
  .describe('The public key (JWK) the client signs DCI messages with; a JWK with private parts is refused');

export const CreateClient = z.object({
  id: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9._-]{3,64}$/, '3 to 64 letters, digits, dots, dashes or underscores')
    .describe('The OAuth client_id; a retry with the same id and content changes nothing'),
  agency: Text(200),
  scopes: z.array(Scope).max(20),
  area: AreaInput.nullable().describe('Null: no area (the whole country)'),
  callbackUris: z.array(Uri).max(10).default([]),
  defaultCallbackUri: Uri.nullable().optional().describe('Where callbacks go when a message names none'),
  signingJwk: Jwk.nullable().optional(),
  reason: Reason.optional(),
});
export type CreateClient = z.infer<typeof CreateClient>;

export const UpdateClient = z.object({
  scopes: z.array(Scope).max(20).optional(),
  area: AreaInput.nullable().optional(),
  callbackUris: z.array(Uri).max(10).optional(),
  defaultCallbackUri: Uri.nullable().optional(),
  signingJwk: Jwk.nullable().optional(),
  reason: Reason.optional(),
});
export type UpdateClient = z.infer<typeof UpdateClient>;

export const Review = z.object({ note: Text(2000).optional() });
export type Review = z.infer<typeof Review>;

// --- views -------------------------------------------------------------------------------------------

const Names = z.object({ 'uz-Latn': z.string(), 'uz-Cyrl': z.string(), ru: z.string(), en: z.string() });
export const AreaView = z.object({ kind: AreaKind, code: z.string(), names: Names.nullable() });
export type AreaView = z.infer<typeof AreaView>;

export const GrantView = z.object({
  role: z.string(),
  area: AreaView.nullable(),
  organisation: z.string(),
  registryWide: z.boolean().describe('Whether this grant needs four eyes (ADR 004)'),
});
export type GrantView = z.infer<typeof GrantView>;

export const AccountView = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  disabled: z.boolean(),
  lockedUntil: z.date().nullable().describe('Locked after failed sign-ins until then'),
  totpEnabled: z.boolean(),
  createdAt: z.date(),
  grants: z.array(GrantView),
  pendingRequestId: z.uuid().nullable().describe('A change waiting for a second administrator'),
});
export type AccountView = z.infer<typeof AccountView>;

export const ClientView = z.object({
  id: z.string(),
  agency: z.string(),
  scopes: z.array(z.string()),
  area: AreaView.nullable(),
  callbackUris: z.array(z.string()),
  defaultCallbackUri: z.string().nullable(),
  signingKey: z
    .object({ jwk: z.record(z.string(), z.unknown()), thumbprint: z.string() })
    .nullable()
    .describe('The public key only'),
  disabled: z.boolean(),
  createdAt: z.date(),
  pendingRequestId: z.uuid().nullable(),
});
export type ClientView = z.infer<typeof ClientView>;

/** What a request asks for (or what held before it). */
export const ReachView = z.object({
  grants: z.array(GrantView).optional(),
  scopes: z.array(z.string()).optional(),
  area: AreaView.nullable().optional(),
});
export type ReachView = z.infer<typeof ReachView>;

const Person = z.object({ id: z.uuid(), username: z.string(), displayName: z.string() });

export const RequestView = z.object({
  id: z.uuid(),
  targetKind: z.enum(['account', 'machine_client']),
  target: z.object({ id: z.string(), label: z.string() }),
  change: ReachView,
  before: ReachView,
  reason: z.string(),
  status: z.enum(['pending', 'approved', 'rejected']),
  proposedBy: Person.nullable(),
  reviewedBy: Person.nullable(),
  reviewNote: z.string().nullable(),
  createdAt: z.date(),
  reviewedAt: z.date().nullable(),
});
export type RequestView = z.infer<typeof RequestView>;

export const AccountResult = z.object({ account: AccountView, pendingRequest: RequestView.nullable() });
export const ClientResult = z.object({ client: ClientView, pendingRequest: RequestView.nullable() });
/** The one answer that holds a secret: shown once, never stored (only its hash is). */
export const ClientWithSecret = ClientResult.extend({
  secret: z
    .string()
    .nullable()
    .describe('The client secret: shown this once. Null when a retry found the client'),
});
export const RotatedSecret = z.object({
  client: ClientView,
  secret: z.string().describe('The new client secret: shown this once'),
  tokensRevoked: z.number().int(),
});
