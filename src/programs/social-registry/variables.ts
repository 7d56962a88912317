import { addMonths, type Month } from '../../rules/dates.ts';
import { householdArray, personArray } from '../../rules/engine.ts';
import { EMPLOYMENT } from '../../rules/entities.ts';
import { INCOME_WINDOW_MONTHS } from '../../rules/population.ts';
import { defineVariable, FormulaError } from '../../rules/variables.ts';
import { P as COMMON } from '../common/parameters.ts';
import { AGE, HOUSEHOLD_SIZE } from '../common/variables.ts';
import { EXCLUDED } from '../exclusion-filters/variables.ts';
import { P as SR } from './parameters.ts';
import {
  ableToWork,
  assignmentMonths,
  benefitShare,
  CATEGORY,
  category,
  employmentGrace,
  INCOME_BAND,
  incomeBand,
  legacyCategory,
  legacyIncomeBand,
} from './rules.ts';

/**
 * Social Registry low-income status. Versions from 1 February 2026 implement the merged registry
 * (state-supported, poor, borderline with 75% / 50% bands, employment condition); versions from 2021
 * evaluate earlier months with the income test alone, so that a history can be recomputed.
 */

const SR_2026 = '2026-02-01';
const LEGACY = '2021-01-01';
const LEGACY_NOTE =
  'Before the 1 February 2026 merger: income test only, no borderline category (assumption).';

export const ABLE_TO_WORK = defineVariable({
  name: 'social_registry.able_to_work',
  entity: 'person',
  dtype: 'u8',
  unit: 'boolean',
  label: { 'uz-Latn': 'Mehnatga layoqatli', ru: 'Трудоспособен', en: 'Able to work' },
  description:
    'From the lower working age to the pension age of the person’s sex, without a group I or II disability, ' +
    'not a full-time student.',
  versions: [
    {
      from: LEGACY,
      vector: (ctx) => {
        const out = personArray(ctx, 'u8');
        const age = ctx.get(AGE);
        const { sex, disability, employment } = ctx.population.person;
        const min = ctx.param(COMMON.working_age_min);
        const men = ctx.param(COMMON.retirement_age_men);
        const women = ctx.param(COMMON.retirement_age_women);
        for (let i = 0, n = ctx.personCount; i < n; i++) {
          out[i] = ableToWork(
            age[i] ?? 0,
            sex[i] ?? 0,
            disability[i] ?? 0,
            employment[i] ?? 0,
            min,
            men,
            women,
          );
        }
        return out;
      },
      scalar: (ctx) =>
        ableToWork(
          ctx.get(AGE),
          ctx.input('sex'),
          ctx.input('disability'),
          ctx.input('employment'),
          ctx.param(COMMON.working_age_min),
          ctx.param(COMMON.retirement_age_men),
          ctx.param(COMMON.retirement_age_women),
        ),
    },
  ],
});

export const MEMBERS_ABLE_TO_WORK = defineVariable({
  name: 'social_registry.members_able_to_work',
  entity: 'household',
  dtype: 'i32',
  unit: 'count',
  label: {
    'uz-Latn': 'Mehnatga layoqatli a’zolar',
    ru: 'Трудоспособные члены семьи',
    en: 'Members able to work',
  },
  description: 'Members able to work.',
  versions: [
    {
      from: LEGACY,
      vector: (ctx) => ctx.countMembers(ctx.get(ABLE_TO_WORK)),
      scalar: (ctx) => ctx.members(ABLE_TO_WORK).reduce((a, b) => a + b, 0),
    },
  ],
});

export const INCOME_TOTAL = defineVariable({
  name: 'social_registry.income_total',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Oilaning oxirgi 3 oydagi daromadi',
    ru: 'Доход семьи за последние 3 месяца',
    en: 'Family income over the last 3 months',
  },
  description: 'Income of the members over the three months before the month.',
  versions: [
    {
      from: LEGACY,
      vector: (ctx) => ctx.sumMembers(ctx.population.person.income3m),
      scalar: (ctx) => ctx.memberInputs('income3m').reduce((a, b) => a + b, 0),
    },
  ],
});

