import { addMonths, daysInMonth, type Month, NO_DAY, parseMonth } from './dates.ts';

/**
 * The columnar input of an evaluation: one typed array per fact, persons and households side by side.
 * A population is the situation on the first day of one month (members on that day, alive, born), with
 * incomes summed over the three months before it. Formulas read these arrays in tight loops; nothing
 * in the hot path allocates per person or per household.
 */
export interface PersonColumns {
  /** Index of the person’s household in the household arrays. */
  household: Int32Array;
  /** ROLE code (head, spouse, child, other). */
  role: Uint8Array;
  /** SEX code. */
  sex: Uint8Array;
  /** Day number (days since 1970-01-01). */
  birthDay: Int32Array;
  /** DISABILITY code of the most severe group in force on the first day (0 = none). */
  disability: Uint8Array;
  /** EMPLOYMENT code. */
  employment: Uint8Array;
  /** SECTOR code of formal work. */
  sector: Uint8Array;
  /** Day the wage income in force on the first day started (formal employment start), or NO_DAY. */
  formalEmploymentStart: Int32Array;
  /** Income received over the three months before the month, so’m, pro-rated by day for partial months. */
  income3m: Float64Array;
  /** Registered vehicles owned (capped at 255). */
  vehicles: Uint8Array;
  /** Model year of the newest owned vehicle, 0 when none. */
  newestVehicleYear: Int32Array;
  /** Bank deposits: balances of the latest statement on or before the first day, so’m. */
  deposits: Float64Array;
}

export interface HouseholdColumns {
  /** Index into `PopulationColumns.districts`. */
  district: Int32Array;
  /** Residential dwellings registered to the household in the cadastre (capped at 255). */
  residentialDwellings: Uint8Array;
  /** Non-residential properties (shops, workshops) registered to the household (capped at 255). */
  nonResidentialProperties: Uint8Array;
  /**
   * Social Registry category assigned to the household in the month before (codes of
   * `social_registry.category`; 0 = none or unknown). Filled by the decisions layer; the registry
   * loader leaves it 0.
   */
  previousCategory: Uint8Array;
  /** 1 when the mahalla committee confirmed hardship (borderline route); filled by the applications layer. */
  mahallaHardship: Uint8Array;
}

/**
 * Registry ids, one per person or household. A plain array of strings is one; a national load keeps its
 * 47 million person ids packed (16 bytes each) and writes one out as text only when asked.
 */
export interface IdList extends Iterable<string> {
  readonly length: number;
  at(index: number): string | undefined;
  indexOf(id: string): number;
}

export type PersonColumnName = keyof PersonColumns;
export type HouseholdColumnName = keyof HouseholdColumns;

export interface PopulationColumns {
  /** 'YYYY-MM': the month the columns describe. */
  readonly month: string;
  readonly personCount: number;
  readonly householdCount: number;
  readonly person: PersonColumns;
  readonly household: HouseholdColumns;
  /** District (SOATO) codes; households refer to them by index. */
  readonly districts: readonly string[];
  /** Registry ids, when the population came from the registry or from named situations. */
  readonly householdIds?: readonly string[];
  readonly personIds?: IdList;
}

/** Person columns for `personCount` persons, zeroed (formal employment start: NO_DAY). */
export function allocatePersonColumns(personCount: number): PersonColumns {
  const formalEmploymentStart = new Int32Array(personCount);
  formalEmploymentStart.fill(NO_DAY);
  return {
    household: new Int32Array(personCount),
    role: new Uint8Array(personCount),
    sex: new Uint8Array(personCount),
    birthDay: new Int32Array(personCount),
    disability: new Uint8Array(personCount),
    employment: new Uint8Array(personCount),
    sector: new Uint8Array(personCount),
    formalEmploymentStart,
    income3m: new Float64Array(personCount),
    vehicles: new Uint8Array(personCount),
    newestVehicleYear: new Int32Array(personCount),
    deposits: new Float64Array(personCount),
  };
}

export function allocatePopulation(
  month: string | Month,
  personCount: number,
  householdCount: number,
  districts: readonly string[],
): PopulationColumns {
  const m = parseMonth(month);
  return {
    month: m.key,
    personCount,
    householdCount,
    districts,
    person: allocatePersonColumns(personCount),
    household: {
      district: new Int32Array(householdCount),
      residentialDwellings: new Uint8Array(householdCount),
      nonResidentialProperties: new Uint8Array(householdCount),
      previousCategory: new Uint8Array(householdCount),
      mahallaHardship: new Uint8Array(householdCount),
    },
  };
}

/**
 * Checks the shape: every column as long as its entity, household indices in range, every household with
 * at least one member. O(persons); the builder and loader run it once, `evaluate` checks only lengths.
 */
