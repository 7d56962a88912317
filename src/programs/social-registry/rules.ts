import { DISABILITY, EMPLOYMENT, SEX } from '../../rules/entities.ts';

/**
 * The Social Registry’s per-element rules as pure functions. The vector formulas call them inside their
 * loops and the scalar formulas call them once, so both paths apply the very same rule.
 */

// Codes as module-local numbers: the functions below run in loops over millions of elements, and a
// property read from an imported object there is not hoisted (it costs several times the comparison).
const NONE = 0;
const STATE_SUPPORTED = 1;
const POOR = 2;
const BORDERLINE = 3;
const BELOW = 1;
const LOWER_BORDERLINE = 2;
const UPPER_BORDERLINE = 3;
const ABOVE = 4;
const FEMALE = SEX.F;
const GROUP_I = DISABILITY.I;
const GROUP_II = DISABILITY.II;
const STUDENT = EMPLOYMENT.student;

/** Codes of `social_registry.category` (also of `household.previousCategory`). */
export const CATEGORY = {
  none: NONE,
  state_supported: STATE_SUPPORTED,
  poor: POOR,
  borderline: BORDERLINE,
} as const;

/** Codes of `social_registry.income_band`. */
export const INCOME_BAND = {
  below: BELOW,
  lower_borderline: LOWER_BORDERLINE,
  upper_borderline: UPPER_BORDERLINE,
  above: ABOVE,
} as const;

/**
 * Able to work (Himoya's reading; the brief does not define it): aged from the lower working age to the
 * pension age of the person's sex, without a group I or II disability, and not in full-time study.
 * Group III disability, informal work, unemployment and early retirement do not change it. Returns 1 or 0,
 * computed without branches: on millions of persons in no particular order, every mispredicted branch
 * costs more than all the comparisons together.
 */
export function ableToWork(
  age: number,
  sex: number,
  disability: number,
  employment: number,
  minAge: number,
  pensionAgeMen: number,
  pensionAgeWomen: number,
): number {
  const pensionAge = pensionAgeMen + (pensionAgeWomen - pensionAgeMen) * +(sex === FEMALE);
  return (
    +(age >= minAge) &
    +(age < pensionAge) &
    +(disability !== GROUP_I) &
    +(disability !== GROUP_II) &
    +(employment !== STUDENT)
  );
}

/**
 * Income band from the household’s income over the period, without dividing: per-capita income
 * `total / (months * size)` is compared with `share * mce` as `total` against `share * mce * months * size`,
 * which is exact for whole so’m amounts and the published shares.
 * Below the low-income threshold: strictly less. Borderline bands: up to and including their limits.
 */
export function incomeBand(
  total: number,
  size: number,
  months: number,
  mce: number,
  lowIncomeShare: number,
  bandSplitShare: number,
  borderlineLimitShare: number,
): number {
  const people = months * size;
  if (total < lowIncomeShare * mce * people) return BELOW;
  if (total <= bandSplitShare * mce * people) return LOWER_BORDERLINE;
  if (total <= borderlineLimitShare * mce * people) return UPPER_BORDERLINE;
  return ABOVE;
}

/** Before 1 February 2026 there is no borderline category: below the threshold or above it. */
export function legacyIncomeBand(
  total: number,
  size: number,
  months: number,
  mce: number,
  lowIncomeShare: number,
): number {
  return total < lowIncomeShare * mce * months * size ? BELOW : ABOVE;
}

/**
 * Employment condition: a family assigned as poor whose income has left the low-income band keeps the poor
 * category while a member able to work has been formally employed for less than the grace period.
 */
export function employmentGrace(previousCategory: number, band: number, recentlyEmployed: number): boolean {
  return previousCategory === POOR && band !== BELOW && recentlyEmployed > 0;
}

/**
 * Category from 1 February 2026: excluded families get none; below the threshold, state-supported when no
 * member is able to work and poor otherwise; poor also while the employment grace runs; borderline in the
 * 1-1.5 x MCE bands, or when leaving the state-supported or poor category, or with hardship confirmed by
 * the mahalla.
 */
export function category(
  excluded: number,
  band: number,
  ableMembers: number,
  grace: number,
  previousCategory: number,
  hardship: number,
): number {
  if (excluded === 1) return NONE;
  if (band === BELOW) return ableMembers > 0 ? POOR : STATE_SUPPORTED;
  if (grace === 1) return POOR;
  if (band === LOWER_BORDERLINE || band === UPPER_BORDERLINE) return BORDERLINE;
  if (previousCategory === STATE_SUPPORTED || previousCategory === POOR || hardship === 1) {
    return BORDERLINE;
  }
  return NONE;
}

/** Category before 1 February 2026: the income test only. */
export function legacyCategory(excluded: number, band: number, ableMembers: number): number {
  if (excluded === 1 || band !== BELOW) return NONE;
  return ableMembers > 0 ? POOR : STATE_SUPPORTED;
}

export function benefitShare(
  category: number,
  band: number,
  lowerBandShare: number,
  upperBandShare: number,
  outsideBandsShare: number,
): number {
  switch (category) {
    case STATE_SUPPORTED:
    case POOR:
      return 1;
    case BORDERLINE:
      return band === LOWER_BORDERLINE
        ? lowerBandShare
        : band === UPPER_BORDERLINE
          ? upperBandShare
          : outsideBandsShare;
    default:
      return 0;
  }
}

export function assignmentMonths(
  category: number,
  stateSupportedMonths: number,
  poorMonths: number,
  borderlineMonths: number,
): number {
  switch (category) {
    case STATE_SUPPORTED:
      return stateSupportedMonths;
    case POOR:
      return poorMonths;
    case BORDERLINE:
      return borderlineMonths;
    default:
      return 0;
  }
}