/** The population sums a fixed number of months; a parameter saying otherwise is a configuration error. */
function incomeMonths(value: number, month: Month): number {
  if (value !== INCOME_WINDOW_MONTHS) {
    throw new FormulaError(
      `social_registry.income_period_months is ${value} on ${month.firstDate}, but populations sum ${INCOME_WINDOW_MONTHS} months`,
      'social_registry.per_capita_income',
    );
  }
  return value;
}

export function perCapita(total: number, size: number, months: number): number {
  return total / (months * size);
}

export const PER_CAPITA_INCOME = defineVariable({
  name: 'social_registry.per_capita_income',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Aholi jon boshiga oylik daromad',
    ru: 'Среднедушевой месячный доход',
    en: 'Monthly income per person',
  },
  description: 'Family income of the period / members / months in the period.',
  versions: [
    {
      from: LEGACY,
      vector: (ctx) => {
        const months = incomeMonths(ctx.param(SR.income_period_months), ctx.month);
        const total = ctx.get(INCOME_TOTAL);
        const size = ctx.get(HOUSEHOLD_SIZE);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = perCapita(total[h] ?? 0, size[h] ?? 1, months);
        return out;
      },
      scalar: (ctx) =>
        perCapita(
          ctx.get(INCOME_TOTAL),
          ctx.get(HOUSEHOLD_SIZE),
          incomeMonths(ctx.param(SR.income_period_months), ctx.month),
        ),
    },
  ],
});

const BAND_VALUES = [
  {
    code: INCOME_BAND.below,
    key: 'below',
    label: { 'uz-Latn': 'MIXdan past', ru: 'ниже МПР', en: 'below the MCE' },
  },
  {
    code: INCOME_BAND.lower_borderline,
    key: 'lower_borderline',
    label: { 'uz-Latn': 'MIXning 1–1,25 baravari', ru: '1–1,25 МПР', en: '1 to 1.25 times the MCE' },
  },
  {
    code: INCOME_BAND.upper_borderline,
    key: 'upper_borderline',
    label: {
      'uz-Latn': 'MIXning 1,25–1,5 baravari',
      ru: '1,25–1,5 МПР',
      en: 'over 1.25 to 1.5 times the MCE',
    },
  },
  {
    code: INCOME_BAND.above,
    key: 'above',
    label: { 'uz-Latn': 'chegaradan yuqori', ru: 'выше порога', en: 'above the limits' },
  },
] as const;

export const INCOME_BAND_VARIABLE = defineVariable({
  name: 'social_registry.income_band',
  entity: 'household',
  dtype: 'u8',
  unit: 'enum',
  values: BAND_VALUES,
  label: { 'uz-Latn': 'Daromad darajasi', ru: 'Уровень дохода', en: 'Income band' },
  description: 'Where per-capita income stands against the MCE: below, 1-1.25, over 1.25-1.5, above.',
  versions: [
    {
      from: LEGACY,
      note: LEGACY_NOTE,
      vector: (ctx) => {
        const months = incomeMonths(ctx.param(SR.income_period_months), ctx.month);
        const mce = ctx.param(COMMON.mce);
        const low = ctx.param(SR.low_income_share);
        const total = ctx.get(INCOME_TOTAL);
        const size = ctx.get(HOUSEHOLD_SIZE);
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++) {
          out[h] = legacyIncomeBand(total[h] ?? 0, size[h] ?? 1, months, mce, low);
        }
        return out;
      },
      scalar: (ctx) =>
        legacyIncomeBand(
          ctx.get(INCOME_TOTAL),
          ctx.get(HOUSEHOLD_SIZE),
          incomeMonths(ctx.param(SR.income_period_months), ctx.month),
          ctx.param(COMMON.mce),
          ctx.param(SR.low_income_share),
        ),
    },
    {
      from: SR_2026,
      vector: (ctx) => {
        const months = incomeMonths(ctx.param(SR.income_period_months), ctx.month);
        const mce = ctx.param(COMMON.mce);
        const low = ctx.param(SR.low_income_share);
        const split = ctx.param(SR.borderline_band_split_share);
        const limit = ctx.param(SR.borderline_limit_share);
        const total = ctx.get(INCOME_TOTAL);
        const size = ctx.get(HOUSEHOLD_SIZE);
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++) {
          out[h] = incomeBand(total[h] ?? 0, size[h] ?? 1, months, mce, low, split, limit);
        }
        return out;
      },
      scalar: (ctx) =>
        incomeBand(
          ctx.get(INCOME_TOTAL),
          ctx.get(HOUSEHOLD_SIZE),
          incomeMonths(ctx.param(SR.income_period_months), ctx.month),
          ctx.param(COMMON.mce),
          ctx.param(SR.low_income_share),
          ctx.param(SR.borderline_band_split_share),
          ctx.param(SR.borderline_limit_share),
        ),
    },
  ],
});

