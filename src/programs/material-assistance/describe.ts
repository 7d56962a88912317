import { defineProgramme } from '../description.ts';

/** The monthly assistance for low-income families without children, web-safe data. */
export const MATERIAL_ASSISTANCE_DESCRIPTION = defineProgramme({
  id: 'material_assistance',
  label: {
    'uz-Latn': 'Moddiy yordam',
    'uz-Cyrl': 'Моддий ёрдам',
    ru: 'Материальная помощь',
    en: 'Material assistance',
  },
  notificationName: {
    'uz-Latn': 'Moddiy yordam',
    'uz-Cyrl': 'Моддий ёрдам',
    ru: 'Материальная помощь',
    en: 'Material assistance',
  },
  outcome: { kind: 'amount', amount: 'material_assistance.amount' },
  channels: { applications: true, overrides: true, intake: true },
  payment: { schedule: 'monthly' },
});
