import type { Programme } from '../../rules/variables.ts';
import type { ProgrammeModule } from '../module.ts';
import { CHILD_ALLOWANCE_DESCRIPTION } from './describe.ts';
import { CHILD_ALLOWANCE_PARAMETERS } from './parameters.ts';
import { CHILD_ALLOWANCE, CHILD_ALLOWANCE_VARIABLES, CHILDREN } from './variables.ts';

export const CHILD_ALLOWANCE_PROGRAMME: Programme = {
  id: CHILD_ALLOWANCE_DESCRIPTION.id,
  label: { 'uz-Latn': 'Bolalar nafaqasi', ru: 'Пособие на детей', en: 'Child allowance' },
  outputs: [CHILD_ALLOWANCE, CHILDREN],
  variables: CHILD_ALLOWANCE_VARIABLES,
};

/** The folder as the registry reads it: rules, reviewed parameters and the web-safe description. */
export const CHILD_ALLOWANCE_MODULE: ProgrammeModule = {
  rules: CHILD_ALLOWANCE_PROGRAMME,
  parameters: CHILD_ALLOWANCE_PARAMETERS,
  description: CHILD_ALLOWANCE_DESCRIPTION,
};
