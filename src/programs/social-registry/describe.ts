import { defineProgramme } from '../description.ts';

/** The Social Registry: the low-income family status (a category and a benefit share), web-safe data. */
export const SOCIAL_REGISTRY_DESCRIPTION = defineProgramme({
  id: 'social_registry',
  label: {
    'uz-Latn': 'Ijtimoiy reyestr (kam ta’minlangan oila maqomi)',
    'uz-Cyrl': 'Ижтимоий реестр (кам таъминланган оила мақоми)',
    ru: 'Социальный реестр (статус малообеспеченной семьи)',
    en: 'Social Registry (low-income family status)',
  },
  notificationName: {
    'uz-Latn': 'Ijtimoiy himoya yagona reyestri',
    'uz-Cyrl': 'Ижтимоий ҳимоя ягона реестри',
    ru: 'Единый реестр социальной защиты',
    en: 'Social Protection Registry',
  },
  outcome: { kind: 'category', category: 'social_registry.category', share: 'social_registry.benefit_share' },
  channels: { applications: true, overrides: true, intake: true },
  payment: { schedule: 'none' },
});
