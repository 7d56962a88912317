/**
 * The one Uzbek transliterator: Uzbek Latin <-> Uzbek Cyrillic, a Russian rendering of Uzbek names and an
 * English spelling. Every Cyrillic text Himoya shows (server messages, the portal's words, rule
 * explanations, territory names) is made here, so one fix reaches every screen. The corpus in
 * transliteration.corpus.json holds the pairs it must get right, both ways.
 *
 * Apostrophe variants (' ‘ ’ ʻ ʼ ` ´) are all accepted on input, since people type whichever their keyboard
 * has; the Latin this module writes uses the plain apostrophe.
 */
const APOSTROPHE_CLASS = "['’‘ʻʼ`´]";
const APOSTROPHES = new RegExp(APOSTROPHE_CLASS, 'g');

/** Latin letters and the apostrophe that belongs to a word (o', g', the tutuq belgisi). */
const LATIN_WORD = /[A-Za-z]+(?:'+[A-Za-z]+)*'?/g;
const VOWELS_LATIN = 'aeiou';

const LATIN_SINGLE: Record<string, string> = {
  a: 'а',
  b: 'б',
  c: 'с',
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
  w: 'в',
  x: 'х',
  y: 'й',
  z: 'з',
};

/**
 * Russian loanwords whose Cyrillic spelling is not letter by letter (the soft sign, "я" for Latin "a"):
 * the Latin stem, its Cyrillic stem, and whether the bare word ends in "ь". Before an Uzbek suffix the soft
 * sign is dropped: "dekabr" → "декабрь", "dekabrdan" → "декабрдан".
 */
const LOANWORD_STEMS: readonly (readonly [latin: string, cyrillic: string, softSign: boolean])[] = [
  ['yanvar', 'январ', true],
  ['fevral', 'феврал', true],
  ['aprel', 'апрел', true],
  ['iyun', 'июн', true],
  ['iyul', 'июл', true],
  ['sentabr', 'сентябр', true],
  ['sentyabr', 'сентябр', true],
  ['oktabr', 'октябр', true],
  ['oktyabr', 'октябр', true],
  ['noyabr', 'ноябр', true],
  ['dekabr', 'декабр', true],
  ['rayon', 'район', false],
  ['litsey', 'лицей', false],
  ['litsenziya', 'лицензия', false],
];

function matchCase(source: string, target: string, wordIsUpper: boolean): string {
  const first = source.charAt(0);
  if (first === "'") return wordIsUpper ? target.toUpperCase() : target;
  if (first === first.toLowerCase()) return target;
  return wordIsUpper ? target.toUpperCase() : target.charAt(0).toUpperCase() + target.slice(1);
}

function isUpperWord(word: string): boolean {
  const letters = word.replace(/[^A-Za-zА-Яа-яЁёЎўҚқҒғҲҳ]/g, '');
  return letters.length > 1 && letters === letters.toUpperCase();
}

function loanwordOf(lower: string): { stem: string; cyrillic: string; rest: string } | undefined {
  for (const [latin, cyrillic, softSign] of LOANWORD_STEMS) {
    if (!lower.startsWith(latin)) continue;
    const rest = lower.slice(latin.length);
    return { stem: latin, cyrillic: rest === '' && softSign ? `${cyrillic}ь` : cyrillic, rest };
  }
  return undefined;
}

function latinWordToCyrillic(word: string): string {
  const upper = isUpperWord(word);
  const lowerWord = word.toLowerCase();
  const loan = loanwordOf(lowerWord);
  if (loan) {
    const head = matchCase(word, loan.cyrillic, upper);
    return head + (loan.rest ? latinLetters(word.slice(loan.stem.length), upper, false) : '');
  }
  return latinLetters(word, upper, true);
}

function latinLetters(word: string, upper: boolean, atStart: boolean): string {
  const lower = word.toLowerCase();
  let out = '';
  let i = 0;
  while (i < word.length) {
    const c = lower.charAt(i);
    const next = lower.charAt(i + 1);
    const after = lower.charAt(i + 2);
    const source = word.slice(i);
    const put = (cyrillic: string, consumed: number) => {
      out += matchCase(source, cyrillic, upper);
      i += consumed;
    };
    const wordStart = atStart && i === 0;
    if ((c === 'o' || c === 'g') && next === "'") put(c === 'o' ? 'ў' : 'ғ', 2);
    else if (c === 's' && next === 'h') put('ш', 2);
    else if (c === 'c' && next === 'h') put('ч', 2);
    // "-tsiya" of Russian loanwords (informatsiya, Konstitutsiya) is "-ция"; Uzbek "ketsin" keeps "тс".
    else if (c === 't' && lower.startsWith('tsiya', i)) put('ц', 2);
    // "yo'q": the y is "й" before "o'", not the start of "ё".
    else if (c === 'y' && next === 'o' && after !== "'") put('ё', 2);
    else if (c === 'y' && next === 'u') put('ю', 2);
    else if (c === 'y' && next === 'a') put('я', 2);
    else if (c === 'y' && next === 'e') put('е', 2);
    // "e" starts a word, or follows a vowel (poema, aeroport), as "э".
    else if (c === 'e' && (wordStart || (i > 0 && VOWELS_LATIN.includes(lower.charAt(i - 1))))) put('э', 1);
    else if (c === "'") {
      const prev = lower.charAt(i - 1);
      // "Is'hoq": the apostrophe only keeps s and h apart (Исҳоқ); between letters it is the tutuq belgisi;
      // at the end of a word it is a closing quote and stays.
      if (prev === 's' && next === 'h') i += 1;
      else if (i === 0 || next === '') {
        out += "'";
        i += 1;
      } else put('ъ', 1);
    } else put(LATIN_SINGLE[c] ?? word.charAt(i), 1);
  }
  return out;
}

/** Uzbek Latin → Uzbek Cyrillic, letter by letter with the loanword exceptions above. */
export function latinToCyrillic(text: string): string {
  return text.replace(APOSTROPHES, "'").replace(LATIN_WORD, latinWordToCyrillic);
}

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
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
  ч: 'ch',
  ш: 'sh',
  щ: 'sh',
  ъ: "'",
  ы: 'i',
  ь: '',
  э: 'e',
  ё: 'yo',
  ю: 'yu',
  я: 'ya',
  ў: "o'",
  қ: 'q',
  ғ: "g'",
  ҳ: 'h',
};
const CYRILLIC_VOWELS = 'аеёиоуўэюяы';
const CYRILLIC_WORD = /[А-Яа-яЁёЎўҚқҒғҲҳ]+/g;

