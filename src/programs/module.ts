import { type ParameterFileHandle, ParameterSet } from '../rules/parameters.ts';
import type { AnyVariable, Programme } from '../rules/variables.ts';
import type { ProgrammeDescription } from './description.ts';

/**
 * What one folder of `src/programs/` gives the engine: its rules (variables and outputs), its reviewed
 * parameter file and, for a programme people are decided for, its web-safe description. A folder without
 * a description (the exclusion filters) only feeds other programmes; one without rules (common) only
 * holds shared parameters.
 */
export interface ProgrammeModule {
  readonly rules?: Programme;
  readonly parameters?: ParameterFileHandle;
  readonly description?: ProgrammeDescription;
}

/** Everything the decisions, the simulation and the explanations need, built from a list of modules. */
export interface ProgrammeRegistry {
  /** The engine's programme set, in evaluation order. */
  readonly programmes: readonly Programme[];
  /** The programmes people are decided for (those with a description), in catalogue order. */
  readonly decided: readonly ProgrammeDescription[];
  readonly parameterFiles: readonly ParameterFileHandle[];
  /** Every variable of every programme, by name (the explanations word traces with their labels). */
  readonly variables: ReadonlyMap<string, AnyVariable>;
  /** The reviewed parameters, validated on first use (a bad file fails here, naming every problem). */
  parameters(): ParameterSet;
}

function variablesOf(programmes: readonly Programme[]): Map<string, AnyVariable> {
  const map = new Map<string, AnyVariable>();
  for (const programme of programmes) {
    for (const variable of [...programme.variables, ...programme.outputs]) {
      const known = map.get(variable.name);
      if (known && known !== variable) throw new Error(`Two variables are named ${variable.name}`);
      map.set(variable.name, variable);
    }
  }
  return map;
}

/**
 * A registry of modules. It checks what a description promises: a module's description and rules
 * carry the same id, and the outcome variables it names are outputs of some programme.
 */
export function buildRegistry(modules: readonly ProgrammeModule[]): ProgrammeRegistry {
  const programmes = modules.flatMap((m) => (m.rules ? [m.rules] : []));
  const decided = modules.flatMap((m) => (m.description ? [m.description] : []));
  const variables = variablesOf(programmes);
  for (const m of modules) {
    const d = m.description;
    if (!d) continue;
    if (m.rules && m.rules.id !== d.id) throw new Error(`Programme ${m.rules.id} is described as ${d.id}`);
    const named = d.outcome.kind === 'category' ? [d.outcome.category, d.outcome.share] : [d.outcome.amount];
    for (const name of named) {
      if (!variables.has(name))
        throw new Error(`Programme ${d.id} reads its outcome from ${name}, which no rule defines`);
    }
  }
  const ids = new Set(decided.map((d) => d.id));
  if (ids.size !== decided.length) throw new Error('Two programmes share an id');
  const parameterFiles = modules.flatMap((m) => (m.parameters ? [m.parameters] : []));
  let parameters: ParameterSet | undefined;
  return {
    programmes,
    decided,
    parameterFiles,
    variables,
    parameters: () => {
      parameters ??= ParameterSet.fromFiles(parameterFiles);
      return parameters;
    },
  };
}