export function checkPopulation(population: PopulationColumns): void {
  checkLengths(population);
  const seen = new Uint8Array(population.householdCount);
  const household = population.person.household;
  for (let i = 0; i < population.personCount; i++) {
    const h = household[i] ?? -1;
    if (h < 0 || h >= population.householdCount) throw new RangeError(`Person ${i} has household index ${h}`);
    seen[h] = 1;
  }
  const empty = seen.indexOf(0);
  if (empty >= 0) throw new RangeError(`Household ${empty} has no members`);
  const districts = population.household.district;
  for (let h = 0; h < population.householdCount; h++) {
    const d = districts[h] ?? -1;
    if (d < 0 || d >= population.districts.length)
      throw new RangeError(`Household ${h} has district index ${d}`);
  }
}

export function checkLengths(population: PopulationColumns): void {
  for (const [name, column] of Object.entries(population.person)) {
    if (column.length !== population.personCount) {
      throw new RangeError(
        `Person column ${name} has ${column.length} values for ${population.personCount} persons`,
      );
    }
  }
  for (const [name, column] of Object.entries(population.household)) {
    if (column.length !== population.householdCount) {
      throw new RangeError(
        `Household column ${name} has ${column.length} values for ${population.householdCount} households`,
      );
    }
  }
  for (const [what, ids, n] of [
    ['household', population.householdIds, population.householdCount],
    ['person', population.personIds, population.personCount],
  ] as const) {
    if (ids !== undefined && ids.length !== n) throw new RangeError(`${what} ids: ${ids.length} for ${n}`);
  }
}

/** Months of income a population sums (the Social Registry’s "last 3 months"). */
export const INCOME_WINDOW_MONTHS = 3;

/** The months whose income counts for `month` (the ones just before it), as day-number bounds. */
export function incomeWindow(month: Month): { starts: number[]; lengths: number[] } {
  const starts: number[] = [];
  const lengths: number[] = [];
  for (let k = INCOME_WINDOW_MONTHS; k >= 1; k--) {
    const m = addMonths(month, -k);
    starts.push(m.firstDay);
    lengths.push(daysInMonth(m));
  }
  starts.push(month.firstDay);
  return { starts, lengths };
}

/**
 * What a monthly amount paid over [fromDay, toDay) contributed in the income window: each month of the
 * window counts the amount times the share of its days covered. The registry loader computes the same
 * in SQL; the loader test checks that the two agree.
 */
export function incomeInWindow(
  monthlyAmount: number,
  fromDay: number,
  toDay: number | null,
  month: Month,
): number {
  const { starts, lengths } = incomeWindow(month);
  const end = toDay ?? month.firstDay;
  let total = 0;
  for (let k = 0; k < lengths.length; k++) {
    const start = starts[k] ?? 0;
    const next = starts[k + 1] ?? 0;
    const covered = Math.max(0, Math.min(end, next) - Math.max(fromDay, start));
    total += (monthlyAmount * covered) / (lengths[k] ?? 1);
  }
  return total;
}

/** Members of each household as index ranges (CSR), built once per population for the scalar path. */
export interface MemberIndex {
  /** `offsets[h]` .. `offsets[h + 1]` index into `persons`. */
  readonly offsets: Int32Array;
  readonly persons: Int32Array;
}

const memberIndexes = new WeakMap<PopulationColumns, MemberIndex>();

export function memberIndex(population: PopulationColumns): MemberIndex {
  const cached = memberIndexes.get(population);
  if (cached) return cached;
  const counts = new Int32Array(population.householdCount + 1);
  const household = population.person.household;
  for (let i = 0; i < population.personCount; i++) {
    const h = household[i] ?? 0;
    counts[h + 1] = (counts[h + 1] ?? 0) + 1;
  }
  for (let h = 0; h < population.householdCount; h++) counts[h + 1] = (counts[h + 1] ?? 0) + (counts[h] ?? 0);
  const offsets = counts.slice();
  const cursor = counts.slice();
  const persons = new Int32Array(population.personCount);
  for (let i = 0; i < population.personCount; i++) {
    const h = household[i] ?? 0;
    const at = cursor[h] ?? 0;
    persons[at] = i;
    cursor[h] = at + 1;
  }
  const index = { offsets, persons };
  memberIndexes.set(population, index);
  return index;
}

export function membersOf(population: PopulationColumns, householdIndex: number): number[] {
  if (
    !Number.isInteger(householdIndex) ||
    householdIndex < 0 ||
    householdIndex >= population.householdCount
  ) {
    throw new RangeError(`No household at index ${householdIndex}`);
  }
  const { offsets, persons } = memberIndex(population);
  return Array.from(persons.subarray(offsets[householdIndex] ?? 0, offsets[householdIndex + 1] ?? 0));
}

export function householdIndexById(population: PopulationColumns): Map<string, number> {
  const map = new Map<string, number>();
  population.householdIds?.forEach((id, i) => {
    map.set(id, i);
  });
  return map;
}
