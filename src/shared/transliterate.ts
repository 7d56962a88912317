/**
 * Uzbek Latin <-> Uzbek Cyrillic, and a Russian rendering of Uzbek names. Apostrophe variants
 * (' ‘ ’ ʻ ʼ `) are all accepted, since people type whichever their keyboard has.
 */
const APOSTROPHES = /[’‘ʻʼ`´]/g;

const LATIN_DIGRAPHS: [string, string][] = [
  ["o'", 'ў'],
  ["g'", 'ғ'],
  ['sh', 'ш'],
  ['ch', 'ч'],
  ['ng', 'нг'],
  ['yo', 'ё'],
  ['yu', 'ю'],
  ['ya', 'я'],
  ['ye', 'е'],
];
const LATIN_SINGLE: Record<string, string> = {
  a: 'а',
  b: 'б',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'ҳ',
  i: 'и',
  j: 'ж',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'қ',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  x: 'х',
  y: 'й',
  z: 'з',
  c: 'с',
  w: 'в',
  "'": 'ъ',
};

function matchCase(source: string, target: string): string {
  const first = source.charAt(0);
  if (first === first.toLowerCase()) return target;
  const allUpper = source.length > 1 && source === source.toUpperCase();
  return allUpper ? target.toUpperCase() : target.charAt(0).toUpperCase() + target.slice(1);
}

export function latinToCyrillic(text: string): string {
  const input = text.replace(APOSTROPHES, "'");
  let out = '';
  let i = 0;
  while (i < input.length) {
    const rest = input.slice(i).toLowerCase();
    const digraph = LATIN_DIGRAPHS.find(([lat]) => rest.startsWith(lat));
    if (digraph) {
      const [lat, cyr] = digraph;
      // "e" at the start of a word is "э" in Uzbek Cyrillic.
      out += matchCase(input.slice(i, i + lat.length), cyr);
      i += lat.length;
      continue;
    }
    const ch = input.charAt(i);
    const lower = ch.toLowerCase();
    const atWordStart = i === 0 || /[\s-]/.test(input.charAt(i - 1));
    if (lower === 'e' && atWordStart) out += matchCase(ch, 'э');
    else {
      const mapped = LATIN_SINGLE[lower];
      out += mapped === undefined ? ch : matchCase(ch, mapped);
    }
    i += 1;
  }
  return out;
}

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ё: 'yo',
  ж: 'j',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'x',
  ц: 's',
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: "'",
  ы: 'i',
  ь: '',
  э: 'e',
  ю: 'yu',
  я: 'ya',
  ў: "o'",
  қ: 'q',
  ғ: "g'",
  ҳ: 'h',
};

export function cyrillicToLatin(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const mapped = CYRILLIC_TO_LATIN[lower];
    out += mapped === undefined ? ch : matchCase(ch, mapped);
  }
  return out;
}

/** Russian spelling of an Uzbek Cyrillic word: the Uzbek-only letters become their Russian neighbours. */
export function uzCyrillicToRussian(text: string): string {
  return text.replace(
    /[ўқғҳЎҚҒҲ]/g,
    (ch) => ({ ў: 'у', қ: 'к', ғ: 'г', ҳ: 'х', Ў: 'У', Қ: 'К', Ғ: 'Г', Ҳ: 'Х' })[ch] ?? ch,
  );
}

/** English spelling: Latin without the apostrophe letters. */
export function latinToEnglish(text: string): string {
  return text
    .replace(APOSTROPHES, "'")
    .replace(/([OoGg])'/g, '$1')
    .replace(/'/g, '');
}
