import type { ProgrammeDescription } from '../programs/description.ts';
import { defaultParameters, PROGRAMMES, VARIABLES } from '../programs/index.ts';
import { uzbekCyrillicOf } from '../shared/transliterate.ts';
import type { Month } from './dates.ts';
import { type ColumnPool, type EvaluationResult, evaluatePopulation } from './engine.ts';
import { explainHousehold, type Trace } from './explain.ts';
import type { TraceLanguage } from './messages.ts';
import type { ParameterInForce, ParameterSet } from './parameters.ts';
import type { PopulationColumns } from './population.ts';
import { renderTrace } from './render.ts';
import { type DecisionSummary, type SummaryDecision, summarise, summaryWithReason } from './summary.ts';
import type { AnyVariable, Programme } from './variables.ts';

/**
 * Public API of the rules engine, bound to the reviewed programme set and parameter files. Everything
 * takes an optional parameter set, so what-if simulations run the same code with changed values.
 */

export interface RulesOptions {
  /** Defaults to the reviewed parameter files. */
  readonly parameters?: ParameterSet;
  /** Also return intermediate variables (evaluate only). */
  readonly keepIntermediates?: boolean;
  /** Per-variable computation times in ms (evaluate only; benchmarks). */
  readonly timings?: Map<string, number>;
  /** Reusable buffers for repeated evaluations (evaluate only); release each result when done. */
  readonly pool?: ColumnPool;
}

/** Evaluates the programmes for every household of a population (built for `month`). */
export function evaluate(
  population: PopulationColumns,
  month: string | Month,
  programmes: readonly Programme[] = PROGRAMMES,
  options: RulesOptions = {},
): EvaluationResult {
  return evaluatePopulation(population, month, programmes, {
    parameters: options.parameters ?? defaultParameters(),
    keepIntermediates: options.keepIntermediates ?? false,
    ...(options.timings ? { timings: options.timings } : {}),
    ...(options.pool ? { pool: options.pool } : {}),
  });
}

/** The trace of one household: every variable, parameter (with its act) and input behind its results. */
export function explain(
  population: PopulationColumns,
  householdIndex: number,
  month: string | Month,
  programmes: readonly Programme[] = PROGRAMMES,
  options: RulesOptions = {},
): Trace {
  return explainHousehold(population, householdIndex, month, programmes, {
    parameters: options.parameters ?? defaultParameters(),
  });
}

/** Every language a trace is told in: the three worded ones, and Uzbek Cyrillic made from Uzbek Latin. */
export type ExplanationLanguage = TraceLanguage | 'uz-Cyrl';

