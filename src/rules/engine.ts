import { type Month, parseMonth } from './dates.ts';
import type { Entity } from './entities.ts';
import type { ParameterSet } from './parameters.ts';
import { checkLengths, type PopulationColumns } from './population.ts';
import {
  type AnyVariable,
  type ArrayOf,
  type DType,
  FormulaError,
  formulaFor,
  type NumericArray,
  type Programme,
  type Variable,
  type VectorContext,
} from './variables.ts';

/**
 * Vectorised evaluation: every requested output for the whole population at once. Variables are computed
 * on first use and kept for the rest of the evaluation, so each formula runs once per month whatever
 * number of variables depend on it.
 */

/**
 * Reusable column buffers. Touching fresh memory is the dominant cost of an evaluation at scale (a new
 * 16 MB array costs tens of milliseconds in page faults on a virtual machine; refilling one costs about
 * one), so repeated evaluations (the nightly job's months, simulations, benchmarks) pass a pool and
 * release each result when done with it. Arrays handed out are zeroed.
 */
export class ColumnPool {
  private readonly free = new Map<string, NumericArray[]>();

  take<D extends DType>(dtype: D, length: number): ArrayOf<D> {
    const reused = this.free.get(`${dtype}:${length}`)?.pop();
    if (reused) {
      reused.fill(0);
      return reused as ArrayOf<D>;
    }
    return makeArray(dtype, length);
  }

  release(array: NumericArray): void {
    const key = `${dtypeOf(array)}:${array.length}`;
    const list = this.free.get(key);
    if (list) list.push(array);
    else this.free.set(key, [array]);
  }

  /** Bytes held for reuse. */
  get retainedBytes(): number {
    let bytes = 0;
    for (const list of this.free.values()) for (const a of list) bytes += a.byteLength;
    return bytes;
  }
}

export interface EvaluateOptions {
  readonly parameters: ParameterSet;
  /** Also return every intermediate variable computed on the way (tests, debugging, simulations). */
  readonly keepIntermediates?: boolean;
  /** Record each variable's own CPU time (ms, without the variables it reads) into this map. */
  readonly timings?: Map<string, number>;
  /** Buffers to reuse; intermediates go back to it at the end, outputs when the result is released. */
  readonly pool?: ColumnPool;
}

export interface EvaluationResult {
  readonly month: string;
  readonly householdCount: number;
  readonly personCount: number;
  /** Outputs of the requested programmes (and intermediates when asked), by variable name. */
  readonly values: ReadonlyMap<string, NumericArray>;
  /** Digest of the parameter set used: the same inputs and digest give the same result. */
  readonly parametersDigest: string;
  get<D extends DType>(variable: Variable<D, Entity>): ArrayOf<D>;
  /** Gives the arrays back to the pool the evaluation used (no-op without one); the result is unusable after. */
  release(): void;
}

export function evaluatePopulation(
  population: PopulationColumns,
  month: string | Month,
  programmes: readonly Programme[],
  options: EvaluateOptions,
): EvaluationResult {
  const m = parseMonth(month);
  if (m.key !== population.month) {
    throw new RangeError(`The population describes ${population.month}; it cannot be evaluated for ${m.key}`);
  }
  checkLengths(population);
  const ctx = new Evaluation(population, m, options.parameters, options.timings, options.pool);
  const requested = new Map<string, AnyVariable>();
  for (const programme of programmes) for (const v of programme.outputs) requested.set(v.name, v);
  const values = new Map<string, NumericArray>();
  for (const [name, variable] of requested) values.set(name, ctx.get(variable));
  for (const [name, array] of ctx.computed()) {
    if (values.has(name)) continue;
    if (options.keepIntermediates) values.set(name, array);
    else ctx.recycle(array);
  }
  let released = false;
  return {
    month: m.key,
    householdCount: population.householdCount,
    personCount: population.personCount,
    values,
    parametersDigest: options.parameters.digest,
    get<D extends DType>(variable: Variable<D, Entity>): ArrayOf<D> {
      if (released) throw new FormulaError('The result was released', variable.name);
      const array = values.get(variable.name);
      if (!array) throw new FormulaError(`${variable.name} was not evaluated`, variable.name);
      return array as ArrayOf<D>;
    },
    release() {
      if (released) return;
      released = true;
      for (const array of new Set(values.values())) ctx.recycle(array);
      values.clear();
    },
  };
}

class Evaluation implements VectorContext {
  readonly personCount: number;
  readonly householdCount: number;
  private readonly cache = new Map<AnyVariable, NumericArray>();
  private readonly inProgress = new Set<AnyVariable>();
  private readonly params = new Map<string, number>();
  private readonly household: Int32Array;
  /** Time spent in nested `get` calls of the formula being timed. */
  private nested = 0;

  constructor(
    readonly population: PopulationColumns,
    readonly month: Month,
    private readonly parameters: ParameterSet,
    private readonly timings: Map<string, number> | undefined,
    private readonly pool: ColumnPool | undefined,
  ) {
    this.personCount = population.personCount;
    this.householdCount = population.householdCount;
    this.household = population.person.household;
  }

  computed(): [string, NumericArray][] {
    return [...this.cache].map(([v, a]) => [v.name, a]);
  }

  recycle(array: NumericArray): void {
    this.pool?.release(array);
  }

  release(array: NumericArray): void {
    this.recycle(array);
  }

  allocate<D extends DType>(entity: Entity, dtype: D): ArrayOf<D> {
    const length = entity === 'person' ? this.personCount : this.householdCount;
    return this.pool ? this.pool.take(dtype, length) : makeArray(dtype, length);
  }

  param(name: string): number {
    let value = this.params.get(name);
    if (value === undefined) {
      value = this.parameters.valueAt(name, this.month.firstDay);
      this.params.set(name, value);
    }
    return value;
  }

