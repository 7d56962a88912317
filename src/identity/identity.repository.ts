import { type Kysely, sql } from 'kysely';
import type { Area, Role, RoleGrant } from '../access/actor.ts';
import { compiledOnce } from '../platform/db/compiled-once.ts';
import { PREPARED } from '../platform/db/prepared-statements.ts';
import type { DB } from '../platform/db/schema.ts';
import type { AreaKind } from './identity.tables.ts';

/** All SQL of the identity context. Rows are mapped to plain objects here and never leave raw. */

export interface AccountRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  totpSecret: string | null;
  totpEnabled: boolean;
  totpLastStep: number | null;
  failedAttempts: number;
  lockedUntil: Date | null;
  disabled: boolean;
}

export interface NewGrant {
  role: Role;
  area: Area | null;
  organisation: string;
}

const areaOf = (kind: AreaKind | null, code: string | null): Area | null =>
  kind && code ? { kind, code } : null;

export async function findAccountByUsername(
  db: Kysely<DB>,
  username: string,
): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('account').selectAll().where('username', '=', username).executeTakeFirst();
  return row && toAccount(row);
}

export async function findAccountById(db: Kysely<DB>, id: string): Promise<AccountRecord | undefined> {
  const row = await db.selectFrom('account').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toAccount(row);
}

function toAccount(row: {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  totp_secret: string | null;
  totp_enabled: boolean;
  totp_last_step: number | null;
  failed_attempts: number;
  locked_until: Date | null;
  disabled: boolean;
}): AccountRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    totpSecret: row.totp_secret,
    totpEnabled: row.totp_enabled,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    failedAttempts: row.failed_attempts,
    lockedUntil: row.locked_until,
    disabled: row.disabled,
  };
}

export async function listUsernames(db: Kysely<DB>): Promise<string[]> {
  return (await db.selectFrom('account').select('username').execute()).map((r) => r.username);
}

/** Inserts the account unless the username is taken; true when it was inserted. */
export async function insertAccount(
  db: Kysely<DB>,
  account: { id: string; username: string; displayName: string; passwordHash: string },
  grants: NewGrant[],
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('account')
      .values({
        id: account.id,
        username: account.username,
        display_name: account.displayName,
        password_hash: account.passwordHash,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    if (grants.length > 0) {
      await trx
        .insertInto('role_grant')
        .values(
          grants.map((g) => ({
            account_id: account.id,
            person_id: null,
            role: g.role,
            area_kind: g.area?.kind ?? null,
            area_code: g.area?.code ?? null,
            organisation: g.organisation,
          })),
        )
        .execute();
    }
    return true;
  });
}

export async function grantsOf(
  db: Kysely<DB>,
  owner: { accountId: string } | { personId: string },
): Promise<RoleGrant[]> {
  let query = db.selectFrom('role_grant').select(['role', 'area_kind', 'area_code', 'organisation']);
  query =
    'accountId' in owner
      ? query.where('account_id', '=', owner.accountId)
      : query.where('person_id', '=', owner.personId);
  const rows = await query.orderBy('id').execute();
  return rows.map((r) => ({
    role: r.role,
    area: areaOf(r.area_kind, r.area_code),
    organisation: r.organisation,
  }));
}

// --- failed sign-ins and lockout -------------------------------------------------------------------

/**
 * An attempt is counted before its password is checked, in one conditional statement: the database
 * serialises the attempts of one name, so however many arrive together, at most `max` of them pass while
 * the name is not locked; the claim that reaches `max` sets the lock. A lock that has run out starts the
 * count again. A right password then clears the count (`clearAccountFailures`).
 */
function claimSet(table: 'account' | 'login_throttle', now: Date, max: number, lockMs: number) {
  const until = new Date(now.getTime() + lockMs);
  const lockedUntil = sql.ref(`${table}.locked_until`);
  const attempts = sql.ref(`${table}.failed_attempts`);
  const count = sql<number>`case when ${lockedUntil} is not null then 1 else ${attempts} + 1 end`;
  return {
    failed_attempts: count,
    locked_until: sql<Date | null>`case when (${count}) >= ${max} then ${until}::timestamptz else null end`,
  };
}

