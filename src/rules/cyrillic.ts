import { latinToCyrillic } from '../shared/transliterate.ts';

/**
 * Uzbek in Cyrillic script, made from the Uzbek Latin text: the two scripts spell the same language letter
 * by letter, so one reviewed wording serves both. Identifiers are left as they are (UUIDs, `#12`, addresses,
 * dotted names such as `common.mce` or an officer's `staff:aziz.k`): transliterated, they would name nothing.
 */
const KEEP =
  /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|#\d+|https?:\/\/\S+|\b[\w-]+(?:[._:@][\w-]+)+\b)/gi;

export function uzbekCyrillicOf(latinText: string): string {
  return latinText
    .split(KEEP)
    .map((part, i) => (i % 2 === 1 ? part : latinToCyrillic(part)))
    .join('');
}
