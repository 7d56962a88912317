import type { Programme } from '../../rules/variables.ts';
import { CHILD_ALLOWANCE, CHILD_ALLOWANCE_VARIABLES, CHILDREN } from './variables.ts';

export const CHILD_ALLOWANCE_PROGRAMME: Programme = {
  id: 'child_allowance',
  label: { 'uz-Latn': 'Bolalar nafaqasi', ru: 'Пособие на детей', en: 'Child allowance' },
  outputs: [CHILD_ALLOWANCE, CHILDREN],
  variables: CHILD_ALLOWANCE_VARIABLES,
};
