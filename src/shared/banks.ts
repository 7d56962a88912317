/**
 * The banks families are paid through, by code, with their names as people know them. The codes are
 * illustrative (the demo population's), not the Central Bank's register: a deployment replaces this list
 * with the banks it pays through. Shared by the server (src/payments) and the web app (bank names on screens).
 */

export type BankLanguage = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';

export const BANKS: Readonly<Record<string, Readonly<Record<BankLanguage, string>>>> = {
  '00014': { 'uz-Latn': 'Xalq banki', 'uz-Cyrl': 'Халқ банки', ru: 'Народный банк', en: 'Xalq Bank' },
  '00440': { 'uz-Latn': 'Agrobank', 'uz-Cyrl': 'Агробанк', ru: 'Агробанк', en: 'Agrobank' },
  '00873': { 'uz-Latn': 'Aloqabank', 'uz-Cyrl': 'Алоқабанк', ru: 'Алокабанк', en: 'Aloqabank' },
  '01101': {
    'uz-Latn': 'Mikrokreditbank',
    'uz-Cyrl': 'Микрокредитбанк',
    ru: 'Микрокредитбанк',
    en: 'Mikrokreditbank',
  },
  '00444': { 'uz-Latn': 'Asakabank', 'uz-Cyrl': 'Асакабанк', ru: 'Асакабанк', en: 'Asakabank' },
  '00958': { 'uz-Latn': 'Ipoteka-bank', 'uz-Cyrl': 'Ипотека-банк', ru: 'Ипотека-банк', en: 'Ipoteka Bank' },
};

export const BANK_CODES = Object.keys(BANKS);

/** The bank's name in the language, or undefined for a code this list does not know. */
export function bankName(code: string, language: BankLanguage): string | undefined {
  return BANKS[code]?.[language];
}
