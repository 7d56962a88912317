import { describe, expect, it } from 'vitest';
import { CalendarMonth, CivilDate, Instant } from './date-schemas.ts';

describe('date schemas', () => {
  it('accept real dates and months of 1900-2100 only', () => {
    for (const ok of ['2026-03-01', '2024-02-29', '1900-01-01', '2100-12-31']) {
      expect(CivilDate.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of [
      '0000-01-01',
      '1899-12-31',
      '2101-01-01',
      '2023-02-29',
      '2024-02-30',
      '2026-13-01',
      '+275760-09-13',
    ]) {
      expect(CivilDate.safeParse(bad).success, bad).toBe(false);
    }
    expect(CalendarMonth.safeParse('2026-03').success).toBe(true);
    for (const bad of ['0000-01', '2026-13', '2026-3', '9999-12'])
      expect(CalendarMonth.safeParse(bad).success, bad).toBe(false);
    expect(Instant.safeParse('2026-03-05T10:00:00+05:00').success).toBe(true);
    expect(Instant.safeParse('0000-01-01T00:00:00Z').success).toBe(false);
  });
});
