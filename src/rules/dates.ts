/**
 * Civil dates and months for the rules. Dates are day numbers (days since 1970-01-01, UTC) so that a
 * population’s birth dates fit an Int32Array; a month is evaluated as the situation on its first day.
 */

const DAY_MS = 86_400_000;

/** "No date" in Int32 date columns: earlier than every real date, so `day >= cutoff` is false. */
export const NO_DAY = -2_147_483_648;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Day number of a civil date; month is 1-12 (day and month may overflow, as in Date.UTC). */
export function daysFromCivil(year: number, month: number, day: number): number {
  // setUTCFullYear, unlike Date.UTC, does not read years 0-99 as 1900-1999.
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getTime() / DAY_MS;
}

export function civilFromDays(day: number): { year: number; month: number; day: number } {
  const date = new Date(day * DAY_MS);
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Day number of a 'YYYY-MM-DD' date; throws on anything that is not a real calendar date. */
export function dayOf(iso: string): number {
  const match = ISO_DATE.exec(iso);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${iso}`);
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const n = daysFromCivil(year, month, day);
  const back = civilFromDays(n);
  if (back.year !== year || back.month !== month || back.day !== day)
    throw new RangeError(`Not a real date: ${iso}`);
  return n;
}

export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function isIsoDate(text: string): boolean {
  try {
    dayOf(text);
    return true;
  } catch {
    return false;
  }
}

/** A calendar month. `index` counts months from year 0 (year * 12 + month - 1), so month arithmetic is addition. */
export interface Month {
  /** 'YYYY-MM' */
  readonly key: string;
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  readonly index: number;
  /** Day number of the first day: the reference date of every computation for the month. */
  readonly firstDay: number;
  /** 'YYYY-MM-01' */
  readonly firstDate: string;
}

export function monthOfIndex(index: number): Month {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const key = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
  return { key, year, month, index, firstDay: daysFromCivil(year, month, 1), firstDate: `${key}-01` };
}

/** Parses 'YYYY-MM' (or accepts a Month). */
export function parseMonth(month: string | Month): Month {
  if (typeof month !== 'string') return month;
  const match = ISO_MONTH.exec(month);
  const month1 = Number(match?.[2]);
  if (!match || month1 < 1 || month1 > 12) throw new RangeError(`Not a YYYY-MM month: ${month}`);
  return monthOfIndex(Number(match[1]) * 12 + month1 - 1);
}

export function monthOfDay(day: number): Month {
  const c = civilFromDays(day);
  return monthOfIndex(c.year * 12 + c.month - 1);
}

export function addMonths(month: Month, n: number): Month {
  return monthOfIndex(month.index + n);
}

/** Number of days in the month. */
export function daysInMonth(month: Month): number {
  return addMonths(month, 1).firstDay - month.firstDay;
}

/**
 * Age in whole years on a day (scalar path). A person born on 1 March is 3 on the 1 March three years
 * later; one born on 29 February turns a year older on 1 March in common years.
 */
export function ageOn(birthDay: number, onDay: number): number {
  const b = civilFromDays(birthDay);
  const o = civilFromDays(onDay);
  let age = o.year - b.year;
  if (o.month < b.month || (o.month === b.month && o.day < b.day)) age -= 1;
  return age;
}

/** Oldest age the age table represents; older people are reported as this age. */
export const MAX_AGE = 150;

/**
 * Ages on the first day of `month` for a whole column of birth days (vector path). Instead of calendar
 * arithmetic per person, it builds a table indexed by birth day: born on or before the same day of the
 * month `a` years earlier means at least `a` years old. The table spans about 55,000 days (Uint8), small
 * enough to stay in cache. Persons born after the reference day get age 0 (they are not members yet).
 */
export function agesOnFirstDay(
  birthDays: Int32Array,
  month: Month,
  out: Uint8Array = new Uint8Array(birthDays.length),
): Uint8Array {
  if (birthDays.length === 0) return out;
  const reference = month.firstDay;
  // A fixed span (MAX_AGE years, about 55 KB) rather than a scan of the column for its earliest date.
  const earliest = daysFromCivil(month.year - MAX_AGE, month.month, 1);
  const table = new Uint8Array(reference - earliest + 1);
  // Days in (cut(a + 1), cut(a)] hold age a, where cut(a) is the first of the month a years before.
  for (let a = 0; a < MAX_AGE; a++) {
    const upper = daysFromCivil(month.year - a, month.month, 1);
    const lower = daysFromCivil(month.year - a - 1, month.month, 1);
    table.fill(a, lower + 1 - earliest, upper - earliest + 1);
  }
  // Born exactly MAX_AGE years before (index 0), or earlier (below): MAX_AGE.
  table[0] = MAX_AGE;
  for (let i = 0; i < birthDays.length; i++) {
    const b = birthDays[i] ?? reference;
    out[i] = b > reference ? 0 : b < earliest ? MAX_AGE : (table[b - earliest] ?? 0);
  }
  return out;
}

/** Scalar twin of `agesOnFirstDay`, with the same clamping. */
export function ageOnFirstDay(birthDay: number, month: Month): number {
  if (birthDay > month.firstDay) return 0;
  return Math.min(MAX_AGE, ageOn(birthDay, month.firstDay));
}