  get<D extends DType>(variable: Variable<D, Entity>): ArrayOf<D> {
    const cached = this.cache.get(variable);
    if (cached) return cached as ArrayOf<D>;
    if (this.inProgress.has(variable)) {
      throw new FormulaError(`Circular definition through ${variable.name}`, variable.name);
    }
    this.inProgress.add(variable);
    const outerNested = this.nested;
    this.nested = 0;
    const started = this.timings ? clock() : 0;
    try {
      const array = formulaFor(variable, this.month).vector(this);
      if (this.timings) {
        const total = clock() - started;
        this.timings.set(variable.name, (this.timings.get(variable.name) ?? 0) + total - this.nested);
        this.nested = outerNested + total;
      }
      const expected = variable.entity === 'person' ? this.personCount : this.householdCount;
      if (array.length !== expected || dtypeOf(array) !== variable.dtype) {
        throw new FormulaError(
          `${variable.name} returned ${array.constructor.name}(${array.length}), expected ${variable.dtype}(${expected})`,
          variable.name,
        );
      }
      // Results are recycled into the pool: a formula must return an array of its own.
      const shared =
        [...this.cache.values()].includes(array) ||
        (Object.values(this.population.person) as NumericArray[]).includes(array) ||
        (Object.values(this.population.household) as NumericArray[]).includes(array);
      if (shared) throw new FormulaError(`${variable.name} returned an array it does not own`, variable.name);
      this.cache.set(variable, array);
      return array;
    } finally {
      this.inProgress.delete(variable);
    }
  }

  countMembers(mask?: Uint8Array): Int32Array {
    const out = this.allocate('household', 'i32');
    const hh = this.household;
    const n = this.personCount;
    if (mask) {
      for (let i = 0; i < n; i++) {
        const h = hh[i] ?? 0;
        out[h] = (out[h] ?? 0) + (mask[i] ?? 0);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const h = hh[i] ?? 0;
        out[h] = (out[h] ?? 0) + 1;
      }
    }
    return out;
  }

  sumMembers(values: Float64Array | Int32Array | Uint8Array): Float64Array {
    const out = this.allocate('household', 'f64');
    const hh = this.household;
    const n = this.personCount;
    for (let i = 0; i < n; i++) {
      const h = hh[i] ?? 0;
      out[h] = (out[h] ?? 0) + (values[i] ?? 0);
    }
    return out;
  }

  sumMembersInt(values: Int32Array | Uint8Array): Int32Array {
    const out = this.allocate('household', 'i32');
    const hh = this.household;
    const n = this.personCount;
    for (let i = 0; i < n; i++) {
      const h = hh[i] ?? 0;
      out[h] = (out[h] ?? 0) + (values[i] ?? 0);
    }
    return out;
  }

  anyMember(mask: Uint8Array): Uint8Array {
    const out = this.allocate('household', 'u8');
    const hh = this.household;
    const n = this.personCount;
    for (let i = 0; i < n; i++) {
      const h = hh[i] ?? 0;
      out[h] = (out[h] ?? 0) | (mask[i] ?? 0);
    }
    return out;
  }

  maxMember(values: Int32Array | Uint8Array, empty: number, mask?: Uint8Array): Int32Array {
    const out = this.allocate('household', 'i32');
    out.fill(empty);
    // One loop per array type: a loop that sees both gets slower, polymorphic element loads.
    if (values instanceof Uint8Array) maxOfBytes(out, this.household, values, empty, mask);
    else maxOfInts(out, this.household, values, empty, mask);
    return out;
  }
}

// Branch-free: a masked-out member counts as `empty`, and max(a, v) = a - ((a - v) & ((a - v) >> 31)).
// The two functions are the same text on purpose (see maxMember).
function maxOfBytes(
  out: Int32Array,
  hh: Int32Array,
  values: Uint8Array,
  empty: number,
  mask?: Uint8Array,
): void {
  const n = hh.length;
  for (let i = 0; i < n; i++) {
    const h = hh[i] ?? 0;
    const v = mask ? empty + ((values[i] ?? 0) - empty) * (mask[i] ?? 0) : (values[i] ?? 0);
    const a = out[h] ?? 0;
    const d = a - v;
    out[h] = a - (d & (d >> 31));
  }
}

function maxOfInts(
  out: Int32Array,
  hh: Int32Array,
  values: Int32Array,
  empty: number,
  mask?: Uint8Array,
): void {
  const n = hh.length;
  for (let i = 0; i < n; i++) {
    const h = hh[i] ?? 0;
    const v = mask ? empty + ((values[i] ?? 0) - empty) * (mask[i] ?? 0) : (values[i] ?? 0);
    const a = out[h] ?? 0;
    const d = a - v;
    out[h] = a - (d & (d >> 31));
  }
}

/** CPU time of this process in ms: per-variable timings stay meaningful on a busy, shared machine. */
function clock(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function dtypeOf(array: NumericArray): DType {
  return array instanceof Float64Array ? 'f64' : array instanceof Int32Array ? 'i32' : 'u8';
}

/** Zeroed typed arrays of an entity's length, for formulas (from the evaluation's pool when it has one). */
export function personArray<D extends DType>(ctx: VectorContext, dtype: D): ArrayOf<D> {
  return ctx.allocate('person', dtype);
}

export function householdArray<D extends DType>(ctx: VectorContext, dtype: D): ArrayOf<D> {
  return ctx.allocate('household', dtype);
}

function makeArray<D extends DType>(dtype: D, n: number): ArrayOf<D> {
  const array: NumericArray =
    dtype === 'f64' ? new Float64Array(n) : dtype === 'i32' ? new Int32Array(n) : new Uint8Array(n);
  return array as ArrayOf<D>;
}
