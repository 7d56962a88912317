import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import {
  defaultParameters,
  evaluate,
  ParameterFileError,
  type ParameterOverride,
  type ParameterSet,
  type ProgrammeRegistry,
  REGISTRY,
} from '../rules/index.ts';
import { checkMonth, outcomesOf } from './decision.service.ts';
import { populationSnapshot } from './population-snapshots.ts';

/**
 * What-if: the same month's population evaluated with the reviewed parameters and with changed ones, and
 * the difference per household (gained, lost, changed amount), per district and per category. Nothing is
 * written: a simulation never becomes a decision.
 */

export interface SimulationChange {
  parameter: string;
  /** The new value. */
  value?: number | boolean | undefined;
  /** Or: the value in force that month multiplied by this. */
  factor?: number | undefined;
  /** Day the new value takes effect (default: the first day of the month). */
  from?: string | undefined;
}

export interface SimulationRequest {
  month: string;
  changes: readonly SimulationChange[];
  /** Read the registry again rather than reuse the month loaded by an earlier simulation. */
  fresh?: boolean | undefined;
}

interface Totals {
  households: number;
  gained: number;
  lost: number;
  changed: number;
  baselineCost: number;
  scenarioCost: number;
  costDifference: number;
}

const emptyTotals = (): Totals => ({
  households: 0,
  gained: 0,
  lost: 0,
  changed: 0,
  baselineCost: 0,
  scenarioCost: 0,
  costDifference: 0,
});

/** Turns the requested changes into parameter overrides, naming the first unknown or unusable one. */
export function overridesFor(
  request: SimulationRequest,
  base: ParameterSet = defaultParameters(),
): { parameters: ParameterSet; overrides: ParameterOverride[] } {
  const month = checkMonth(request.month);
  const overrides: ParameterOverride[] = [];
  for (const change of request.changes) {
    if (!base.has(change.parameter)) {
      throw new DomainError('SIMULATION_PARAMETER_UNKNOWN', { parameter: change.parameter });
    }
    const from = change.from ?? `${month.key}-01`;
    if ((change.value === undefined) === (change.factor === undefined)) {
      throw new DomainError('SIMULATION_CHANGE_INVALID', {
        parameter: change.parameter,
        reason: 'give either value or factor',
      });
    }
    let value: number | boolean;
    if (change.factor !== undefined) {
      let current: number | boolean;
      try {
        current = base.at(change.parameter, from).raw;
      } catch {
        throw new DomainError('SIMULATION_CHANGE_INVALID', {
          parameter: change.parameter,
          reason: `no value in force on ${from}`,
        });
      }
      if (typeof current !== 'number') {
        throw new DomainError('SIMULATION_CHANGE_INVALID', {
          parameter: change.parameter,
          reason: 'a factor applies to numbers only',
        });
      }
      const scaled = current * change.factor;
      value = base.definition(change.parameter).unit === 'som' ? Math.round(scaled) : scaled;
    } else {
      value = change.value as number | boolean;
    }
    overrides.push({ name: change.parameter, value, from, note: 'what-if simulation' });
  }
  try {
    return { parameters: base.withOverrides(overrides), overrides };
  } catch (error) {
    if (error instanceof ParameterFileError) {
      throw new DomainError('SIMULATION_CHANGE_INVALID', { reason: error.message, issues: error.issues });
    }
    throw error;
  }
}

export async function simulate(
  db: Kysely<DB>,
  request: SimulationRequest,
  registry: ProgrammeRegistry = REGISTRY,
) {
  const started = performance.now();
  const month = checkMonth(request.month);
  const baseline = registry.parameters();
  const { parameters, overrides } = overridesFor(request, baseline);
  const snapshot = await populationSnapshot(db, month, { fresh: request.fresh === true });
  const { population } = snapshot;
  const loaded = performance.now();
  const before = evaluate(population, month, registry.programmes, { parameters: baseline });
  const after = evaluate(population, month, registry.programmes, { parameters });
  const outcomeBefore = outcomesOf(before, registry);
  const outcomeAfter = outcomesOf(after, registry);
  const total = emptyTotals();
  const byDistrict = new Map<string, Totals>();
  const byCategory = new Map<
    string,
    { baselineHouseholds: number; scenarioHouseholds: number; baselineCost: number; scenarioCost: number }
  >();
  const categoryRow = (key: string) => {
    let row = byCategory.get(key);
    if (!row) {
      row = { baselineHouseholds: 0, scenarioHouseholds: 0, baselineCost: 0, scenarioCost: 0 };
      byCategory.set(key, row);
    }
    return row;
  };
  // The status programme (a category) says who is in; the payment programmes (amounts) what it costs.
  const status = registry.decided.find((p) => p.outcome.kind === 'category')?.id;
  if (status === undefined) throw new Error('No programme of the registry decides a category');
  const payments = registry.decided.filter((p) => p.outcome.kind === 'amount').map((p) => p.id);
  const cost = (outcome: ReturnType<typeof outcomesOf>, i: number) =>
    payments.reduce((sum, id) => sum + outcome(i, id).amount, 0);
  for (let i = 0; i < population.householdCount; i++) {
    const sb = outcomeBefore(i, status);
    const sa = outcomeAfter(i, status);
    const cb = cost(outcomeBefore, i);
    const ca = cost(outcomeAfter, i);
    const entitledBefore = sb.entitled || cb > 0;
    const entitledAfter = sa.entitled || ca > 0;
    const district = population.districts[population.household.district[i] ?? 0] ?? '';
    let d = byDistrict.get(district);
    if (!d) {
      d = emptyTotals();
      byDistrict.set(district, d);
    }
    for (const t of [total, d]) {
      t.households += 1;
      t.baselineCost += cb;
      t.scenarioCost += ca;
      if (!entitledBefore && entitledAfter) t.gained += 1;
      else if (entitledBefore && !entitledAfter) t.lost += 1;
      else if (entitledBefore && (cb !== ca || sb.category !== sa.category)) t.changed += 1;
    }
    const rb = categoryRow(sb.category);
    rb.baselineHouseholds += 1;
    rb.baselineCost += cb;
    const ra = categoryRow(sa.category);
    ra.scenarioHouseholds += 1;
    ra.scenarioCost += ca;
  }
  before.release();
  after.release();
  const finished = performance.now();
  const withDifference = (t: Totals): Totals => ({ ...t, costDifference: t.scenarioCost - t.baselineCost });
  return {
    month: month.key,
    changes: overrides.map((o) => ({ parameter: o.name, value: o.value, from: o.from ?? `${month.key}-01` })),
    dataAsOf: snapshot.loadedAt,
    reusedLoadedData: snapshot.reused,
    baselineDigest: baseline.digest,
    scenarioDigest: parameters.digest,
    total: withDifference(total),
    byDistrict: [...byDistrict]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([district, t]) => ({ district, ...withDifference(t) })),
    byCategory: [...byCategory]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, r]) => ({ category, ...r, costDifference: r.scenarioCost - r.baselineCost })),
    timings: {
      loadMs: Math.round(loaded - started),
      evaluateMs: Math.round(finished - loaded),
      totalMs: Math.round(finished - started),
    },
  };
}
