import { createHash } from 'node:crypto';
import { z } from 'zod';
import { dayOf, isIsoDate, isoOfDay } from './dates.ts';

/**
 * Parameters: every number a rule uses, with the date it takes effect and the act it comes from. They live
 * in reviewed JSON files next to each programme; loading validates them with the schemas below. A
 * computation for a month uses the value in force on the first day of that month.
 */

export const IsoDate = z.string().refine(isIsoDate, { message: 'expected a real date as YYYY-MM-DD' });

/** Text in the languages the trace is rendered in (Uzbek Cyrillic is transliterated from Uzbek Latin). */
export const LocalisedText = z
  .object({ 'uz-Latn': z.string().min(1), ru: z.string().min(1), en: z.string().min(1) })
  .strict();
export type LocalisedText = z.infer<typeof LocalisedText>;

/**
 * The act a value comes from, as precisely as it is known: `act` names or describes it (in each trace
 * language); `number`, `date` and `article` are filled in when known; `source` says where the figure was
 * taken from.
 */
export const LegalReference = z
  .object({
    act: LocalisedText,
    number: z.string().min(1).optional(),
    date: IsoDate.optional(),
    article: z.string().min(1).optional(),
    source: z.string().min(3),
  })
  .strict();
export type LegalReference = z.infer<typeof LegalReference>;

export const ParameterValue = z
  .object({
    /** First day the value is in force; it stays in force until the next value’s `from`. */
    from: IsoDate,
    value: z.union([z.number().finite(), z.boolean()]),
    reference: LegalReference,
    /** Set where the figure is not confirmed by a published act: the value is a configurable default. */
    unverified: z.literal(true).optional(),
    note: z.string().min(3).optional(),
  })
  .strict()
  .refine((v) => v.unverified !== true || v.note !== undefined, {
    message: 'an unverified value needs a note saying what is not confirmed',
    path: ['note'],
  });
export type ParameterValue = z.infer<typeof ParameterValue>;

export const ParameterUnit = z.enum([
  'som',
  'share',
  'multiple',
  'months',
  'years',
  'day_of_month',
  'count',
  'boolean',
]);
export type ParameterUnit = z.infer<typeof ParameterUnit>;

export const ParameterDefinition = z
  .object({
    label: LocalisedText,
    description: z.string().min(3),
    unit: ParameterUnit,
    values: z.array(ParameterValue).min(1),
  })
  .strict()
  .superRefine((definition, ctx) => {
    definition.values.forEach((v, i) => {
      const previous = definition.values[i - 1];
      if (previous && !(previous.from < v.from)) {
        ctx.addIssue({
          code: 'custom',
          message: 'values must be in strictly increasing `from` order',
          path: ['values', i],
        });
      }
      if ((definition.unit === 'boolean') !== (typeof v.value === 'boolean')) {
        ctx.addIssue({
          code: 'custom',
          message: 'boolean values go with unit "boolean", numbers with the other units',
          path: ['values', i, 'value'],
        });
      }
    });
  });
export type ParameterDefinition = z.infer<typeof ParameterDefinition>;

const KEY = /^[a-z][a-z0-9_]*$/;

export const ParameterFile = z
  .object({
    $comment: z.string().optional(),
    parameters: z.record(z.string().regex(KEY, 'parameter keys are snake_case'), ParameterDefinition),
  })
  .strict();
export type ParameterFile = z.infer<typeof ParameterFile>;

/**
 * A parameter file bound to its namespace, with its names typed from the JSON keys, so that formulas
 * refer to `SR.borderline_upper_share` and a typo fails the type-check. The data is validated when a
 * `ParameterSet` is built from the files.
 */
export interface ParameterFileHandle<N extends string = string, K extends string = string> {
  readonly namespace: N;
  readonly data: unknown;
  readonly names: { readonly [P in K]: `${N}.${P}` };
}

export function parameterFile<const N extends string, T extends { parameters: object }>(
  namespace: N,
  data: T,
): ParameterFileHandle<N, keyof T['parameters'] & string> {
  if (!KEY.test(namespace)) throw new Error(`Parameter namespace must be snake_case: ${namespace}`);
  const names: Record<string, string> = {};
  for (const key of Object.keys(data.parameters)) names[key] = `${namespace}.${key}`;
  return { namespace, data, names: names as { [P in keyof T['parameters'] & string]: `${N}.${P}` } };
}

/** The value of a parameter in force on a date, with what a trace needs to cite it. */
export interface ParameterInForce {
  readonly name: string;
  readonly value: number;
  readonly raw: number | boolean;
  readonly unit: ParameterUnit;
  readonly from: string;
  readonly reference: LegalReference;
  readonly unverified: boolean;
  readonly note: string | undefined;
  readonly label: LocalisedText;
  readonly description: string;
}

export class ParameterError extends Error {
  constructor(
    message: string,
    readonly parameter: string,
  ) {
    super(message);
    this.name = 'ParameterError';
  }
}

export class ParameterFileError extends Error {
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(`${message}\n${issues.map((i) => `  - ${i}`).join('\n')}`);
    this.name = 'ParameterFileError';
  }
}

interface CompiledParameter {
  readonly name: string;
  readonly definition: ParameterDefinition;
  /** Day numbers of each value’s `from`, ascending. */
  readonly fromDays: readonly number[];
}

/** A change for what-if runs: a value in force from `from` (default: always), replacing later values. */
export interface ParameterOverride {
  readonly name: string;
  readonly value: number | boolean;
  readonly from?: string;
  readonly note?: string;
}

