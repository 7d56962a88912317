import type { Programme } from '../../rules/variables.ts';
import { EXCLUDED, EXCLUSION_REASONS, EXCLUSION_VARIABLES } from './variables.ts';

export const EXCLUSION_FILTERS_PROGRAMME: Programme = {
  id: 'exclusion_filters',
  label: { 'uz-Latn': 'Istisno qiluvchi mezonlar', ru: 'Исключающие критерии', en: 'Exclusion filters' },
  outputs: [EXCLUDED, EXCLUSION_REASONS],
  variables: EXCLUSION_VARIABLES,
};