function cyrillicWordToLatin(word: string): string {
  const upper = isUpperWord(word);
  const lower = word.toLowerCase();
  for (const [latin, cyrillic, softSign] of LOANWORD_STEMS) {
    if (latin.includes('ty')) continue; // the official Latin spelling is "sentabr", "oktabr"
    const full = softSign ? `${cyrillic}ь` : cyrillic;
    const rest = lower === full ? '' : lower.startsWith(cyrillic) ? lower.slice(cyrillic.length) : undefined;
    if (rest === undefined || (rest !== '' && rest.startsWith('ь'))) continue;
    return matchCase(word, latin, upper) + cyrillicLetters(word.slice(cyrillic.length), upper, 1);
  }
  return cyrillicLetters(word, upper, 0);
}

function cyrillicLetters(word: string, upper: boolean, offset: number): string {
  const lower = word.toLowerCase();
  let out = '';
  for (let i = 0; i < word.length; i += 1) {
    const c = lower.charAt(i);
    const prev = i === 0 ? '' : lower.charAt(i - 1);
    const source = word.slice(i);
    let latin: string;
    if (c === 'е') {
      // "ер" → "yer", "поезд" → "poyezd": "e" is "ye" at the start, after a vowel and after ъ/ь.
      latin =
        (i === 0 && offset === 0) || CYRILLIC_VOWELS.includes(prev) || prev === 'ъ' || prev === 'ь'
          ? 'ye'
          : 'e';
    } else if (c === 'ц') latin = prev !== '' && CYRILLIC_VOWELS.includes(prev) ? 'ts' : 's';
    else if (c === 'ҳ' && prev === 'с') latin = "'h";
    else latin = CYRILLIC_TO_LATIN[c] ?? word.charAt(i);
    // "Ш" in "Шаҳар" is "Sh", in "ШАҲАР" it is "SH".
    const nextUpper = word.charAt(i + 1) !== '' && word.charAt(i + 1) === word.charAt(i + 1).toUpperCase();
    out += matchCase(source, latin, upper || (nextUpper && /\p{L}/u.test(word.charAt(i + 1))));
  }
  return out;
}

/** Uzbek Cyrillic → Uzbek Latin (the official 1995 alphabet, with the plain apostrophe). */
export function cyrillicToLatin(text: string): string {
  return text.normalize('NFC').replace(CYRILLIC_WORD, cyrillicWordToLatin);
}

