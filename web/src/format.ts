import * as shared from '../../src/shared/format.ts';
import { currentLanguage } from './i18n.ts';

/**
 * The portal's amounts, numbers and dates in the current language: thin wrappers over the one formatter the
 * server uses too (src/shared/format.ts), so a screen and an SMS write "1 583 000 so‘m" alike.
 */
export function formatNumber(value: number): string {
  return shared.formatNumber(value, currentLanguage());
}

export function formatSoum(value: number): string {
  return shared.formatSoum(value, currentLanguage());
}

/** A calendar date 'YYYY-MM-DD' (a timestamp is read as its UTC date). */
export function formatDate(value: string): string {
  return shared.formatDate(value, currentLanguage());
}

export function formatMonth(value: string): string {
  return shared.formatMonth(value, currentLanguage());
}

/** "From a month", the Uzbek suffix joined to it: "2026-yil dekabrdan". */
export function formatMonthFrom(value: string): string {
  return shared.formatMonthFrom(value, currentLanguage());
}

export function formatDateTime(value: string): string {
  return shared.formatDateTime(value, currentLanguage());
}

/** A monthly rate with so'm and its period: "1 583 000 so‘m a month". */
export function formatSoumPerMonth(value: number): string {
  return shared.formatSoumPerMonth(value, currentLanguage());
}
