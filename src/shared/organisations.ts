import type { Language } from './format.ts';
import { uzbekCyrillicOf } from './transliterate.ts';

/**
 * Organisations are written into staff grants as free text, in Uzbek Latin (the administrator types them;
 * citizens and the audit log see them instead of a person's name). The ones Himoya's staff come from are
 * named here in Russian and English too; Uzbek Cyrillic is the transliteration of the Latin name. A name not
 * listed is shown as typed (in Uzbek Cyrillic, transliterated).
 */
const NAMES: Readonly<Record<string, { ru: string; en: string }>> = {
  'Inson ijtimoiy xizmatlar markazi': {
    ru: 'Центр социальных услуг «Инсон»',
    en: 'Inson social services centre',
  },
  'Tuman ijtimoiy himoya bo‘limi': {
    ru: 'Районный отдел социальной защиты',
    en: 'District social protection department',
  },
  'Tibbiy-ijtimoiy ekspert komissiyasi': {
    ru: 'Медико-социальная экспертная комиссия',
    en: 'Medical and social expert commission',
  },
  'Yoshlar ishlari agentligi': { ru: 'Агентство по делам молодёжи', en: 'Youth Affairs Agency' },
  'Xorazm viloyati hokimligi': { ru: 'Хокимият Хорезмской области', en: 'Khorezm regional administration' },
  'Ichki audit': { ru: 'Внутренний аудит', en: 'Internal audit' },
  'Ijtimoiy himoya milliy agentligi': {
    ru: 'Национальное агентство социальной защиты',
    en: 'National Agency for Social Protection',
  },
  'Demo vendor': { ru: 'Демо-поставщик', en: 'Demo vendor' },
  Himoya: { ru: 'Himoya', en: 'Himoya' },
};

/** The Latin apostrophes people type for o‘ and g‘ ( ' ’ ʻ ` ) read as one. */
const normalise = (name: string) => name.trim().replace(/['’ʻ`]/g, '‘');

/** Uzbek Latin names of the listed organisations, for tests and forms. */
export const KNOWN_ORGANISATIONS = Object.keys(NAMES);

/** An organisation's name in a language of the portal. */
export function organisationName(name: string, language: Language): string {
  const latin = normalise(name);
  const known = NAMES[latin];
  switch (language) {
    case 'uz-Latn':
      return known ? latin : name;
    case 'uz-Cyrl':
      return uzbekCyrillicOf(known ? latin : name);
    case 'ru':
    case 'en':
      return known ? known[language] : name;
  }
}
