import type { Kysely } from 'kysely';
import type { Area, RoleGrant } from '../access/actor.ts';
import type { Scope } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import * as accounts from './account-admin.repository.ts';
import * as clients from './client-admin.repository.ts';
import type { NewGrant } from './identity.repository.ts';
import * as identity from './identity.repository.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { forgetSessions } from './session-memory.ts';
import { normaliseUsername } from './staff.service.ts';
import { newToken } from './tokens.ts';

/**
 * What the administration context (src/administration) may do to identities: the writes behind its API,
 * each in the caller's transaction. The rules (who may, four eyes, audit) are the administration's; these
 * only keep the identity tables right: a disabled account has no live session, a disabled client or a
 * rotated secret no live token, and nothing returned holds a password hash, a TOTP secret or a secret's hash.
 */

export type { StaffAccountRecord } from './account-admin.repository.ts';
export type { MachineClientAdminRecord } from './client-admin.repository.ts';
export { normaliseUsername };

// --- staff accounts ----------------------------------------------------------------------------------

export function listStaffAccounts(
  db: Kysely<DB>,
  filters: accounts.AccountFilters,
  page: PageQuery,
  scope: Scope,
) {
  return accounts.listStaffAccounts(db, filters, page, scope);
}

export function findStaffAccount(db: Kysely<DB>, id: string, options: { forUpdate?: boolean } = {}) {
  return accounts.findStaffAccount(db, id, options);
}

export function findAccountIdByUsername(db: Kysely<DB>, username: string) {
  return accounts.findAccountIdByUsername(db, normaliseUsername(username));
}

export function accountNames(db: Kysely<DB>, ids: readonly string[]) {
  return accounts.accountNames(db, ids);
}

/** argon2id, before any transaction opens (hashing takes tens of milliseconds). */
export const hashNewPassword = (password: string): Promise<string> => hashPassword(password);

/** Whether the account's password is this one (a retried creation carries the same initial password). */
export async function accountPasswordIs(db: Kysely<DB>, id: string, password: string): Promise<boolean> {
  const hash = await accounts.findPasswordHash(db, id);
  return hash !== undefined && verifyPassword(hash, password);
}

/** Inserts an account with its grants; false when its id or username exists (nothing written). */
export async function insertStaffAccount(
  trx: Kysely<DB>,
  account: { id: string; username: string; displayName: string; passwordHash: string },
  grants: readonly NewGrant[],
): Promise<boolean> {
  const inserted = await accounts.insertStaffAccount(trx, {
    ...account,
    username: normaliseUsername(account.username),
  });
  if (inserted) await accounts.replaceGrants(trx, account.id, grants);
  return inserted;
}

// Each change below also drops the account's sessions from this process's memory at once (ADR 015); the
// other processes drop them on the notice the triggers send when the transaction commits.

export async function setAccountGrants(trx: Kysely<DB>, accountId: string, grants: readonly RoleGrant[]) {
  await accounts.replaceGrants(trx, accountId, grants);
  forgetSessions({ accountId });
}

/** Disables the account and ends its live sessions at once (not only at their next request). */
export async function disableAccount(trx: Kysely<DB>, accountId: string, now = new Date()) {
  await accounts.setDisabled(trx, accountId, true);
  const sessionsEnded = await accounts.revokeSessionsOf(trx, accountId, now);
  forgetSessions({ accountId });
  return { sessionsEnded };
}

export function enableAccount(trx: Kysely<DB>, accountId: string) {
  return accounts.setDisabled(trx, accountId, false);
}

/**
 * Forgets the account's second factor (a lost phone) and ends its sessions: the person signs in with the
 * password and enrols an authenticator again.
 */
export async function resetAccountTotp(trx: Kysely<DB>, accountId: string, now = new Date()) {
  await accounts.clearTotp(trx, accountId);
  const sessionsEnded = await accounts.revokeSessionsOf(trx, accountId, now);
  forgetSessions({ accountId });
  return { sessionsEnded };
}

export function unlockAccount(trx: Kysely<DB>, accountId: string) {
  return identity.clearAccountFailures(trx, accountId);
}

// --- machine clients ---------------------------------------------------------------------------------

export function listMachineClients(
  db: Kysely<DB>,
  filters: clients.ClientFilters,
  page: PageQuery,
  scope: Scope,
) {
  return clients.listMachineClients(db, filters, page, scope);
}

export function findMachineClient(db: Kysely<DB>, id: string, options: { forUpdate?: boolean } = {}) {
  return clients.findMachineClientForAdmin(db, id, options);
}

/** A new client secret: 32 random bytes, and its argon2id hash (the only thing stored). */
export async function newClientSecret(): Promise<{ secret: string; hash: string }> {
  const secret = newToken();
  return { secret, hash: await hashPassword(secret) };
}

export interface NewClient {
  id: string;
  agency: string;
  scopes: string[];
  area: Area | null;
  callbackUris: string[];
  defaultCallbackUri: string | null;
  signingJwk: Record<string, unknown> | null;
}

/** Inserts the client with the hash of its secret; false when the id exists (nothing written). */
export function insertMachineClient(trx: Kysely<DB>, client: NewClient, secretHash: string) {
  return identity.insertMachineClient(trx, {
    ...client,
    scopes: [...new Set(client.scopes)].sort(),
    secretHash,
  });
}

export function setClientReach(trx: Kysely<DB>, id: string, reach: { scopes: string[]; area: Area | null }) {
  return identity.updateMachineClientReach(trx, id, [...new Set(reach.scopes)].sort(), reach.area);
}

export function setClientEndpoints(
  trx: Kysely<DB>,
  id: string,
  endpoints: {
    callbackUris: string[];
    defaultCallbackUri: string | null;
    signingJwk: Record<string, unknown> | null;
  },
) {
  return identity.updateMachineClientCallbacks(trx, id, endpoints);
}

/** Stores a new secret's hash and revokes every token the old secret got. */
export async function replaceClientSecret(trx: Kysely<DB>, id: string, secretHash: string) {
  await clients.setSecretHash(trx, id, secretHash);
  return { tokensRevoked: await clients.deleteTokensOf(trx, id) };
}

/** Revokes every live token of the client (its scopes were narrowed: tokens keep the scopes issued). */
export function revokeClientTokens(trx: Kysely<DB>, id: string): Promise<number> {
  return clients.deleteTokensOf(trx, id);
}

/** Disables the client and revokes its live tokens. */
export async function disableClient(trx: Kysely<DB>, id: string) {
  await clients.setClientDisabled(trx, id, true);
  return { tokensRevoked: await clients.deleteTokensOf(trx, id) };
}

export function enableClient(trx: Kysely<DB>, id: string) {
  return clients.setClientDisabled(trx, id, false);
}
