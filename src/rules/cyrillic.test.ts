import { describe, expect, it } from 'vitest';
import { uzbekCyrillicOf } from './cyrillic.ts';

describe('Uzbek Cyrillic explanations', () => {
  it('spells the Uzbek Latin words in Cyrillic', () => {
    expect(uzbekCyrillicOf("Oila kam ta'minlangan: daromad eng kam iste'mol xarajatlaridan past")).toBe(
      'Оила кам таъминланган: даромад энг кам истеъмол харажатларидан паст',
    );
  });

  it('keeps identifiers: UUIDs, #indexes, addresses, dotted names and officer ids', () => {
    const text =
      'Oila 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (#12), qiymat common.mce, tasdiqladi staff:aziz.k, https://lex.uz/docs/123';
    expect(uzbekCyrillicOf(text)).toBe(
      'Оила 0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d (#12), қиймат common.mce, тасдиқлади staff:aziz.k, https://lex.uz/docs/123',
    );
  });
});
