import { dayOf, isoOfDay } from '../rules/index.ts';

/**
 * Working days are Monday to Friday. Public holidays are not counted yet (no holiday calendar in the
 * platform): a due date may fall on a holiday. **Unverified** against the official calendar.
 */
function isWorkingDay(day: number): boolean {
  // Day 0 of `dayOf` is 1970-01-01, a Thursday.
  const weekday = (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  return weekday !== 0 && weekday !== 6;
}

/** The date `n` working days after `iso` ('YYYY-MM-DD'), not counting `iso` itself. */
export function addWorkingDays(iso: string, n: number): string {
  let day = dayOf(iso);
  let left = n;
  while (left > 0) {
    day += 1;
    if (isWorkingDay(day)) left -= 1;
  }
  return isoOfDay(day);
}

/** Today in UTC, 'YYYY-MM-DD'. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
