import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cyrillicToLatin, IMPOSSIBLE_CYRILLIC, latinToCyrillic, uzbekCyrillicOf } from './transliterate.ts';

interface CorpusPair {
  latin: string;
  cyrillic: string;
  only?: 'toCyrillic' | 'toLatin';
  why?: string;
}
const corpus = JSON.parse(
  readFileSync(new URL('../../test/fixtures/transliteration.corpus.json', import.meta.url), 'utf8'),
) as { pairs: CorpusPair[] };

describe('the transliteration corpus', () => {
  it('holds at least 200 pairs, each one-way pair with its reason', () => {
    expect(corpus.pairs.length).toBeGreaterThanOrEqual(200);
    for (const pair of corpus.pairs) if (pair.only) expect(pair.why, pair.latin).toBeTruthy();
  });

  it('spells every Latin word of the corpus in Cyrillic', () => {
    const wrong = corpus.pairs
      .filter((p) => p.only !== 'toLatin')
      .map((p) => ({ latin: p.latin, expected: p.cyrillic, got: latinToCyrillic(p.latin) }))
      .filter((r) => r.got !== r.expected);
    expect(wrong).toEqual([]);
  });

  it('spells every Cyrillic word of the corpus in Latin', () => {
    const wrong = corpus.pairs
      .filter((p) => p.only !== 'toCyrillic')
      .map((p) => ({ cyrillic: p.cyrillic, expected: p.latin, got: cyrillicToLatin(p.cyrillic) }))
      .filter((r) => r.got !== r.expected);
    expect(wrong).toEqual([]);
  });

  it('never writes an impossible Cyrillic sequence for a corpus word', () => {
    for (const pair of corpus.pairs) expect(latinToCyrillic(pair.latin)).not.toMatch(IMPOSSIBLE_CYRILLIC);
  });
});

describe('Uzbek Cyrillic of a sentence', () => {
  it('spells the Uzbek Latin words in Cyrillic', () => {
    expect(uzbekCyrillicOf("Oila kam ta'minlangan: daromad eng kam iste'mol xarajatlaridan past")).toBe(
      'Оила кам таъминланган: даромад энг кам истеъмол харажатларидан паст',
    );
  });

  it('keeps identifiers: UUIDs, #indexes, addresses, dotted names, officer ids and placeholders', () => {
    const text =
      'Oila 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (#12), qiymat common.mce, tasdiqladi staff:aziz.k, https://lex.uz/docs/123 {{name}}';
    expect(uzbekCyrillicOf(text)).toBe(
      'Оила 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (#12), қиймат common.mce, тасдиқлади staff:aziz.k, https://lex.uz/docs/123 {{name}}',
    );
  });

  it('keeps a quotation mark around a word a quotation mark', () => {
    expect(latinToCyrillic("'Himoya' tizimi")).toBe("'Ҳимоя' тизими");
  });
});
