import type { Kysely } from 'kysely';
import type { RoleGrant } from '../access/actor.ts';
import { type AuditRequestInput, appendAudit } from '../audit/audit.service.ts';
import * as identity from '../identity/admin.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import * as repo from './administration.repository.ts';
import type { AccountView, CreateAccount, RequestView, SetGrants } from './administration.schemas.ts';
import { STAFF_ROLES } from './administration.schemas.ts';
import { type AdminCaller, allWithin, knownAreas, placesFor, regionsOf, requireWithin } from './areas.ts';
import { canonicalGrants, digestOf, proposeChange, requireReason, sameJson } from './four-eyes.ts';
import { grantChangeNeedsApproval, grantsWithoutApproval } from './reach.ts';
import { accountViews, requestViews } from './views.ts';

/**
 * Staff accounts: list, read, create, change grants, disable and enable, reset the second factor, unlock.
 * Every call acts for an administrator (`AdminCaller`) on accounts whose every grant lies within their
 * areas; grants that give a registry-wide reach wait for a second administrator (reach.ts, ADR 004).
 * Writes take the caller's transaction and append their audit entry in it.
 */

export interface AccountResult {
  account: AccountView;
  pendingRequest: RequestView | null;
}

async function audit(trx: Kysely<DB>, caller: AdminCaller, what: AuditRequestInput): Promise<void> {
  await appendAudit(trx, [{ ...caller.audit, ...what }]);
}

async function viewOf(db: Kysely<DB>, account: identity.StaffAccountRecord): Promise<AccountView> {
  const pending = await repo.pendingRequestIds(db, 'account', [account.id]);
  const [view] = await accountViews(db, [account], pending);
  if (!view) throw new DomainError('ADMIN_ACCOUNT_NOT_FOUND', { id: account.id });
  return view;
}

async function pendingView(db: Kysely<DB>, requestId: string | null): Promise<RequestView | null> {
  if (!requestId) return null;
  const request = await repo.findRequest(db, requestId);
  if (!request) return null;
  return (await requestViews(db, [request]))[0] ?? null;
}

/** Grants as given: staff roles only, one per role and area. */
function grantsFrom(input: CreateAccount['grants']): RoleGrant[] {
  for (const g of input) {
    if (!(STAFF_ROLES as readonly string[]).includes(g.role)) {
      throw new DomainError('VALIDATION_FAILED', { field: 'grants', reason: 'not a staff role' });
    }
  }
  return canonicalGrants(input.map((g) => ({ role: g.role, area: g.area, organisation: g.organisation })));
}

/** The account, if it exists and every grant of it lies within the caller's areas: 404, else 403. */
async function accountInReach(
  db: Kysely<DB>,
  caller: AdminCaller,
  id: string,
  options: { forUpdate?: boolean; notSelf?: boolean } = {},
): Promise<identity.StaffAccountRecord> {
  const account = await identity.findStaffAccount(db, id, options);
  if (!account) throw new DomainError('ADMIN_ACCOUNT_NOT_FOUND', { id });
  const areas = account.grants.map((g) => g.area);
  if (!allWithin(caller.scope, await placesFor(db, areas), areas)) {
    throw new DomainError('FORBIDDEN', { reason: 'outside the areas you administer' });
  }
  if (options.notSelf && account.id === caller.accountId) throw new DomainError('ADMIN_OWN_ACCOUNT');
  return account;
}

export async function listAccounts(
  db: Kysely<DB>,
  caller: AdminCaller,
  filters: { q?: string | undefined; disabled?: boolean | undefined },
  page: PageQuery,
): Promise<{ items: AccountView[]; total: number }> {
  const { items, total } = await identity.listStaffAccounts(db, filters, page, caller.scope);
  const pending = await repo.pendingRequestIds(
    db,
    'account',
    items.map((a) => a.id),
  );
  await audit(db, caller, { action: 'search', resourceType: 'staff_account', fields: ['accounts'] });
  return { items: await accountViews(db, items, pending), total };
}

export async function getAccount(db: Kysely<DB>, caller: AdminCaller, id: string): Promise<AccountView> {
  const account = await accountInReach(db, caller, id);
  await audit(db, caller, {
    action: 'read',
    resourceType: 'staff_account',
    resourceId: id,
    fields: ['account'],
  });
  return viewOf(db, account);
}

/**
 * Creates an account with the client-made id. Grants that need a second administrator are not given yet:
 * the account starts with the others, and a pending request holds the whole list. A retry with the same id
 * and content (the same initial password included) answers the same account; other content is 409.
 */
