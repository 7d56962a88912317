import i18next, { type i18n } from 'i18next';
import ICU from 'i18next-icu';
import type { Language } from '../shared/format.ts';
import { uzbekCyrillicMessages } from '../shared/transliterate.ts';
import errorsEn from './errors/en.json' with { type: 'json' };
import errorsRu from './errors/ru.json' with { type: 'json' };
import errorsCyrl from './errors/uz-Cyrl.json' with { type: 'json' };
import errorsLatn from './errors/uz-Latn.json' with { type: 'json' };
import identityEn from './identity/en.json' with { type: 'json' };
import identityRu from './identity/ru.json' with { type: 'json' };
import identityCyrl from './identity/uz-Cyrl.json' with { type: 'json' };
import identityLatn from './identity/uz-Latn.json' with { type: 'json' };
import notificationsEn from './notifications/en.json' with { type: 'json' };
import notificationsRu from './notifications/ru.json' with { type: 'json' };
import notificationsCyrl from './notifications/uz-Cyrl.json' with { type: 'json' };
import notificationsLatn from './notifications/uz-Latn.json' with { type: 'json' };
import peopleEn from './people/en.json' with { type: 'json' };
import peopleRu from './people/ru.json' with { type: 'json' };
import peopleCyrl from './people/uz-Cyrl.json' with { type: 'json' };
import peopleLatn from './people/uz-Latn.json' with { type: 'json' };
import rulesEn from './rules/en.json' with { type: 'json' };
import rulesRu from './rules/ru.json' with { type: 'json' };
import rulesCyrl from './rules/uz-Cyrl.json' with { type: 'json' };
import rulesLatn from './rules/uz-Latn.json' with { type: 'json' };

/**
 * The server's one message pipeline: i18next with ICU message syntax, one JSON file per namespace and
 * language under src/i18n/<namespace>/<language>.json. Uzbek Cyrillic is made from the Uzbek Latin file
 * when the messages load, by the one transliterator (src/shared/transliterate.ts); `uz-Cyrl.json` holds
 * only the reviewed exceptions where a letter-by-letter spelling is wrong. English is the reference file:
 * its keys are the keys, and `translate` accepts no other (a missing key fails `tsc`).
 */
export type { Language } from '../shared/format.ts';
export const LANGUAGES: readonly Language[] = ['uz-Latn', 'uz-Cyrl', 'ru', 'en'];

type Messages = Readonly<Record<string, string>>;

/** Uzbek Latin, Russian, English, and the hand-written Cyrillic exceptions of one namespace. */
interface NamespaceFiles {
  'uz-Latn': Messages;
  ru: Messages;
  en: Messages;
  cyrillicExceptions: Messages;
}

const FILES = {
  errors: { 'uz-Latn': errorsLatn, ru: errorsRu, en: errorsEn, cyrillicExceptions: errorsCyrl },
  identity: { 'uz-Latn': identityLatn, ru: identityRu, en: identityEn, cyrillicExceptions: identityCyrl },
  notifications: {
    'uz-Latn': notificationsLatn,
    ru: notificationsRu,
    en: notificationsEn,
    cyrillicExceptions: notificationsCyrl,
  },
  people: { 'uz-Latn': peopleLatn, ru: peopleRu, en: peopleEn, cyrillicExceptions: peopleCyrl },
  rules: { 'uz-Latn': rulesLatn, ru: rulesRu, en: rulesEn, cyrillicExceptions: rulesCyrl },
} satisfies Record<string, NamespaceFiles>;

export type Namespace = keyof typeof FILES;
export const NAMESPACES = Object.keys(FILES) as Namespace[];
/** The keys of a namespace: those of its English file. */
export type MessageKey<N extends Namespace> = keyof (typeof FILES)[N]['en'] & string;
export type MessageValues = Readonly<Record<string, string | number>>;

/** Uzbek Cyrillic of a namespace: each Latin message transliterated, unless a reviewed exception is given. */
export function cyrillicOf(latin: Messages, exceptions: Messages = {}): Record<string, string> {
  return uzbekCyrillicMessages(latin, exceptions) as Record<string, string>;
}

function createPipeline(): i18n {
  const instance = i18next.createInstance();
  const resources: Record<string, Record<string, Messages>> = {
    'uz-Latn': {},
    'uz-Cyrl': {},
    ru: {},
    en: {},
  };
  for (const [ns, files] of Object.entries(FILES) as [Namespace, NamespaceFiles][]) {
    (resources['uz-Latn'] as Record<string, Messages>)[ns] = files['uz-Latn'];
    (resources['uz-Cyrl'] as Record<string, Messages>)[ns] = cyrillicOf(
      files['uz-Latn'],
      files.cyrillicExceptions,
    );
    (resources.ru as Record<string, Messages>)[ns] = files.ru;
    (resources.en as Record<string, Messages>)[ns] = files.en;
  }
  void instance.use(ICU).init({
    resources,
    lng: 'uz-Latn',
    fallbackLng: 'uz-Latn',
    ns: NAMESPACES,
    defaultNS: 'errors',
    // Keys are flat ("offer.granted", "input.person.sex"): no nesting, no namespace prefix in a key.
    keySeparator: false,
    nsSeparator: false,
    initAsync: false,
    returnNull: false,
    interpolation: { escapeValue: false },
  });
  return instance;
}

const pipeline = createPipeline();

/** One message in a language; the key is checked against the namespace at compile time. */
export function translate<N extends Namespace>(
  ns: N,
  key: MessageKey<N>,
  language: Language,
  values: MessageValues = {},
): string {
  return pipeline.t(key, { ...values, ns, lng: language }) as string;
}

/** Whether a key computed at run time (a programme id, a code from the database) has a message. */
export function hasMessage(ns: string, key: string, language: Language): boolean {
  return pipeline.exists(key, { ns, lng: language });
}

/** A message under a key computed at run time, or `fallback` when there is none. */
export function translateDynamic(
  ns: string,
  key: string,
  language: Language,
  values: MessageValues = {},
  fallback = key,
): string {
  return hasMessage(ns, key, language)
    ? (pipeline.t(key, { ...values, ns, lng: language }) as string)
    : fallback;
}

/**
 * Messages registered from code at start-up (the programme registry gives each programme's names and
 * texts this way). Uzbek Cyrillic is made from the Uzbek Latin ones unless given; a later registration of
 * the same key wins.
 */
export function registerMessages(
  ns: string,
  messages: Partial<Record<Language, Messages>> & { 'uz-Latn': Messages },
): void {
  const cyrillic = { ...cyrillicOf(messages['uz-Latn']), ...(messages['uz-Cyrl'] ?? {}) };
  const all: Record<Language, Messages> = {
    'uz-Latn': messages['uz-Latn'],
    'uz-Cyrl': cyrillic,
    ru: messages.ru ?? {},
    en: messages.en ?? {},
  };
  for (const language of LANGUAGES) pipeline.addResourceBundle(language, ns, all[language], true, true);
}

/** Every message of a namespace in a language, as rendered with no values (for checks over all texts). */
export function messagesOf(ns: string, language: Language): Record<string, string> {
  return { ...(pipeline.getResourceBundle(language, ns) as Record<string, string> | undefined) };
}
