import { dayOf, type Month } from './dates.ts';
import type { Entity } from './entities.ts';
import type { LocalisedText } from './parameters.ts';
import type { HouseholdColumnName, PersonColumnName, PopulationColumns } from './population.ts';

/**
 * Variables and their formulas. A variable belongs to an entity (person or household), holds one number
 * per entity per month in a typed array, and has formula versions keyed by the date they take effect:
 * the version in force on the first day of the month computes it.
 *
 * Each version has two implementations that must agree (a property test checks they do on random
 * populations): `vector` computes the whole population at once over typed arrays; `scalar` computes one
 * person or household through a context that records every variable, parameter and input it reads, which
 * is what the trace is made of. Per-element logic that is more than a comparison lives in small pure
 * functions both implementations call, so they share the rule and differ only in how data is gathered.
 */

export type DType = 'f64' | 'i32' | 'u8';
export type ArrayOf<D extends DType> = D extends 'f64'
  ? Float64Array
  : D extends 'i32'
    ? Int32Array
    : Uint8Array;
export type NumericArray = Float64Array | Int32Array | Uint8Array;

/** How a value is shown to people. */
export type ValueUnit =
  | 'som'
  | 'share'
  | 'count'
  | 'years'
  | 'months'
  | 'boolean'
  | 'enum'
  /** A bit set: each `values` entry is one bit. */
  | 'flags'
  | 'year'
  | 'number';

export interface EnumValue {
  readonly code: number;
  /** Stable machine key ('poor'), used by test cases and APIs. */
  readonly key: string;
  readonly label: LocalisedText;
}

export interface FormulaVersion<D extends DType, E extends Entity> {
  /** 'YYYY-MM-DD': first day this version is in force. */
  readonly from: string;
  /** Why this version exists (the change in law, or the modelling choice). */
  readonly note?: string;
  vector(ctx: VectorContext): ArrayOf<D>;
  scalar(ctx: ScalarContextFor<E>): number;
}

export interface Variable<D extends DType = DType, E extends Entity = Entity> {
  /** 'programme.variable', e.g. 'social_registry.category'. */
  readonly name: string;
  readonly entity: E;
  readonly dtype: D;
  readonly unit: ValueUnit;
  readonly label: LocalisedText;
  readonly description: string;
  /** For units 'enum' and 'flags': the codes (bits) and their meaning. */
  readonly values?: readonly EnumValue[];
  readonly versions: readonly FormulaVersion<D, E>[];
  /** Day numbers of the versions' `from`, ascending. */
  readonly fromDays: readonly number[];
}

export type AnyVariable = Variable<DType, Entity>;
export type PersonVariable<D extends DType = DType> = Variable<D, 'person'>;
export type HouseholdVariable<D extends DType = DType> = Variable<D, 'household'>;

/** What the vector implementations receive (implemented by the engine). */
export interface VectorContext {
  readonly month: Month;
  readonly population: PopulationColumns;
  readonly personCount: number;
  readonly householdCount: number;
  /** A zeroed array of the entity's length (reused from the evaluation's pool when it has one). */
  allocate<D extends DType>(entity: Entity, dtype: D): ArrayOf<D>;
  /** Gives back a temporary array the formula allocated and does not return. */
  release(array: NumericArray): void;
  /** Parameter value in force on the first day of the month (booleans as 1/0). */
  param(name: string): number;
  /** Values of another variable for the whole population (computed once per evaluation). */
  get<D extends DType>(variable: Variable<D, Entity>): ArrayOf<D>;
  /** Members per household (of those with mask 1 when a mask is given). */
  countMembers(mask?: Uint8Array): Int32Array;
  /** Sum of member values per household. */
  sumMembers(values: Float64Array | Int32Array | Uint8Array): Float64Array;
  /** Sum of integer member values per household, as integers. */
  sumMembersInt(values: Int32Array | Uint8Array): Int32Array;
  /** 1 where at least one member has mask 1 (masks hold 0 or 1). */
  anyMember(mask: Uint8Array): Uint8Array;
  /**
   * Largest member value per household among members with mask 1 (all when no mask); `empty` when no
   * member has a value above it (so `empty` must be below every meaningful value: 0 for years, -1 for ages).
   * For small integers (|value| < 2^30): the maximum is taken without branches, by integer arithmetic.
   */
  maxMember(values: Int32Array | Uint8Array, empty: number, mask?: Uint8Array): Int32Array;
}

