import { MONTH_NAMES as SHARED_MONTHS } from '../shared/months.ts';
import type { LocalisedText } from './parameters.ts';
import type { HouseholdColumnName, PersonColumnName } from './population.ts';

/**
 * The engine’s message catalogue: labels of the input columns and the phrases a rendered trace is built
 * from. Variables and parameters carry their own labels (in their definitions and parameter files).
 */

export type TraceLanguage = keyof LocalisedText;
export const TRACE_LANGUAGES: readonly TraceLanguage[] = ['uz-Latn', 'ru', 'en'];

export const INPUT_LABELS: {
  readonly person: Readonly<Record<PersonColumnName, LocalisedText>>;
  readonly household: Readonly<Record<HouseholdColumnName, LocalisedText>>;
} = {
  person: {
    household: { 'uz-Latn': 'Oila', ru: 'Семья', en: 'Household' },
    role: { 'uz-Latn': 'Oiladagi o’rni', ru: 'Роль в семье', en: 'Role in the household' },
    sex: { 'uz-Latn': 'Jinsi', ru: 'Пол', en: 'Sex' },
    birthDay: { 'uz-Latn': 'Tug’ilgan sanasi', ru: 'Дата рождения', en: 'Date of birth' },
    disability: { 'uz-Latn': 'Nogironlik guruhi', ru: 'Группа инвалидности', en: 'Disability group' },
    employment: { 'uz-Latn': 'Bandligi', ru: 'Занятость', en: 'Employment' },
    sector: { 'uz-Latn': 'Ish sohasi', ru: 'Сектор работы', en: 'Sector of work' },
    formalEmploymentStart: {
      'uz-Latn': 'Rasmiy ish boshlangan sana',
      ru: 'Дата начала официальной работы',
      en: 'Start of formal employment',
    },
    income3m: {
      'uz-Latn': 'Oxirgi 3 oydagi daromadi',
      ru: 'Доход за последние 3 месяца',
      en: 'Income over the last 3 months',
    },
    vehicles: { 'uz-Latn': 'Avtomobillari soni', ru: 'Число автомобилей', en: 'Cars owned' },
    newestVehicleYear: {
      'uz-Latn': 'Eng yangi avtomobili ishlab chiqarilgan yil',
      ru: 'Год выпуска самого нового автомобиля',
      en: 'Model year of the newest car',
    },
    deposits: { 'uz-Latn': 'Bank omonatlari', ru: 'Банковские вклады', en: 'Bank deposits' },
  },
  household: {
    district: { 'uz-Latn': 'Tuman (shahar)', ru: 'Район (город)', en: 'District (city)' },
    residentialDwellings: {
      'uz-Latn': 'Turar joylari soni',
      ru: 'Число жилых помещений',
      en: 'Residential dwellings',
    },
    nonResidentialProperties: {
      'uz-Latn': 'Noturar joy mulklari soni',
      ru: 'Число нежилых объектов',
      en: 'Non-residential properties',
    },
    previousCategory: {
      'uz-Latn': 'O’tgan oydagi toifasi',
      ru: 'Категория в прошлом месяце',
      en: 'Category last month',
    },
    mahallaHardship: {
      'uz-Latn': 'Mahalla og’ir ahvolni tasdiqlagan',
      ru: 'Махалля подтвердила трудное положение',
      en: 'Hardship confirmed by the mahalla',
    },
  },
};

const phrase = (uz: string, ru: string, en: string): LocalisedText => ({ 'uz-Latn': uz, ru, en });

export const PHRASES = {
  household: phrase('Oila', 'Семья', 'Household'),
  district: phrase('tuman (shahar)', 'район (город)', 'district'),
  month: phrase('oy', 'месяц', 'month'),
  situationOn: phrase('holat sanasi', 'положение на', 'situation on'),
  members: phrase('A’zolar', 'Члены семьи', 'Members'),
  result: phrase('Natija', 'Результат', 'Result'),
  why: phrase('Qanday hisoblandi', 'Как рассчитано', 'How it was worked out'),
  parameter: phrase('me’yor', 'норматив', 'rule value'),
  input: phrase('ma’lumot', 'данные', 'data'),
  inForceFrom: phrase('amal qilish sanasi', 'действует с', 'in force from'),
  ruleVersionFrom: phrase('qoida tahriri', 'редакция правила от', 'rule version of'),
  unverified: phrase('tasdiqlanmagan', 'не подтверждено', 'unverified'),
  shownAbove: phrase('yuqorida ko’rsatilgan', 'см. выше', 'shown above'),
  yes: phrase('ha', 'да', 'yes'),
  no: phrase('yo’q', 'нет', 'no'),
  none: phrase('yo’q', 'нет', 'none'),
  noDate: phrase('—', '—', '—'),
  healthHidden: phrase(
    'sog‘liq ma’lumoti (faqat nogironlik xodimlari va shaxsning o‘ziga ko‘rinadi)',
    'данные о здоровье (видны только специалистам по инвалидности и самому человеку)',
    'health data (shown only to disability staff and to the person)',
  ),
  number: phrase('№', '№', 'No.'),
  article: phrase('modda', 'статья', 'article'),
  som: phrase('so’m', 'сум', 'so’m'),
  months: phrase('oy', 'мес.', 'months'),
  dayOfMonth: phrase('-kun', '-е число', ''),
} as const;

export const MONTH_NAMES: Readonly<Record<TraceLanguage, readonly string[]>> = {
  'uz-Latn': SHARED_MONTHS['uz-Latn'],
  ru: SHARED_MONTHS.ru,
  en: SHARED_MONTHS.en,
};

/** Years with the right Russian plural (1 год, 2 года, 5 лет). */
export function yearsText(n: number, language: TraceLanguage): string {
  if (language === 'uz-Latn') return `${n} yosh`;
  if (language === 'en') return `${n} ${n === 1 ? 'year' : 'years'}`;
  const mod10 = n % 10;
  const mod100 = n % 100;
  const word =
    mod10 === 1 && mod100 !== 11
      ? 'год'
      : mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14)
        ? 'года'
        : 'лет';
  return `${n} ${word}`;
}
