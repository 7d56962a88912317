/**
 * What a staff search box was given, read as every identifier it could be. One text may be several things
 * at once ("90A123BC" is a plate, "Karimov" a name); the repository looks for each reading and ranks exact
 * identifiers above names.
 */
export interface SearchTerms {
  /** The text as typed, trimmed (folded for names in SQL by search_fold). */
  text: string;
  /** 14 digits: a PINFL. */
  pinfl?: string;
  /** A phone number in the stored form +998XXXXXXXXX (typed with or without +998, spaces, dashes). */
  phone?: string;
  /** A household (H-…) or application (A-…) reference in its stored form. */
  reference?: string;
  /** A cadastre number (digits and colons), upper case without spaces. */
  cadastre?: string;
  /** Two letters and seven digits: a passport number, upper case without spaces (AB1234567). */
  passport?: string;
  /** Digits and letters together, short: may be a vehicle plate (normalised in SQL by search_plate). */
  plate?: string;
  /** Letters and no digits: search names too (a name has no digits; a plate has both). */
  name: boolean;
}

const PUNCTUATION = /[\s\-().+/]/g;

export function readSearchTerms(raw: string): SearchTerms {
  const text = raw.trim();
  const terms: SearchTerms = { text, name: /\p{L}/u.test(text) && !/\p{N}/u.test(text) };
  const digits = text.replace(PUNCTUATION, '');
  if (/^\d{14}$/.test(digits)) terms.pinfl = digits;
  if (/^\d{9}$/.test(digits)) terms.phone = `+998${digits}`;
  if (/^998\d{9}$/.test(digits)) terms.phone = `+${digits}`;
  const reference = /^([HAНА])\s*-?\s*(\d{4})\s*-?\s*(\d{1,12})$/iu.exec(text);
  if (reference?.[1] && reference[2] && reference[3]) {
    const prefix = /[AА]/iu.test(reference[1]) ? 'A' : 'H';
    terms.reference = `${prefix}-${reference[2]}-${reference[3].padStart(6, '0')}`;
    terms.name = false;
  }
  const passport = /^([A-Za-z]{2})\s*-?\s*(\d{7})$/.exec(text);
  if (passport?.[1] && passport[2]) terms.passport = `${passport[1].toUpperCase()}${passport[2]}`;
  if (/^[\d\s:]+$/.test(text) && text.includes(':')) terms.cadastre = text.replace(/\s+/g, '');
  const compact = text.replace(PUNCTUATION, '');
  if (compact.length >= 4 && compact.length <= 12 && /\d/.test(compact) && /\p{L}/u.test(compact)) {
    terms.plate = compact;
  }
  return terms;
}
