import { DomainError, type Language } from '../platform/errors.ts';
import { CATALOGUE } from '../programs/catalogue.ts';
import type { ProgrammeDescription } from '../programs/description.ts';
import { MONTH_NAMES } from '../shared/months.ts';
import { fillProgrammeText, programmeName, programmeWording } from './programme-texts.ts';

/**
 * The messages Himoya sends, in the four languages of the portal. Each template names the parameters it
 * needs; the text is rendered once, when the message is enqueued, in the person's preferred language, and
 * kept as sent. Amounts are so'm (whole numbers), months 'YYYY-MM', programmes an id of the programme
 * registry (named by the folder's `notificationName`; a programme folder may word its own messages),
 * links a short path the portal resolves.
 */

export type Params = Record<string, string | number>;

export interface Formatter {
  amount(value: string | number | undefined): string;
  month(value: string | number | undefined): string;
  programme(value: string | number | undefined): string;
  text(value: string | number | undefined): string;
  date(value: string | number | undefined): string;
}

interface TemplateDefinition {
  /** Required parameters (a template may read optional ones too). */
  params: readonly string[];
  text: Record<Language, (p: Params, f: Formatter) => string>;
}

/** U+2009 THIN SPACE between groups of three digits, as Uzbek and Russian typography write amounts. */
const THIN_SPACE = '\u2009';

const CURRENCY: Record<Language, string> = { 'uz-Latn': "so'm", 'uz-Cyrl': 'сўм', ru: 'сум', en: "so'm" };

export function formatAmount(value: number, language: Language): string {
  const rounded = Math.round(value);
  const digits = String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, THIN_SPACE);
  return `${rounded < 0 ? '-' : ''}${digits} ${CURRENCY[language]}`;
}

const MONTHS: Record<Language, readonly string[]> = MONTH_NAMES;

export function formatMonth(month: string, language: Language): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const name = match ? MONTHS[language][Number(match[2]) - 1] : undefined;
  if (!match || !name) return month;
  const year = match[1];
  switch (language) {
    case 'uz-Latn':
      return `${year}-yil ${name}`;
    case 'uz-Cyrl':
      return `${year} йил ${name}`;
    case 'ru':
      return `${name} ${year} г.`;
    case 'en':
      return `${name} ${year}`;
  }
}

const formatter = (language: Language, catalogue: readonly ProgrammeDescription[]): Formatter => ({
  amount: (v) => formatAmount(Number(v ?? 0), language),
  month: (v) => formatMonth(String(v ?? ''), language),
  programme: (v) => programmeName(String(v ?? ''), language, catalogue),
  text: (v) => String(v ?? ''),
  date: (v) => formatDate(String(v ?? '')),
});

/** 'YYYY-MM-DD' as Uzbek and Russian write dates (and English, unambiguously enough for an SMS): 05.03.2026. */
export function formatDate(date: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : date;
}

const granted = (p: Params) => p.entitled === 'yes' || p.entitled === 'true' || p.entitled === 1;

