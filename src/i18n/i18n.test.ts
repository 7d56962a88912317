import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import { IMPOSSIBLE_CYRILLIC } from '../shared/transliterate.ts';
import { LANGUAGES, messagesOf, NAMESPACES, registerMessages, translate, translateDynamic } from './index.ts';

describe('the server message pipeline', () => {
  it('has every key in every language, and no other', () => {
    for (const ns of NAMESPACES) {
      const keys = Object.keys(messagesOf(ns, 'en')).sort();
      expect(keys.length, ns).toBeGreaterThan(0);
      for (const language of LANGUAGES)
        expect(Object.keys(messagesOf(ns, language)).sort(), `${ns} ${language}`).toEqual(keys);
    }
  });

  it('holds only valid ICU messages', () => {
    for (const ns of NAMESPACES) {
      for (const language of LANGUAGES) {
        for (const [key, message] of Object.entries(messagesOf(ns, language))) {
          expect(() => new IntlMessageFormat(message, language), `${ns}:${key} ${language}`).not.toThrow();
        }
      }
    }
  });

  it('writes no impossible sequence in Uzbek Cyrillic (no "ёъ", no hard sign ending a word)', () => {
    for (const ns of NAMESPACES) {
      for (const [key, message] of Object.entries(messagesOf(ns, 'uz-Cyrl'))) {
        expect(message, `${ns}:${key}`).not.toMatch(IMPOSSIBLE_CYRILLIC);
      }
    }
    expect(translate('rules', 'phrase.no', 'uz-Latn')).toBe('yo’q');
  });

  it('makes Uzbek Cyrillic from the Latin file, with the reviewed exceptions', () => {
    expect(translate('errors', 'NOT_FOUND', 'uz-Cyrl')).toBe('Топилмади.');
    expect(translate('errors', 'DOCUMENT_TOO_LARGE', 'uz-Cyrl')).toBe('Файл 5 МБ дан катта.');
    expect(translate('rules', 'phrase.no', 'uz-Cyrl')).toBe('йўқ');
  });

  it('formats ICU plurals', () => {
    expect(translate('rules', 'years', 'ru', { n: 1 })).toBe('1 год');
    expect(translate('rules', 'years', 'ru', { n: 3 })).toBe('3 года');
    expect(translate('rules', 'years', 'ru', { n: 11 })).toBe('11 лет');
    expect(translate('rules', 'years', 'en', { n: 1 })).toBe('1 year');
  });

  it('takes messages registered from code at start, Cyrillic made from the Latin', () => {
    registerMessages('programmes', {
      'uz-Latn': { 'test_programme.name': 'Yo‘l haqi yordami' },
      ru: { 'test_programme.name': 'Помощь на проезд' },
      en: { 'test_programme.name': 'Travel assistance' },
    });
    expect(translateDynamic('programmes', 'test_programme.name', 'uz-Cyrl')).toBe('Йўл ҳақи ёрдами');
    expect(translateDynamic('programmes', 'test_programme.name', 'ru')).toBe('Помощь на проезд');
    expect(translateDynamic('programmes', 'unknown.name', 'en', {}, 'unknown')).toBe('unknown');
  });
});
