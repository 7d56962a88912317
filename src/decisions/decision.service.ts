import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import { translate } from '../i18n/index.ts';
import type { DB, DecisionKind, DecisionProgramme, EvaluationTrigger } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import type { ProgrammeDescription } from '../programs/description.ts';
import {
  addMonths,
  defaultParameters,
  describe,
  type EvaluationResult,
  type ExplanationLanguage,
  enumCode,
  enumKey,
  evaluate,
  explain,
  HEALTH_INPUTS,
  type Month,
  type ParameterSet,
  type PopulationColumns,
  type ProgrammeRegistry,
  parameterAt,
  parametersUnder,
  parseMonth,
  REGISTRY,
  summariseDecision,
  type Trace,
  type TraceLanguage,
  uzbekCyrillicOf,
  withheldTrace,
} from '../rules/index.ts';
import { formatDate } from '../shared/format.ts';
import { type DecisionCause, decisionsWritten } from './decision.events.ts';
import * as repo from './decision.repository.ts';
import { loadPopulation } from './population.loader.ts';
import { startHeartbeat } from './run-heartbeat.ts';

/**
 * Monthly decisions: evaluate the programmes for the registry of a month, compare each household's
 * outcome with the entitlement in force, and record only the changes, each with the trace that explains
 * it. A second run of the same month over the same data writes nothing.
 */

export const DECISION_KINDS: readonly DecisionKind[] = ['granted', 'amount_changed', 'ended'];

const NO_CATEGORY = 'none';
const BATCH = 500;

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/**
 * A month the rules can answer for: well formed, and every parameter has a value in force on its first
 * day (before the programmes' rules took effect, an evaluation, an override or a simulation has nothing to
 * go by).
 */
export function checkMonth(month: string): Month {
  if (!MONTH.test(month)) throw new DomainError('MONTH_INVALID', { month });
  const parsed = parseMonth(month);
  const missing = defaultParameters().missingOn(parsed.firstDay);
  if (missing) throw new DomainError('RULES_NOT_IN_FORCE', { month, parameter: missing });
  return parsed;
}

/** The current month in UTC, 'YYYY-MM'. */
export function currentMonth(now = new Date()): string {
  return now.toISOString().slice(0, 7);
}

/**
 * The household's status programme (the Social Registry): the one whose outcome is a category. Every
 * decision row records the household's category from it, whatever the programme.
 */
function statusOf(registry: ProgrammeRegistry) {
  for (const p of registry.decided) {
    if (p.outcome.kind === 'category') return { programme: p, name: p.outcome.category };
  }
  throw new Error('No programme of the registry decides a category');
}

function variableOf(registry: ProgrammeRegistry, name: string) {
  const variable = registry.variables.get(name);
  if (!variable) throw new Error(`${name} is not defined`);
  return variable;
}

function describedIn(registry: ProgrammeRegistry, programme: string): ProgrammeDescription {
  const found = registry.decided.find((p) => p.id === programme);
  if (!found) throw new RangeError(`Unknown programme: ${programme}`);
  return found;
}

/** A household's outcome for one programme, as the decisions layer compares it. */
export interface Outcome {
  entitled: boolean;
  category: string;
  /** So'm a month; for the Social Registry, the benefit share in per mille. */
  amount: number;
}

function valuesOf(result: EvaluationResult, name: string) {
  const values = result.values.get(name);
  if (!values) throw new Error(`The evaluation has no ${name}`);
  return values;
}

/** Category keys of an enum variable's codes, looked up once per code. */
function categoryKeys(registry: ProgrammeRegistry, name: string) {
  const variable = variableOf(registry, name);
  const keys = new Map<number, string>();
  return (code: number) => {
    let key = keys.get(code);
    if (key === undefined) {
      key = enumKey(variable, code) ?? NO_CATEGORY;
      keys.set(code, key);
    }
    return key;
  };
}

/**
 * Reads the outcome of every decision programme out of an evaluation, as each programme's description
 * says: a category programme is entitled unless its category is 'none' (amount: the share in per mille),
 * an amount programme when its amount is above 0.
 */