export const TEMPLATES = {
  /** A proactive offer: the family was found eligible without applying. */
  'offer.granted': {
    params: ['programme', 'amount', 'month', 'link'],
    text: {
      'uz-Latn': (p, f) =>
        `Oilangizga "${f.programme(p.programme)}" tayinlandi: ${f.month(p.month)} oyidan har oy ${f.amount(p.amount)}. Ariza berish shart emas. Batafsil: ${f.text(p.link)}`,
      'uz-Cyrl': (p, f) =>
        `Оилангизга "${f.programme(p.programme)}" тайинланди: ${f.month(p.month)} ойидан ҳар ой ${f.amount(p.amount)}. Ариза бериш шарт эмас. Батафсил: ${f.text(p.link)}`,
      ru: (p, f) =>
        `Вашей семье назначено: «${f.programme(p.programme)}», ${f.amount(p.amount)} ежемесячно с ${f.month(p.month)} Заявление не требуется. Подробнее: ${f.text(p.link)}`,
      en: (p, f) =>
        `Your family has been granted ${f.programme(p.programme)}: ${f.amount(p.amount)} a month from ${f.month(p.month)}. No application is needed. Details: ${f.text(p.link)}`,
    },
  },
  'entitlement.ended': {
    params: ['programme', 'month'],
    text: {
      'uz-Latn': (p, f) =>
        `"${f.programme(p.programme)}" to'lovi ${f.month(p.month)} oyidan to'xtatildi. Savollar bo'lsa, mahalla ijtimoiy xodimiga murojaat qiling yoki shikoyat bering.`,
      'uz-Cyrl': (p, f) =>
        `"${f.programme(p.programme)}" тўлови ${f.month(p.month)} ойидан тўхтатилди. Саволлар бўлса, маҳалла ижтимоий ходимига мурожаат қилинг ёки шикоят беринг.`,
      ru: (p, f) =>
        `Выплата «${f.programme(p.programme)}» прекращена с ${f.month(p.month)} Если есть вопросы, обратитесь к социальному работнику махалли или подайте жалобу.`,
      en: (p, f) =>
        `Payment of ${f.programme(p.programme)} ends from ${f.month(p.month)}. If you have questions, contact your mahalla social worker or appeal.`,
    },
  },
  'entitlement.changed': {
    params: ['programme', 'amount', 'month'],
    text: {
      'uz-Latn': (p, f) =>
        `"${f.programme(p.programme)}" miqdori ${f.month(p.month)} oyidan o'zgardi: endi har oy ${f.amount(p.amount)}.`,
      'uz-Cyrl': (p, f) =>
        `"${f.programme(p.programme)}" миқдори ${f.month(p.month)} ойидан ўзгарди: энди ҳар ой ${f.amount(p.amount)}.`,
      ru: (p, f) =>
        `Размер выплаты «${f.programme(p.programme)}» изменён с ${f.month(p.month)}: теперь ${f.amount(p.amount)} ежемесячно.`,
      en: (p, f) =>
        `The amount of ${f.programme(p.programme)} changes from ${f.month(p.month)}: now ${f.amount(p.amount)} a month.`,
    },
  },
  'application.received': {
    params: ['programme', 'reference'],
    text: {
      'uz-Latn': (p, f) =>
        `"${f.programme(p.programme)}" bo'yicha arizangiz qabul qilindi, raqami ${f.text(p.reference)}. Holatini portalda kuzatib boring.`,
      'uz-Cyrl': (p, f) =>
        `"${f.programme(p.programme)}" бўйича аризангиз қабул қилинди, рақами ${f.text(p.reference)}. Ҳолатини порталда кузатиб боринг.`,
      ru: (p, f) =>
        `Ваше заявление «${f.programme(p.programme)}» принято, номер ${f.text(p.reference)}. Следите за его статусом на портале.`,
      en: (p, f) =>
        `Your application for ${f.programme(p.programme)} has been received, number ${f.text(p.reference)}. You can follow its status on the portal.`,
    },
  },
  /** `entitled`: 'yes' or 'no'; `amount` a month when granted (0 otherwise). */
  'application.decided': {
    params: ['programme', 'entitled', 'amount'],
    text: {
      'uz-Latn': (p, f) =>
        granted(p)
          ? `"${f.programme(p.programme)}" bo'yicha arizangiz ko'rib chiqildi: tayinlandi, har oy ${f.amount(p.amount)}.`
          : `"${f.programme(p.programme)}" bo'yicha arizangiz ko'rib chiqildi: tayinlanmadi. Sababini portalda ko'ring; shikoyat berishingiz mumkin.`,
      'uz-Cyrl': (p, f) =>
        granted(p)
          ? `"${f.programme(p.programme)}" бўйича аризангиз кўриб чиқилди: тайинланди, ҳар ой ${f.amount(p.amount)}.`
          : `"${f.programme(p.programme)}" бўйича аризангиз кўриб чиқилди: тайинланмади. Сабабини порталда кўринг; шикоят беришингиз мумкин.`,
      ru: (p, f) =>
        granted(p)
          ? `Ваше заявление «${f.programme(p.programme)}» рассмотрено: назначено, ${f.amount(p.amount)} ежемесячно.`
          : `Ваше заявление «${f.programme(p.programme)}» рассмотрено: в назначении отказано. Причина указана на портале; решение можно обжаловать.`,
      en: (p, f) =>
        granted(p)
          ? `Your application for ${f.programme(p.programme)} has been decided: granted, ${f.amount(p.amount)} a month.`
          : `Your application for ${f.programme(p.programme)} has been decided: not granted. See the reasons on the portal; you may appeal.`,
    },
  },
  /**
   * Birth bundle, step 1: the birth is registered and the child registered at the parents' address.
   * Optional `childName` and `date` (of birth, 'YYYY-MM-DD').
   */
  'birth.registered': {
    params: [],
    text: {
      'uz-Latn': (p, f) =>
        `Tabriklaymiz! Farzandingiz${p.childName ? ` ${f.text(p.childName)}` : ''} tug'ilganligi${p.date ? ` (${f.date(p.date)})` : ''} qayd etildi va oilangiz manziliga ro'yxatga olindi.`,
      'uz-Cyrl': (p, f) =>
        `Табриклаймиз! Фарзандингиз${p.childName ? ` ${f.text(p.childName)}` : ''} туғилганлиги${p.date ? ` (${f.date(p.date)})` : ''} қайд этилди ва оилангиз манзилига рўйхатга олинди.`,
      ru: (p, f) =>
        `Поздравляем! Рождение ребёнка${p.childName ? ` (${f.text(p.childName)})` : ''}${p.date ? ` ${f.date(p.date)}` : ''} зарегистрировано, ребёнок зарегистрирован по адресу семьи.`,
      en: (p, f) =>
        `Congratulations! The birth of ${p.childName ? f.text(p.childName) : 'your child'}${p.date ? ` on ${f.date(p.date)}` : ''} has been registered, at your family's address.`,
    },
  },
  /** Birth bundle, step 2: the child is on the waiting list of the chosen kindergarten. */
  'birth.kindergarten_queued': {
    params: ['childName', 'kindergarten'],
    text: {
      'uz-Latn': (p, f) =>
        `${f.text(p.childName)} uchun "${f.text(p.kindergarten)}" maktabgacha ta'lim tashkiloti navbatiga yozildi.`,
      'uz-Cyrl': (p, f) =>
        `${f.text(p.childName)} учун "${f.text(p.kindergarten)}" мактабгача таълим ташкилоти навбатига ёзилди.`,
      ru: (p, f) =>
        `Ребёнок (${f.text(p.childName)}) поставлен в очередь в детский сад «${f.text(p.kindergarten)}».`,
      en: (p, f) =>
        `${f.text(p.childName)} has been put on the waiting list of the kindergarten ${f.text(p.kindergarten)}.`,
    },
  },
  /** Birth bundle, step 3: the one-time birth allowance (claimable within 6 months) is processed. */
  'birth.allowance_processed': {
    params: ['childName', 'amount'],
    text: {
      'uz-Latn': (p, f) =>
        `${f.text(p.childName)} tug'ilganligi munosabati bilan bir martalik nafaqa tayinlandi: ${f.amount(p.amount)}.`,
      'uz-Cyrl': (p, f) =>
        `${f.text(p.childName)} туғилганлиги муносабати билан бир марталик нафақа тайинланди: ${f.amount(p.amount)}.`,
      ru: (p, f) =>
        `В связи с рождением ребёнка (${f.text(p.childName)}) назначено единовременное пособие: ${f.amount(p.amount)}.`,
      en: (p, f) =>
        `A one-time birth allowance of ${f.amount(p.amount)} has been granted for ${f.text(p.childName)}.`,
    },
  },
} as const satisfies Record<string, TemplateDefinition>;

export type NotificationTemplate = keyof typeof TEMPLATES;
export const NOTIFICATION_TEMPLATES = Object.keys(TEMPLATES) as NotificationTemplate[];

/**
 * The text of a template in a language; a missing parameter is a caller's mistake (VALIDATION_FAILED).
 * When the message names a programme whose folder words this message itself, its wording is used.
 */
export function renderTemplate(
  template: NotificationTemplate,
  params: Params,
  language: Language,
  catalogue: readonly ProgrammeDescription[] = CATALOGUE,
): string {
  const definition: TemplateDefinition | undefined = TEMPLATES[template];
  if (!definition) throw new DomainError('VALIDATION_FAILED', { reason: 'unknown template', template });
  const missing = definition.params.filter((name) => params[name] === undefined || params[name] === '');
  if (missing.length > 0) {
    throw new DomainError('VALIDATION_FAILED', { reason: 'template parameters missing', template, missing });
  }
  const f = formatter(language, catalogue);
  const own = programmeWording(template, params, language, catalogue);
  return own === undefined ? definition.text[language](params, f) : fillProgrammeText(own, params, f);
}
