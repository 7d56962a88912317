import { describe, expect, it } from 'vitest';
import { khorezmToday } from './khorezm-clock.ts';

describe('the Khorezm calendar', () => {
  it('is a day ahead of UTC from 19:00 UTC', () => {
    expect(khorezmToday(new Date('2026-12-05T18:59:59Z'))).toBe('2026-12-05');
    expect(khorezmToday(new Date('2026-12-05T19:00:00Z'))).toBe('2026-12-06');
    expect(khorezmToday(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });
});
