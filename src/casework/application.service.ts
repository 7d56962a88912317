import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import {
  checkMonth,
  evaluateHousehold,
  loadMonth,
  type Outcome,
  outcomesOf,
} from '../decisions/decision.service.ts';
import * as decisionRepo from '../decisions/decision-records.service.ts';
import { enqueueNotification } from '../notifications/notification.service.ts';
import type { ApplicationChannel, ApplicationStatus, DB, DecisionProgramme } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { currentHeadOf } from '../registry/households/household.service.ts';
import { applicationTimeline, defaultParameters, evaluate, ParameterError } from '../rules/index.ts';
import { applicationStepped } from './application.events.ts';
import * as repo from './application.repository.ts';
import { addWorkingDays, today } from './working-days.ts';

/**
 * Applications by families the proactive evaluation did not find: an automatic pre-check by the engine,
 * the social worker's questionnaire, the mahalla committee's opinion, then the final assessment by the
 * engine, due within `DECISION_SLA_WORKING_DAYS` working days of the last step.
 */

/** The final assessment is made within 3 working days (Social Registry regulation, as summarised). */
export const DECISION_SLA_WORKING_DAYS = 3;

export interface SubmitApplication {
  id: string;
  householdId: string;
  programme: DecisionProgramme;
  channel: ApplicationChannel;
  submittedOn: string;
}

/** What the engine says for one household and programme in a month, without writing anything. */
export async function precheck(
  db: Kysely<DB>,
  householdId: string,
  programme: DecisionProgramme,
  monthKey: string,
): Promise<Outcome> {
  const month = checkMonth(monthKey);
  const parameters = defaultParameters();
  const population = await loadMonth(db, month, [householdId]);
  const index = (population.householdIds ?? []).indexOf(householdId);
  if (index < 0) return { entitled: false, category: 'none', amount: 0 };
  const result = evaluate(population, month, undefined, { parameters });
  return outcomesOf(result)(index, programme);
}

const sameApplication = (a: repo.ApplicationRecord, b: SubmitApplication) =>
  a.householdId === b.householdId &&
  a.programme === b.programme &&
  a.channel === b.channel &&
  a.submittedOn === b.submittedOn;

/** The household an application is about, for the area check before anything of it is read or changed. */
export async function applicationHousehold(db: Kysely<DB>, id: string): Promise<string> {
  const found = await repo.findApplication(db, id);
  if (!found) throw new DomainError('APPLICATION_NOT_FOUND', { id });
  return found.householdId;
}

export async function getApplication(db: Kysely<DB>, id: string, on = today()) {
  const found = await repo.findApplication(db, id);
  if (!found) throw new DomainError('APPLICATION_NOT_FOUND', { id });
  return withOverdue(found, on);
}

const withOverdue = (a: repo.ApplicationRecord, on: string) => ({
  ...a,
  overdue: a.status === 'mahalla_opinion' && a.dueOn !== null && a.dueOn < on,
});

/** The application's timeline; a date before the programme's rules took effect is the caller's mistake. */
function timelineOf(submittedOn: string) {
  try {
    return applicationTimeline(submittedOn, defaultParameters());
  } catch (error) {
    if (error instanceof ParameterError) {
      throw new DomainError('RULES_NOT_IN_FORCE', { submittedOn, parameter: error.parameter });
    }
    throw error;
  }
}

/** Records an application with its decision month (cut-off day) and the engine's pre-check. */
export async function submitApplication(db: Kysely<DB>, input: SubmitApplication, actor: string) {
  const existing = await repo.findApplication(db, input.id);
  if (existing) {
    if (!sameApplication(existing, input)) throw new DomainError('APPLICATION_ID_REUSED', { id: input.id });
    return { application: withOverdue(existing, today()), created: false };
  }
  if (!(await decisionRepo.householdExists(db, input.householdId))) {
    throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: input.householdId });
  }
  const timeline = timelineOf(input.submittedOn);
  const pre = await precheck(db, input.householdId, input.programme, timeline.decisionMonth);
  const created = await repo.insertApplication(db, {
    ...input,
    submittedBy: actor,
    decisionMonth: timeline.decisionMonth,
    precheckEntitled: pre.entitled,
    precheckCategory: pre.category,
  });
  const stored = await getApplication(db, input.id);
  if (!created && !sameApplication(stored, input))
    throw new DomainError('APPLICATION_ID_REUSED', { id: input.id });
  if (created) await confirmReceived(db, stored);
  return { application: stored, created };
}

/**
 * The family is told its application was received, with its reference, in the caller's transaction. One
 * submitted through my.gov.uz is confirmed by the intake to the citizen who applied (same key).
 */