const EMPLOYED_FORMAL = EMPLOYMENT.employed_formal;

/** Formally employed, able to work, with the wage that started on or after `cutoffDay` (and by the reference day): 1 or 0, branch-free. */
export function recentlyEmployed(
  employment: number,
  startDay: number,
  able: number,
  cutoffDay: number,
  referenceDay: number,
): number {
  return (
    +(employment === EMPLOYED_FORMAL) & +(able === 1) & +(startDay >= cutoffDay) & +(startDay <= referenceDay)
  );
}

/**
 * Earliest start of employment still in its grace period: employment that started in month S keeps the
 * category for months S to S + grace - 1 (six months, the starting month included).
 */
function graceCutoff(month: Month, graceMonths: number): number {
  return addMonths(month, 1 - graceMonths).firstDay;
}

export const RECENTLY_EMPLOYED = defineVariable({
  name: 'social_registry.recently_formally_employed',
  entity: 'person',
  dtype: 'u8',
  unit: 'boolean',
  label: {
    'uz-Latn': 'Yaqinda rasmiy ishga joylashgan',
    ru: 'Недавно официально трудоустроен',
    en: 'Recently formally employed',
  },
  description:
    'Able to work and formally employed, with the wage in force started within the grace period: in this ' +
    'month or one of the 5 months before it.',
  versions: [
    {
      from: SR_2026,
      vector: (ctx) => {
        const out = personArray(ctx, 'u8');
        const able = ctx.get(ABLE_TO_WORK);
        const { employment, formalEmploymentStart } = ctx.population.person;
        const cutoff = graceCutoff(ctx.month, ctx.param(SR.employment_grace_months));
        const reference = ctx.month.firstDay;
        for (let i = 0, n = ctx.personCount; i < n; i++) {
          out[i] = recentlyEmployed(
            employment[i] ?? 0,
            formalEmploymentStart[i] ?? 0,
            able[i] ?? 0,
            cutoff,
            reference,
          );
        }
        return out;
      },
      scalar: (ctx) =>
        recentlyEmployed(
          ctx.input('employment'),
          ctx.input('formalEmploymentStart'),
          ctx.get(ABLE_TO_WORK),
          graceCutoff(ctx.month, ctx.param(SR.employment_grace_months)),
          ctx.month.firstDay,
        ),
    },
  ],
});

export const EMPLOYMENT_GRACE = defineVariable({
  name: 'social_registry.employment_grace',
  entity: 'household',
  dtype: 'u8',
  unit: 'boolean',
  label: {
    'uz-Latn': 'Ishga joylashganlik sababli to’lov saqlanadi',
    ru: 'Выплаты сохраняются на время трудоустройства',
    en: 'Payments kept during employment grace',
  },
  description:
    'The family was poor last month, its income has left the low-income band, and a member able to work was ' +
    'formally employed within the grace period.',
  versions: [
    { from: LEGACY, note: LEGACY_NOTE, vector: (ctx) => householdArray(ctx, 'u8'), scalar: () => 0 },
    {
      from: SR_2026,
      vector: (ctx) => {
        const previous = ctx.population.household.previousCategory;
        const band = ctx.get(INCOME_BAND_VARIABLE);
        const recent = ctx.anyMember(ctx.get(RECENTLY_EMPLOYED));
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++) {
          out[h] = employmentGrace(previous[h] ?? 0, band[h] ?? 0, recent[h] ?? 0) ? 1 : 0;
        }
        ctx.release(recent);
        return out;
      },
      scalar: (ctx) => {
        const previous = ctx.input('previousCategory');
        const band = ctx.get(INCOME_BAND_VARIABLE);
        // Only a family that was poor can keep the category; the members are looked at only then.
        if (previous !== CATEGORY.poor || band === INCOME_BAND.below) return 0;
        const recent = ctx.members(RECENTLY_EMPLOYED).some((v) => v === 1) ? 1 : 0;
        return employmentGrace(previous, band, recent) ? 1 : 0;
      },
    },
  ],
});

