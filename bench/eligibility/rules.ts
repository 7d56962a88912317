/**
 * What the peers need from Himoya's rules, stated once: the parameter values in force for the month (read
 * from the reviewed parameter files, never restated), the per-household facts a per-record engine is fed
 * (household aggregates computed from the person columns), and the four outputs compared across engines.
 */
import { addMonths, agesOnFirstDay, daysFromCivil, type Month, parseMonth } from '../../src/rules/dates.ts';
import { DISABILITY, EMPLOYMENT, SECTOR, SEX } from '../../src/rules/entities.ts';
import { defaultParameters, type EvaluationResult } from '../../src/rules/index.ts';
import type { PopulationColumns } from '../../src/rules/population.ts';

/** Parameter values in force on the first day of the month (the month rule of the rules README). */
export interface MonthParameters {
  readonly month: Month;
  readonly mce: number;
  readonly minimumWage: number;
  readonly workingAgeMin: number;
  readonly pensionAgeMen: number;
  readonly pensionAgeWomen: number;
  readonly incomeMonths: number;
  readonly lowIncomeShare: number;
  readonly bandSplitShare: number;
  readonly borderlineLimitShare: number;
  readonly lowerBandShare: number;
  readonly upperBandShare: number;
  readonly outsideBandsShare: number;
  readonly graceMonths: number;
  /** First day of the earliest starting month still in the employment grace. */
  readonly graceCutoffDay: number;
  readonly maxResidentialDwellings: number;
  readonly maxNonResidentialProperties: number;
  readonly maxCarAgeYears: number;
  readonly carCountLimit: number;
  /** deposit multiple × minimum wage */
  readonly depositLimit: number;
  readonly childAgeLimit: number;
  readonly youngChildAgeLimit: number;
  readonly firstChildUnder3: number;
  readonly firstChild3To18: number;
  readonly secondChildSupplement: number;
  readonly furtherChildSupplement: number;
  readonly materialAssistance: number;
}

export function monthParameters(monthKey: string): MonthParameters {
  const month = parseMonth(monthKey);
  if (month.firstDate < '2026-02-01') {
    throw new RangeError('The peer implementations encode the rules in force from 1 February 2026');
  }
  const set = defaultParameters();
  const v = (name: string): number => {
    const value = set.at(name, month.firstDate).value;
    if (typeof value === 'boolean') return value ? 1 : 0;
    if (typeof value !== 'number') throw new TypeError(`${name} is not a number`);
    return value;
  };
  for (const name of [
    'dwellings_applies',
    'non_residential_applies',
    'recent_car_applies',
    'several_cars_applies',
    'deposits_applies',
    'security_service_applies',
  ]) {
    if (v(`exclusion.${name}`) !== 1) throw new RangeError(`The peers assume exclusion.${name} is on`);
  }
  const graceMonths = v('social_registry.employment_grace_months');
  return {
    month,
    mce: v('common.mce'),
    minimumWage: v('common.minimum_wage'),
    workingAgeMin: v('common.working_age_min'),
    pensionAgeMen: v('common.retirement_age_men'),
    pensionAgeWomen: v('common.retirement_age_women'),
    incomeMonths: v('social_registry.income_period_months'),
    lowIncomeShare: v('social_registry.low_income_share'),
    bandSplitShare: v('social_registry.borderline_band_split_share'),
    borderlineLimitShare: v('social_registry.borderline_limit_share'),
    lowerBandShare: v('social_registry.benefit_share_lower_band'),
    upperBandShare: v('social_registry.benefit_share_upper_band'),
    outsideBandsShare: v('social_registry.benefit_share_outside_bands'),
    graceMonths,
    graceCutoffDay: addMonths(month, 1 - graceMonths).firstDay,
    maxResidentialDwellings: v('exclusion.max_residential_dwellings'),
    maxNonResidentialProperties: v('exclusion.max_non_residential_properties'),
    maxCarAgeYears: v('exclusion.max_car_age_years'),
    carCountLimit: v('exclusion.car_count_limit'),
    depositLimit: v('exclusion.deposit_minimum_wage_multiple') * v('common.minimum_wage'),
    childAgeLimit: v('child_allowance.age_limit'),
    youngChildAgeLimit: v('child_allowance.young_child_age_limit'),
    firstChildUnder3: v('child_allowance.first_child_under_3'),
    firstChild3To18: v('child_allowance.first_child_3_to_18'),
    secondChildSupplement: v('child_allowance.second_child_supplement'),
    furtherChildSupplement: v('child_allowance.further_child_supplement'),
    materialAssistance: v('material_assistance.monthly_amount'),
  };
}

/** First day of the month `years` years before the month: born on or before it = at least that old. */
export function ageCutoffDay(month: Month, years: number): number {
  return daysFromCivil(month.year - years, month.month, 1);
}

/** The household aggregates a per-record rules engine is given, one object per household. */
export type HouseholdFacts = {
  size: number;
  perCapitaIncome: number;
  membersAbleToWork: number;
  recentlyEmployed: number;
  children: number;
  firstChildAge: number;
  vehicles: number;
  newestVehicleYear: number;
  deposits: number;
  securityServiceMembers: number;
  residentialDwellings: number;
  nonResidentialProperties: number;
  previousCategory: number;
  mahallaHardship: number;
};

const FEMALE = SEX.F;
const GROUP_I = DISABILITY.I;
const GROUP_II = DISABILITY.II;
const STUDENT = EMPLOYMENT.student;
const FORMAL = EMPLOYMENT.employed_formal;
const MILITARY = EMPLOYMENT.military;
const SECURITY = SECTOR.security;

