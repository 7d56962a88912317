import type { ParameterSet } from '../rules/parameters.ts';
import type { AnyVariable, Programme } from '../rules/variables.ts';
import { CATALOGUE } from './catalogue.ts';
import { CHILD_ALLOWANCE_MODULE } from './child-allowance/index.ts';
import { COMMON_PARAMETERS } from './common/parameters.ts';
import { EXCLUSION_FILTERS_MODULE } from './exclusion-filters/index.ts';
import { MATERIAL_ASSISTANCE_MODULE } from './material-assistance/index.ts';
import { buildRegistry, type ProgrammeModule, type ProgrammeRegistry } from './module.ts';
import { SOCIAL_REGISTRY_MODULE } from './social-registry/index.ts';

/**
 * The folders the engine evaluates, in dependency-free order (each is evaluated for all households).
 * A new programme adds its module here and its description to `catalogue.ts`; the two lists are
 * checked against each other below.
 */
export const MODULES: readonly ProgrammeModule[] = [
  { parameters: COMMON_PARAMETERS },
  EXCLUSION_FILTERS_MODULE,
  SOCIAL_REGISTRY_MODULE,
  CHILD_ALLOWANCE_MODULE,
  MATERIAL_ASSISTANCE_MODULE,
];

/** The reviewed registry: what decisions, simulations and explanations use unless given another. */
export const REGISTRY: ProgrammeRegistry = buildRegistry(MODULES);

{
  const described = REGISTRY.decided.map((d) => d.id).join(', ');
  const listed = CATALOGUE.map((d) => d.id).join(', ');
  if (described !== listed) {
    throw new Error(`The catalogue lists ${listed} but the modules describe ${described}`);
  }
}

/** The programme set the platform evaluates. */
export const PROGRAMMES: readonly Programme[] = REGISTRY.programmes;

/** Every reviewed parameter file, one per folder. */
export const PARAMETER_FILES = REGISTRY.parameterFiles;

/** The reviewed parameters, validated on first use (a bad file fails here, naming every problem). */
export function defaultParameters(): ParameterSet {
  return REGISTRY.parameters();
}

/** Every variable of every programme, by name. */
export const VARIABLES: ReadonlyMap<string, AnyVariable> = REGISTRY.variables;

export function programmeById(id: string): Programme {
  const programme = PROGRAMMES.find((p) => p.id === id);
  if (!programme) throw new RangeError(`Unknown programme: ${id}`);
  return programme;
}

export { buildRegistry, type ProgrammeModule, type ProgrammeRegistry } from './module.ts';
