import type { Programme } from '../../rules/variables.ts';
import { COMMON_VARIABLES, HOUSEHOLD_SIZE } from '../common/variables.ts';
import type { ProgrammeModule } from '../module.ts';
import { SOCIAL_REGISTRY_DESCRIPTION } from './describe.ts';
import { SOCIAL_REGISTRY_PARAMETERS } from './parameters.ts';
import {
  ASSIGNMENT_MONTHS,
  BENEFIT_SHARE,
  CATEGORY_VARIABLE,
  EMPLOYMENT_GRACE,
  INCOME_BAND_VARIABLE,
  PER_CAPITA_INCOME,
  SOCIAL_REGISTRY_VARIABLES,
} from './variables.ts';

export const SOCIAL_REGISTRY_PROGRAMME: Programme = {
  id: SOCIAL_REGISTRY_DESCRIPTION.id,
  label: { 'uz-Latn': 'Ijtimoiy reyestr', ru: 'Социальный реестр', en: 'Social Registry' },
  outputs: [
    CATEGORY_VARIABLE,
    BENEFIT_SHARE,
    ASSIGNMENT_MONTHS,
    INCOME_BAND_VARIABLE,
    PER_CAPITA_INCOME,
    EMPLOYMENT_GRACE,
    HOUSEHOLD_SIZE,
  ],
  variables: [...COMMON_VARIABLES, ...SOCIAL_REGISTRY_VARIABLES],
};

/** The folder as the registry reads it: rules, reviewed parameters and the web-safe description. */
export const SOCIAL_REGISTRY_MODULE: ProgrammeModule = {
  rules: SOCIAL_REGISTRY_PROGRAMME,
  parameters: SOCIAL_REGISTRY_PARAMETERS,
  description: SOCIAL_REGISTRY_DESCRIPTION,
};
