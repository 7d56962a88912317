import type { Kysely } from 'kysely';
import { isSecondPairOfEyes } from '../access/allowed-actions.ts';
import type { Scope } from '../access/policies.ts';
import { decisionsWritten } from '../decisions/decision.events.ts';
import { checkMonth, decisionKind, type Outcome, overrideOutcome } from '../decisions/decision.service.ts';
import * as decisionRepo from '../decisions/decision-records.service.ts';
import type { DB, DecisionProgramme, OverrideStatus } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { addMonths, parameterAt } from '../rules/index.ts';
import { isAppealRemedy } from './appeal.repository.ts';
import * as repo from './override.repository.ts';

/**
 * Manual overrides under the four-eyes rule: one officer proposes a change to a household's entitlement
 * with a reason and its legal basis; a different officer approves it, and only then is a decision written
 * and the entitlement changed. The decision is linked from the override (`decisionId`), which is how
 * overrides are told apart from the engine's decisions and counted.
 */

const NO_CATEGORY = 'none';
/** Who the HTTP layer reports when nobody is named: such a caller can neither propose nor approve. */
const ANONYMOUS = 'anonymous';
/** The parameters digest of a decision made by hand rather than by the rules. */
export const OVERRIDE_DIGEST = 'override';

export interface OverrideInput {
  id: string;
  householdId: string;
  programme: DecisionProgramme;
  month: string;
  /** Last month the override holds; absent = the re-assessment period of the Social Registry. */
  untilMonth?: string | null | undefined;
  amount?: number | null | undefined;
  category?: string | null | undefined;
  reason: string;
  legalBasis: string;
}

/** What the decision of an approved override stores in place of an engine trace. */
export interface OverrideNote {
  readonly format: 'himoya.override/1';
  readonly overrideId: string;
  readonly month: string;
  readonly reason: string;
  readonly legalBasis: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
}

/**
 * How long an override holds when the officer does not say: until the family would be re-assessed anyway
 * (the Social Registry's re-assessment period of poor families, read at the override's month), after which
 * the rules decide again.
 */
export function defaultUntilMonth(month: string): string {
  const m = checkMonth(month);
  const { value: months } = parameterAt('social_registry.reassessment_months_poor', m.firstDate);
  return addMonths(m, Math.max(1, months) - 1).key;
}

function requireNamed(actor: string): void {
  if (actor === ANONYMOUS || actor.trim() === '') throw new DomainError('OVERRIDE_ACTOR_REQUIRED');
}

function sameRequest(a: repo.NewOverride, b: repo.NewOverride): boolean {
  return (
    a.householdId === b.householdId &&
    a.programme === b.programme &&
    a.month === b.month &&
    a.untilMonth === b.untilMonth &&
    a.amount === b.amount &&
    a.category === b.category &&
    a.reason === b.reason &&
    a.legalBasis === b.legalBasis
  );
}

/** Records a pending override; a retry with the same id and content returns the one already stored. */
export async function createOverride(
  db: Kysely<DB>,
  input: OverrideInput,
  actor: string,
): Promise<{ override: repo.OverrideRecord; created: boolean }> {
  requireNamed(actor);
  checkMonth(input.month);
  const reason = input.reason.trim();
  const legalBasis = input.legalBasis.trim();
  const amount = input.amount ?? null;
  const category = input.category?.trim() || null;
  if (!reason || !legalBasis || (amount === null && category === null)) {
    throw new DomainError('VALIDATION_FAILED', {
      reason: 'reason, legalBasis and an amount or a category are required',
    });
  }
  if (amount !== null && (!Number.isInteger(amount) || amount < 0)) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'amount is a whole number of 0 or more' });
  }
  const untilMonth = input.untilMonth ?? defaultUntilMonth(input.month);
  checkMonth(untilMonth);
  if (untilMonth < input.month) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'untilMonth is not before month' });
  }
  const wanted: repo.NewOverride = {
    id: input.id,
    householdId: input.householdId,
    programme: input.programme,
    month: input.month,
    untilMonth,
    amount,
    category,
    reason,
    legalBasis,
    requestedBy: actor,
  };
  const existing = await repo.findOverride(db, input.id);
  if (existing) {
    if (!sameRequest(existing, wanted)) throw new DomainError('OVERRIDE_ID_REUSED', { id: input.id });
    return { override: existing, created: false };
  }
  if (!(await decisionRepo.householdExists(db, input.householdId))) {
    throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: input.householdId });
  }
  const created = await repo.insertOverride(db, wanted);
  const stored = await getOverride(db, input.id);
  // A concurrent retry may have written it first: the same content is the same request.
  if (!created && !sameRequest(stored, wanted)) throw new DomainError('OVERRIDE_ID_REUSED', { id: input.id });
  return { override: stored, created };
}

export async function getOverride(db: Kysely<DB>, id: string): Promise<repo.OverrideRecord> {
  const found = await repo.findOverride(db, id);
  if (!found) throw new DomainError('OVERRIDE_NOT_FOUND', { id });
  return found;
}

/**
 * Approves a pending override and applies it: one decision (following the household's last one for the
 * programme) and the entitlement, in the caller's transaction. The approver must not be the requester.
 * A retry by the approver who already approved it returns it unchanged.
 */