const CATEGORY_VALUES = [
  { code: CATEGORY.none, key: 'none', label: { 'uz-Latn': 'yo’q', ru: 'нет', en: 'none' } },
  {
    code: CATEGORY.state_supported,
    key: 'state_supported',
    label: {
      'uz-Latn': 'davlat qaramog’idagi oila',
      ru: 'семья на попечении государства',
      en: 'state-supported family',
    },
  },
  {
    code: CATEGORY.poor,
    key: 'poor',
    label: { 'uz-Latn': 'kambag’al oila', ru: 'бедная семья', en: 'poor family' },
  },
  {
    code: CATEGORY.borderline,
    key: 'borderline',
    label: { 'uz-Latn': 'chegaraviy oila', ru: 'пограничная семья', en: 'borderline family' },
  },
] as const;

export const CATEGORY_VARIABLE = defineVariable({
  name: 'social_registry.category',
  entity: 'household',
  dtype: 'u8',
  unit: 'enum',
  values: CATEGORY_VALUES,
  label: {
    'uz-Latn': 'Ijtimoiy reyestr toifasi',
    ru: 'Категория в Социальном реестре',
    en: 'Social Registry category',
  },
  description: 'State-supported, poor, borderline or none.',
  versions: [
    {
      from: LEGACY,
      note: LEGACY_NOTE,
      vector: (ctx) => {
        const excluded = ctx.get(EXCLUDED);
        const band = ctx.get(INCOME_BAND_VARIABLE);
        const able = ctx.get(MEMBERS_ABLE_TO_WORK);
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = legacyCategory(excluded[h] ?? 0, band[h] ?? 0, able[h] ?? 0);
        return out;
      },
      scalar: (ctx) => {
        const excluded = ctx.get(EXCLUDED);
        if (excluded === 1) return CATEGORY.none;
        const band = ctx.get(INCOME_BAND_VARIABLE);
        return legacyCategory(excluded, band, band === INCOME_BAND.below ? ctx.get(MEMBERS_ABLE_TO_WORK) : 0);
      },
    },
    {
      from: SR_2026,
      vector: (ctx) => {
        const excluded = ctx.get(EXCLUDED);
        const band = ctx.get(INCOME_BAND_VARIABLE);
        const able = ctx.get(MEMBERS_ABLE_TO_WORK);
        const grace = ctx.get(EMPLOYMENT_GRACE);
        const { previousCategory, mahallaHardship } = ctx.population.household;
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++) {
          out[h] = category(
            excluded[h] ?? 0,
            band[h] ?? 0,
            able[h] ?? 0,
            grace[h] ?? 0,
            previousCategory[h] ?? 0,
            mahallaHardship[h] ?? 0,
          );
        }
        return out;
      },
      scalar: (ctx) => {
        // Reads only what decides, so that the trace shows the reasons that mattered.
        const excluded = ctx.get(EXCLUDED);
        if (excluded === 1) return CATEGORY.none;
        const band = ctx.get(INCOME_BAND_VARIABLE);
        if (band === INCOME_BAND.below) return category(0, band, ctx.get(MEMBERS_ABLE_TO_WORK), 0, 0, 0);
        const grace = ctx.get(EMPLOYMENT_GRACE);
        if (grace === 1 || band !== INCOME_BAND.above) return category(0, band, 0, grace, 0, 0);
        return category(0, band, 0, 0, ctx.input('previousCategory'), ctx.input('mahallaHardship'));
      },
    },
  ],
});

