import { MONTH_NAMES } from '../../src/shared/months.ts';
import { currentLanguage } from './i18n.ts';

/** Intl locales per portal language; Intl has no Uzbek Cyrillic in every browser, so it falls back. */
function locale(): string[] {
  const language = currentLanguage();
  return language === 'uz-Cyrl' ? ['uz-Cyrl', 'uz'] : language === 'uz-Latn' ? ['uz-Latn', 'uz'] : [language];
}

const SOUM: Record<string, string> = { 'uz-Latn': 'so‘m', 'uz-Cyrl': 'сўм', ru: 'сум', en: 'so‘m' };

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}

export function formatSoum(value: number): string {
  return `${formatNumber(value)} ${SOUM[currentLanguage()]}`;
}

/**
 * Uzbek month names, written by us: browsers without Uzbek locale data print "2026 M11 25". Uzbek dates read
 * "2026-yil 25-noyabr" (the names are shared with the server: src/shared/months.ts).
 */
const UZ_MONTHS = { 'uz-Latn': MONTH_NAMES['uz-Latn'], 'uz-Cyrl': MONTH_NAMES['uz-Cyrl'] } as const;
const UZ_YEAR = { 'uz-Latn': 'yil', 'uz-Cyrl': 'йил' } as const;

function uzbek(): 'uz-Latn' | 'uz-Cyrl' | undefined {
  const language = currentLanguage();
  return language === 'uz-Latn' || language === 'uz-Cyrl' ? language : undefined;
}

export function formatDate(value: string): string {
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  const uz = uzbek();
  if (uz) {
    const month = UZ_MONTHS[uz][date.getUTCMonth()];
    return `${date.getUTCFullYear()}-${UZ_YEAR[uz]} ${date.getUTCDate()}-${month}`;
  }
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export function formatMonth(value: string): string {
  const date = new Date(`${value.slice(0, 7)}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  const uz = uzbek();
  if (uz) return `${date.getUTCFullYear()}-${UZ_YEAR[uz]} ${UZ_MONTHS[uz][date.getUTCMonth()]}`;
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  const uz = uzbek();
  if (uz) {
    // The wall clock in Khorezm, in our own Uzbek wording.
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Asia/Tashkent',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      })
        .formatToParts(date)
        .map((p) => [p.type, p.value]),
    );
    const month = UZ_MONTHS[uz][Number(parts.month) - 1];
    return `${parts.year}-${UZ_YEAR[uz]} ${Number(parts.day)}-${month}, ${parts.hour}:${parts.minute}`;
  }
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
