import type { Programme } from '../../rules/variables.ts';
import type { ProgrammeModule } from '../module.ts';
import { EXCLUSION_PARAMETERS } from './parameters.ts';
import { EXCLUDED, EXCLUSION_REASONS, EXCLUSION_VARIABLES } from './variables.ts';

export const EXCLUSION_FILTERS_PROGRAMME: Programme = {
  id: 'exclusion_filters',
  label: { 'uz-Latn': 'Istisno qiluvchi mezonlar', ru: 'Исключающие критерии', en: 'Exclusion filters' },
  outputs: [EXCLUDED, EXCLUSION_REASONS],
  variables: EXCLUSION_VARIABLES,
};

/** Feeds the other programmes (who is excluded); nobody is decided for it, so it has no description. */
export const EXCLUSION_FILTERS_MODULE: ProgrammeModule = {
  rules: EXCLUSION_FILTERS_PROGRAMME,
  parameters: EXCLUSION_PARAMETERS,
};
