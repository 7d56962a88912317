import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { uzbekCyrillicOf } from '../../src/shared/transliterate.ts';
import { LANGUAGES, type Language, MESSAGES, type Messages } from './messages.ts';

/**
 * Uzbek Cyrillic from the Latin text; the `{{placeholders}}`, the brand and technical names people type as
 * they are (a JWK, https, client_id) keep their Latin spelling.
 */
function toCyrillic<T>(value: T): T {
  if (typeof value === 'string') {
    return uzbekCyrillicOf(value) as T;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCyrillic(v)])) as T;
  }
  return value;
}

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

export function initI18n(): void {
  const language = storedLanguage();
  const resources: Record<Language, { translation: Messages }> = {
    'uz-Latn': { translation: MESSAGES['uz-Latn'] },
    'uz-Cyrl': { translation: toCyrillic(MESSAGES['uz-Latn']) },
    ru: { translation: MESSAGES.ru },
    en: { translation: MESSAGES.en },
  };
  void i18next.use(initReactI18next).init({
    resources,
    lng: language,
    fallbackLng: 'uz-Latn',
    interpolation: { escapeValue: false },
    initImmediate: false,
  } as Parameters<typeof i18next.init>[0]);
  document.documentElement.lang = language;
}
