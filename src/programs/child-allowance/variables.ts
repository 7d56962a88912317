import { householdArray, personArray } from '../../rules/engine.ts';
import { defineVariable } from '../../rules/variables.ts';
import { AGE } from '../common/variables.ts';
import { BENEFIT_SHARE } from '../social-registry/variables.ts';
import { P as CA } from './parameters.ts';

/**
 * Child allowance for low-income families: by child order and age. Children are members younger than the
 * age limit (18) on the first day of the month, whoever’s children they are, ordered by birth: the first
 * child is the oldest. The family amount is the first child’s amount (higher while that child is under 3)
 * plus a supplement for the second child and one for each further child, times the family’s benefit
 * share (1 for state-supported and poor families, 75% or 50% for borderline ones, 0 without a category).
 */

export function childAllowanceFull(
  children: number,
  firstChildAge: number,
  youngChildAgeLimit: number,
  firstUnder3: number,
  first3To18: number,
  secondSupplement: number,
  furtherSupplement: number,
): number {
  if (children <= 0) return 0;
  const first = firstChildAge < youngChildAgeLimit ? firstUnder3 : first3To18;
  return (
    first + (children >= 2 ? secondSupplement : 0) + (children > 2 ? (children - 2) * furtherSupplement : 0)
  );
}

/** Amounts are paid in whole so’m. */
export function payable(full: number, share: number): number {
  return Math.round(full * share);
}

export const IS_CHILD = defineVariable({
  name: 'child_allowance.is_child',
  entity: 'person',
  dtype: 'u8',
  unit: 'boolean',
  label: { 'uz-Latn': '18 yoshga to’lmagan bola', ru: 'Ребёнок до 18 лет', en: 'Child under 18' },
  description: 'Younger than the age limit on the first day of the month.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const age = ctx.get(AGE);
        const limit = ctx.param(CA.age_limit);
        const out = personArray(ctx, 'u8');
        for (let i = 0, n = ctx.personCount; i < n; i++) out[i] = +((age[i] ?? 0) < limit);
        return out;
      },
      scalar: (ctx) => (ctx.get(AGE) < ctx.param(CA.age_limit) ? 1 : 0),
    },
  ],
});

export const CHILDREN = defineVariable({
  name: 'child_allowance.children',
  entity: 'household',
  dtype: 'i32',
  unit: 'count',
  label: {
    'uz-Latn': '18 yoshga to’lmagan bolalar soni',
    ru: 'Число детей до 18 лет',
    en: 'Children under 18',
  },
  description: 'Members younger than the age limit.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => ctx.countMembers(ctx.get(IS_CHILD)),
      scalar: (ctx) => ctx.members(IS_CHILD).reduce((a, b) => a + b, 0),
    },
  ],
});

export const FIRST_CHILD_AGE = defineVariable({
  name: 'child_allowance.first_child_age',
  entity: 'household',
  dtype: 'i32',
  unit: 'years',
  label: {
    'uz-Latn': 'Birinchi (eng katta) bolaning yoshi',
    ru: 'Возраст первого (старшего) ребёнка',
    en: 'Age of the first (oldest) child',
  },
  description: 'Age of the oldest member younger than the age limit; -1 without children.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => ctx.maxMember(ctx.get(AGE), -1, ctx.get(IS_CHILD)),
      scalar: (ctx) => {
        const ages = ctx.members(AGE);
        const children = ctx.members(IS_CHILD);
        return ages.reduce((oldest, age, i) => (children[i] === 1 && age > oldest ? age : oldest), -1);
      },
    },
  ],
});

export const FULL_AMOUNT = defineVariable({
  name: 'child_allowance.full_amount',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Bolalar nafaqasining to’liq miqdori',
    ru: 'Полный размер пособия на детей',
    en: 'Full child allowance',
  },
  description: 'First child’s amount by age, plus the second-child and further-children supplements.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const children = ctx.get(CHILDREN);
        const firstAge = ctx.get(FIRST_CHILD_AGE);
        const young = ctx.param(CA.young_child_age_limit);
        const under3 = ctx.param(CA.first_child_under_3);
        const over3 = ctx.param(CA.first_child_3_to_18);
        const second = ctx.param(CA.second_child_supplement);
        const further = ctx.param(CA.further_child_supplement);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++) {
          out[h] = childAllowanceFull(
            children[h] ?? 0,
            firstAge[h] ?? -1,
            young,
            under3,
            over3,
            second,
            further,
          );
        }
        return out;
      },
      scalar: (ctx) => {
        const children = ctx.get(CHILDREN);
        if (children <= 0) return 0;
        const firstAge = ctx.get(FIRST_CHILD_AGE);
        const young = ctx.param(CA.young_child_age_limit);
        const first =
          firstAge < young ? ctx.param(CA.first_child_under_3) : ctx.param(CA.first_child_3_to_18);
        const second = children >= 2 ? ctx.param(CA.second_child_supplement) : 0;
        const further = children > 2 ? ctx.param(CA.further_child_supplement) : 0;
        return childAllowanceFull(children, firstAge, young, first, first, second, further);
      },
    },
  ],
});

export const CHILD_ALLOWANCE = defineVariable({
  name: 'child_allowance.amount',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Bolalar nafaqasi (oyiga)',
    ru: 'Пособие на детей (в месяц)',
    en: 'Child allowance (per month)',
  },
  description: 'Full child allowance times the benefit share, in whole so’m.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const full = ctx.get(FULL_AMOUNT);
        const share = ctx.get(BENEFIT_SHARE);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = payable(full[h] ?? 0, share[h] ?? 0);
        return out;
      },
      scalar: (ctx) => {
        const share = ctx.get(BENEFIT_SHARE);
        return share === 0 ? 0 : payable(ctx.get(FULL_AMOUNT), share);
      },
    },
  ],
});

export const CHILD_ALLOWANCE_VARIABLES = [
  IS_CHILD,
  CHILDREN,
  FIRST_CHILD_AGE,
  FULL_AMOUNT,
  CHILD_ALLOWANCE,
] as const;
