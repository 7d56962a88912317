import { KHOREZM_OFFSET_MS } from './khorezm-clock.ts';
import { MONTH_NAMES, RUSSIAN_MONTHS_NOMINATIVE } from './months.ts';

/**
 * The one way Himoya writes amounts, numbers, dates, months and periods, in the four languages of the
 * portal; the server (notifications, rule explanations, messages) and the web app call these, so an amount
 * reads the same in an SMS, on a screen and in an explanation.
 *
 * Decisions (ADR 010):
 * - Digits are grouped by three with U+202F NARROW NO-BREAK SPACE in Uzbek and Russian, as their typography
 *   writes amounts ("1 583 000 so‘m"), and the group never breaks across lines; the decimal mark is a comma.
 *   English groups with a comma and uses a decimal point ("1,583,000 so‘m").
 * - The currency has one spelling per language: "so‘m" (Uzbek Latin and English, with the turned comma
 *   U+2018 that Uzbek Latin typography uses for o‘), "сўм", "сум". Amounts are whole so'm.
 * - Nothing depends on the runtime's Intl data (browsers differ on Uzbek): the words are ours.
 */
export type Language = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';

export const GROUP_SEPARATOR: Readonly<Record<Language, string>> = {
  'uz-Latn': '\u202f',
  'uz-Cyrl': '\u202f',
  ru: '\u202f',
  en: ',',
};
const DECIMAL_MARK: Readonly<Record<Language, string>> = { 'uz-Latn': ',', 'uz-Cyrl': ',', ru: ',', en: '.' };

export const CURRENCY: Readonly<Record<Language, string>> = {
  'uz-Latn': 'so‘m',
  'uz-Cyrl': 'сўм',
  ru: 'сум',
  en: 'so‘m',
};

/** A number with grouped digits; fractions are written as given (no rounding here). */
export function formatNumber(value: number, language: Language): string {
  if (!Number.isFinite(value)) return String(value);
  const [whole = '0', fraction] = String(Math.abs(value)).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP_SEPARATOR[language]);
  const sign = value < 0 ? '-' : '';
  return `${sign}${grouped}${fraction !== undefined ? DECIMAL_MARK[language] + fraction : ''}`;
}

/** A so'm amount, rounded to whole so'm: "1 583 000 so‘m", "380 000 сум", "1,583,000 so‘m". */
export function formatSoum(value: number, language: Language): string {
  return `${formatNumber(Math.round(value), language)} ${CURRENCY[language]}`;
}

interface CivilDate {
  year: number;
  month: number;
  day: number;
}

function civil(value: string): CivilDate | undefined {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?/.exec(value);
  if (!match) return undefined;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return undefined;
  return { year: Number(match[1]), month, day: Number(match[3] ?? 1) };
}

function monthName(language: Language, month: number): string {
  return MONTH_NAMES[language][month - 1] ?? String(month);
}

/**
 * The Uzbek stem of a month before a suffix: the soft sign of "декабрь" goes ("декабрдан"); the Latin
 * names have none.
 */
function uzbekStem(language: 'uz-Latn' | 'uz-Cyrl', month: number): string {
  return monthName(language, month).replace(/ь$/, '');
}

const UZ_YEAR = { 'uz-Latn': 'yil', 'uz-Cyrl': 'йил' } as const;

/** A calendar date 'YYYY-MM-DD': "2026-yil 25-noyabr", "2026-йил 25-ноябрь", "25 ноября 2026 г.", "25 November 2026". */
export function formatDate(value: string, language: Language): string {
  const d = civil(value);
  if (!d || value.length < 10) return value;
  switch (language) {
    case 'uz-Latn':
    case 'uz-Cyrl':
      return `${d.year}-${UZ_YEAR[language]} ${d.day}-${monthName(language, d.month)}`;
    case 'ru':
      return `${d.day} ${monthName('ru', d.month)} ${d.year} г.`;
    case 'en':
      return `${d.day} ${monthName('en', d.month)} ${d.year}`;
  }
}

