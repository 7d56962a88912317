import { ParameterSet } from '../rules/parameters.ts';
import type { AnyVariable, Programme } from '../rules/variables.ts';
import { CHILD_ALLOWANCE_PROGRAMME } from './child-allowance/index.ts';
import { CHILD_ALLOWANCE_PARAMETERS } from './child-allowance/parameters.ts';
import { COMMON_PARAMETERS } from './common/parameters.ts';
import { EXCLUSION_FILTERS_PROGRAMME } from './exclusion-filters/index.ts';
import { EXCLUSION_PARAMETERS } from './exclusion-filters/parameters.ts';
import { MATERIAL_ASSISTANCE_PROGRAMME } from './material-assistance/index.ts';
import { MATERIAL_ASSISTANCE_PARAMETERS } from './material-assistance/parameters.ts';
import { SOCIAL_REGISTRY_PROGRAMME } from './social-registry/index.ts';
import { SOCIAL_REGISTRY_PARAMETERS } from './social-registry/parameters.ts';

/** The programme set the platform evaluates, in dependency-free order (each is evaluated for all households). */
export const PROGRAMMES: readonly Programme[] = [
  EXCLUSION_FILTERS_PROGRAMME,
  SOCIAL_REGISTRY_PROGRAMME,
  CHILD_ALLOWANCE_PROGRAMME,
  MATERIAL_ASSISTANCE_PROGRAMME,
];

/** Every reviewed parameter file, one per folder. */
export const PARAMETER_FILES = [
  COMMON_PARAMETERS,
  SOCIAL_REGISTRY_PARAMETERS,
  EXCLUSION_PARAMETERS,
  CHILD_ALLOWANCE_PARAMETERS,
  MATERIAL_ASSISTANCE_PARAMETERS,
] as const;

let defaults: ParameterSet | undefined;

/** The reviewed parameters, validated on first use (a bad file fails here, naming every problem). */
export function defaultParameters(): ParameterSet {
  defaults ??= ParameterSet.fromFiles(PARAMETER_FILES);
  return defaults;
}

/** Every variable of every programme, by name. */
export const VARIABLES: ReadonlyMap<string, AnyVariable> = (() => {
  const map = new Map<string, AnyVariable>();
  for (const programme of PROGRAMMES) {
    for (const variable of [...programme.variables, ...programme.outputs]) {
      const known = map.get(variable.name);
      if (known && known !== variable) throw new Error(`Two variables are named ${variable.name}`);
      map.set(variable.name, variable);
    }
  }
  return map;
})();

export function programmeById(id: string): Programme {
  const programme = PROGRAMMES.find((p) => p.id === id);
  if (!programme) throw new RangeError(`Unknown programme: ${id}`);
  return programme;
}

export {
  CHILD_ALLOWANCE_PROGRAMME,
  EXCLUSION_FILTERS_PROGRAMME,
  MATERIAL_ASSISTANCE_PROGRAMME,
  SOCIAL_REGISTRY_PROGRAMME,
};