const notLocked = (table: 'account' | 'login_throttle', now: Date) =>
  sql<boolean>`(${sql.ref(`${table}.locked_until`)} is null or ${sql.ref(`${table}.locked_until`)} <= ${now})`;

/**
 * Claims a sign-in attempt for the account of `username`: `claimed` is false when the account is locked
 * (nothing is counted then). Undefined when no account has that name.
 */
export async function claimAccountAttempt(
  db: Kysely<DB>,
  username: string,
  now: Date,
  max: number,
  lockMs: number,
): Promise<{ account: AccountRecord; claimed: boolean } | undefined> {
  const claimed = await db
    .updateTable('account')
    .set(claimSet('account', now, max, lockMs))
    .where('username', '=', username)
    .where(notLocked('account', now))
    .returningAll()
    .executeTakeFirst();
  if (claimed) return { account: toAccount(claimed), claimed: true };
  const account = await findAccountByUsername(db, username);
  return account && { account, claimed: false };
}

/** Gives back an attempt that was no failure (the right password, the second factor still to come). */
export async function releaseAccountAttempt(db: Kysely<DB>, accountId: string, max: number): Promise<void> {
  await db
    .updateTable('account')
    .set({
      failed_attempts: sql<number>`greatest(failed_attempts - 1, 0)`,
      locked_until: sql<Date | null>`case when failed_attempts - 1 < ${max} then null else locked_until end`,
    })
    .where('id', '=', accountId)
    .execute();
}

/**
 * The same claim for a username without an account (counted in login_throttle), so that a lockout does
 * not reveal which names exist. False when the name is locked.
 */
export async function claimUnknownAttempt(
  db: Kysely<DB>,
  username: string,
  now: Date,
  max: number,
  lockMs: number,
): Promise<boolean> {
  const first = max <= 1 ? new Date(now.getTime() + lockMs) : null;
  const row = await db
    .insertInto('login_throttle')
    .values({ username, failed_attempts: 1, locked_until: first })
    .onConflict((oc) =>
      oc
        .column('username')
        .doUpdateSet(claimSet('login_throttle', now, max, lockMs))
        .where(notLocked('login_throttle', now)),
    )
    .returning('username')
    .executeTakeFirst();
  return row !== undefined;
}

export async function clearAccountFailures(db: Kysely<DB>, accountId: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', accountId)
    .execute();
}

// --- failed client authentications at /auth/token ------------------------------------------------------

/** The latest end of a lock among `keys` ('client:<id>', 'source:<ip>'), or undefined when none is locked. */
export async function tokenLockedUntil(
  db: Kysely<DB>,
  keys: readonly string[],
  now: Date,
): Promise<Date | undefined> {
  if (keys.length === 0) return undefined;
  const row = await db
    .selectFrom('token_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', now)
    .executeTakeFirst();
  return row?.until ? new Date(row.until) : undefined;
}

/**
 * Counts one failed client authentication under each key, in one statement per key (concurrent failures
 * all count). Failures older than the lock period are forgotten; reaching the key's `max` locks it.
 */
export async function recordTokenFailure(
  db: Kysely<DB>,
  keys: readonly { key: string; max: number }[],
  now: Date,
  lockMs: number,
): Promise<void> {
  const until = new Date(now.getTime() + lockMs);
  const forgetBefore = new Date(now.getTime() - lockMs);
  for (const { key, max } of keys) {
    const count = sql<number>`case when token_throttle.locked_until is not null
        and token_throttle.locked_until <= ${now} then 1
      when token_throttle.updated_at < ${forgetBefore} then 1
      else token_throttle.failed_attempts + 1 end`;
    await db
      .insertInto('token_throttle')
      .values({ key, failed_attempts: 1, locked_until: max <= 1 ? until : null, updated_at: now })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          failed_attempts: count,
          locked_until: sql<Date | null>`case when (${count}) >= ${max} then ${until}::timestamptz
            when token_throttle.locked_until > ${now} then token_throttle.locked_until else null end`,
          updated_at: now,
        }),
      )
      .execute();
  }
}

