import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Area, RoleGrant } from '../access/actor.ts';
import type { Scope } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../platform/http/pagination.ts';
import { areaColumnsWithin } from '../territory/area-scope.ts';
import type { NewGrant } from './identity.repository.ts';

/**
 * The SQL of administering staff accounts (src/administration calls it through admin.service.ts). What
 * leaves here never holds a password hash or a TOTP secret: only whether a second factor is on.
 */

export interface StaffAccountRecord {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  lockedUntil: Date | null;
  totpEnabled: boolean;
  createdAt: Date;
  grants: RoleGrant[];
}

const columns = [
  'a.id',
  'a.username',
  'a.display_name',
  'a.disabled',
  'a.locked_until',
  'a.totp_enabled',
  'a.created_at',
] as const;

/**
 * Accounts whose every grant lies within the scope: an administrator of one region neither sees nor
 * manages an account that also acts elsewhere. An account without grants holds no power and is in every
 * administrator's reach.
 */
function allGrantsWithin(scope: Scope) {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  return sql<SqlBool>`not exists (select 1 from role_grant g where g.account_id = a.id
    and not ${areaColumnsWithin(scope, 'g.area_kind', 'g.area_code')})`;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface AccountFilters {
  /** Part of the username or the display name, any case. */
  q?: string | undefined;
  disabled?: boolean | undefined;
}

export async function listStaffAccounts(
  db: Kysely<DB>,
  filters: AccountFilters,
  page: PageQuery,
  scope: Scope,
): Promise<{ items: StaffAccountRecord[]; total: number }> {
  let query = db.selectFrom('account as a').where(allGrantsWithin(scope));
  if (filters.q) {
    const pattern = `%${escapeLike(filters.q.toLowerCase())}%`;
    query = query.where((eb) =>
      eb.or([eb('a.username', 'like', pattern), eb(eb.fn('lower', ['a.display_name']), 'like', pattern)]),
    );
  }
  if (filters.disabled !== undefined) query = query.where('a.disabled', '=', filters.disabled);
  const [rows, count] = await Promise.all([
    query.select(columns).orderBy('a.username').limit(page.pageSize).offset(offsetOf(page)).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  const grants = await grantsOfAccounts(
    db,
    rows.map((r) => r.id),
  );
  return {
    items: rows.map((r) => toRecord(r, grants.get(r.id) ?? [])),
    total: Number(count.n),
  };
}

export async function findStaffAccount(
  db: Kysely<DB>,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<StaffAccountRecord | undefined> {
  let query = db.selectFrom('account as a').select(columns).where('a.id', '=', id);
  if (options.forUpdate) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const grants = await grantsOfAccounts(db, [id]);
  return toRecord(row, grants.get(id) ?? []);
}

export async function findAccountIdByUsername(db: Kysely<DB>, username: string): Promise<string | undefined> {
  const row = await db.selectFrom('account').select('id').where('username', '=', username).executeTakeFirst();
  return row?.id;
}

export async function findPasswordHash(db: Kysely<DB>, id: string): Promise<string | undefined> {
  const row = await db.selectFrom('account').select('password_hash').where('id', '=', id).executeTakeFirst();
  return row?.password_hash;
}

async function grantsOfAccounts(db: Kysely<DB>, ids: readonly string[]): Promise<Map<string, RoleGrant[]>> {
  const byAccount = new Map<string, RoleGrant[]>();
  if (ids.length === 0) return byAccount;
  const rows = await db
    .selectFrom('role_grant')
    .select(['account_id', 'role', 'area_kind', 'area_code', 'organisation'])
    .where('account_id', 'in', ids)
    .orderBy('id')
    .execute();
  for (const r of rows) {
    if (!r.account_id) continue;
    const area: Area | null = r.area_kind && r.area_code ? { kind: r.area_kind, code: r.area_code } : null;
    const list = byAccount.get(r.account_id) ?? [];
    list.push({ role: r.role, area, organisation: r.organisation });
    byAccount.set(r.account_id, list);
  }
  return byAccount;
}

function toRecord(
  r: {
    id: string;
    username: string;
    display_name: string;
    disabled: boolean;
    locked_until: Date | null;
    totp_enabled: boolean;
    created_at: Date;
  },
  grants: RoleGrant[],
): StaffAccountRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    disabled: r.disabled,
    lockedUntil: r.locked_until,
    totpEnabled: r.totp_enabled,
    createdAt: new Date(r.created_at),
    grants,
  };
}

/** Inserts the account with the client-made id unless the id or the username exists; true when inserted. */
export async function insertStaffAccount(
  db: Kysely<DB>,
  account: { id: string; username: string; displayName: string; passwordHash: string },
): Promise<boolean> {
  const row = await db
    .insertInto('account')
    .values({
      id: account.id,
      username: account.username,
      display_name: account.displayName,
      password_hash: account.passwordHash,
    })
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Replaces the account's grants with these (in the caller's transaction). */
export async function replaceGrants(db: Kysely<DB>, accountId: string, grants: readonly NewGrant[]) {
  await db.deleteFrom('role_grant').where('account_id', '=', accountId).execute();
  if (grants.length === 0) return;
  await db
    .insertInto('role_grant')
    .values(
      grants.map((g) => ({
        account_id: accountId,
        person_id: null,
        role: g.role,
        area_kind: g.area?.kind ?? null,
        area_code: g.area?.code ?? null,
        organisation: g.organisation,
      })),
    )
    .execute();
}

export async function setDisabled(db: Kysely<DB>, accountId: string, disabled: boolean): Promise<void> {
  await db.updateTable('account').set({ disabled }).where('id', '=', accountId).execute();
}

/** Ends every live session of the account; returns how many. */
export async function revokeSessionsOf(db: Kysely<DB>, accountId: string, now: Date): Promise<number> {
  const result = await db
    .updateTable('auth_session')
    .set({ revoked_at: now })
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Forgets the second factor: the next sign-in goes without a code, and the person enrols again. */
export async function clearTotp(db: Kysely<DB>, accountId: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ totp_secret: null, totp_enabled: false, totp_last_step: null })
    .where('id', '=', accountId)
    .execute();
}

/** Usernames and display names of accounts (who proposed or reviewed a change), by id. */
export async function accountNames(
  db: Kysely<DB>,
  ids: readonly string[],
): Promise<Map<string, { username: string; displayName: string }>> {
  const names = new Map<string, { username: string; displayName: string }>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return names;
  const rows = await db
    .selectFrom('account')
    .select(['id', 'username', 'display_name'])
    .where('id', 'in', unique)
    .execute();
  for (const r of rows) names.set(r.id, { username: r.username, displayName: r.display_name });
  return names;
}
