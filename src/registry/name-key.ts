import { cyrillicToLatin } from '../shared/transliterate.ts';

/**
 * A spelling-folded key for a person's name, so that the same person typed in Cyrillic or Latin, with
 * or without apostrophes, with Russian-style endings (-ов/-ova) or common letter swaps, lands on the
 * same key. Used to find duplicate candidates among people without a PINFL.
 */
const FOLDS: [RegExp, string][] = [
  [/[’‘ʻʼ`´']/g, ''],
  [/kh/g, 'x'],
  [/h/g, 'x'],
  [/q/g, 'k'],
  [/yo/g, 'e'],
  [/ye/g, 'e'],
  [/zh/g, 'j'],
  [/ts/g, 's'],
  [/w/g, 'v'],
  [/y(?=[^aeiou]|$)/g, 'i'],
  [/(.)\1+/g, '$1'],
];

export function nameKey(...parts: (string | null | undefined)[]): string {
  return parts
    .filter((p): p is string => typeof p === 'string' && p.trim().length > 0)
    .map((part) => {
      let word = cyrillicToLatin(part.normalize('NFC')).toLowerCase();
      word = word.replace(/[^a-z’‘ʻʼ`´'\s-]/g, '');
      for (const [pattern, replacement] of FOLDS) word = word.replace(pattern, replacement);
      return word.replace(/[\s-]+/g, ' ').trim();
    })
    .join('|');
}
