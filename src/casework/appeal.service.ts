import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import * as decisionRepo from '../decisions/decision-records.service.ts';
import type { AppealStatus, DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import * as repo from './appeal.repository.ts';
import { createOverride } from './override.service.ts';
import { addWorkingDays, today } from './working-days.ts';

/**
 * Appeals against a decision: submitted → under_review → upheld | overturned | withdrawn (withdrawn also
 * from submitted). An overturned appeal proposes a pending override, which a second officer approves.
 */

/**
 * Working days an appeal may take. **Unverified**: no legal source in hand for the Social Registry; a
 * placeholder to be replaced by the act's figure (callers may pass another value).
 */
export const APPEAL_SLA_WORKING_DAYS = 10;

const TRANSITIONS: Record<AppealStatus, readonly AppealStatus[]> = {
  submitted: ['under_review', 'withdrawn'],
  under_review: ['upheld', 'overturned', 'withdrawn'],
  upheld: [],
  overturned: [],
  withdrawn: [],
};

export interface AppealView extends repo.AppealRecord {
  overdue: boolean;
  events: repo.AppealEvent[];
}

export interface SubmitAppeal {
  id: string;
  decisionId: number;
  grounds: string;
  /** 'YYYY-MM-DD'; today when absent. */
  submittedOn?: string | undefined;
}

/** What an overturned appeal sets instead of the decision. */
export interface Remedy {
  amount?: number | null | undefined;
  category?: string | null | undefined;
  legalBasis: string;
}

async function view(db: Kysely<DB>, appeal: repo.AppealRecord, on: string): Promise<AppealView> {
  return {
    ...appeal,
    overdue: repo.OPEN_STATUSES.includes(appeal.status) && appeal.dueOn < on,
    events: await repo.findEvents(db, appeal.id),
  };
}

/** The household an appeal is about, for the area check before anything of it is read or changed. */
export async function appealHousehold(db: Kysely<DB>, id: string): Promise<string> {
  const appeal = await repo.findAppeal(db, id);
  if (!appeal) throw new DomainError('APPEAL_NOT_FOUND', { id });
  return appeal.householdId;
}

export async function getAppeal(db: Kysely<DB>, id: string, on = today()): Promise<AppealView> {
  const appeal = await repo.findAppeal(db, id);
  if (!appeal) throw new DomainError('APPEAL_NOT_FOUND', { id });
  return view(db, appeal, on);
}

/** Records an appeal (idempotent by its client id), due `slaDays` working days after submission. */
export async function submitAppeal(
  trx: Kysely<DB>,
  input: SubmitAppeal,
  actor: string,
  options: { slaDays?: number; on?: string } = {},
): Promise<{ appeal: AppealView; created: boolean }> {
  const grounds = input.grounds.trim();
  if (!grounds) throw new DomainError('VALIDATION_FAILED', { reason: 'grounds are required' });
  const on = options.on ?? today();
  const existing = await repo.findAppeal(trx, input.id);
  if (existing) {
    if (existing.decisionId !== input.decisionId || existing.grounds !== grounds) {
      throw new DomainError('APPEAL_ID_REUSED', { id: input.id });
    }
    return { appeal: await view(trx, existing, on), created: false };
  }
  const decision = await decisionRepo.findDecision(trx, input.decisionId);
  if (!decision) throw new DomainError('DECISION_NOT_FOUND', { id: input.decisionId });
  const submittedOn = input.submittedOn ?? on;
  const created = await repo.insertAppeal(trx, {
    id: input.id,
    decisionId: input.decisionId,
    householdId: decision.householdId,
    grounds,
    submittedBy: actor,
    submittedOn,
    dueOn: addWorkingDays(submittedOn, options.slaDays ?? APPEAL_SLA_WORKING_DAYS),
  });
  if (created)
    await repo.insertEvent(trx, input.id, { fromStatus: null, toStatus: 'submitted', actor, note: null });
  return { appeal: await getAppeal(trx, input.id, on), created };
}

/**
 * Moves an appeal on, recording who and why. Overturning needs a remedy and proposes a pending override of
 * the appealed decision's month and programme, requested by the same actor. A retry that finds the appeal
 * already in the target status returns it unchanged.
 */
export async function transitionAppeal(
  trx: Kysely<DB>,
  id: string,
  to: AppealStatus,
  actor: string,
  note: string | null,
  remedy?: Remedy,
): Promise<AppealView> {
  const appeal = await repo.findAppeal(trx, id, { forUpdate: true });
  if (!appeal) throw new DomainError('APPEAL_NOT_FOUND', { id });
  if (appeal.status === to) return getAppeal(trx, id);
  if (!TRANSITIONS[appeal.status].includes(to)) {
    throw new DomainError('APPEAL_TRANSITION_INVALID', { id, from: appeal.status, to });
  }
  let overrideId: string | null = null;
  if (to === 'overturned') {
    if (!remedy) throw new DomainError('VALIDATION_FAILED', { reason: 'overturning needs a remedy' });
    const decision = await decisionRepo.findDecision(trx, appeal.decisionId);
    if (!decision) throw new DomainError('DECISION_NOT_FOUND', { id: appeal.decisionId });
    overrideId = randomUUID();
    await createOverride(
      trx,
      {
        id: overrideId,
        householdId: decision.householdId,
        programme: decision.programme,
        month: decision.month,
        amount: remedy.amount ?? null,
        category: remedy.category ?? null,
        reason: `Appeal ${appeal.id} overturned: ${note?.trim() || appeal.grounds}`,
        legalBasis: remedy.legalBasis,
      },
      actor,
    );
  }
  await repo.setStatus(trx, id, to, overrideId);
  await repo.insertEvent(trx, id, { fromStatus: appeal.status, toStatus: to, actor, note });
  return getAppeal(trx, id);
}

export interface AppealListFilters {
  status?: AppealStatus | undefined;
  open?: boolean | undefined;
  overdue?: boolean | undefined;
}

/** How many appeals the list would show (same filters, same scope). */
export function countAppeals(db: Kysely<DB>, filters: AppealListFilters, scope: Scope, on = today()) {
  return repo.countAppeals(
    db,
    { status: filters.status, open: filters.open, overdueOn: filters.overdue ? on : undefined },
    scope,
  );
}

export async function listAppeals(
  db: Kysely<DB>,
  filters: AppealListFilters,
  page: PageQuery,
  scope: Scope,
  on = today(),
) {
  const { items, total } = await repo.listAppeals(
    db,
    { status: filters.status, open: filters.open, overdueOn: filters.overdue ? on : undefined },
    page,
    scope,
  );
  return {
    items: items.map((a) => ({ ...a, overdue: repo.OPEN_STATUSES.includes(a.status) && a.dueOn < on })),
    total,
  };
}