export function outcomesOf(result: EvaluationResult, registry: ProgrammeRegistry = REGISTRY) {
  const status = statusOf(registry);
  const householdCategory = valuesOf(result, status.name);
  const householdKey = categoryKeys(registry, status.name);
  const readers = new Map<string, (i: number, category: string) => Outcome>();
  for (const p of registry.decided) {
    const outcome = p.outcome;
    if (outcome.kind === 'category') {
      const own = valuesOf(result, outcome.category);
      const keyOf =
        outcome.category === status.name ? householdKey : categoryKeys(registry, outcome.category);
      const share = valuesOf(result, outcome.share);
      readers.set(p.id, (i) => {
        const cat = keyOf(own[i] ?? 0);
        return { entitled: cat !== NO_CATEGORY, category: cat, amount: Math.round((share[i] ?? 0) * 1000) };
      });
    } else {
      const amounts = valuesOf(result, outcome.amount);
      readers.set(p.id, (i, category) => {
        const amount = Math.round(amounts[i] ?? 0);
        return { entitled: amount > 0, category, amount };
      });
    }
  }
  return (i: number, programme: DecisionProgramme): Outcome => {
    const read = readers.get(programme);
    if (!read) throw new RangeError(`Unknown programme: ${programme}`);
    return read(i, householdKey(householdCategory[i] ?? 0));
  };
}

/** The kind of decision that takes a household from `before` to `after`, or undefined when nothing changes. */
export function decisionKind(before: Outcome, after: Outcome): DecisionKind | undefined {
  if (!before.entitled && after.entitled) return 'granted';
  if (before.entitled && !after.entitled) return 'ended';
  if (before.entitled && (before.amount !== after.amount || before.category !== after.category)) {
    return 'amount_changed';
  }
  return undefined;
}

/** The outcome an approved override sets, over what the rules (or the entitlement before it) give. */
export function overrideOutcome(
  programme: DecisionProgramme,
  base: Outcome,
  change: { amount: number | null; category: string | null },
  registry: ProgrammeRegistry = REGISTRY,
): Outcome {
  const category = change.category ?? base.category;
  const amount = change.amount ?? base.amount;
  const byCategory = describedIn(registry, programme).outcome.kind === 'category';
  const entitled = byCategory ? category !== NO_CATEGORY : amount > 0;
  return { entitled, category, amount: entitled ? amount : 0 };
}

/**
 * Loads a month's population with the inputs other contexts hold: each household's previous Social Registry
 * category (decisions) and the mahalla committee's confirmation of hardship (applications).
 */
export async function loadMonth(
  db: Kysely<DB>,
  month: Month,
  householdIds?: readonly string[],
  registry: ProgrammeRegistry = REGISTRY,
): Promise<PopulationColumns> {
  const population = await loadPopulation(db, month.key, householdIds ? { householdIds } : {});
  const hardshipMonths = parameterAt('social_registry.borderline_payment_months', month.firstDate).value;
  const [previous, hardship] = await Promise.all([
    repo.categoriesBefore(db, statusOf(registry).programme.id, month.key, householdIds),
    repo.hardshipConfirmed(
      db,
      month.key,
      addMonths(month, 1 - Math.max(1, hardshipMonths)).key,
      householdIds,
    ),
  ]);
  const ids = population.householdIds ?? [];
  const variable = variableOf(registry, statusOf(registry).name);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] ?? '';
    const key = previous.get(id);
    if (key !== undefined) population.household.previousCategory[i] = enumCode(variable, key);
    if (hardship.has(id)) population.household.mahallaHardship[i] = 1;
  }
  return population;
}

export interface EvaluateOptions {
  trigger: EvaluationTrigger;
  /** A run row made beforehand (queued by the API); otherwise one is created. */
  runId?: number;
  householdIds?: readonly string[];
  parameters?: ParameterSet;
  /** Told the run's id as soon as it exists (the CLI marks it failed if it is interrupted). */
  onRun?: (runId: number) => void;
  /** The programmes to decide (defaults to the reviewed registry; tests add throw-away ones). */
  registry?: ProgrammeRegistry;
  /** Why the run was made, told to the listeners of decision.events.ts (default: `run`). */
  cause?: DecisionCause;
}

export interface EvaluationSummary {
  runId: number;
  month: string;
  householdsEvaluated: number;
  decisionsWritten: number;
  byKind: Record<DecisionKind, number>;
  byProgramme: Record<DecisionProgramme, number>;
  timings: { loadMs: number; evaluateMs: number; writeMs: number; totalMs: number };
  /** What the listeners of decision.events.ts returned (the families told: src/proactive/run-notices.ts). */
  notices: unknown[];
}

/** Index of a household that is not in the month's population. */
const ABSENT = -1;

/**
 * What a decision stores instead of an engine trace when the household is not in the registry on the
 * first day of the month: nothing was evaluated, so no rule values were used.
 */
export interface AbsenceNote {
  readonly format: 'himoya.absent/1';
  readonly month: string;
  readonly referenceDate: string;
  readonly household: { readonly id: string };
}

