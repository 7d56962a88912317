import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import {
  IMPOSSIBLE_CYRILLIC,
  type MessageTree,
  uzbekCyrillicMessages,
} from '../../src/shared/transliterate.ts';

/**
 * The portal's message files (web/src/i18n/<group>/<language>.json), checked the way the browser loads them:
 * Uzbek Cyrillic made from Uzbek Latin by the one transliterator, with each group's reviewed exceptions.
 */
const ROOT = join(import.meta.dirname, '../../web/src/i18n');
const GROUPS = readdirSync(ROOT);

function file(group: string, language: string): MessageTree | undefined {
  try {
    return JSON.parse(readFileSync(join(ROOT, group, `${language}.json`), 'utf8')) as MessageTree;
  } catch {
    return undefined;
  }
}

function flatten(tree: MessageTree, prefix = ''): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tree).flatMap(([key, value]) =>
      typeof value === 'string'
        ? [[`${prefix}${key}`, value]]
        : Object.entries(flatten(value, `${prefix}${key}.`)),
    ),
  );
}

function messages(group: string, language: string): Record<string, string> {
  if (language === 'uz-Cyrl') {
    return flatten(uzbekCyrillicMessages(file(group, 'uz-Latn') ?? {}, file(group, 'uz-Cyrl') ?? {}));
  }
  return flatten(file(group, language) ?? {});
}

/** Every argument of a message, given as a plausible value, so that the rendered text is checked too. */
function render(message: string, language: string): string {
  const names = [...message.matchAll(/\{\s*(\w+)/g)].map((m) => m[1] as string);
  const values = Object.fromEntries(names.map((n) => [n, n === 'count' || n === 'n' ? 3 : 'Xiva']));
  return String(new IntlMessageFormat(message, language).format(values));
}

describe('the portal messages', () => {
  it('has every key of every group in every language', () => {
    expect(GROUPS.length).toBeGreaterThan(10);
    for (const group of GROUPS) {
      const keys = Object.keys(messages(group, 'en')).sort();
      for (const language of ['uz-Latn', 'uz-Cyrl', 'ru']) {
        expect(Object.keys(messages(group, language)).sort(), `${group} ${language}`).toEqual(keys);
      }
    }
  });

  it('holds valid ICU messages that render in every language', () => {
    for (const group of GROUPS) {
      for (const language of ['uz-Latn', 'uz-Cyrl', 'ru', 'en']) {
        for (const [key, message] of Object.entries(messages(group, language))) {
          expect(() => render(message, language), `${group}.${key} ${language}`).not.toThrow();
        }
      }
    }
  });

  it('shows no impossible Uzbek Cyrillic ("ёъ", a hard sign ending a word, Latin glued to Cyrillic)', () => {
    const wrong: string[] = [];
    for (const group of GROUPS) {
      for (const [key, message] of Object.entries(messages(group, 'uz-Cyrl'))) {
        const text = render(message, 'uz-Cyrl');
        if (IMPOSSIBLE_CYRILLIC.test(text)) wrong.push(`${group}.${key}: ${text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('spells the words of the old bugs right', () => {
    const uz = messages('notifications', 'uz-Cyrl');
    expect(Object.values(uz).join(' ')).toContain('йўқ');
    expect(messages('offers', 'uz-Cyrl').from).toBe('{monthFrom}');
  });
});
