import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { evaluatePopulation } from '../rules/engine.ts';
import { explainHousehold } from '../rules/explain.ts';
import type { ParameterSet } from '../rules/parameters.ts';
import { HouseholdSituation, populationFromSituations } from '../rules/population.builder.ts';
import { membersOf } from '../rules/population.ts';
import type { AnyVariable } from '../rules/variables.ts';
import { defaultParameters, PROGRAMMES, VARIABLES } from './index.ts';

/**
 * Rule test cases as data: `src/programs/<programme>/cases/*.cases.json`. A case is a situation (one or
 * more households) and what the rules must give for it in one or more months. Each check is verified on
 * both the vector path (`evaluate`) and the scalar path (`explain`).
 */

const Expected = z.union([z.number(), z.boolean(), z.string(), z.array(z.string())]);

export const Check = z
  .object({
    month: z.string().regex(/^\d{4}-\d{2}$/),
    /** Household id; defaults to the case's only (or first) household. */
    household: z.string().optional(),
    /** The household has no members on the first day of the month, so it is not in the population. */
    absent: z.literal(true).optional(),
    /** District code the household is counted in. */
    district: z.string().optional(),
    /** Household variables: numbers, booleans, enum keys, or lists of flag keys. */
    values: z.record(z.string(), Expected).default({}),
    /** Person variables by person id. */
    members: z.record(z.string(), z.record(z.string(), Expected)).default({}),
  })
  .strict();

export const Case = z
  .object({
    name: z.string().min(3),
    /** The rule and act the case is about, for readers. */
    rule: z.string().optional(),
    household: HouseholdSituation.optional(),
    households: z.array(HouseholdSituation).optional(),
    /** What-if values replacing the reviewed ones for this case (configurable filters, say). */
    parameters: z
      .array(
        z.object({
          name: z.string(),
          value: z.union([z.number(), z.boolean()]),
          from: z.string().optional(),
        }),
      )
      .optional(),
    /** Shorthand for one check: month + expected household values. */
    month: z.string().optional(),
    expect: z.record(z.string(), Expected).optional(),
    checks: z.array(Check).optional(),
  })
  .strict()
  .refine((c) => (c.household === undefined) !== (c.households === undefined), {
    message: 'give either `household` or `households`',
  })
  .refine((c) => (c.month !== undefined && c.expect !== undefined) || c.checks !== undefined, {
    message: 'give `month` and `expect`, or `checks`',
  });
export type Case = z.output<typeof Case>;

export const CaseFile = z.object({ $comment: z.string().optional(), cases: z.array(Case).min(1) }).strict();

export interface LoadedCaseFile {
  readonly file: string;
  readonly cases: readonly Case[];
}

const PROGRAMS_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Every case file under the programme folders, validated. */
export function loadCaseFiles(): LoadedCaseFile[] {
  const files: LoadedCaseFile[] = [];
  for (const folder of readdirSync(PROGRAMS_DIR, { withFileTypes: true })) {
    if (!folder.isDirectory()) continue;
    const dir = join(PROGRAMS_DIR, folder.name, 'cases');
    let names: string[];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.cases.json'));
    } catch {
      continue;
    }
    for (const name of names.sort()) {
      const file = `${folder.name}/cases/${name}`;
      const parsed = CaseFile.safeParse(JSON.parse(readFileSync(join(dir, name), 'utf8')));
      if (!parsed.success) {
        throw new Error(
          `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
        );
      }
      files.push({ file, cases: parsed.data.cases });
    }
  }
  return files;
}

export interface Mismatch {
  readonly month: string;
  readonly household: string;
  readonly person?: string;
  readonly variable: string;
  readonly path: 'vector' | 'scalar' | 'population';
  readonly expected: unknown;
  readonly actual: unknown;
}

/** Runs one case; returns every difference from the expectations (empty = pass). */
export function runCase(c: Case): Mismatch[] {
  const situations = c.households ?? (c.household ? [c.household] : []);
  const defaultHousehold = situations[0]?.id ?? '';
  const checks = c.checks ?? [{ month: c.month ?? '', values: c.expect ?? {}, members: {} }];
  const parameters: ParameterSet = c.parameters
    ? defaultParameters().withOverrides(c.parameters)
    : defaultParameters();
  const mismatches: Mismatch[] = [];

  for (const check of checks) {
    const householdId = check.household ?? defaultHousehold;
    const population = populationFromSituations(situations, check.month);
    const h = population.householdIds?.indexOf(householdId) ?? -1;
    const base = { month: check.month, household: householdId };
    if (check.absent) {
      if (h >= 0)
        mismatches.push({
          ...base,
          variable: '(presence)',
          path: 'population',
          expected: 'absent',
          actual: 'present',
        });
      continue;
    }
    if (h < 0) {
      mismatches.push({
        ...base,
        variable: '(presence)',
        path: 'population',
        expected: 'present',
        actual: 'absent',
      });
      continue;
    }
    if (check.district !== undefined) {
      const actual = population.districts[population.household.district[h] ?? -1];
      if (actual !== check.district) {
        mismatches.push({
          ...base,
          variable: '(district)',
          path: 'population',
          expected: check.district,
          actual,
        });
      }
    }
    const result = evaluatePopulation(population, check.month, PROGRAMMES, {
      parameters,
      keepIntermediates: true,
    });
    const trace = explainHousehold(population, h, check.month, PROGRAMMES, { parameters });
    const members = membersOf(population, h);

    const compare = (name: string, expectedRaw: z.infer<typeof Expected>, person: string | undefined) => {
      const variable = VARIABLES.get(name);
      if (!variable) {
        mismatches.push({
          ...base,
          variable: name,
          path: 'population',
          expected: expectedRaw,
          actual: 'unknown variable',
        });
        return;
      }
      const expected = expectedNumber(variable, expectedRaw);
      const personIndex = person === undefined ? -1 : (population.personIds?.indexOf(person) ?? -1);
      const row = person === undefined ? h : personIndex;
      const withPerson = person === undefined ? {} : { person };
      if (person !== undefined && (personIndex < 0 || !members.includes(personIndex))) {
        mismatches.push({
          ...base,
          ...withPerson,
          variable: name,
          path: 'population',
          expected,
          actual: 'not a member',
        });
        return;
      }
      const vector = result.values.get(name)?.[row];
      if (vector !== expected) {
        mismatches.push({ ...base, ...withPerson, variable: name, path: 'vector', expected, actual: vector });
      }
      const node = trace.variables[name];
      const scalar = Array.isArray(node?.value) ? node.value[members.indexOf(personIndex)] : node?.value;
      if (node !== undefined && scalar !== expected) {
        mismatches.push({ ...base, ...withPerson, variable: name, path: 'scalar', expected, actual: scalar });
      }
    };
    for (const [name, expected] of Object.entries(check.values)) compare(name, expected, undefined);
    for (const [person, values] of Object.entries(check.members)) {
      for (const [name, expected] of Object.entries(values)) compare(name, expected, person);
    }
  }
  return mismatches;
}

function expectedNumber(variable: AnyVariable, value: z.infer<typeof Expected>): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  const keys = Array.isArray(value) ? value : [value];
  let code = 0;
  for (const key of keys) {
    const entry = variable.values?.find((v) => v.key === key);
    if (!entry) throw new RangeError(`${variable.name} has no value '${key}'`);
    code = variable.unit === 'flags' ? code | entry.code : entry.code;
  }
  return code;
}
