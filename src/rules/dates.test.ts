import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  ageOn,
  ageOnFirstDay,
  agesOnFirstDay,
  dayOf,
  daysInMonth,
  isoOfDay,
  MAX_AGE,
  monthOfIndex,
  parseMonth,
} from './dates.ts';
import { incomeInWindow } from './population.ts';

describe('dates', () => {
  it('parses dates and months strictly', () => {
    expect(isoOfDay(dayOf('2026-02-28'))).toBe('2026-02-28');
    expect(() => dayOf('2026-02-30')).toThrow('Not a real date');
    expect(() => dayOf('26-02-01')).toThrow();
    expect(isoOfDay(dayOf('0001-01-01'))).toBe('0001-01-01');
    expect(parseMonth('2026-03')).toMatchObject({ year: 2026, month: 3, firstDate: '2026-03-01' });
    expect(() => parseMonth('2026-13')).toThrow();
    expect(addMonths(parseMonth('2026-01'), -1).key).toBe('2025-12');
    expect(addMonths(parseMonth('2025-11'), 3).key).toBe('2026-02');
    expect(daysInMonth(parseMonth('2024-02'))).toBe(29);
  });

  it('takes ages on the first day of the month', () => {
    const march = parseMonth('2026-03');
    expect(ageOnFirstDay(dayOf('2023-03-01'), march)).toBe(3);
    expect(ageOnFirstDay(dayOf('2023-03-02'), march)).toBe(2);
    expect(ageOnFirstDay(dayOf('2008-02-29'), march)).toBe(18);
    expect(ageOn(dayOf('2024-02-29'), dayOf('2025-02-28'))).toBe(0);
    expect(ageOn(dayOf('2024-02-29'), dayOf('2025-03-01'))).toBe(1);
  });

  it('computes the same ages by table (vector) and by calendar (scalar)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1990 * 12, max: 2030 * 12 }),
        fc.array(fc.integer({ min: dayOf('1850-01-01'), max: dayOf('2031-01-01') }), {
          minLength: 1,
          maxLength: 200,
        }),
        (monthIndex, births) => {
          const month = monthOfIndex(monthIndex);
          const ages = agesOnFirstDay(Int32Array.from(births), month);
          births.forEach((b, i) => {
            expect(ages[i]).toBe(ageOnFirstDay(b, month));
          });
        },
      ),
      { numRuns: 300, seed: 3 },
    );
    expect(ageOnFirstDay(dayOf('1800-01-01'), parseMonth('2026-01'))).toBe(MAX_AGE);
  });

  it('pro-rates income over the three months before the month', () => {
    const april = parseMonth('2026-04');
    expect(incomeInWindow(1_000_000, Number.MIN_SAFE_INTEGER, null, april)).toBe(3_000_000);
    expect(incomeInWindow(1_000_000, dayOf('2026-04-01'), null, april)).toBe(0);
    expect(incomeInWindow(1_000_000, dayOf('2025-01-01'), dayOf('2026-01-01'), april)).toBe(0);
    expect(incomeInWindow(2_800_000, dayOf('2026-02-15'), dayOf('2026-03-01'), april)).toBe(1_400_000);
  });
});
