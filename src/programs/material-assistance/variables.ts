import { householdArray } from '../../rules/engine.ts';
import { defineVariable } from '../../rules/variables.ts';
import { CHILDREN, payable } from '../child-allowance/variables.ts';
import { BENEFIT_SHARE } from '../social-registry/variables.ts';
import { P as MA } from './parameters.ts';

/**
 * Material assistance: a monthly amount for low-income families without children (no member under the
 * child-allowance age limit), times the family’s benefit share. Families with children get the child
 * allowance instead.
 */
export function materialAssistance(children: number, amount: number, share: number): number {
  return children === 0 ? payable(amount, share) : 0;
}

export const MATERIAL_ASSISTANCE = defineVariable({
  name: 'material_assistance.amount',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'Moddiy yordam (oyiga)',
    ru: 'Материальная помощь (в месяц)',
    en: 'Material assistance (per month)',
  },
  description: 'Monthly amount times the benefit share, for families without children; 0 otherwise.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const children = ctx.get(CHILDREN);
        const share = ctx.get(BENEFIT_SHARE);
        const amount = ctx.param(MA.monthly_amount);
        const out = householdArray(ctx, 'f64');
        for (let h = 0, n = ctx.householdCount; h < n; h++)
          out[h] = materialAssistance(children[h] ?? 0, amount, share[h] ?? 0);
        return out;
      },
      scalar: (ctx) => {
        const share = ctx.get(BENEFIT_SHARE);
        if (share === 0) return 0;
        const children = ctx.get(CHILDREN);
        return children === 0 ? materialAssistance(children, ctx.param(MA.monthly_amount), share) : 0;
      },
    },
  ],
});

export const MATERIAL_ASSISTANCE_VARIABLES = [MATERIAL_ASSISTANCE] as const;
