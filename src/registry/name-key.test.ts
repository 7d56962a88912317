import { describe, expect, it } from 'vitest';
import { cyrillicToLatin, latinToCyrillic, uzCyrillicToRussian } from '../shared/transliterate.ts';
import { nameKey } from './name-key.ts';

describe('transliteration', () => {
  it('turns Uzbek Latin into Uzbek Cyrillic and back', () => {
    expect(latinToCyrillic("Qo'shko'pir")).toBe('Қўшкўпир');
    expect(latinToCyrillic("G'ayratov Shoxrux")).toBe('Ғайратов Шохрух');
    expect(latinToCyrillic('Eshmatov Yoqubjon')).toBe('Эшматов Ёқубжон');
    expect(cyrillicToLatin('Қўшкўпир')).toBe("Qo'shko'pir");
    expect(uzCyrillicToRussian('Қўшкўпир')).toBe('Кушкупир');
  });
});

describe('nameKey', () => {
  it('folds scripts, apostrophes and common spelling variants to one key', () => {
    const latin = nameKey("G'ulomov", 'Xurshid', 'Baxtiyor o`g`li');
    expect(nameKey('Ғуломов', 'Хуршид', 'Бахтиёр ўғли')).toBe(latin);
    expect(nameKey('Gulomov', 'Khurshid', "Bakhtiyor og'li")).toBe(latin);
    expect(nameKey('Gulomov', 'Hurshid', 'Baxtiyor ogli')).toBe(latin);
  });

  it('keeps different names apart', () => {
    expect(nameKey('Karimov', 'Aziz')).not.toBe(nameKey('Karimova', 'Aziza'));
    expect(nameKey('Karimov', 'Aziz')).not.toBe(nameKey('Aziz', 'Karimov'));
  });
});