function absenceNote(householdId: string, month: Month): AbsenceNote {
  return {
    format: 'himoya.absent/1',
    month: month.key,
    referenceDate: `${month.key}-01`,
    household: { id: householdId },
  };
}

interface Change {
  index: number;
  householdId: string;
  programme: DecisionProgramme;
  kind: DecisionKind;
  before: Outcome;
  after: Outcome;
  current: repo.EntitlementRecord | undefined;
}

/**
 * Evaluates a month (or some households of it), records the changes, then tells the listeners of
 * decision.events.ts (the families hear of their decisions). Told after the run finished: a listener that
 * fails leaves the decisions written and the run finished, and its error reaches the caller.
 */
export async function evaluateMonth(
  db: Kysely<DB>,
  monthText: string,
  options: EvaluateOptions,
): Promise<EvaluationSummary> {
  const summary = await writeMonth(db, monthText, options);
  const notices = await decisionsWritten(db, {
    runId: summary.runId,
    month: summary.month,
    cause: options.cause ?? 'run',
    decisionsWritten: summary.decisionsWritten,
  });
  return { ...summary, notices };
}

async function writeMonth(
  db: Kysely<DB>,
  monthText: string,
  options: EvaluateOptions,
): Promise<EvaluationSummary> {
  const month = checkMonth(monthText);
  const registry = options.registry ?? REGISTRY;
  const parameters = options.parameters ?? registry.parameters();
  const started = performance.now();
  const runId =
    options.runId ??
    (await repo.createRun(db, { month: month.key, trigger: options.trigger, status: 'running' }));
  await repo.startRun(db, runId, parameters.digest);
  // After startRun, which would set a run failed meanwhile 'running' again.
  options.onRun?.(runId);
  const heartbeat = startHeartbeat(db, runId);
  // Declared dead while it worked (no heartbeat written for a minute): a new run may have the month now.
  const stillOurs = () => {
    if (!heartbeat.alive) throw new Error('the run was marked failed for want of a heartbeat; stopped');
  };
  try {
    const population = await loadMonth(db, month, options.householdIds, registry);
    stillOurs();
    const loaded = performance.now();
    const result = evaluate(population, month, registry.programmes, { parameters });
    const outcome = outcomesOf(result, registry);
    const entitlements = new Map<string, repo.EntitlementRecord>();
    for (const e of await repo.findEntitlements(db, options.householdIds)) {
      entitlements.set(`${e.householdId}|${e.programme}`, e);
    }
    // Approved overrides hold through their last month: the rules' outcome gives way to them.
    const overrides = await repo.overridesInForce(db, month.key, options.householdIds);
    const ids = population.householdIds ?? [];
    const changes: Change[] = [];
    for (let i = 0; i < population.householdCount; i++) {
      const householdId = ids[i];
      if (householdId === undefined) continue;
      for (const { id: programme } of registry.decided) {
        const current = entitlements.get(`${householdId}|${programme}`);
        // A later month was already decided: an earlier month never rewrites it.
        if (current && current.decidedMonth > month.key) continue;
        const before: Outcome =
          current && current.toMonth === null
            ? { entitled: true, category: current.category, amount: current.amount }
            : { entitled: false, category: NO_CATEGORY, amount: 0 };
        const ruled = outcome(i, programme);
        const held = overrides.get(`${householdId}|${programme}`);
        const after = held ? overrideOutcome(programme, ruled, held, registry) : ruled;
        const kind = decisionKind(before, after);
        if (kind) changes.push({ index: i, householdId, programme, kind, before, after, current });
      }
    }
    // Entitlements of households no longer in the registry that month (dissolved, no member left) end.
    const present = new Set(ids);
    for (const e of entitlements.values()) {
      if (e.toMonth !== null || e.decidedMonth > month.key || present.has(e.householdId)) continue;
      changes.push({
        index: ABSENT,
        householdId: e.householdId,
        programme: e.programme,
        kind: 'ended',
        before: { entitled: true, category: e.category, amount: e.amount },
        after: { entitled: false, category: NO_CATEGORY, amount: 0 },
        current: e,
      });
    }
    const evaluated = performance.now();
    const byKind: Record<DecisionKind, number> = { granted: 0, amount_changed: 0, ended: 0 };
    const byProgramme: Record<DecisionProgramme, number> = Object.fromEntries(
      registry.decided.map((p) => [p.id, 0]),
    );
    let written = 0;
    for (let start = 0; start < changes.length; start += BATCH) {
      stillOurs();
      const batch = changes.slice(start, start + BATCH);
      // One trace per household, shared by its programmes' decisions: only changed households are explained.
      const traces = new Map<string, string>();
      for (const change of batch) {
        if (!traces.has(change.householdId)) {
          const trace: Trace | AbsenceNote =
            change.index === ABSENT
              ? absenceNote(change.householdId, month)
              : explain(population, change.index, month, registry.programmes, { parameters });
          traces.set(change.householdId, JSON.stringify(trace));
        }
      }
      const inserted = await db.transaction().execute(async (trx) => {
        const traceIds = await repo.insertTraces(
          trx,
          [...traces].map(([householdId, trace]) => ({
            householdId,
            month: month.key,
            runId,
            parametersDigest: result.parametersDigest,
            trace,
          })),
        );
        const ids = await repo.insertDecisions(
          trx,
          batch.map((c) => ({
            householdId: c.householdId,
            programme: c.programme,
            month: month.key,
            kind: c.kind,
            categoryBefore: c.before.category,
            categoryAfter: c.after.category,
            amountBefore: c.before.amount,
            amountAfter: c.after.amount,
            previousDecisionId: c.current?.lastDecisionId ?? null,
            traceId: traceIds.get(c.householdId) ?? 0,
            parametersDigest: result.parametersDigest,
            runId,
          })),
        );
        const next: repo.EntitlementRecord[] = [];
        const done: Change[] = [];
        for (const c of batch) {
          const id = ids.get(`${c.householdId}|${c.programme}`);
          if (id === undefined) continue; // written by a concurrent run
          done.push(c);
          next.push({
            householdId: c.householdId,
            programme: c.programme,
            category: c.after.category,
            amount: c.after.amount,
            fromMonth: c.kind === 'granted' ? month.key : (c.current?.fromMonth ?? month.key),
            toMonth: c.kind === 'ended' ? addMonths(month, -1).key : null,
            decidedMonth: month.key,
            lastDecisionId: id,
          });
        }
        if (done.length < batch.length) await repo.deleteUnusedTraces(trx, [...traceIds.values()]);
        await repo.upsertEntitlements(trx, next);
        return done;
      });
      for (const c of inserted) {
        byKind[c.kind] += 1;
        byProgramme[c.programme] = (byProgramme[c.programme] ?? 0) + 1;
      }
      written += inserted.length;
    }
    result.release();
    const finished = performance.now();
    await repo.finishRun(db, runId, {
      householdsEvaluated: population.householdCount,
      decisionsWritten: written,
    });
    return {
      runId,
      month: month.key,
      householdsEvaluated: population.householdCount,
      decisionsWritten: written,
      byKind,
      byProgramme,
      timings: {
        loadMs: Math.round(loaded - started),
        evaluateMs: Math.round(evaluated - loaded),
        writeMs: Math.round(finished - evaluated),
        totalMs: Math.round(finished - started),
      },
      notices: [],
    };
  } catch (error) {
    await repo.failRun(db, runId, error instanceof Error ? error.message : String(error));
    throw error;
  } finally {
    heartbeat.stop();
  }
}