/** An immutable, validated set of parameters. */
export class ParameterSet {
  private readonly byName: ReadonlyMap<string, CompiledParameter>;
  private digestCache: string | undefined;

  private constructor(definitions: ReadonlyMap<string, ParameterDefinition>) {
    const byName = new Map<string, CompiledParameter>();
    for (const [name, definition] of definitions) {
      byName.set(name, { name, definition, fromDays: definition.values.map((v) => dayOf(v.from)) });
    }
    this.byName = byName;
  }

  /** Validates every file (all problems reported at once) and joins them under their namespaces. */
  static fromFiles(files: readonly ParameterFileHandle[]): ParameterSet {
    const issues: string[] = [];
    const definitions = new Map<string, ParameterDefinition>();
    const namespaces = new Set<string>();
    for (const file of files) {
      if (namespaces.has(file.namespace)) issues.push(`namespace ${file.namespace} is used by two files`);
      namespaces.add(file.namespace);
      const parsed = ParameterFile.safeParse(file.data);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) {
          issues.push(`${file.namespace}: ${issue.path.join('.') || '(file)'}: ${describeIssue(issue)}`);
        }
        continue;
      }
      for (const [key, definition] of Object.entries(parsed.data.parameters)) {
        definitions.set(`${file.namespace}.${key}`, definition);
      }
    }
    if (issues.length > 0) throw new ParameterFileError('Parameter files are not valid:', issues);
    return new ParameterSet(definitions);
  }

  names(): string[] {
    return [...this.byName.keys()].sort();
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  definition(name: string): ParameterDefinition {
    return this.get(name).definition;
  }

  /** The value in force on `date` (a day number or 'YYYY-MM-DD'); throws when none is. */
  at(name: string, date: number | string): ParameterInForce {
    const parameter = this.get(name);
    const day = typeof date === 'number' ? date : dayOf(date);
    const i = indexInForce(parameter.fromDays, day);
    const v = parameter.definition.values[i];
    if (v === undefined) {
      throw new ParameterError(`Parameter ${name} has no value in force on ${isoOfDay(day)}`, name);
    }
    return {
      name,
      value: typeof v.value === 'boolean' ? (v.value ? 1 : 0) : v.value,
      raw: v.value,
      unit: parameter.definition.unit,
      from: v.from,
      reference: v.reference,
      unverified: v.unverified === true,
      note: v.note,
      label: parameter.definition.label,
      description: parameter.definition.description,
    };
  }

  /** The first parameter (by name) with no value in force on `date`; undefined when every one has one. */
  missingOn(date: number | string): string | undefined {
    const day = typeof date === 'number' ? date : dayOf(date);
    return this.names().find((name) => indexInForce(this.get(name).fromDays, day) < 0);
  }

  /** The number in force on a day (booleans as 1 or 0). */
  valueAt(name: string, day: number): number {
    return this.at(name, day).value;
  }

  /** A new set with some values changed (what-if simulations); the original is untouched. */
  withOverrides(overrides: readonly ParameterOverride[]): ParameterSet {
    const definitions = new Map<string, ParameterDefinition>();
    for (const [name, p] of this.byName) definitions.set(name, p.definition);
    for (const o of overrides) {
      const current = this.get(o.name).definition;
      const from = o.from ?? '0001-01-01';
      const value: ParameterValue = {
        from,
        value: o.value,
        reference: {
          act: {
            'uz-Latn': 'Simulyatsiya qilingan o’zgarish (amalda emas)',
            ru: 'Моделируемое изменение (не действует)',
            en: 'Simulated change (not in force)',
          },
          source: o.note ?? 'what-if simulation',
        },
      };
      const candidate = { ...current, values: [...current.values.filter((v) => v.from < from), value] };
      const parsed = ParameterDefinition.safeParse(candidate);
      if (!parsed.success) {
        throw new ParameterFileError(
          `Override of ${o.name} is not valid:`,
          parsed.error.issues.map((i) => i.message),
        );
      }
      definitions.set(o.name, parsed.data);
    }
    return new ParameterSet(definitions);
  }

  /** SHA-256 of the whole set in a canonical form: stored with decisions to show which rules decided. */
  get digest(): string {
    if (this.digestCache === undefined) {
      const canonical = this.names().map((name) => [name, this.get(name).definition]);
      this.digestCache = createHash('sha256').update(stableStringify(canonical)).digest('hex');
    }
    return this.digestCache;
  }

  private get(name: string): CompiledParameter {
    const parameter = this.byName.get(name);
    if (!parameter) throw new ParameterError(`Unknown parameter: ${name}`, name);
    return parameter;
  }
}

/** The issue's message, with the messages of nested issues (an invalid record key says why it is invalid). */
function describeIssue(issue: z.core.$ZodIssue): string {
  const nested = 'issues' in issue && Array.isArray(issue.issues) ? issue.issues : [];
  const details = nested
    .map((n: { message?: string }) => n.message)
    .filter((m): m is string => m !== undefined);
  return details.length > 0 ? `${issue.message} (${details.join('; ')})` : issue.message;
}

function indexInForce(fromDays: readonly number[], day: number): number {
  for (let i = fromDays.length - 1; i >= 0; i--) {
    if ((fromDays[i] ?? Number.POSITIVE_INFINITY) <= day) return i;
  }
  return -1;
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
