import { type MessageKey, translate } from '../i18n/index.ts';
import type { LocalisedText } from './parameters.ts';
import type { HouseholdColumnName, PersonColumnName } from './population.ts';

/**
 * The engine’s words: labels of the input columns and the phrases a rendered trace is built from. The texts
 * live in the `rules` namespace of the one message pipeline (src/i18n/rules/<language>.json); variables and
 * parameters carry their own labels (in their definitions and parameter files).
 */

export type TraceLanguage = keyof LocalisedText;
export const TRACE_LANGUAGES: readonly TraceLanguage[] = ['uz-Latn', 'ru', 'en'];

function localised(key: MessageKey<'rules'>): LocalisedText {
  return {
    'uz-Latn': translate('rules', key, 'uz-Latn'),
    ru: translate('rules', key, 'ru'),
    en: translate('rules', key, 'en'),
  };
}

const PERSON_COLUMNS = [
  'household',
  'role',
  'sex',
  'birthDay',
  'disability',
  'employment',
  'sector',
  'formalEmploymentStart',
  'income3m',
  'vehicles',
  'newestVehicleYear',
  'deposits',
] as const satisfies readonly PersonColumnName[];
const HOUSEHOLD_COLUMNS = [
  'district',
  'residentialDwellings',
  'nonResidentialProperties',
  'previousCategory',
  'mahallaHardship',
] as const satisfies readonly HouseholdColumnName[];

export const INPUT_LABELS: {
  readonly person: Readonly<Record<PersonColumnName, LocalisedText>>;
  readonly household: Readonly<Record<HouseholdColumnName, LocalisedText>>;
} = {
  person: Object.fromEntries(PERSON_COLUMNS.map((c) => [c, localised(`input.person.${c}`)])) as Record<
    PersonColumnName,
    LocalisedText
  >,
  household: Object.fromEntries(
    HOUSEHOLD_COLUMNS.map((c) => [c, localised(`input.household.${c}`)]),
  ) as Record<HouseholdColumnName, LocalisedText>,
};

const PHRASE_KEYS = [
  'household',
  'district',
  'month',
  'situationOn',
  'members',
  'result',
  'why',
  'parameter',
  'input',
  'inForceFrom',
  'ruleVersionFrom',
  'unverified',
  'shownAbove',
  'yes',
  'no',
  'none',
  'noDate',
  'healthHidden',
  'number',
  'article',
  'months',
  'dayOfMonth',
  'monthTitle',
  'rule',
] as const;
type PhraseKey = (typeof PHRASE_KEYS)[number];

export const PHRASES = Object.fromEntries(PHRASE_KEYS.map((k) => [k, localised(`phrase.${k}`)])) as Record<
  PhraseKey,
  LocalisedText
>;

/** Years with the right Russian plural (1 год, 2 года, 5 лет): an ICU plural of the `rules` namespace. */
export function yearsText(n: number, language: TraceLanguage): string {
  return translate('rules', 'years', language, { n });
}