export async function clearTokenFailures(db: Kysely<DB>, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('token_throttle').where('key', 'in', keys).execute();
}

// --- second factor -----------------------------------------------------------------------------------

export async function setTotpSecret(db: Kysely<DB>, accountId: string, secret: string): Promise<void> {
  await db
    .updateTable('account')
    .set({ totp_secret: secret, totp_enabled: false, totp_last_step: null })
    .where('id', '=', accountId)
    .where('totp_enabled', '=', false)
    .execute();
}

/**
 * Records that a code of `step` was used; false when that step (or a later one) was used before, i.e.
 * the code is a replay. One conditional update, so two simultaneous uses cannot both succeed.
 */
export async function claimTotpStep(
  db: Kysely<DB>,
  accountId: string,
  step: number,
  enable = false,
): Promise<boolean> {
  const result = await db
    .updateTable('account')
    .set({ totp_last_step: step, ...(enable ? { totp_enabled: true } : {}) })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

// --- sessions ----------------------------------------------------------------------------------------

export interface NewSession {
  id: string;
  kind: 'staff' | 'citizen';
  accountId: string | null;
  personId: string | null;
  csrfToken: string;
  now: Date;
  expiresAt: Date;
}

export async function insertSession(db: Kysely<DB>, s: NewSession): Promise<void> {
  await db
    .insertInto('auth_session')
    .values({
      id: s.id,
      kind: s.kind,
      account_id: s.accountId,
      person_id: s.personId,
      csrf_token: s.csrfToken,
      created_at: s.now,
      last_seen_at: s.now,
      expires_at: s.expiresAt,
    })
    .execute();
}

export interface LiveSession {
  id: string;
  kind: 'staff' | 'citizen';
  csrfToken: string;
  lastSeenAt: Date;
  expiresAt: Date;
  account: { id: string; username: string; displayName: string } | null;
  person: { id: string; pinfl: string; displayName: string } | null;
  /** The role grants of its account or person, as `grantsOf` reads them (in grant order). */
  grants: RoleGrant[];
}

interface GrantRow {
  role: Role;
  area_kind: AreaKind | null;
  area_code: string | null;
  organisation: string;
}

/** A JSON array of role_grant rows of the owner `where` names, in grant order ('[]' for none). */
const grantsJson = (where: ReturnType<typeof sql>) => sql<GrantRow[]>`coalesce((
  select json_agg(json_build_object('role', g.role, 'area_kind', g.area_kind, 'area_code', g.area_code,
    'organisation', g.organisation) order by g.id)
  from role_grant g where ${where}), '[]'::json)`;

/** Built and compiled once per database handle: every signed-in request sends it first. */
const liveSessionStatement = compiledOnce((db: Kysely<DB>, id: string, now: Date, seenSince: Date) =>
  db
    .selectFrom('auth_session as s')
    .modifyFront(PREPARED)
    .leftJoin('account as a', 'a.id', 's.account_id')
    .leftJoin('person as p', 'p.id', 's.person_id')
    .select([
      's.id',
      's.kind',
      's.csrf_token',
      's.last_seen_at',
      's.expires_at',
      'a.id as account_id',
      'a.username',
      'a.display_name',
      'a.disabled',
      'p.id as person_id',
      'p.pinfl',
      'p.first_name',
      'p.last_name',
      'p.merged_into',
      sql<GrantRow[]>`case when s.kind = 'staff'
        then ${grantsJson(sql`g.account_id = s.account_id`)}
        else ${grantsJson(sql`g.person_id = s.person_id`)} end`.as('grants'),
    ])
    .where('s.id', '=', id)
    .where('s.revoked_at', 'is', null)
    .where('s.expires_at', '>', now)
    .where('s.last_seen_at', '>', seenSince),
);

/**
 * The session if it is neither revoked nor past its absolute or idle end, with whom it belongs to and their
 * role grants: one statement, since every signed-in request asks it first.
 */
export async function findLiveSession(
  db: Kysely<DB>,
  id: string,
  now: Date,
  idleMs: number,
): Promise<LiveSession | undefined> {
  const { rows } = await liveSessionStatement(db, id, now, new Date(now.getTime() - idleMs));
  const row = rows[0];
  if (!row) return undefined;
  if (row.kind === 'staff' && (!row.account_id || row.disabled)) return undefined;
  if (row.kind === 'citizen' && (!row.person_id || !row.pinfl || row.merged_into)) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    csrfToken: row.csrf_token,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
    account:
      row.account_id && row.username && row.display_name
        ? { id: row.account_id, username: row.username, displayName: row.display_name }
        : null,
    person:
      row.person_id && row.pinfl
        ? {
            id: row.person_id,
            pinfl: row.pinfl,
            displayName: `${row.first_name ?? ''} ${row.last_name ?? ''}`.trim(),
          }
        : null,
    grants: row.grants.map((g) => ({
      role: g.role,
      area: areaOf(g.area_kind, g.area_code),
      organisation: g.organisation,
    })),
  };
}