/**
 * Identifiers and technical words keep their Latin spelling inside a transliterated text: UUIDs, `#12`,
 * addresses, dotted names (`common.mce`, an officer's `staff:aziz.k`), i18next `{{x}}` placeholders,
 * camelCase names (personId), acronyms (PDF, JPEG, YYYY-MM), letters with digits (Ed25519) and the names
 * people type as they are (Himoya, OneID, JWK, https, scope, client_id). Transliterated, they would name
 * nothing.
 */
const KEEP = new RegExp(
  [
    '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}',
    '#\\d+',
    'https?:\\/\\/\\S+',
    '\\{\\{\\w+\\}\\}',
    '\\b[\\w-]+(?:[._:@][\\w-]+)+\\b',
    '\\b[a-z]+[A-Z]\\w*\\b',
    '\\b[A-Z]{2,}(?:-[A-Z]{2,})*\\b',
    '\\b(?=\\w*\\d)(?=\\w*[A-Za-z])\\w+\\b',
    '\\b(?:Himoya|OneID|https?|scope|client_id)\\b',
  ]
    .map((p) => `(?:${p})`)
    .join('|')
    .replace(/^/, '(')
    .concat(')'),
  'g',
);

/** Uzbek Cyrillic of an Uzbek Latin sentence, identifiers kept (see KEEP). */
export function uzbekCyrillicOf(latinText: string): string {
  return latinText
    .split(KEEP)
    .map((part, i) => (i % 2 === 1 ? part : latinToCyrillic(part)))
    .join('');
}

/**
 * Uzbek Cyrillic of an ICU message written in Uzbek Latin: the text is transliterated, the syntax is not
 * (argument names, `plural`/`select` and their keys, `#`), and the text inside plural and select branches
 * is transliterated too.
 */
export function uzbekCyrillicOfMessage(message: string): string {
  let out = '';
  let i = 0;
  const text = (end: number) => {
    out += uzbekCyrillicOf(message.slice(i, end));
    i = end;
  };
  while (i < message.length) {
    const open = message.indexOf('{', i);
    if (open < 0) {
      text(message.length);
      break;
    }
    text(open);
    const close = matchingBrace(message, open);
    out += argumentOf(message.slice(open, close + 1));
    i = close + 1;
  }
  return out;
}

function matchingBrace(message: string, open: number): number {
  let depth = 0;
  for (let j = open; j < message.length; j += 1) {
    if (message[j] === '{') depth += 1;
    else if (message[j] === '}') {
      depth -= 1;
      if (depth === 0) return j;
    }
  }
  return message.length - 1;
}

/** `{name}`, `{n, number}` stay; in `{n, plural, one {…} other {…}}` the branch texts are transliterated. */
function argumentOf(argument: string): string {
  const header = /^\{\s*\w+\s*,\s*(plural|select|selectordinal)\s*,/.exec(argument);
  if (!header) return argument;
  let out = header[0];
  let i = header[0].length;
  while (i < argument.length - 1) {
    const open = argument.indexOf('{', i);
    if (open < 0) break;
    out += argument.slice(i, open);
    const close = matchingBrace(argument, open);
    out += `{${uzbekCyrillicOfMessage(argument.slice(open + 1, close))}}`;
    i = close + 1;
  }
  return out + argument.slice(i);
}

/** Messages as a JSON file holds them: a text per key, or a group of them. */
export interface MessageTree {
  [key: string]: string | MessageTree;
}

/**
 * The Uzbek Cyrillic file of a message group, made from its Uzbek Latin file: every message transliterated
 * (ICU syntax kept), except where `exceptions` gives a reviewed spelling for the key.
 */
export function uzbekCyrillicMessages(latin: MessageTree, exceptions: MessageTree = {}): MessageTree {
  return Object.fromEntries(
    Object.entries(latin).map(([key, value]) => {
      const exception = exceptions[key];
      if (typeof value === 'string') {
        return [key, typeof exception === 'string' ? exception : uzbekCyrillicOfMessage(value)];
      }
      return [key, uzbekCyrillicMessages(value, typeof exception === 'object' ? exception : {})];
    }),
  );
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

/**
 * Letter sequences no Uzbek Cyrillic word has: "ёъ" (the old "yo'q" bug), a hard sign at the end of a word
 * or before a consonant-less end, and Latin letters glued to Cyrillic ones. Used by tests over every
 * rendered message.
 */
export const IMPOSSIBLE_CYRILLIC =
  /ёъ|[А-Яа-яЁёЎўҚқҒғҲҳ]ъ(?![А-Яа-яЁёЎўҚқҒғҲҳ])|ъ[ъь]|ь[ъь]|[a-z][а-яёўқғҳ]|[а-яёўқғҳ][a-z]/iu;