interface ScalarContextBase {
  readonly month: Month;
  param(name: string): number;
}

/** Scalar context of one household. */
export interface HouseholdScalarContext extends ScalarContextBase {
  /** Number of members (they are listed in the trace itself). */
  memberCount(): number;
  get(variable: Variable<DType, 'household'>): number;
  /** Values of a person variable for each member, in member order. */
  members(variable: Variable<DType, 'person'>): number[];
  input(column: HouseholdColumnName): number;
  memberInputs(column: PersonColumnName): number[];
}

/** Scalar context of one person. */
export interface PersonScalarContext extends ScalarContextBase {
  get(variable: Variable<DType, 'person'>): number;
  /** A household variable of the person’s household. */
  household(variable: Variable<DType, 'household'>): number;
  input(column: PersonColumnName): number;
}

export type ScalarContextFor<E extends Entity> = E extends 'person'
  ? PersonScalarContext
  : HouseholdScalarContext;

const NAME = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;

export function defineVariable<const D extends DType, const E extends Entity>(definition: {
  name: string;
  entity: E;
  dtype: D;
  unit: ValueUnit;
  label: LocalisedText;
  description: string;
  values?: readonly EnumValue[];
  versions: readonly FormulaVersion<D, E>[];
}): Variable<D, E> {
  if (!NAME.test(definition.name))
    throw new Error(`Variable name must be 'namespace.snake_case': ${definition.name}`);
  if (definition.versions.length === 0) throw new Error(`Variable ${definition.name} has no formula`);
  const fromDays = definition.versions.map((v) => dayOf(v.from));
  fromDays.forEach((day, i) => {
    if (i > 0 && !((fromDays[i - 1] ?? day) < day)) {
      throw new Error(`Formula versions of ${definition.name} must be in increasing date order`);
    }
  });
  const listed = definition.unit === 'enum' || definition.unit === 'flags';
  if (listed !== (definition.values !== undefined)) {
    throw new Error(
      `Variable ${definition.name}: enum and flags variables, and only they, list their values`,
    );
  }
  return Object.freeze({ ...definition, fromDays });
}

/** The formula version in force on a day, or undefined before the first. */
export function versionAt<D extends DType, E extends Entity>(
  variable: Variable<D, E>,
  day: number,
): FormulaVersion<D, E> | undefined {
  for (let i = variable.fromDays.length - 1; i >= 0; i--) {
    if ((variable.fromDays[i] ?? Number.POSITIVE_INFINITY) <= day) return variable.versions[i];
  }
  return undefined;
}

export class FormulaError extends Error {
  constructor(
    message: string,
    readonly variable: string,
  ) {
    super(message);
    this.name = 'FormulaError';
  }
}

export function formulaFor<D extends DType, E extends Entity>(
  variable: Variable<D, E>,
  month: Month,
): FormulaVersion<D, E> {
  const version = versionAt(variable, month.firstDay);
  if (!version) {
    throw new FormulaError(
      `Variable ${variable.name} has no formula in force on ${month.firstDate}`,
      variable.name,
    );
  }
  return version;
}

export function enumKey(variable: AnyVariable, code: number): string | undefined {
  return variable.values?.find((v) => v.code === code)?.key;
}

export function enumCode(variable: AnyVariable, key: string): number {
  const value = variable.values?.find((v) => v.key === key);
  if (!value) throw new RangeError(`${variable.name} has no value '${key}'`);
  return value.code;
}

/** A programme: a named set of household outputs, and the variables it defines (for catalogues). */
export interface Programme {
  readonly id: string;
  readonly label: LocalisedText;
  readonly outputs: readonly Variable<DType, 'household'>[];
  readonly variables: readonly AnyVariable[];
}