/** A trace in plain language (Uzbek Latin or Cyrillic, Russian or English). */
export function describe(
  trace: Trace,
  language: ExplanationLanguage,
  options: RulesOptions & {
    hiddenInputs?: ReadonlySet<string>;
    /** The variables whose labels word the trace (defaults to the reviewed programmes'). */
    variables?: ReadonlyMap<string, AnyVariable>;
    /** Only these results (a decision's programme outcome); all by default. */
    outputs?: readonly string[];
    /** Staff see which rule values are unverified; citizens do not (default). */
    audience?: 'citizen' | 'staff';
  } = {},
): string {
  const text = renderTrace(trace, language === 'uz-Cyrl' ? 'uz-Latn' : language, {
    variables: options.variables ?? VARIABLES,
    parameters: options.parameters ?? defaultParameters(),
    ...(options.hiddenInputs ? { hiddenInputs: options.hiddenInputs } : {}),
    ...(options.outputs ? { outputs: options.outputs } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
  return language === 'uz-Cyrl' ? uzbekCyrillicOf(text) : text;
}

/** The three sentences of a decision (what, why, what if wrong) in any of the four languages. */
export function summariseDecision(
  trace: Trace | null,
  programme: ProgrammeDescription,
  decision: SummaryDecision,
  language: ExplanationLanguage,
  options: {
    hiddenInputs?: ReadonlySet<string>;
    variables?: ReadonlyMap<string, AnyVariable>;
    /** A fixed reason instead of facts from a trace (an absence note, a manual override). */
    reason?: string;
  } = {},
): DecisionSummary {
  const worded: TraceLanguage = language === 'uz-Cyrl' ? 'uz-Latn' : language;
  const variables = options.variables ?? VARIABLES;
  const summary =
    trace === null || options.reason !== undefined
      ? summaryWithReason(programme, decision, worded, variables, options.reason ?? '')
      : summarise(trace, programme, decision, worded, {
          variables,
          ...(options.hiddenInputs ? { hiddenInputs: options.hiddenInputs } : {}),
        });
  if (language !== 'uz-Cyrl') return summary;
  const cyr = (text: string) => uzbekCyrillicOf(text);
  return {
    what: cyr(summary.what),
    why: options.reason !== undefined ? summary.why : cyr(summary.why),
    fix: cyr(summary.fix),
    facts: summary.facts.map((f) => ({
      ...f,
      text: cyr(f.text),
      reportLabel: f.reportLabel === null ? null : cyr(f.reportLabel),
    })),
  };
}

export { uzbekCyrillicOf } from '../shared/transliterate.ts';

/** The trace inputs that are health data: withheld from readers without a disability role. */
export const HEALTH_INPUTS: ReadonlySet<string> = new Set(['person.disability']);

/** A copy of the trace with the values of `hidden` inputs removed (the stored trace is never changed). */
export function withheldTrace(trace: Trace, hidden: ReadonlySet<string>): Trace {
  const inputs = Object.fromEntries(
    Object.entries(trace.inputs).map(([name, input]) =>
      hidden.has(input.name) ? [name, { name: input.name, entity: input.entity, value: [] }] : [name, input],
    ),
  );
  return { ...trace, inputs };
}

/** The value of a parameter in force on a date ('YYYY-MM-DD' or a day number), with its legal reference. */
export function parameterAt(
  name: string,
  date: string | number,
  options: RulesOptions = {},
): ParameterInForce {
  return (options.parameters ?? defaultParameters()).at(name, date);
}

export {
  buildRegistry,
  defaultParameters,
  PARAMETER_FILES,
  PROGRAMMES,
  type ProgrammeModule,
  type ProgrammeRegistry,
  programmeById,
  REGISTRY,
  VARIABLES,
} from '../programs/index.ts';
export { CATEGORY, INCOME_BAND } from '../programs/social-registry/rules.ts';
export {
  type ApplicationTimeline,
  type AssignmentPeriod,
  applicationTimeline,
  assignmentPeriod,
} from '../programs/social-registry/timeline.ts';
export { addMonths, dayOf, isoOfDay, type Month, monthOfDay, NO_DAY, parseMonth } from './dates.ts';
export { ColumnPool, type EvaluationResult } from './engine.ts';
export { DISABILITY, EMPLOYMENT, type Entity, ROLE, SECTOR, SEX } from './entities.ts';
export type { Trace, TraceInput, TraceMember, TraceParameter, TraceVariable } from './explain.ts';
export { TRACE_LANGUAGES, type TraceLanguage } from './messages.ts';
export {
  type LegalReference,
  type LocalisedText,
  ParameterError,
  ParameterFileError,
  type ParameterInForce,
  type ParameterOverride,
  ParameterSet,
} from './parameters.ts';
export {
  type HouseholdSituation,
  type PersonSituation,
  populationFromSituations,
} from './population.builder.ts';
export {
  allocatePopulation,
  checkPopulation,
  type HouseholdColumns,
  householdIndexById,
  INCOME_WINDOW_MONTHS,
  membersOf,
  type PersonColumns,
  type PopulationColumns,
} from './population.ts';
export {
  type DecisionSummary,
  decidingTests,
  type FactSource,
  INPUT_SOURCES,
  parametersUnder,
  type ReportFact,
  reportPath,
  type SummaryDecision,
  type SummaryFact,
} from './summary.ts';
export {
  type AnyVariable,
  type ArrayOf,
  type DType,
  defineVariable,
  enumCode,
  enumKey,
  FormulaError,
  type NumericArray,
  type Programme,
  type Variable,
} from './variables.ts';
