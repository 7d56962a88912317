import { ageOnFirstDay, agesOnFirstDay } from '../../rules/dates.ts';
import { personArray } from '../../rules/engine.ts';
import { defineVariable } from '../../rules/variables.ts';

/** Variables every programme builds on. */

export const AGE = defineVariable({
  name: 'common.age',
  entity: 'person',
  dtype: 'u8',
  unit: 'years',
  label: { 'uz-Latn': 'Yoshi', ru: 'Возраст', en: 'Age' },
  description:
    'Age in whole years on the first day of the month: a child born during the month is still the younger age ' +
    'for that whole month, and a birthday on the 1st counts from that month.',
  versions: [
    {
      from: '1900-01-01',
      vector: (ctx) => agesOnFirstDay(ctx.population.person.birthDay, ctx.month, personArray(ctx, 'u8')),
      scalar: (ctx) => ageOnFirstDay(ctx.input('birthDay'), ctx.month),
    },
  ],
});

export const HOUSEHOLD_SIZE = defineVariable({
  name: 'common.household_size',
  entity: 'household',
  dtype: 'i32',
  unit: 'count',
  label: { 'uz-Latn': 'Oila a’zolari soni', ru: 'Число членов семьи', en: 'Household members' },
  description:
    'Members on the first day of the month: membership in force that day, alive and born. Members who died ' +
    'or left before the month, or joined during it, are not counted.',
  versions: [
    {
      from: '1900-01-01',
      vector: (ctx) => ctx.countMembers(),
      scalar: (ctx) => ctx.memberCount(),
    },
  ],
});

export const COMMON_VARIABLES = [AGE, HOUSEHOLD_SIZE] as const;
