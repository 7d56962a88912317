import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { RoleGrant } from '../access/actor.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import * as repo from './identity.repository.ts';
import type { IdentitySettings } from './identity.settings.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

/** Staff accounts: creation, password sign-in with lockout, and the TOTP second factor. */

export interface StaffIdentity {
  id: string;
  username: string;
  displayName: string;
  grants: RoleGrant[];
}

export interface NewStaffAccount {
  username: string;
  password: string;
  displayName?: string;
  grants: repo.NewGrant[];
}

export const normaliseUsername = (username: string): string => username.trim().toLowerCase();

/** Creates a staff account with its grants; returns its id, or undefined when the username is taken. */
export async function createStaffAccount(
  db: Kysely<DB>,
  account: NewStaffAccount,
): Promise<string | undefined> {
  const id = randomUUID();
  const username = normaliseUsername(account.username);
  const inserted = await repo.insertAccount(
    db,
    {
      id,
      username,
      displayName: account.displayName ?? username,
      passwordHash: await hashPassword(account.password),
    },
    account.grants,
  );
  return inserted ? id : undefined;
}

/**
 * Checks a staff sign-in. Every refusal that concerns the password looks the same whether or not the
 * username exists: same code, same work (a dummy hash for unknown names), and unknown names are
 * throttled like real ones. TOTP_REQUIRED is only said after the right password.
 *
 * The attempt is counted in the database before the password is checked (`claimAccountAttempt`), so
 * parallel attempts cannot all be checked against a count none of them has raised yet: once the limit
 * is reached, no attempt is checked, the right password included, until the lock runs out.
 */
export async function signInStaff(
  db: Kysely<DB>,
  settings: IdentitySettings,
  input: { username: string; password: string; totp?: string | undefined },
  now = new Date(),
): Promise<StaffIdentity> {
  const username = normaliseUsername(input.username);
  const claim = await repo.claimAccountAttempt(db, username, now, settings.maxFailures, settings.lockMs);
  if (!claim) {
    const claimed = await repo.claimUnknownAttempt(db, username, now, settings.maxFailures, settings.lockMs);
    await verifyDummyPassword(input.password);
    throw new DomainError(claimed ? 'LOGIN_FAILED' : 'LOGIN_LOCKED');
  }
  const { account, claimed } = claim;
  // Checked even when locked, so that a locked name answers no faster than an open one.
  const passwordOk = await verifyPassword(account.passwordHash, input.password);
  if (!claimed) throw new DomainError('LOGIN_LOCKED');
  // A failure stays counted: the claim above counted it.
  if (!passwordOk || account.disabled) throw new DomainError('LOGIN_FAILED');
  if (account.totpEnabled && account.totpSecret) {
    if (!input.totp) {
      // The right password and no code yet: the form asks for the code, which is no failed attempt.
      await repo.releaseAccountAttempt(db, account.id, settings.maxFailures);
      throw new DomainError('TOTP_REQUIRED');
    }
    const step = verifyTotp(account.totpSecret, input.totp, now);
    if (step === undefined || !(await repo.claimTotpStep(db, account.id, step))) {
      throw new DomainError('TOTP_INVALID');
    }
  }
  await repo.clearAccountFailures(db, account.id);
  const grants = await repo.grantsOf(db, { accountId: account.id });
  return { id: account.id, username: account.username, displayName: account.displayName, grants };
}

/**
 * Starts (or restarts) the enrolment of an authenticator app: a new secret that is not in force until
 * a code from it is confirmed. A second factor already on cannot be replaced this way, so a stolen
 * session cannot swap it for the thief's.
 */
export async function startTotpEnrolment(
  db: Kysely<DB>,
  accountId: string,
): Promise<{ secret: string; otpauthUri: string }> {
  const account = await repo.findAccountById(db, accountId);
  if (!account) throw new DomainError('UNAUTHENTICATED');
  if (account.totpEnabled) throw new DomainError('TOTP_ALREADY_ENABLED');
  const secret = newTotpSecret();
  await repo.setTotpSecret(db, accountId, secret);
  return { secret, otpauthUri: otpauthUri(secret, account.username) };
}

export async function confirmTotp(db: Kysely<DB>, accountId: string, code: string, now = new Date()) {
  const account = await repo.findAccountById(db, accountId);
  if (!account) throw new DomainError('UNAUTHENTICATED');
  if (account.totpEnabled) throw new DomainError('TOTP_ALREADY_ENABLED');
  if (!account.totpSecret) throw new DomainError('TOTP_NOT_ENROLLED');
  const step = verifyTotp(account.totpSecret, code, now);
  if (step === undefined || !(await repo.claimTotpStep(db, accountId, step, true))) {
    throw new DomainError('TOTP_INVALID');
  }
}