export async function touchSession(db: Kysely<DB>, id: string, now: Date): Promise<void> {
  await db.updateTable('auth_session').set({ last_seen_at: now }).where('id', '=', id).execute();
}

export async function revokeSession(db: Kysely<DB>, id: string, now: Date): Promise<void> {
  await db
    .updateTable('auth_session')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function findCsrfToken(db: Kysely<DB>, sessionId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('auth_session')
    .select('csrf_token')
    .where('id', '=', sessionId)
    .executeTakeFirst();
  return row?.csrf_token;
}

// --- machine clients and access tokens --------------------------------------------------------------

export interface MachineClientRecord {
  id: string;
  secretHash: string;
  agency: string;
  scopes: string[];
  area: Area | null;
  disabled: boolean;
  /** Normalised callback URIs (src/platform/http/outbound-url.ts). */
  callbackUris: string[];
  defaultCallbackUri: string | null;
  /** The client's public signing key (a JWK), or null when it does not sign. */
  signingJwk: Record<string, unknown> | null;
  /** End of a temporary client's life; null for a client registered for good. */
  expiresAt: Date | null;
}

export async function findMachineClient(
  db: Kysely<DB>,
  id: string,
): Promise<MachineClientRecord | undefined> {
  const row = await db.selectFrom('machine_client').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    row && {
      id: row.id,
      secretHash: row.secret_hash,
      agency: row.agency,
      scopes: row.scopes,
      area: areaOf(row.area_kind, row.area_code),
      disabled: row.disabled,
      callbackUris: row.callback_uris,
      defaultCallbackUri: row.default_callback_uri,
      signingJwk: row.signing_jwk,
      expiresAt: row.expires_at,
    }
  );
}

