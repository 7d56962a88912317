/**
 * Who is acting. Authentication (src/identity) turns a session cookie, a bearer token or nothing into an
 * Actor; policies (src/access/policies.ts) decide what the Actor may do; the audit log (src/audit) records
 * it. This file is the contract between the three, so it holds types only.
 */

/** The roles of DOMAIN.md's actors. A person may hold several, each bound to an area. */
export const ROLES = [
  'citizen',
  'social_worker',
  'district_officer',
  'disability_assessor',
  'commission_member',
  'youth_officer',
  'regional_admin',
  'auditor',
  'vendor',
  'agency_client',
  'finance',
] as const;
export type Role = (typeof ROLES)[number];

/** An area a role is bound to: territory codes as in the `region`, `district` and `mahalla` tables. */
export interface Area {
  kind: 'region' | 'district' | 'mahalla';
  code: string;
}

export interface RoleGrant {
  role: Role;
  /** Null only for roles that are not territorial (a citizen, a vendor). */
  area: Area | null;
  /** The organisation the role acts for, shown to citizens instead of a private name. */
  organisation: string;
}

export type Actor =
  | {
      kind: 'staff';
      /** account.id */
      id: string;
      username: string;
      displayName: string;
      grants: RoleGrant[];
      /** Session id, so that sign-out and expiry can name it; never the cookie value itself. */
      sessionId: string;
    }
  | {
      kind: 'citizen';
      /** person.id the identity provider's PINFL matched. */
      personId: string;
      pinfl: string;
      displayName: string;
      grants: RoleGrant[];
      sessionId: string;
    }
  | {
      kind: 'machine';
      /** machine_client.id (the OAuth2 client_id). */
      id: string;
      agency: string;
      scopes: string[];
      grants: RoleGrant[];
    }
  | { kind: 'anonymous' };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every request; `{ kind: 'anonymous' }` when nobody signed in. */
    actor: Actor;
  }
}