/**
 * Household facts from the person columns, in one pass over persons: what json-rules-engine and zen-engine
 * are fed (they work per record and cannot aggregate members). Timed apart as "facts preparation".
 */
export function householdFacts(population: PopulationColumns, p: MonthParameters): HouseholdFacts[] {
  const H = population.householdCount;
  const size = new Int32Array(H);
  const income = new Float64Array(H);
  const able = new Int32Array(H);
  const recent = new Int32Array(H);
  const children = new Int32Array(H);
  const firstChildAge = new Int32Array(H).fill(-1);
  const vehicles = new Int32Array(H);
  const newest = new Int32Array(H);
  const deposits = new Float64Array(H);
  const security = new Int32Array(H);
  const P = population.person;
  const ages = agesOnFirstDay(P.birthDay, p.month);
  const firstDay = p.month.firstDay;
  for (let i = 0, n = population.personCount; i < n; i++) {
    const h = P.household[i] ?? 0;
    const age = ages[i] ?? 0;
    const sex = P.sex[i] ?? 0;
    const disability = P.disability[i] ?? 0;
    const employment = P.employment[i] ?? 0;
    size[h] = (size[h] ?? 0) + 1;
    income[h] = (income[h] ?? 0) + (P.income3m[i] ?? 0);
    const pensionAge = sex === FEMALE ? p.pensionAgeWomen : p.pensionAgeMen;
    const isAble =
      age >= p.workingAgeMin &&
      age < pensionAge &&
      disability !== GROUP_I &&
      disability !== GROUP_II &&
      employment !== STUDENT;
    if (isAble) able[h] = (able[h] ?? 0) + 1;
    const start = P.formalEmploymentStart[i] ?? 0;
    if (isAble && employment === FORMAL && start >= p.graceCutoffDay && start <= firstDay) {
      recent[h] = (recent[h] ?? 0) + 1;
    }
    if (age < p.childAgeLimit) {
      children[h] = (children[h] ?? 0) + 1;
      if (age > (firstChildAge[h] ?? -1)) firstChildAge[h] = age;
    }
    vehicles[h] = (vehicles[h] ?? 0) + (P.vehicles[i] ?? 0);
    const year = P.newestVehicleYear[i] ?? 0;
    if (year > (newest[h] ?? 0)) newest[h] = year;
    deposits[h] = (deposits[h] ?? 0) + (P.deposits[i] ?? 0);
    if ((P.sector[i] ?? 0) === SECURITY || employment === MILITARY) security[h] = (security[h] ?? 0) + 1;
  }
  const hh = population.household;
  const facts: HouseholdFacts[] = new Array(H);
  for (let h = 0; h < H; h++) {
    const members = size[h] ?? 1;
    facts[h] = {
      size: members,
      perCapitaIncome: (income[h] ?? 0) / (p.incomeMonths * members),
      membersAbleToWork: able[h] ?? 0,
      recentlyEmployed: recent[h] ?? 0,
      children: children[h] ?? 0,
      firstChildAge: firstChildAge[h] ?? -1,
      vehicles: vehicles[h] ?? 0,
      newestVehicleYear: newest[h] ?? 0,
      deposits: deposits[h] ?? 0,
      securityServiceMembers: security[h] ?? 0,
      residentialDwellings: hh.residentialDwellings[h] ?? 0,
      nonResidentialProperties: hh.nonResidentialProperties[h] ?? 0,
      previousCategory: hh.previousCategory[h] ?? 0,
      mahallaHardship: hh.mahallaHardship[h] ?? 0,
    };
  }
  return facts;
}

/** The compared outputs, one value per household (index = household index). */
export interface Outputs {
  readonly category: Uint8Array;
  readonly share: Float64Array;
  readonly childAllowance: Float64Array;
  readonly materialAssistance: Float64Array;
}

export function allocateOutputs(households: number): Outputs {
  return {
    category: new Uint8Array(households),
    share: new Float64Array(households),
    childAllowance: new Float64Array(households),
    materialAssistance: new Float64Array(households),
  };
}

export function himoyaOutputs(result: EvaluationResult): Outputs {
  const get = (name: string) => {
    const values = result.values.get(name);
    if (!values) throw new Error(`Himoya's result has no ${name}`);
    return values;
  };
  return {
    category: Uint8Array.from(get('social_registry.category')),
    share: Float64Array.from(get('social_registry.benefit_share')),
    childAllowance: Float64Array.from(get('child_allowance.amount')),
    materialAssistance: Float64Array.from(get('material_assistance.amount')),
  };
}

export interface Disagreement {
  readonly household: number;
  readonly field: keyof Outputs;
  readonly expected: number;
  readonly actual: number;
}

/** Households (indices in `indices`, or all) where `actual` differs from `expected`. */
export function disagreements(
  expected: Outputs,
  actual: Outputs,
  indices?: ArrayLike<number>,
  limit = 5,
): { count: number; first: Disagreement[] } {
  const first: Disagreement[] = [];
  let count = 0;
  const n = indices ? indices.length : expected.category.length;
  const fields = ['category', 'share', 'childAllowance', 'materialAssistance'] as const;
  for (let k = 0; k < n; k++) {
    const h = indices ? (indices[k] ?? 0) : k;
    let differs = false;
    for (const field of fields) {
      const e = expected[field][h] ?? Number.NaN;
      const a = actual[field][h] ?? Number.NaN;
      if (e !== a) {
        differs = true;
        if (first.length < limit) first.push({ household: h, field, expected: e, actual: a });
      }
    }
    if (differs) count++;
  }
  return { count, first };
}
