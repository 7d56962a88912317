import type { Programme } from '../../rules/variables.ts';
import type { ProgrammeModule } from '../module.ts';
import { MATERIAL_ASSISTANCE_DESCRIPTION } from './describe.ts';
import { MATERIAL_ASSISTANCE_PARAMETERS } from './parameters.ts';
import { MATERIAL_ASSISTANCE, MATERIAL_ASSISTANCE_VARIABLES } from './variables.ts';

export const MATERIAL_ASSISTANCE_PROGRAMME: Programme = {
  id: MATERIAL_ASSISTANCE_DESCRIPTION.id,
  label: { 'uz-Latn': 'Moddiy yordam', ru: 'Материальная помощь', en: 'Material assistance' },
  outputs: [MATERIAL_ASSISTANCE],
  variables: MATERIAL_ASSISTANCE_VARIABLES,
};

/** The folder as the registry reads it: rules, reviewed parameters and the web-safe description. */
export const MATERIAL_ASSISTANCE_MODULE: ProgrammeModule = {
  rules: MATERIAL_ASSISTANCE_PROGRAMME,
  parameters: MATERIAL_ASSISTANCE_PARAMETERS,
  description: MATERIAL_ASSISTANCE_DESCRIPTION,
};