export async function insertMachineClient(
  db: Kysely<DB>,
  client: Omit<MachineClientRecord, 'disabled' | 'expiresAt'>,
): Promise<boolean> {
  const row = await db
    .insertInto('machine_client')
    .values({
      id: client.id,
      secret_hash: client.secretHash,
      agency: client.agency,
      scopes: client.scopes,
      area_kind: client.area?.kind ?? null,
      area_code: client.area?.code ?? null,
      callback_uris: client.callbackUris,
      default_callback_uri: client.defaultCallbackUri,
      signing_jwk: client.signingJwk ? JSON.stringify(client.signingJwk) : null,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateMachineClientCallbacks(
  db: Kysely<DB>,
  id: string,
  callbacks: Pick<MachineClientRecord, 'callbackUris' | 'defaultCallbackUri' | 'signingJwk'>,
): Promise<boolean> {
  const row = await db
    .updateTable('machine_client')
    .set({
      callback_uris: callbacks.callbackUris,
      default_callback_uri: callbacks.defaultCallbackUri,
      signing_jwk: callbacks.signingJwk ? JSON.stringify(callbacks.signingJwk) : null,
    })
    .where('id', '=', id)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Sets what a client reaches (scopes and area); its tokens go, since they carry the old scopes. */
export async function setMachineClientReach(
  db: Kysely<DB>,
  id: string,
  scopes: string[],
  area: Area | null,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('access_token').where('client_id', '=', id).execute();
    await updateMachineClientReach(trx, id, scopes, area);
  });
}

/** Sets a client's scopes and area, in the caller's transaction; what happens to its tokens is the caller's. */
export async function updateMachineClientReach(
  db: Kysely<DB>,
  id: string,
  scopes: string[],
  area: Area | null,
): Promise<void> {
  await db
    .updateTable('machine_client')
    .set({ scopes, area_kind: area?.kind ?? null, area_code: area?.code ?? null })
    .where('id', '=', id)
    .execute();
}

/** Registers the client, or replaces it (new secret, scopes, area and end of life), enabled. */
export async function upsertMachineClient(
  db: Kysely<DB>,
  client: Omit<MachineClientRecord, 'disabled'>,
): Promise<void> {
  const values = {
    secret_hash: client.secretHash,
    agency: client.agency,
    scopes: client.scopes,
    area_kind: client.area?.kind ?? null,
    area_code: client.area?.code ?? null,
    callback_uris: client.callbackUris,
    default_callback_uri: client.defaultCallbackUri,
    signing_jwk: client.signingJwk ? JSON.stringify(client.signingJwk) : null,
    expires_at: client.expiresAt,
    disabled: false,
  };
  await db.transaction().execute(async (trx) => {
    // Tokens of the client's previous life must not carry over to the new one.
    await trx.deleteFrom('access_token').where('client_id', '=', client.id).execute();
    await trx
      .insertInto('machine_client')
      .values({ id: client.id, ...values })
      .onConflict((oc) => oc.column('id').doUpdateSet(values))
      .execute();
  });
}

/** Moves a live temporary client's end of life; false when it is gone, disabled or already expired. */
export async function extendMachineClient(
  db: Kysely<DB>,
  id: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> {
  const result = await db
    .updateTable('machine_client')
    .set({ expires_at: expiresAt })
    .where('id', '=', id)
    .where('disabled', '=', false)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Ends a temporary client now: disabled and expired, its tokens deleted. */
export async function retireMachineClient(db: Kysely<DB>, id: string, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('access_token').where('client_id', '=', id).execute();
    await trx
      .updateTable('machine_client')
      .set({ disabled: true, expires_at: now })
      .where('id', '=', id)
      .execute();
  });
}

export async function insertAccessToken(
  db: Kysely<DB>,
  token: { id: string; clientId: string; scopes: string[]; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('access_token')
    .values({ id: token.id, client_id: token.clientId, scopes: token.scopes, expires_at: token.expiresAt })
    .execute();
}

export async function findLiveAccessToken(
  db: Kysely<DB>,
  id: string,
  now: Date,
): Promise<{ client: MachineClientRecord; scopes: string[] } | undefined> {
  const row = await db
    .selectFrom('access_token as t')
    .innerJoin('machine_client as c', 'c.id', 't.client_id')
    .select([
      't.scopes',
      'c.id',
      'c.secret_hash',
      'c.agency',
      'c.scopes as client_scopes',
      'c.area_kind',
      'c.area_code',
      'c.disabled',
      'c.callback_uris',
      'c.default_callback_uri',
      'c.signing_jwk',
      'c.expires_at as client_expires_at',
    ])
    .where('t.id', '=', id)
    .where('t.expires_at', '>', now)
    .where('c.disabled', '=', false)
    .where((eb) => eb.or([eb('c.expires_at', 'is', null), eb('c.expires_at', '>', now)]))
    .executeTakeFirst();
  return (
    row && {
      scopes: row.scopes,
      client: {
        id: row.id,
        secretHash: row.secret_hash,
        agency: row.agency,
        scopes: row.client_scopes,
        area: areaOf(row.area_kind, row.area_code),
        disabled: row.disabled,
        callbackUris: row.callback_uris,
        defaultCallbackUri: row.default_callback_uri,
        signingJwk: row.signing_jwk,
        expiresAt: row.client_expires_at,
      },
    }
  );
}

// --- citizen sign-in (relying party) -----------------------------------------------------------------

export async function insertOidcLogin(
  db: Kysely<DB>,
  login: { state: string; codeVerifier: string; nonce: string },
): Promise<void> {
  await db
    .insertInto('oidc_login')
    .values({ state: login.state, code_verifier: login.codeVerifier, nonce: login.nonce })
    .execute();
}

/** Marks the pending sign-in used and returns it; undefined when unknown, used or older than maxAgeMs. */
export async function takeOidcLogin(
  db: Kysely<DB>,
  state: string,
  now: Date,
  maxAgeMs: number,
): Promise<{ codeVerifier: string; nonce: string } | undefined> {
  const row = await db
    .updateTable('oidc_login')
    .set({ used_at: now })
    .where('state', '=', state)
    .where('used_at', 'is', null)
    .where('created_at', '>', new Date(now.getTime() - maxAgeMs))
    .returning(['code_verifier', 'nonce'])
    .executeTakeFirst();
  return row && { codeVerifier: row.code_verifier, nonce: row.nonce };
}

export async function findCitizenByPinfl(
  db: Kysely<DB>,
  pinfl: string,
): Promise<{ id: string; pinfl: string } | undefined> {
  const row = await db
    .selectFrom('person')
    .select(['id', 'pinfl'])
    .where('pinfl', '=', pinfl)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
  return row?.pinfl ? { id: row.id, pinfl: row.pinfl } : undefined;
}

export type LanguageCode = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';

/** The console language a staff member chose (migration 021); null until they choose one. */
export async function setAccountLanguage(
  db: Kysely<DB>,
  accountId: string,
  language: LanguageCode,
): Promise<void> {
  await db.updateTable('account').set({ preferred_language: language }).where('id', '=', accountId).execute();
}

/**
 * The language a signed-in person keeps on their account, applied again at their next sign-in: a staff
 * member's console language, a citizen's language (the one their messages are written in, as the
 * session lookup reads their person row).
 */
export async function languageOf(
  db: Kysely<DB>,
  owner: { accountId: string } | { personId: string },
): Promise<LanguageCode | null> {
  if ('accountId' in owner) {
    const row = await db
      .selectFrom('account')
      .select('preferred_language')
      .where('id', '=', owner.accountId)
      .executeTakeFirst();
    return row?.preferred_language ?? null;
  }
  const row = await db
    .selectFrom('person')
    .select('preferred_language')
    .where('id', '=', owner.personId)
    .executeTakeFirst();
  return row?.preferred_language ?? null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Display names and first grant of staff accounts, by username or account id (who proposed, reviewed or
 * read something); the map holds each account under the key it was asked by.
 */
export async function staffByUsernames(
  db: Kysely<DB>,
  keys: readonly string[],
): Promise<Map<string, { displayName: string; grant: RoleGrant | null }>> {
  const found = new Map<string, { displayName: string; grant: RoleGrant | null }>();
  const unique = [...new Set(keys)];
  if (unique.length === 0) return found;
  const ids = unique.filter((k) => UUID.test(k));
  const names = unique.filter((k) => !UUID.test(k));
  const accounts = await db
    .selectFrom('account')
    .select(['id', 'username', 'display_name'])
    .where((eb) =>
      eb.or([
        ...(names.length > 0 ? [eb('username', 'in', names)] : []),
        ...(ids.length > 0 ? [eb('id', 'in', ids)] : []),
      ]),
    )
    .execute();
  if (accounts.length === 0) return found;
  const grants = await db
    .selectFrom('role_grant')
    .select(['account_id', 'role', 'area_kind', 'area_code', 'organisation'])
    .where(
      'account_id',
      'in',
      accounts.map((a) => a.id),
    )
    .orderBy('id')
    .execute();
  for (const a of accounts) {
    const g = grants.find((x) => x.account_id === a.id);
    const value = {
      displayName: a.display_name,
      grant: g
        ? { role: g.role, area: areaOf(g.area_kind, g.area_code), organisation: g.organisation }
        : null,
    };
    found.set(a.username, value);
    found.set(a.id, value);
  }
  return found;
}