export const BENEFIT_SHARE = defineVariable({
  name: 'social_registry.benefit_share',
  entity: 'household',
  dtype: 'f64',
  unit: 'share',
  label: {
    'uz-Latn': 'To’lanadigan nafaqa ulushi',
    ru: 'Выплачиваемая доля пособия',
    en: 'Share of the benefit paid',
  },
  description:
    'Full benefit for state-supported and poor families, the band’s share for borderline families.',
  versions: [
    {
      from: LEGACY,
      note: LEGACY_NOTE,
      vector: (ctx) => {
        const cat = ctx.get(CATEGORY_VARIABLE);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = benefitShare(cat[h] ?? 0, 0, 0, 0, 0);
        return out;
      },
      scalar: (ctx) => benefitShare(ctx.get(CATEGORY_VARIABLE), 0, 0, 0, 0),
    },
    {
      from: SR_2026,
      vector: (ctx) => {
        const cat = ctx.get(CATEGORY_VARIABLE);
        const band = ctx.get(INCOME_BAND_VARIABLE);
        const lower = ctx.param(SR.benefit_share_lower_band);
        const upper = ctx.param(SR.benefit_share_upper_band);
        const outside = ctx.param(SR.benefit_share_outside_bands);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = benefitShare(cat[h] ?? 0, band[h] ?? 0, lower, upper, outside);
        return out;
      },
      scalar: (ctx) => {
        const cat = ctx.get(CATEGORY_VARIABLE);
        if (cat !== CATEGORY.borderline) return benefitShare(cat, 0, 0, 0, 0);
        const band = ctx.get(INCOME_BAND_VARIABLE);
        const share =
          band === INCOME_BAND.lower_borderline
            ? ctx.param(SR.benefit_share_lower_band)
            : band === INCOME_BAND.upper_borderline
              ? ctx.param(SR.benefit_share_upper_band)
              : ctx.param(SR.benefit_share_outside_bands);
        return benefitShare(cat, band, share, share, share);
      },
    },
  ],
});

export const ASSIGNMENT_MONTHS = defineVariable({
  name: 'social_registry.assignment_months',
  entity: 'household',
  dtype: 'i32',
  unit: 'months',
  label: {
    'uz-Latn': 'Tayinlash muddati (qayta baholashgacha)',
    ru: 'Срок назначения (до переоценки)',
    en: 'Assignment period (until re-assessment)',
  },
  description:
    'Months an assignment lasts: until re-assessment for state-supported (12) and poor (6) families, the ' +
    'payment period for borderline families (6); 0 without a category.',
  versions: [
    {
      from: LEGACY,
      note: LEGACY_NOTE,
      vector: (ctx) => {
        const cat = ctx.get(CATEGORY_VARIABLE);
        const state = ctx.param(SR.reassessment_months_state_supported);
        const poor = ctx.param(SR.reassessment_months_poor);
        const out = householdArray(ctx, 'i32');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = assignmentMonths(cat[h] ?? 0, state, poor, 0);
        return out;
      },
      scalar: (ctx) => assignmentMonthsScalar(ctx.get(CATEGORY_VARIABLE), (name) => ctx.param(name), false),
    },
    {
      from: SR_2026,
      vector: (ctx) => {
        const cat = ctx.get(CATEGORY_VARIABLE);
        const state = ctx.param(SR.reassessment_months_state_supported);
        const poor = ctx.param(SR.reassessment_months_poor);
        const borderline = ctx.param(SR.borderline_payment_months);
        const out = householdArray(ctx, 'i32');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = assignmentMonths(cat[h] ?? 0, state, poor, borderline);
        return out;
      },
      scalar: (ctx) => assignmentMonthsScalar(ctx.get(CATEGORY_VARIABLE), (name) => ctx.param(name), true),
    },
  ],
});

/** Reads only the period parameter of the family’s category (a cleaner trace). */
function assignmentMonthsScalar(cat: number, param: (name: string) => number, borderline: boolean): number {
  switch (cat) {
    case CATEGORY.state_supported:
      return assignmentMonths(cat, param(SR.reassessment_months_state_supported), 0, 0);
    case CATEGORY.poor:
      return assignmentMonths(cat, 0, param(SR.reassessment_months_poor), 0);
    case CATEGORY.borderline:
      return borderline ? assignmentMonths(cat, 0, 0, param(SR.borderline_payment_months)) : 0;
    default:
      return 0;
  }
}

export const SOCIAL_REGISTRY_VARIABLES = [
  ABLE_TO_WORK,
  MEMBERS_ABLE_TO_WORK,
  INCOME_TOTAL,
  PER_CAPITA_INCOME,
  INCOME_BAND_VARIABLE,
  RECENTLY_EMPLOYED,
  EMPLOYMENT_GRACE,
  CATEGORY_VARIABLE,
  BENEFIT_SHARE,
  ASSIGNMENT_MONTHS,
] as const;
