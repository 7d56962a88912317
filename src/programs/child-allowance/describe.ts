import { defineProgramme } from '../description.ts';

/** The monthly allowance for low-income families with children, web-safe data. */
export const CHILD_ALLOWANCE_DESCRIPTION = defineProgramme({
  id: 'child_allowance',
  label: {
    'uz-Latn': 'Bolalar nafaqasi',
    'uz-Cyrl': 'Болалар нафақаси',
    ru: 'Пособие на детей',
    en: 'Child allowance',
  },
  notificationName: {
    'uz-Latn': 'Bolalar nafaqasi',
    'uz-Cyrl': 'Болалар нафақаси',
    ru: 'Пособие на детей',
    en: 'Child allowance',
  },
  outcome: { kind: 'amount', amount: 'child_allowance.amount' },
  channels: { applications: true, overrides: true, intake: true },
  payment: { schedule: 'monthly' },
});
