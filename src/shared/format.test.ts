import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatMonth,
  formatMonthFrom,
  formatMonthRange,
  formatNumber,
  formatShortDate,
  formatSoum,
  formatSoumPerMonth,
} from './format.ts';
import { IMPOSSIBLE_CYRILLIC } from './transliterate.ts';

const NNBSP = '\u202f';

describe('numbers and so‘m', () => {
  it('groups digits with a narrow no-break space in Uzbek and Russian, a comma in English', () => {
    expect(formatNumber(1_583_000, 'uz-Latn')).toBe(`1${NNBSP}583${NNBSP}000`);
    expect(formatNumber(600_000, 'ru')).toBe(`600${NNBSP}000`);
    expect(formatNumber(1_583_000, 'en')).toBe('1,583,000');
    expect(formatNumber(999, 'uz-Cyrl')).toBe('999');
    expect(formatNumber(-12_500.5, 'ru')).toBe(`-12${NNBSP}500,5`);
    expect(formatNumber(12_500.5, 'en')).toBe('12,500.5');
  });

  it('writes one spelling of the currency per language, in whole so‘m', () => {
    expect(formatSoum(1_583_000, 'uz-Latn')).toBe(`1${NNBSP}583${NNBSP}000 so‘m`);
    expect(formatSoum(600_000.4, 'uz-Cyrl')).toBe(`600${NNBSP}000 сўм`);
    expect(formatSoum(380_000, 'ru')).toBe(`380${NNBSP}000 сум`);
    expect(formatSoum(1_583_000, 'en')).toBe('1,583,000 so‘m');
  });

  it('writes a monthly rate with its period', () => {
    expect(formatSoumPerMonth(1_583_000, 'en')).toBe('1,583,000 so‘m a month');
    expect(formatSoumPerMonth(1_583_000, 'uz-Latn')).toBe(`oyiga 1${NNBSP}583${NNBSP}000 so‘m`);
    expect(formatSoumPerMonth(380_000, 'uz-Cyrl')).toBe(`ойига 380${NNBSP}000 сўм`);
    expect(formatSoumPerMonth(380_000, 'ru')).toBe(`380${NNBSP}000 сум в месяц`);
  });
});

describe('dates, months and periods', () => {
  it('writes a date in each language', () => {
    expect(formatDate('2026-11-25', 'uz-Latn')).toBe('2026-yil 25-noyabr');
    expect(formatDate('2026-11-25', 'uz-Cyrl')).toBe('2026-йил 25-ноябрь');
    expect(formatDate('2026-03-01', 'ru')).toBe('1 марта 2026 г.');
    expect(formatDate('2026-01-01', 'en')).toBe('1 January 2026');
    expect(formatDate('not a date', 'en')).toBe('not a date');
    expect(formatShortDate('2026-03-05')).toBe('05.03.2026');
  });

  it('writes a month, and "from a month" with the Uzbek suffix joined', () => {
    expect(formatMonth('2026-12', 'uz-Latn')).toBe('2026-yil dekabr');
    expect(formatMonth('2026-12', 'uz-Cyrl')).toBe('2026-йил декабрь');
    expect(formatMonth('2026-12', 'ru')).toBe('декабрь 2026 г.');
    expect(formatMonth('2026-12', 'en')).toBe('December 2026');
    expect(formatMonthFrom('2026-12', 'uz-Latn')).toBe('2026-yil dekabrdan');
    expect(formatMonthFrom('2026-12', 'uz-Cyrl')).toBe('2026-йил декабрдан');
    expect(formatMonthFrom('2026-03', 'ru')).toBe('с марта 2026 г.');
    expect(formatMonthFrom('2026-03', 'en')).toBe('from March 2026');
  });

  it('writes a range of months within a year and across years', () => {
    expect(formatMonthRange('2026-01', '2026-12', 'uz-Latn')).toBe('2026-yil yanvar–dekabr');
    expect(formatMonthRange('2026-01', '2026-12', 'ru')).toBe('январь–декабрь 2026 г.');
    expect(formatMonthRange('2026-12', '2027-03', 'en')).toBe('December 2026 – March 2027');
    expect(formatMonthRange('2026-05', '2026-05', 'uz-Cyrl')).toBe('2026-йил май');
  });

  it('writes a moment on the wall clock of Khorezm', () => {
    expect(formatDateTime('2026-11-25T09:05:00Z', 'uz-Latn')).toBe('2026-yil 25-noyabr, 14:05');
    expect(formatDateTime('2026-12-31T20:00:00Z', 'en')).toBe('1 January 2027, 01:00');
  });

  it('never writes an impossible Cyrillic sequence for any month', () => {
    for (let m = 1; m <= 12; m += 1) {
      const month = `2026-${String(m).padStart(2, '0')}`;
      expect(formatMonthFrom(month, 'uz-Cyrl')).not.toMatch(IMPOSSIBLE_CYRILLIC);
      expect(formatMonthFrom(month, 'uz-Cyrl')).not.toMatch(/ь[а-я]/);
    }
  });
});
