import { describe, expect, it } from 'vitest';
import { KNOWN_ORGANISATIONS, organisationName } from './organisations.ts';
import { IMPOSSIBLE_CYRILLIC } from './transliterate.ts';

describe('organisation names in the four languages', () => {
  it('names every listed organisation in each language, Cyrillic by transliteration', () => {
    for (const name of KNOWN_ORGANISATIONS) {
      expect(organisationName(name, 'uz-Latn')).toBe(name);
      expect(organisationName(name, 'uz-Cyrl')).not.toMatch(IMPOSSIBLE_CYRILLIC);
      if (name !== 'Himoya') {
        expect(organisationName(name, 'ru')).toMatch(/[а-я]/);
        expect(organisationName(name, 'en')).not.toBe('');
      }
    }
    expect(organisationName('Tuman ijtimoiy himoya bo‘limi', 'uz-Cyrl')).toBe('Туман ижтимоий ҳимоя бўлими');
  });

  it('reads the apostrophes people type as one, and shows an unlisted name as typed', () => {
    expect(organisationName("Tuman ijtimoiy himoya bo'limi", 'en')).toBe(
      'District social protection department',
    );
    expect(organisationName('Xiva tuman kasalxonasi', 'ru')).toBe('Xiva tuman kasalxonasi');
    expect(organisationName('Xiva tuman kasalxonasi', 'uz-Cyrl')).toBe('Хива туман касалхонаси');
  });
});
