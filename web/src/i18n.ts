import i18next, { type BackendModule, type ReadCallback } from 'i18next';
import ICU from 'i18next-icu';
import { initReactI18next } from 'react-i18next';
import { programmeLabels } from '../../src/programs/catalogue.ts';
import { type MessageTree, uzbekCyrillicMessages } from '../../src/shared/transliterate.ts';

/**
 * The portal's words: i18next with ICU messages, one JSON file per page group (namespace) and language in
 * web/src/i18n/<namespace>/<language>.json. A page names the groups it uses (`useTranslation(['offers',
 * 'common'])`) and only those files are downloaded, each its own chunk. Uzbek Cyrillic is made from the
 * Uzbek Latin file by the transliterator the server uses (src/shared/transliterate.ts), so the two scripts
 * never drift; an optional `uz-Cyrl.json` in a group holds reviewed exceptions.
 *
 * Keys read `group.key` ("offers.title"): the namespace separator is the key separator, so the first part of
 * a key names its namespace.
 */
export type Language = 'uz-Latn' | 'uz-Cyrl' | 'ru' | 'en';
export const LANGUAGES: { code: Language; label: string }[] = [
  { code: 'uz-Latn', label: 'O‘zbekcha' },
  { code: 'uz-Cyrl', label: 'Ўзбекча' },
  { code: 'ru', label: 'Русский' },
  { code: 'en', label: 'English' },
];

/** What every page shows (the layout, shared words): loaded with the language, before any page. */
export const CORE_NAMESPACES = ['app', 'layout', 'common'] as const;

type Messages = MessageTree;
const FILES = import.meta.glob<{ default: Messages }>('./i18n/*/*.json');

async function load(language: Language, ns: string): Promise<Messages> {
  // Programme names come from the programme registry (each folder's describe.ts, Cyrillic as written there).
  if (ns === 'programmes') return programmeLabels(language);
  const file = (lang: string) => FILES[`./i18n/${ns}/${lang}.json`];
  const source = file(language === 'uz-Cyrl' ? 'uz-Latn' : language);
  if (!source) throw new Error(`no messages for ${ns} in ${language}`);
  const messages = (await source()).default;
  if (language !== 'uz-Cyrl') return messages;
  const exceptions = file('uz-Cyrl');
  return uzbekCyrillicMessages(messages, exceptions ? (await exceptions()).default : {});
}

/** Loads a namespace file only when a page asks for it (a dynamic import: its own chunk). */
const lazyFiles: BackendModule = {
  type: 'backend',
  init() {},
  read(language: string, ns: string, callback: ReadCallback) {
    load(language as Language, ns).then(
      (messages) => callback(null, messages),
      (error: unknown) => callback(error as Error, false),
    );
  },
};

const KEY = 'himoya.language';

export function isLanguage(value: unknown): value is Language {
  return LANGUAGES.some((l) => l.code === value);
}

export function storedLanguage(): Language {
  const saved = localStorage.getItem(KEY);
  if (isLanguage(saved)) return saved;
  const cookie = /(?:^|; )himoya_lang=([^;]+)/.exec(document.cookie)?.[1];
  return isLanguage(cookie) ? cookie : 'uz-Latn';
}

export function currentLanguage(): Language {
  return isLanguage(i18next.language) ? i18next.language : 'uz-Latn';
}

/** Switches the language, remembers it (localStorage and a cookie the server can read) and sets <html lang>. */
export async function setLanguage(language: Language): Promise<void> {
  localStorage.setItem(KEY, language);
  // The server reads this cookie to answer in the same language before any header is sent.
  // biome-ignore lint/suspicious/noDocumentCookie: a plain cookie is all this needs
  document.cookie = `himoya_lang=${language}; path=/; max-age=31536000; samesite=lax`;
  document.documentElement.lang = language;
  await i18next.changeLanguage(language);
}

/**
 * Messages registered from code at start (the programme registry can feed each programme's names this way);
 * Uzbek Cyrillic is made from the Uzbek Latin ones unless given.
 */
export function registerMessages(
  ns: string,
  messages: Partial<Record<Language, Messages>> & { 'uz-Latn': Messages },
): void {
  const all: Record<Language, Messages> = {
    'uz-Latn': messages['uz-Latn'],
    'uz-Cyrl': messages['uz-Cyrl'] ?? uzbekCyrillicMessages(messages['uz-Latn']),
    ru: messages.ru ?? {},
    en: messages.en ?? {},
  };
  for (const { code } of LANGUAGES) i18next.addResourceBundle(code, ns, all[code], true, true);
}

export function initI18n(): Promise<unknown> {
  const language = storedLanguage();
  document.documentElement.lang = language;
  return i18next
    .use(lazyFiles)
    .use(ICU)
    .use(initReactI18next)
    .init({
      lng: language,
      // Every key exists in every language (web/src/i18n.test.ts), so no second language is downloaded.
      fallbackLng: false,
      supportedLngs: LANGUAGES.map((l) => l.code),
      // Only the current language is loaded (no "uz" parent, no fallback files until a key is missing).
      load: 'currentOnly',
      ns: [...CORE_NAMESPACES],
      defaultNS: 'common',
      nsSeparator: '.',
      keySeparator: '.',
      interpolation: { escapeValue: false },
      react: { useSuspense: true },
    });
}

/** The groups whose keys end in a code the API sends (a programme id, a relationship, a category). */
type DataKeyPrefix =
  | 'programmes'
  | 'household.rel'
  | 'override.cat'
  | 'record.kind'
  | 'role'
  | 'scope'
  | 'appeals.status'
  | 'codes.employment'
  | 'codes.education'
  | 'codes.income'
  | 'codes.source'
  | 'codes.dwelling'
  | 'codes.appStatus'
  | 'codes.overrideStatus'
  | 'codes.changeStatus'
  | 'codes.changeType'
  | 'codes.dupStatus'
  | 'codes.purpose'
  | 'codes.action'
  | 'codes.actorKind'
  | 'codes.resource';

/**
 * The key of a label for a code that comes with the data: the group is checked here, the code cannot be
 * (an unknown code shows as its key, which the browser tests would catch). Typed `never` so that it fits
 * the `t` of any page: the one place where a key is not checked at compile time.
 */
export function dataKey(prefix: DataKeyPrefix, code: string | number | null | undefined): never {
  return `${prefix}.${code}` as never;
}