async function confirmReceived(db: Kysely<DB>, application: repo.ApplicationRecord): Promise<void> {
  if (application.channel === 'mygov') return;
  const head = await currentHeadOf(db, application.householdId);
  if (!head) return;
  await enqueueNotification(db, {
    personId: head,
    template: 'application.received',
    params: { programme: application.programme, reference: application.reference },
    dedupeKey: `application.received:${application.id}`,
  });
}

async function step(
  db: Kysely<DB>,
  id: string,
  from: ApplicationStatus,
  to: ApplicationStatus,
  set: Parameters<typeof repo.advance>[3],
) {
  const current = await repo.findApplication(db, id);
  if (!current) throw new DomainError('APPLICATION_NOT_FOUND', { id });
  // A retry of the step just taken returns the application as it is.
  if (current.status === to) return withOverdue(current, today());
  if (current.status !== from || !(await repo.advance(db, id, from, { ...set, status: to }))) {
    throw new DomainError('APPLICATION_STEP_INVALID', { id, status: current.status, step: to });
  }
  return getApplication(db, id);
}

export function recordQuestionnaire(db: Kysely<DB>, id: string, actor: string, on = today()) {
  return step(db, id, 'submitted', 'questionnaire_done', { questionnaire_by: actor, questionnaire_on: on });
}

/** The committee's opinion; the final assessment falls due 3 working days later. */
export function recordMahallaOpinion(
  db: Kysely<DB>,
  id: string,
  supports: boolean,
  actor: string,
  on = today(),
) {
  return step(db, id, 'questionnaire_done', 'mahalla_opinion', {
    mahalla_supports: supports,
    mahalla_by: actor,
    mahalla_on: on,
    due_on: addWorkingDays(on, DECISION_SLA_WORKING_DAYS),
  });
}

/**
 * The final assessment: the engine evaluates the household for the decision month through the decisions
 * context (which records any change as a decision with its trace), and the application keeps the outcome.
 * Not inside a transaction of the caller: the evaluation commits its own batches.
 */
export async function decideApplication(db: Kysely<DB>, id: string, on = today()) {
  const current = await repo.findApplication(db, id);
  if (!current) throw new DomainError('APPLICATION_NOT_FOUND', { id });
  if (current.status === 'decided') return withOverdue(current, on);
  if (current.status !== 'mahalla_opinion') {
    throw new DomainError('APPLICATION_STEP_INVALID', { id, status: current.status, step: 'decided' });
  }
  // The family is told by the application's message (announceStep), not by each decision again.
  await evaluateHousehold(db, current.householdId, current.decisionMonth, { cause: 'application' });
  const outcome = await precheck(db, current.householdId, current.programme, current.decisionMonth);
  await repo.advance(db, id, 'mahalla_opinion', {
    status: 'decided',
    decided_on: on,
    outcome_entitled: outcome.entitled,
    outcome_category: outcome.category,
    outcome_amount: outcome.amount,
  });
  return getApplication(db, id, on);
}

export interface ApplicationListFilters {
  status?: ApplicationStatus | undefined;
  open?: boolean | undefined;
  overdue?: boolean | undefined;
}

/** How many applications the list would show (same filters, same scope). */
export function countApplications(
  db: Kysely<DB>,
  filters: ApplicationListFilters,
  scope: Scope,
  on = today(),
) {
  return repo.countApplications(
    db,
    { status: filters.status, open: filters.open, overdueOn: filters.overdue ? on : undefined },
    scope,
  );
}

export async function listApplications(
  db: Kysely<DB>,
  filters: ApplicationListFilters,
  page: PageQuery,
  scope: Scope,
  on = today(),
) {
  const { items, total } = await repo.listApplications(
    db,
    { status: filters.status, open: filters.open, overdueOn: filters.overdue ? on : undefined },
    page,
    scope,
  );
  return { items: items.map((a) => withOverdue(a, on)), total };
}

/**
 * Tells the family and the portal the application moved: the listeners of src/casework/application.events.ts
 * hear of it (the state portal's status callback for applications it submitted), and a decided application
 * is an SMS and a portal message to the household's head. Both are queued in the caller's transaction, once
 * per status (their keys make a retry harmless).
 */
export async function announceStep(
  db: Kysely<DB>,
  application: Pick<repo.ApplicationRecord, 'id' | 'householdId' | 'programme' | 'status' | 'outcome'>,
): Promise<void> {
  await applicationStepped(db, application.id);
  const { outcome } = application;
  if (application.status !== 'decided' || outcome === null) return;
  const head = await currentHeadOf(db, application.householdId);
  if (!head) return;
  await enqueueNotification(db, {
    personId: head,
    template: 'application.decided',
    params: {
      programme: application.programme,
      entitled: outcome.entitled ? 'yes' : 'no',
      amount: outcome.amount,
    },
    dedupeKey: `application:${application.id}:decided`,
  });
}
