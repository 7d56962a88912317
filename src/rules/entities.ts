import type { LocalisedText } from './parameters.ts';

/**
 * Entities and the small integer codes that input columns use. The registry keeps these as text; the
 * loader and the situation builder translate them once, so formulas compare bytes, not strings.
 */
export type Entity = 'person' | 'household';

/** Roles of persons in a household (the registry’s relationships fold into these four). */
export const ROLE = { head: 1, spouse: 2, child: 3, other: 4 } as const;
export type Role = keyof typeof ROLE;

/** Registry relationship to the head → role. Grandchildren are "other": only the head’s children are "child". */
export const ROLE_OF_RELATIONSHIP: Readonly<Record<string, Role>> = {
  head: 'head',
  spouse: 'spouse',
  child: 'child',
  parent: 'other',
  sibling: 'other',
  grandchild: 'other',
  grandparent: 'other',
  child_in_law: 'other',
  other: 'other',
};

export const SEX = { M: 1, F: 2 } as const;
export type SexCode = keyof typeof SEX;

/** 0 = no disability in force. Group I is the most severe. */
export const DISABILITY = { none: 0, I: 1, II: 2, III: 3, child: 4 } as const;
export type DisabilityName = keyof typeof DISABILITY;

/** The registry’s employment statuses, in the order of the person table’s check constraint. */
export const EMPLOYMENT = {
  none: 0,
  child: 1,
  student: 2,
  employed_formal: 3,
  employed_informal: 4,
  self_employed: 5,
  unemployed: 6,
  retired: 7,
  homemaker: 8,
  military: 9,
} as const;
export type EmploymentName = keyof typeof EMPLOYMENT;

/** Sector of formal work; "security" covers defence, interior, emergencies, security services and customs. */
export const SECTOR = { none: 0, public: 1, private: 2, security: 3 } as const;
export type SectorName = keyof typeof SECTOR;

export function codeOf<T extends Record<string, number>>(codes: T, name: string, what: string): number {
  const code = codes[name];
  if (code === undefined) throw new RangeError(`Unknown ${what}: ${name}`);
  return code;
}

export function nameOf<T extends Record<string, number>>(codes: T, code: number): keyof T | undefined {
  for (const [name, value] of Object.entries(codes)) if (value === code) return name;
  return undefined;
}

/** Labels of the codes, for traces shown to citizens and staff. */
export const CODE_LABELS: {
  readonly role: Readonly<Record<Role, LocalisedText>>;
  readonly sex: Readonly<Record<SexCode, LocalisedText>>;
  readonly disability: Readonly<Record<DisabilityName, LocalisedText>>;
  readonly employment: Readonly<Record<EmploymentName, LocalisedText>>;
  readonly sector: Readonly<Record<SectorName, LocalisedText>>;
} = {
  role: {
    head: { 'uz-Latn': 'oila boshlig’i', ru: 'глава семьи', en: 'head of household' },
    spouse: { 'uz-Latn': 'turmush o’rtog’i', ru: 'супруг(а)', en: 'spouse' },
    child: { 'uz-Latn': 'farzandi', ru: 'ребёнок', en: 'child' },
    other: { 'uz-Latn': 'boshqa a’zo', ru: 'другой член семьи', en: 'other member' },
  },
  sex: {
    M: { 'uz-Latn': 'erkak', ru: 'мужской', en: 'male' },
    F: { 'uz-Latn': 'ayol', ru: 'женский', en: 'female' },
  },
  disability: {
    none: { 'uz-Latn': 'yo’q', ru: 'нет', en: 'none' },
    I: { 'uz-Latn': 'I guruh', ru: 'I группа', en: 'group I' },
    II: { 'uz-Latn': 'II guruh', ru: 'II группа', en: 'group II' },
    III: { 'uz-Latn': 'III guruh', ru: 'III группа', en: 'group III' },
    child: {
      'uz-Latn': 'nogironligi bo’lgan bola',
      ru: 'ребёнок с инвалидностью',
      en: 'child with disability',
    },
  },
  employment: {
    none: { 'uz-Latn': 'ma’lumot yo’q', ru: 'нет сведений', en: 'not recorded' },
    child: { 'uz-Latn': 'bola', ru: 'ребёнок', en: 'child' },
    student: { 'uz-Latn': 'kunduzgi ta’lim talabasi', ru: 'учащийся очной формы', en: 'full-time student' },
    employed_formal: { 'uz-Latn': 'rasmiy ishlaydi', ru: 'официально работает', en: 'formally employed' },
    employed_informal: {
      'uz-Latn': 'norasmiy ishlaydi',
      ru: 'неофициально работает',
      en: 'informally employed',
    },
    self_employed: { 'uz-Latn': 'o’zini o’zi band qilgan', ru: 'самозанятый', en: 'self-employed' },
    unemployed: { 'uz-Latn': 'ishsiz', ru: 'безработный', en: 'unemployed' },
    retired: { 'uz-Latn': 'pensioner', ru: 'пенсионер', en: 'retired' },
    homemaker: { 'uz-Latn': 'uy bekasi', ru: 'домохозяйка', en: 'homemaker' },
    military: { 'uz-Latn': 'harbiy xizmatda', ru: 'на военной службе', en: 'in military service' },
  },
  sector: {
    none: { 'uz-Latn': '—', ru: '—', en: '—' },
    public: { 'uz-Latn': 'davlat sektori', ru: 'государственный сектор', en: 'public sector' },
    private: { 'uz-Latn': 'xususiy sektor', ru: 'частный сектор', en: 'private sector' },
    security: {
      'uz-Latn': 'mudofaa, ichki ishlar, favqulodda vaziyatlar, xavfsizlik yoki bojxona organlari',
      ru: 'органы обороны, внутренних дел, ЧС, безопасности или таможни',
      en: 'defence, interior, emergency, security or customs bodies',
    },
  },
};