/** Marks a run that has not finished failed, with the reason (an interrupted command, a lost job). */
export function markRunFailed(db: Kysely<DB>, runId: number, reason: string): Promise<void> {
  return repo.failRun(db, runId, reason);
}

/** The incremental path: re-evaluates one household whose data changed. */
export async function evaluateHousehold(
  db: Kysely<DB>,
  householdId: string,
  month: string,
  options: { parameters?: ParameterSet; cause?: DecisionCause } = {},
): Promise<EvaluationSummary> {
  checkMonth(month);
  if (!(await repo.householdExists(db, householdId))) {
    throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId });
  }
  return evaluateMonth(db, month, {
    trigger: 'household',
    householdIds: [householdId],
    cause: 'household',
    ...options,
  });
}

export async function getRun(db: Kysely<DB>, id: number): Promise<repo.RunRecord> {
  const run = await repo.findRun(db, id);
  if (!run) throw new DomainError('EVALUATION_NOT_FOUND', { id });
  return run;
}

export async function householdEntitlements(db: Kysely<DB>, householdId: string) {
  if (!(await repo.householdExists(db, householdId))) {
    throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId });
  }
  return repo.findEntitlements(db, [householdId]);
}

export function decisionsOfRun(db: Kysely<DB>, runId: number) {
  return repo.listDecisionsOfRun(db, runId);
}

export function listDecisions(db: Kysely<DB>, filters: repo.DecisionFilters, page: PageQuery, scope: Scope) {
  return repo.listDecisions(db, filters, page, scope);
}

