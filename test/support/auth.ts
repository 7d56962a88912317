import type { Kysely } from 'kysely';
import type { Role, RoleGrant } from '../../src/access/actor.ts';
import { identitySettings } from '../../src/identity/identity.settings.ts';
import { createSession } from '../../src/identity/session.service.ts';
import { createStaffAccount } from '../../src/identity/staff.service.ts';
import type { Config } from '../../src/platform/config.ts';
import type { DB } from '../../src/platform/db/schema.ts';

/** The Khorezm region, whose households the synthetic population holds. */
export const KHOREZM = '1733';

const STAFF_ROLES: readonly Role[] = [
  'social_worker',
  'district_officer',
  'disability_assessor',
  'commission_member',
  'youth_officer',
  'regional_admin',
  'auditor',
  'finance',
];

/**
 * Every staff role over the whole region: for tests about something other than access, which still go
 * through real sign-in sessions (the authorisation matrix test covers who may do what).
 */
export const EVERY_STAFF_ROLE: RoleGrant[] = STAFF_ROLES.map((role) => ({
  role,
  area: { kind: 'region', code: KHOREZM },
  organisation: 'Test office',
}));

export interface SignedIn {
  headers: Record<string, string>;
  csrfToken: string;
}

const PASSWORD = 'test-password-1';

/**
 * A staff account with these grants and a session for it, as request headers (session cookie and CSRF
 * token). The same username in the same database is created once.
 */
export async function signInStaff(
  db: Kysely<DB>,
  config: Config,
  username: string,
  grants: RoleGrant[] = EVERY_STAFF_ROLE,
): Promise<SignedIn> {
  await createStaffAccount(db, { username, password: PASSWORD, grants });
  const account = await db
    .selectFrom('account')
    .select('id')
    .where('username', '=', username.toLowerCase())
    .executeTakeFirstOrThrow();
  const session = await createSession(db, identitySettings(config), { kind: 'staff', accountId: account.id });
  return {
    headers: { cookie: `himoya_session=${session.token}`, 'x-csrf-token': session.csrfToken },
    csrfToken: session.csrfToken,
  };
}

/** A citizen session for a person of the registry (as the OneID sign-in would make). */
export async function signInCitizen(db: Kysely<DB>, config: Config, personId: string): Promise<SignedIn> {
  const session = await createSession(db, identitySettings(config), { kind: 'citizen', personId });
  return {
    headers: { cookie: `himoya_session=${session.token}`, 'x-csrf-token': session.csrfToken },
    csrfToken: session.csrfToken,
  };
}
