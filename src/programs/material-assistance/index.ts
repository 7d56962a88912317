import type { Programme } from '../../rules/variables.ts';
import { MATERIAL_ASSISTANCE, MATERIAL_ASSISTANCE_VARIABLES } from './variables.ts';

export const MATERIAL_ASSISTANCE_PROGRAMME: Programme = {
  id: 'material_assistance',
  label: { 'uz-Latn': 'Moddiy yordam', ru: 'Материальная помощь', en: 'Material assistance' },
  outputs: [MATERIAL_ASSISTANCE],
  variables: MATERIAL_ASSISTANCE_VARIABLES,
};
