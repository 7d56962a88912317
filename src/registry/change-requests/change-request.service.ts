import type { Kysely } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { offsetOf, type Page, type PageQuery } from '../../platform/http/pagination.ts';
import { type Applied, applyChange, subjectOf } from './change-request.effects.ts';
import { payloadHash } from './change-request.hash.ts';
import * as repository from './change-request.repository.ts';
import {
  type ChangeRequestFilter,
  ChangeRequestPayload,
  type ChangeRequestView,
  type HouseholdMemberOn,
  SubmitChangeRequest,
  type SubmitChangeRequestInput,
} from './change-request.schemas.ts';
import { acceptedStatus } from './fact-contest.service.ts';

/**
 * The change-request workflow: submit (validated, stored pending or applied at once), apply, reject.
 * Every function opens its own transaction on the database it is given, so a failed validation leaves
 * nothing behind: no request row, no person, no membership.
 */

export interface Submitted {
  request: ChangeRequestView;
  /** false when this was a retry of a request already stored with the same id and payload. */
  created: boolean;
}

export async function submitChangeRequest(
  db: Kysely<DB>,
  input: SubmitChangeRequestInput,
  actor: string,
): Promise<Submitted> {
  const parsed = SubmitChangeRequest.safeParse(input);
  if (!parsed.success) {
    throw new DomainError('VALIDATION_FAILED', {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const { id, apply, source, type, ...fields } = parsed.data;
  const payload = ChangeRequestPayload.parse({ type, ...fields });
  const hash = payloadHash(type, fields);

  return db.transaction().execute(async (trx) => {
    await repository.lockChangeRequestId(trx, id);
    const stored = await repository.findChangeRequest(trx, id);
    if (stored) return { request: sameRequest(stored, hash), created: false };

    const ctx = { trx, changeRequestId: id, source };
    let applied: Applied | undefined;
    if (apply) {
      applied = await applyChange(ctx, payload);
    } else {
      // Validation is the application itself, undone: what passes here is exactly what apply would do.
      await repository.savepoint(trx, 'validate');
      await applyChange(ctx, payload);
      await repository.rollbackToSavepoint(trx, 'validate');
    }
    const subject = subjectOf(payload);
    const inserted = await repository.insertChangeRequest(trx, {
      id,
      type,
      householdId: subject.householdId,
      personId: applied?.personId ?? subject.personId,
      payload: fields,
      payloadHash: hash,
      effectiveDate: payload.effectiveDate,
      status: applied ? 'applied' : 'pending',
      submittedBy: actor,
      source,
      decidedBy: applied ? actor : null,
      result: applied?.result ?? null,
    });
    if (!inserted) throw new Error(`change request ${id} appeared despite the id lock`);
    return { request: inserted, created: true };
  });
}

function sameRequest(stored: repository.StoredChangeRequest, hash: string): ChangeRequestView {
  if (stored.payloadHash !== hash) {
    // Nothing of the stored request is told: it may be about a household outside the caller's areas.
    throw new DomainError('CHANGE_REQUEST_CONFLICT', { id: stored.view.id });
  }
  return stored.view;
}

/** Re-validates a pending request against the registry as it is now and applies it. */
export async function applyChangeRequest(
  db: Kysely<DB>,
  id: string,
  actor: string,
): Promise<ChangeRequestView> {
  return db.transaction().execute(async (trx) => {
    const stored = await pendingRequest(trx, id);
    if (stored.view.type === 'contest_fact') {
      // The agency's fact is not edited here: accepting records where the contest goes next.
      return repository.decideChangeRequest(trx, id, {
        status: acceptedStatus(stored.view),
        decidedBy: actor,
        note: null,
        result: null,
      });
    }
    const payload = ChangeRequestPayload.parse({ ...stored.view.payload, type: stored.view.type });
    const applied = await applyChange({ trx, changeRequestId: id, source: stored.view.source }, payload);
    return repository.decideChangeRequest(trx, id, {
      status: 'applied',
      decidedBy: actor,
      note: null,
      result: applied.result,
      personId: applied.personId,
    });
  });
}

export async function rejectChangeRequest(
  db: Kysely<DB>,
  id: string,
  reason: string,
  actor: string,
): Promise<ChangeRequestView> {
  return db.transaction().execute(async (trx) => {
    await pendingRequest(trx, id);
    return repository.decideChangeRequest(trx, id, {
      status: 'rejected',
      decidedBy: actor,
      note: reason,
      result: null,
    });
  });
}

async function pendingRequest(trx: Kysely<DB>, id: string): Promise<repository.StoredChangeRequest> {
  const stored = await repository.findChangeRequest(trx, id, { forUpdate: true });
  if (!stored) throw new DomainError('CHANGE_REQUEST_NOT_FOUND', { id });
  if (stored.view.status !== 'pending') {
    throw new DomainError('CHANGE_REQUEST_NOT_PENDING', { id, status: stored.view.status });
  }
  return stored;
}

export async function getChangeRequest(db: Kysely<DB>, id: string): Promise<ChangeRequestView> {
  const stored = await repository.findChangeRequest(db, id);
  if (!stored) throw new DomainError('CHANGE_REQUEST_NOT_FOUND', { id });
  return stored.view;
}

export async function findChangeRequest(db: Kysely<DB>, id: string): Promise<ChangeRequestView | undefined> {
  return (await repository.findChangeRequest(db, id))?.view;
}

/** How many change requests match, within the same scope as the list (a worklist's count). */
export function countChangeRequests(
  db: Kysely<DB>,
  filter: ChangeRequestFilter,
  scope: Scope,
): Promise<number> {
  return repository.countChangeRequests(db, filter, scope);
}

export async function listChangeRequests(
  db: Kysely<DB>,
  filter: ChangeRequestFilter,
  page: PageQuery,
  scope: Scope,
): Promise<Page<ChangeRequestView>> {
  const { items, total } = await repository.listChangeRequests(
    db,
    filter,
    { limit: page.pageSize, offset: offsetOf(page) },
    scope,
  );
  return { items, page: page.page, pageSize: page.pageSize, total };
}

/** Who lived in the household on `date` (YYYY-MM-DD), head first. */
export async function membersOn(
  db: Kysely<DB>,
  householdId: string,
  date: string,
): Promise<HouseholdMemberOn[]> {
  return repository.membersOn(db, householdId, date);
}
