import type { Kysely } from 'kysely';
import type { Area } from '../access/actor.ts';
import type { Scope } from '../access/policies.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { accountForApproval, applyGrants } from './accounts.service.ts';
import * as repo from './administration.repository.ts';
import type { RequestView } from './administration.schemas.ts';
import type { AdminRequestStatus, AdminTargetKind } from './administration.tables.ts';
import { type AdminCaller, knownAreas, requireWithin } from './areas.ts';
import { applyReach, clientForApproval } from './clients.service.ts';
import { canonicalGrants, canonicalReach, grantsOf, reachOf, sameJson } from './four-eyes.ts';
import { requestViews } from './views.ts';

/**
 * The second pair of eyes: pending requests are listed for administrators whose areas cover them, and
 * approved (applied, in the approver's transaction) or rejected. The approver is never the proposer nor
 * the account the change is about (checked here and by CHECKs of migration 016); the proposer may withdraw
 * (reject) their own request.
 */

/** The caller for each kind of request: who administers accounts, who administers clients (or neither). */
export type ReviewerCallers = Record<AdminTargetKind, AdminCaller | null>;

const scopes = (callers: ReviewerCallers): Record<AdminTargetKind, Scope> => ({
  account: callers.account?.scope ?? { kind: 'none' },
  machine_client: callers.machine_client?.scope ?? { kind: 'none' },
});

export async function listRequests(
  db: Kysely<DB>,
  callers: ReviewerCallers,
  filters: { status?: AdminRequestStatus | undefined },
  page: PageQuery,
): Promise<{ items: RequestView[]; total: number }> {
  const { items, total } = await repo.listRequests(db, filters, page, scopes(callers));
  const who = callers.account ?? callers.machine_client;
  if (who)
    await appendAudit(db, [
      { ...who.audit, action: 'search', resourceType: 'admin_request', fields: ['requests'] },
    ]);
  return { items: await requestViews(db, items), total };
}

/** The request and the caller who may review its kind: 404 for no such request, 403 for another kind. */
async function loadForReview(
  db: Kysely<DB>,
  callers: ReviewerCallers,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<{ request: repo.AdminRequestRecord; caller: AdminCaller }> {
  const request = await repo.findRequest(db, id, options);
  if (!request) throw new DomainError('ADMIN_REQUEST_NOT_FOUND', { id });
  const caller = callers[request.targetKind];
  if (!caller) throw new DomainError('FORBIDDEN');
  return { request, caller };
}

const areasOf = (r: repo.AdminRequestRecord): (Area | null)[] =>
  [r.change, r.before].flatMap((v) =>
    r.targetKind === 'account' ? grantsOf(v).map((g) => g.area) : [reachOf(v).area],
  );

/** 403 unless every area of the request lies within the reviewer's areas. */
async function requireRequestWithin(db: Kysely<DB>, caller: AdminCaller, r: repo.AdminRequestRecord) {
  const areas = areasOf(r);
  requireWithin(caller, await knownAreas(db, areas), areas);
}

export async function getRequest(db: Kysely<DB>, callers: ReviewerCallers, id: string): Promise<RequestView> {
  const { request, caller } = await loadForReview(db, callers, id);
  await requireRequestWithin(db, caller, request);
  await appendAudit(db, [
    { ...caller.audit, action: 'read', resourceType: 'admin_request', resourceId: id, fields: ['request'] },
  ]);
  const [view] = await requestViews(db, [request]);
  if (!view) throw new DomainError('ADMIN_REQUEST_NOT_FOUND', { id });
  return view;
}

async function viewOf(db: Kysely<DB>, id: string): Promise<RequestView> {
  const stored = await repo.findRequest(db, id);
  const [view] = stored ? await requestViews(db, [stored]) : [];
  if (!view) throw new DomainError('ADMIN_REQUEST_NOT_FOUND', { id });
  return view;
}

/**
 * Approves a pending request and applies its change, if the account or client is still as it was when the
 * change was proposed (else 409 ADMIN_REQUEST_STALE: the approver would approve something they did not see).
 * A retry by the administrator who approved it answers it unchanged.
 */
export async function approveRequest(
  trx: Kysely<DB>,
  callers: ReviewerCallers,
  id: string,
  note: string | null,
): Promise<RequestView> {
  const { request: r, caller } = await loadForReview(trx, callers, id, { forUpdate: true });
  if (r.status === 'approved' && r.reviewedBy === caller.accountId) return viewOf(trx, id);
  if (r.status !== 'pending') throw new DomainError('ADMIN_REQUEST_NOT_PENDING', { id, status: r.status });
  if (r.proposedBy === caller.accountId) throw new DomainError('ADMIN_SAME_APPROVER', { id });
  await requireRequestWithin(trx, caller, r);
  if (r.targetKind === 'account') {
    // 403 ADMIN_OWN_ACCOUNT when the approver is the account the change is about.
    const account = await accountForApproval(trx, caller, r.targetId);
    if (!sameJson(canonicalGrants(account.grants), canonicalGrants(grantsOf(r.before)))) {
      throw new DomainError('ADMIN_REQUEST_STALE', { id });
    }
    await applyGrants(trx, caller, r.targetId, grantsOf(r.change));
  } else {
    const client = await clientForApproval(trx, caller, r.targetId);
    if (
      !sameJson(
        canonicalReach({ scopes: client.scopes, area: client.area }),
        canonicalReach(reachOf(r.before)),
      )
    ) {
      throw new DomainError('ADMIN_REQUEST_STALE', { id });
    }
    await applyReach(trx, caller, client, canonicalReach(reachOf(r.change)));
  }
  await repo.reviewRequest(trx, id, {
    status: 'approved',
    reviewedBy: caller.accountId,
    note,
    at: new Date(),
  });
  await appendAudit(trx, [
    { ...caller.audit, action: 'update', resourceType: 'admin_request', resourceId: id, fields: ['status'] },
  ]);
  return viewOf(trx, id);
}

/** Rejects a pending request (its proposer withdraws it the same way); nothing is applied. */
export async function rejectRequest(
  trx: Kysely<DB>,
  callers: ReviewerCallers,
  id: string,
  note: string | null,
): Promise<RequestView> {
  const { request: r, caller } = await loadForReview(trx, callers, id, { forUpdate: true });
  if (r.status === 'rejected' && r.reviewedBy === caller.accountId) return viewOf(trx, id);
  if (r.status !== 'pending') throw new DomainError('ADMIN_REQUEST_NOT_PENDING', { id, status: r.status });
  await requireRequestWithin(trx, caller, r);
  await repo.reviewRequest(trx, id, {
    status: 'rejected',
    reviewedBy: caller.accountId,
    note,
    at: new Date(),
  });
  await appendAudit(trx, [
    { ...caller.audit, action: 'update', resourceType: 'admin_request', resourceId: id, fields: ['status'] },
  ]);
  return viewOf(trx, id);
}
