/**
 * Month names of the four languages, in one place for the server's explanations, its messages and the web
 * app. Uzbek in the nominative ("2026-yil 25-noyabr"; Cyrillic in the official spelling, not a letter-by-
 * letter transliteration of the Latin); Russian in the genitive, as dates and "с марта" need; English.
 */
export const MONTH_NAMES = {
  'uz-Latn': [
    'yanvar',
    'fevral',
    'mart',
    'aprel',
    'may',
    'iyun',
    'iyul',
    'avgust',
    'sentabr',
    'oktabr',
    'noyabr',
    'dekabr',
  ],
  'uz-Cyrl': [
    'январь',
    'февраль',
    'март',
    'апрель',
    'май',
    'июнь',
    'июль',
    'август',
    'сентябрь',
    'октябрь',
    'ноябрь',
    'декабрь',
  ],
  ru: [
    'января',
    'февраля',
    'марта',
    'апреля',
    'мая',
    'июня',
    'июля',
    'августа',
    'сентября',
    'октября',
    'ноября',
    'декабря',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
} as const satisfies Record<'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en', readonly string[]>;

/**
 * Russian month names in the nominative, for a month on its own ("декабрь 2026 г."): the Uzbek Cyrillic
 * names are these very words.
 */
export const RUSSIAN_MONTHS_NOMINATIVE = MONTH_NAMES['uz-Cyrl'];