/** A date as an SMS writes it in every language, short and unambiguous: 05.03.2026. */
export function formatShortDate(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : value;
}

/** A month 'YYYY-MM' (or a date in it): "2026-yil dekabr", "2026-йил декабрь", "декабрь 2026 г.", "December 2026". */
export function formatMonth(value: string, language: Language): string {
  const d = civil(value);
  if (!d) return value;
  switch (language) {
    case 'uz-Latn':
    case 'uz-Cyrl':
      return `${d.year}-${UZ_YEAR[language]} ${monthName(language, d.month)}`;
    case 'ru':
      return `${RUSSIAN_MONTHS_NOMINATIVE[d.month - 1]} ${d.year} г.`;
    case 'en':
      return `${monthName('en', d.month)} ${d.year}`;
  }
}

/**
 * "From a month": Uzbek joins the ablative suffix to the month ("2026-yil dekabrdan", "2026-йил
 * декабрдан"), Russian takes the genitive ("с декабря 2026 г."), English "from December 2026".
 */
export function formatMonthFrom(value: string, language: Language): string {
  const d = civil(value);
  if (!d) return value;
  switch (language) {
    case 'uz-Latn':
    case 'uz-Cyrl':
      return `${d.year}-${UZ_YEAR[language]} ${uzbekStem(language, d.month)}${language === 'uz-Latn' ? 'dan' : 'дан'}`;
    case 'ru':
      return `с ${monthName('ru', d.month)} ${d.year} г.`;
    case 'en':
      return `from ${monthName('en', d.month)} ${d.year}`;
  }
}

/**
 * A range of months, both ends included: "2026-yil yanvar–dekabr", "2026-yil dekabr – 2027-yil mart",
 * "январь–декабрь 2026 г.", "January–December 2026". One month is that month.
 */
export function formatMonthRange(from: string, to: string, language: Language): string {
  const a = civil(from);
  const b = civil(to);
  if (!a || !b) return `${from} – ${to}`;
  if (a.year === b.year && a.month === b.month) return formatMonth(from, language);
  if (a.year !== b.year) return `${formatMonth(from, language)} – ${formatMonth(to, language)}`;
  switch (language) {
    case 'uz-Latn':
    case 'uz-Cyrl':
      return `${a.year}-${UZ_YEAR[language]} ${monthName(language, a.month)}–${monthName(language, b.month)}`;
    case 'ru':
      return `${RUSSIAN_MONTHS_NOMINATIVE[a.month - 1]}–${RUSSIAN_MONTHS_NOMINATIVE[b.month - 1]} ${a.year} г.`;
    case 'en':
      return `${monthName('en', a.month)}–${monthName('en', b.month)} ${a.year}`;
  }
}

/**
 * A moment as the wall clock in Khorezm shows it (Asia/Tashkent, UTC+5, no daylight saving):
 * "2026-yil 25-noyabr, 14:05", "25 ноября 2026 г., 14:05", "25 November 2026, 14:05".
 */
export function formatDateTime(value: string | Date, language: Language): string {
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const iso = new Date(date.getTime() + KHOREZM_OFFSET_MS).toISOString();
  return `${formatDate(iso.slice(0, 10), language)}, ${iso.slice(11, 16)}`;
}

const PER_MONTH: Readonly<Record<Language, (amount: string) => string>> = {
  'uz-Latn': (amount) => `oyiga ${amount}`,
  'uz-Cyrl': (amount) => `ойига ${amount}`,
  ru: (amount) => `${amount} в месяц`,
  en: (amount) => `${amount} a month`,
};

/**
 * A monthly rate (an allowance, an income): the amount with so'm and its period, "1 583 000 so‘m a month",
 * "oyiga 1 583 000 so‘m", "1 583 000 сум в месяц". A one-time amount (a balance) is `formatSoum`.
 */
export function formatSoumPerMonth(value: number, language: Language): string {
  return PER_MONTH[language](formatSoum(value, language));
}