export async function approveOverride(
  trx: Kysely<DB>,
  id: string,
  actor: string,
  note: string | null = null,
): Promise<repo.OverrideRecord> {
  requireNamed(actor);
  const o = await repo.findOverride(trx, id, { forUpdate: true });
  if (!o) throw new DomainError('OVERRIDE_NOT_FOUND', { id });
  if (o.status === 'approved' && o.reviewedBy === actor) return o;
  if (o.status !== 'pending') throw new DomainError('OVERRIDE_NOT_PENDING', { id, status: o.status });
  if (!isSecondPairOfEyes(o.requestedBy, actor)) throw new DomainError('OVERRIDE_SAME_APPROVER', { id });

  const month = checkMonth(o.month);
  const current = (await decisionRepo.findEntitlements(trx, [o.householdId])).find(
    (e) => e.programme === o.programme,
  );
  if (current && current.decidedMonth > month.key) {
    throw new DomainError('OVERRIDE_MONTH_SUPERSEDED', { id, decidedMonth: current.decidedMonth });
  }
  const before: Outcome =
    current && current.toMonth === null
      ? { entitled: true, category: current.category, amount: current.amount }
      : { entitled: false, category: NO_CATEGORY, amount: 0 };
  const after = overrideOutcome(o.programme, before, o);
  const kind = decisionKind(before, after);
  if (!kind) throw new DomainError('OVERRIDE_NO_CHANGE', { id });

  const runId = await decisionRepo.createRun(trx, { month: month.key, trigger: 'manual', status: 'running' });
  const trace: OverrideNote = {
    format: 'himoya.override/1',
    overrideId: o.id,
    month: month.key,
    reason: o.reason,
    legalBasis: o.legalBasis,
    requestedBy: o.requestedBy,
    approvedBy: actor,
  };
  const traceIds = await decisionRepo.insertTraces(trx, [
    {
      householdId: o.householdId,
      month: month.key,
      runId,
      parametersDigest: OVERRIDE_DIGEST,
      trace: JSON.stringify(trace),
    },
  ]);
  const traceId = traceIds.get(o.householdId);
  if (traceId === undefined) throw new Error(`No trace written for override ${id}`);
  const written = await decisionRepo.insertDecisions(trx, [
    {
      householdId: o.householdId,
      programme: o.programme,
      month: month.key,
      kind,
      categoryBefore: before.category,
      categoryAfter: after.category,
      amountBefore: before.amount,
      amountAfter: after.amount,
      previousDecisionId: current?.lastDecisionId ?? null,
      traceId,
      parametersDigest: OVERRIDE_DIGEST,
      runId,
    },
  ]);
  const decisionId = written.get(`${o.householdId}|${o.programme}`);
  // The same transition was written meanwhile (the entitlement moved under us): the caller may retry.
  if (decisionId === undefined) throw new DomainError('CONFLICT', { id });
  await decisionRepo.upsertEntitlements(trx, [
    {
      householdId: o.householdId,
      programme: o.programme,
      category: after.category,
      amount: after.amount,
      fromMonth: kind === 'granted' ? month.key : (current?.fromMonth ?? month.key),
      toMonth: kind === 'ended' ? addMonths(month, -1).key : null,
      decidedMonth: month.key,
      lastDecisionId: decisionId,
    },
  ]);
  await decisionRepo.finishRun(trx, runId, { householdsEvaluated: 0, decisionsWritten: 1 });
  await repo.reviewOverride(trx, id, { status: 'approved', reviewedBy: actor, note, decisionId });
  // The family hears of it in this transaction ("after your appeal" when it remedies one): decision.events.ts.
  await decisionsWritten(trx, {
    runId,
    month: month.key,
    cause: (await isAppealRemedy(trx, id)) ? 'appeal' : 'override',
    decisionsWritten: 1,
  });
  return getOverride(trx, id);
}

/** Rejects a pending override; nothing is applied. The requester may withdraw their own. */
export async function rejectOverride(
  trx: Kysely<DB>,
  id: string,
  actor: string,
  note: string | null = null,
): Promise<repo.OverrideRecord> {
  requireNamed(actor);
  const o = await repo.findOverride(trx, id, { forUpdate: true });
  if (!o) throw new DomainError('OVERRIDE_NOT_FOUND', { id });
  if (o.status === 'rejected' && o.reviewedBy === actor) return o;
  if (o.status !== 'pending') throw new DomainError('OVERRIDE_NOT_PENDING', { id, status: o.status });
  await repo.reviewOverride(trx, id, { status: 'rejected', reviewedBy: actor, note, decisionId: null });
  return getOverride(trx, id);
}

/** How many overrides the list would show (same filters, same scope). */
export function countOverrides(
  db: Kysely<DB>,
  filters: { status?: OverrideStatus | undefined; householdId?: string | undefined },
  scope: Scope,
) {
  return repo.countOverrides(db, filters, scope);
}

export function listOverrides(
  db: Kysely<DB>,
  filters: { status?: OverrideStatus | undefined; householdId?: string | undefined },
  page: PageQuery,
  scope: Scope,
) {
  return repo.listOverrides(db, filters, page, scope);
}