function isAbsenceNote(value: unknown): value is AbsenceNote {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'himoya.absent/1'
  );
}

/** What the casework context stores when two officers approved a manual override (four-eyes). */
interface OverrideNoteView {
  readonly format: 'himoya.override/1';
  readonly reason: string;
  readonly legalBasis: string;
  readonly requestedBy: string;
  readonly approvedBy: string;
}

function isOverrideNote(value: unknown): value is OverrideNoteView {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'himoya.override/1'
  );
}

function isTrace(value: unknown): value is Trace {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { format?: unknown }).format === 'himoya.trace/1' &&
    typeof (value as { parameters?: unknown }).parameters === 'object'
  );
}

/** A decision with its stored trace, the rule values it used and its plain-language explanation. */
/** The household a decision is about, for the area check before anything of it is read. */
export async function decisionHousehold(db: Kysely<DB>, id: number): Promise<string> {
  const householdId = await repo.findDecisionHousehold(db, id);
  if (!householdId) throw new DomainError('DECISION_NOT_FOUND', { id });
  return householdId;
}

export async function getDecision(
  db: Kysely<DB>,
  id: number,
  language: ExplanationLanguage,
  options: { withholdHealth?: boolean; registry?: ProgrammeRegistry; audience?: 'citizen' | 'staff' } = {},
) {
  const registry = options.registry ?? REGISTRY;
  const { variables } = registry;
  const audience = options.audience ?? 'citizen';
  const worded: TraceLanguage = language === 'uz-Cyrl' ? 'uz-Latn' : language;
  const script = (text: string) => (language === 'uz-Cyrl' ? uzbekCyrillicOf(text) : text);
  const decision = await repo.findDecision(db, id);
  if (!decision) throw new DomainError('DECISION_NOT_FOUND', { id });
  const programme = describedIn(registry, decision.programme);
  const { trace } = decision;
  const fixed = (explanation: string, reason = explanation) => ({
    ...decision,
    trace,
    parameters: [],
    summary: summariseDecision(null, programme, decision, language, { variables, reason }),
    explanation,
    language,
    healthWithheld: false,
  });
  if (isAbsenceNote(trace)) {
    return fixed(
      script(
        translate('rules', 'decision.absent', worded, { date: formatDate(trace.referenceDate, worded) }),
      ),
    );
  }
  if (isOverrideNote(trace)) {
    return fixed(
      script(
        translate('rules', 'decision.override', worded, {
          requestedBy: trace.requestedBy,
          approvedBy: trace.approvedBy,
          reason: trace.reason,
          legalBasis: trace.legalBasis,
        }),
      ),
      // The summary names no officer (who decided is on the staff side); it gives the reason.
      script(translate('rules', 'summary.override', worded, { reason: trace.reason.replace(/\.$/, '') })),
    );
  }
  if (!isTrace(trace)) throw new Error(`Decision ${id} holds no readable trace`);
  // Only the decision's programme is explained: its outcome variables and what they were worked out from.
  const outputs =
    programme.outcome.kind === 'category'
      ? [programme.outcome.category, programme.outcome.share]
      : [programme.outcome.amount];
  const parameterSet = defaultParameters();
  const parameters = parametersUnder(trace, outputs).flatMap((name) => {
    const p = trace.parameters[name];
    if (!p) return [];
    const known = parameterSet.has(p.name) ? parameterSet.definition(p.name) : undefined;
    return [
      {
        name: p.name,
        label: known?.label[worded] !== undefined ? script(known.label[worded]) : '',
        value: p.value,
        unit: p.unit,
        from: p.from,
        reference: p.reference,
        // "Unverified" is a staff mark: citizens are not shown it.
        unverified: audience === 'staff' && p.unverified,
      },
    ];
  });
  // Health data in a trace (a member's disability group) is for disability staff only: the inputs are
  // named but their values withheld, in the trace returned and in its explanation and summary.
  const hiddenInputs = options.withholdHealth ? HEALTH_INPUTS : undefined;
  const summary = summariseDecision(trace, programme, decision, language, {
    variables,
    ...(hiddenInputs ? { hiddenInputs } : {}),
  });
  const explanation = describe(trace, language, {
    variables,
    outputs,
    audience,
    ...(hiddenInputs ? { hiddenInputs } : {}),
  });
  return {
    ...decision,
    trace: hiddenInputs ? withheldTrace(trace, hiddenInputs) : trace,
    parameters,
    summary,
    explanation,
    language,
    healthWithheld: hiddenInputs !== undefined,
  };
}