export async function createAccount(
  trx: Kysely<DB>,
  caller: AdminCaller,
  input: CreateAccount,
  passwordHash: string,
): Promise<AccountResult & { created: boolean }> {
  const username = identity.normaliseUsername(input.username);
  const grants = grantsFrom(input.grants);
  const places = await knownAreas(
    trx,
    grants.map((g) => g.area),
  );
  requireWithin(
    caller,
    places,
    grants.map((g) => g.area),
  );
  const digest = digestOf({ username, displayName: input.displayName, grants, reason: input.reason ?? null });

  const answerRetry = async (creation: repo.CreationRecord) => {
    if (
      creation.payloadDigest !== digest ||
      !(await identity.accountPasswordIs(trx, input.id, input.password))
    ) {
      throw new DomainError('ADMIN_ID_REUSED', { id: input.id });
    }
    const account = await accountInReach(trx, caller, input.id);
    return {
      account: await viewOf(trx, account),
      pendingRequest: await pendingView(trx, creation.requestId),
      created: false,
    };
  };
  const earlier = await repo.findCreation(trx, 'account', input.id);
  if (earlier) return answerRetry(earlier);

  const needsApproval = grantChangeNeedsApproval(null, grants);
  if (needsApproval) requireReason(input.reason);
  const now = needsApproval ? grantsWithoutApproval(grants) : grants;
  const inserted = await identity.insertStaffAccount(
    trx,
    { id: input.id, username, displayName: input.displayName, passwordHash },
    now,
  );
  if (!inserted) {
    const concurrent = await repo.findCreation(trx, 'account', input.id);
    if (concurrent) return answerRetry(concurrent);
    if (await identity.findStaffAccount(trx, input.id))
      throw new DomainError('ADMIN_ID_REUSED', { id: input.id });
    throw new DomainError('USERNAME_TAKEN', { username });
  }
  await audit(trx, caller, {
    action: 'create',
    resourceType: 'staff_account',
    resourceId: input.id,
    fields: ['username', 'display_name', 'password', 'grants'],
  });
  const request = needsApproval
    ? await proposeChange(trx, caller, {
        targetKind: 'account',
        targetId: input.id,
        change: { grants },
        before: { grants: now },
        reachRegions: regionsOf(
          places,
          grants.map((g) => g.area),
        ),
        reason: input.reason,
      })
    : null;
  await repo.insertCreation(trx, {
    targetKind: 'account',
    targetId: input.id,
    payloadDigest: digest,
    requestId: request?.id ?? null,
    createdBy: caller.accountId,
  });
  const account = await identity.findStaffAccount(trx, input.id);
  if (!account) throw new DomainError('ADMIN_ACCOUNT_NOT_FOUND', { id: input.id });
  return {
    account: await viewOf(trx, account),
    pendingRequest: request ? ((await requestViews(trx, [request]))[0] ?? null) : null,
    created: true,
  };
}

/** Gives the grants (directly or on approval), audited. */
export async function applyGrants(
  trx: Kysely<DB>,
  caller: AdminCaller,
  accountId: string,
  grants: readonly RoleGrant[],
): Promise<void> {
  await identity.setAccountGrants(trx, accountId, canonicalGrants(grants));
  await audit(trx, caller, {
    action: 'grant',
    resourceType: 'staff_account',
    resourceId: accountId,
    fields: ['grants'],
  });
}

/**
 * Replaces an account's grants. A change that gives a registry-wide reach becomes a pending request and
 * changes nothing yet; any other is applied at once (not while a request for the account waits).
 */
export async function setGrants(
  trx: Kysely<DB>,
  caller: AdminCaller,
  id: string,
  input: SetGrants,
): Promise<AccountResult> {
  const account = await accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
  const grants = grantsFrom(input.grants);
  const current = canonicalGrants(account.grants);
  const all = [...current, ...grants].map((g) => g.area);
  const places = await knownAreas(
    trx,
    grants.map((g) => g.area),
  );
  requireWithin(
    caller,
    places,
    grants.map((g) => g.area),
  );
  if (grantChangeNeedsApproval(current, grants)) {
    const request = await proposeChange(trx, caller, {
      targetKind: 'account',
      targetId: id,
      change: { grants },
      before: { grants: current },
      reachRegions: regionsOf(new Map([...(await placesFor(trx, all)), ...places]), all),
      reason: input.reason,
    });
    return {
      account: await viewOf(trx, account),
      pendingRequest: (await requestViews(trx, [request]))[0] ?? null,
    };
  }
  if (!sameJson(current, grants)) {
    const waiting = await repo.findPendingRequestFor(trx, 'account', id);
    if (waiting) throw new DomainError('ADMIN_REQUEST_PENDING', { requestId: waiting.id });
    await applyGrants(trx, caller, id, grants);
  }
  const updated = await identity.findStaffAccount(trx, id);
  if (!updated) throw new DomainError('ADMIN_ACCOUNT_NOT_FOUND', { id });
  return { account: await viewOf(trx, updated), pendingRequest: null };
}

/** Disables the account; its live sessions end at once. */
export async function disableAccount(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<AccountView> {
  await accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
  await identity.disableAccount(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'staff_account',
    resourceId: id,
    fields: ['disabled', 'sessions'],
  });
  return reload(trx, id);
}

export async function enableAccount(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<AccountView> {
  await accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
  await identity.enableAccount(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'staff_account',
    resourceId: id,
    fields: ['disabled'],
  });
  return reload(trx, id);
}

/** Forgets the second factor (the person enrols again) and ends the account's sessions. */
export async function resetTotp(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<AccountView> {
  await accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
  await identity.resetAccountTotp(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'staff_account',
    resourceId: id,
    fields: ['totp', 'sessions'],
  });
  return reload(trx, id);
}

/** Lifts a lockout after failed sign-ins. */
export async function unlockAccount(trx: Kysely<DB>, caller: AdminCaller, id: string): Promise<AccountView> {
  await accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
  await identity.unlockAccount(trx, id);
  await audit(trx, caller, {
    action: 'update',
    resourceType: 'staff_account',
    resourceId: id,
    fields: ['lock'],
  });
  return reload(trx, id);
}

async function reload(db: Kysely<DB>, id: string): Promise<AccountView> {
  const account = await identity.findStaffAccount(db, id);
  if (!account) throw new DomainError('ADMIN_ACCOUNT_NOT_FOUND', { id });
  return viewOf(db, account);
}

/** For the approval of a pending request: the account as it is, within the caller's areas. */
export function accountForApproval(trx: Kysely<DB>, caller: AdminCaller, id: string) {
  return accountInReach(trx, caller, id, { forUpdate: true, notSelf: true });
}
