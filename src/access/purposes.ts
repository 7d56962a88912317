import { z } from 'zod';
import type { Language } from '../platform/errors.ts';
import type { Actor } from './actor.ts';
import { areaHolds, grantsFor, type Place } from './policies.ts';

/**
 * Why an official opens personal data. ZRU-547 wants every access to have a purpose: inside their worklist
 * or their own area the work is the purpose (the entry's purpose is null); outside it staff must state one
 * of these, and the citizen sees its label in their access log.
 */
export const PURPOSES = [
  'casework',
  'application_review',
  'appeal_review',
  'disability_assessment',
  'duplicate_review',
  'audit',
  'citizen_request',
  'statistics',
  'data_quality',
] as const;

export const Purpose = z.enum(PURPOSES).describe('Why the data is opened (stated outside the worklist)');
export type Purpose = z.infer<typeof Purpose>;

export const PURPOSE_LABELS: Record<Purpose, Record<Language, string>> = {
  casework: {
    'uz-Latn': "Ijtimoiy ish (murojaat bo'yicha ish)",
    'uz-Cyrl': 'Ижтимоий иш (мурожаат бўйича иш)',
    ru: 'Работа по делу',
    en: 'Casework',
  },
  application_review: {
    'uz-Latn': "Arizani ko'rib chiqish",
    'uz-Cyrl': 'Аризани кўриб чиқиш',
    ru: 'Рассмотрение заявления',
    en: 'Review of an application',
  },
  appeal_review: {
    'uz-Latn': "Shikoyatni ko'rib chiqish",
    'uz-Cyrl': 'Шикоятни кўриб чиқиш',
    ru: 'Рассмотрение жалобы',
    en: 'Review of an appeal',
  },
  disability_assessment: {
    'uz-Latn': 'Nogironlikni baholash',
    'uz-Cyrl': 'Ногиронликни баҳолаш',
    ru: 'Оценка инвалидности',
    en: 'Disability assessment',
  },
  duplicate_review: {
    'uz-Latn': 'Takroriy yozuvlarni tekshirish',
    'uz-Cyrl': 'Такрорий ёзувларни текшириш',
    ru: 'Проверка дубликатов',
    en: 'Review of possible duplicates',
  },
  audit: {
    'uz-Latn': 'Audit (nazorat)',
    'uz-Cyrl': 'Аудит (назорат)',
    ru: 'Аудит (контроль)',
    en: 'Audit',
  },
  citizen_request: {
    'uz-Latn': "Fuqaroning o'z so'rovi",
    'uz-Cyrl': 'Фуқаронинг ўз сўрови',
    ru: 'По просьбе гражданина',
    en: "At the citizen's request",
  },
  statistics: {
    'uz-Latn': 'Statistika',
    'uz-Cyrl': 'Статистика',
    ru: 'Статистика',
    en: 'Statistics',
  },
  data_quality: {
    'uz-Latn': "Ma'lumotlar sifatini tekshirish",
    'uz-Cyrl': 'Маълумотлар сифатини текшириш',
    ru: 'Проверка качества данных',
    en: 'Data quality check',
  },
};

/** The label of a stored purpose; an unknown one (retired from the list) is shown as stored. */
export function purposeLabel(purpose: string | null, language: Language): string | null {
  if (purpose === null) return null;
  const labels = (PURPOSE_LABELS as Record<string, Record<Language, string> | undefined>)[purpose];
  return labels ? labels[language] : purpose;
}

/**
 * Whether the place lies in the staff member's own area: the mahalla or the district a grant binds them to,
 * where they work every day (a social worker's mahalla, a district office's district). A region-wide grant
 * is oversight reach over many districts, not a place of work: opening one family there needs a reason.
 */
export function inOwnArea(actor: Actor, place: Place): boolean {
  return grantsFor(actor, 'registry.read').some(
    (g) => g.role !== 'citizen' && g.area !== null && g.area.kind !== 'region' && areaHolds(g.area, place),
  );
}

/**
 * Whether a purpose must be stated to open a household at `place`: only by staff, outside their own area
 * and outside their worklist (a household with open casework). Citizens reading their own data and machine
 * clients (whose scopes bind their purpose) state none.
 */
export function purposeRequired(actor: Actor, place: Place, openCasework: boolean): boolean {
  return actor.kind === 'staff' && !openCasework && !inOwnArea(actor, place);
}
