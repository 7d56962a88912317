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

export function formatDate(value: string): string {
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export function formatMonth(value: string): string {
  const date = new Date(`${value.slice(0, 7)}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(date);
}

export function formatDateTime(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}
