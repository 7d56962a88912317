import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoOfDay, monthOfIndex, parseMonth } from '../rules/dates.ts';
import { evaluatePopulation } from '../rules/engine.ts';
import { explainHousehold } from '../rules/explain.ts';
import {
  type HouseholdSituation,
  type PersonSituation,
  populationFromSituations,
} from '../rules/population.builder.ts';
import { membersOf, type PopulationColumns } from '../rules/population.ts';
import { defaultParameters, PROGRAMMES, VARIABLES } from './index.ts';

/**
 * The vector path (`evaluate`) and the scalar path (`explain`) are two implementations of every formula;
 * on random populations they must give identical values for every variable the trace contains, for months
 * on both sides of every dated change (July 2025, January 2026, February 2026).
 */

const FIRST_MONTH = parseMonth('2025-05').index;
const LAST_MONTH = parseMonth('2026-12').index;
const DAY_2024 = parseMonth('2024-01').firstDay;
const DAY_2027 = parseMonth('2027-01').firstDay;

const date = (from: number, to: number) => fc.integer({ min: from, max: to }).map(isoOfDay);

/** Monthly incomes concentrated on the thresholds (MCE 2025/2026 and its 1.25 / 1.5 multiples) and around them. */
const income = fc.oneof(
  fc.constantFrom(0, 669_000, 715_000, 836_250, 893_750, 1_003_500, 1_072_500, 1_271_000),
  fc.integer({ min: 0, max: 6_000_000 }),
  fc.integer({ min: 700_000, max: 1_100_000 }),
);

const person = (id: string): fc.Arbitrary<PersonSituation> =>
  fc
    .record({
      role: fc.constantFrom('head', 'spouse', 'child', 'other'),
      sex: fc.constantFrom('M', 'F'),
      // Many birthdays near the 3rd, 18th, 55th and 60th birthdays in the months evaluated.
      birthDate: fc.oneof(
        date(parseMonth('1940-01').firstDay, DAY_2027 - 1),
        date(parseMonth('2007-01').firstDay, parseMonth('2009-06').firstDay),
        date(parseMonth('2022-01').firstDay, parseMonth('2024-06').firstDay),
        date(parseMonth('1965-01').firstDay, parseMonth('1972-01').firstDay),
      ),
      death: fc.option(date(DAY_2024, DAY_2027), { freq: 8 }),
      memberFrom: fc.option(date(DAY_2024, DAY_2027), { freq: 6 }),
      disability: fc.option(fc.constantFrom('I', 'II', 'III', 'child'), { freq: 4 }),
      employment: fc.constantFrom(
        'none',
        'child',
        'student',
        'employed_formal',
        'employed_informal',
        'self_employed',
        'unemployed',
        'retired',
        'homemaker',
        'military',
      ),
      sector: fc.option(fc.constantFrom('public', 'private', 'security'), { freq: 2 }),
      start: fc.option(date(DAY_2024, DAY_2027), { freq: 2 }),
      monthly: income,
      partial: fc.option(fc.record({ monthly: income, from: date(DAY_2024, DAY_2027) }), { freq: 4 }),
      vehicles: fc.array(fc.integer({ min: 1995, max: 2026 }), { maxLength: 2 }),
      deposits: fc.oneof(fc.constant(0), fc.constant(6_355_000), fc.integer({ min: 0, max: 10_000_000 })),
    })
    .map((p) => ({
      id,
      role: p.role,
      sex: p.sex,
      birthDate: p.birthDate,
      ...(p.death !== null && p.death > p.birthDate ? { deathDate: p.death } : {}),
      ...(p.memberFrom !== null ? { memberFrom: p.memberFrom } : {}),
      ...(p.disability !== null ? { disability: p.disability } : {}),
      employment: p.employment,
      ...(p.sector !== null ? { sector: p.sector } : {}),
      ...(p.start !== null ? { formalEmploymentStart: p.start } : {}),
      monthlyIncome: p.monthly,
      incomes: p.partial !== null ? [p.partial] : [],
      vehicles: p.vehicles,
      deposits: p.deposits,
    }));

const household = (index: number): fc.Arbitrary<HouseholdSituation> =>
  fc
    .record({
      size: fc.integer({ min: 1, max: 8 }),
      district: fc.constantFrom('1733204', '1733217', '1733401', '1733406'),
      residentialDwellings: fc.constantFrom(0, 1, 1, 1, 2),
      nonResidentialProperties: fc.constantFrom(0, 0, 0, 1),
      previousCategory: fc.constantFrom('none', 'state_supported', 'poor', 'borderline'),
      mahallaHardship: fc.boolean(),
    })
    .chain((h) =>
      fc.tuple(...Array.from({ length: h.size }, (_, i) => person(`h${index}p${i}`))).map((members) => ({
        id: `h${index}`,
        district: h.district,
        residentialDwellings: h.residentialDwellings,
        nonResidentialProperties: h.nonResidentialProperties,
        previousCategory: h.previousCategory,
        mahallaHardship: h.mahallaHardship,
        // The first member is always present, so that households are rarely empty.
        members: members.map((m, i) => (i === 0 ? { ...m, memberFrom: undefined, deathDate: undefined } : m)),
      })),
    );

const population = fc.record({
  month: fc.integer({ min: FIRST_MONTH, max: LAST_MONTH }).map((i) => monthOfIndex(i).key),
  households: fc
    .integer({ min: 1, max: 30 })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => household(i)))),
});

/** Every variable of every household's trace against the vectorised arrays; returns the differences. */
function disagreements(columns: PopulationColumns, month: string): string[] {
  const parameters = defaultParameters();
  const result = evaluatePopulation(columns, month, PROGRAMMES, { parameters, keepIntermediates: true });
  const problems: string[] = [];
  for (let h = 0; h < columns.householdCount; h++) {
    const trace = explainHousehold(columns, h, month, PROGRAMMES, { parameters });
    const members = membersOf(columns, h);
    for (const [name, node] of Object.entries(trace.variables)) {
      const vector = result.values.get(name);
      if (!vector) {
        problems.push(`${name}: computed by explain but not by evaluate`);
        continue;
      }
      const expected = Array.isArray(node.value) ? members.map((p) => vector[p]) : vector[h];
      if (!Object.is(JSON.stringify(expected), JSON.stringify(node.value))) {
        problems.push(
          `${month} household ${h} ${name}: vector ${JSON.stringify(expected)} scalar ${JSON.stringify(node.value)}`,
        );
      }
    }
    for (const [name, value] of Object.entries(trace.outputs)) {
      if (result.values.get(name)?.[h] !== value)
        problems.push(`${month} household ${h} output ${name} differs`);
    }
  }
  return problems;
}

/** The same population with persons in a scrambled order: aggregation by index must not care. */
function shuffled(columns: PopulationColumns, seed: number): PopulationColumns {
  const n = columns.personCount;
  const order = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0 || 1;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
    const j = s % (i + 1);
    [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
  }
  const person = Object.fromEntries(
    Object.entries(columns.person).map(([name, column]) => {
      const out = new (column.constructor as new (length: number) => typeof column)(n);
      order.forEach((from, to) => {
        out[to] = column[from] ?? 0;
      });
      return [name, out];
    }),
  ) as unknown as PopulationColumns['person'];
  const personIds = columns.personIds ? order.map((from) => columns.personIds?.at(from) ?? '') : undefined;
  return { ...columns, person, ...(personIds ? { personIds } : {}) };
}

describe('vector and scalar paths agree', () => {
  it('on random populations, for every variable in every trace', () => {
    fc.assert(
      fc.property(population, ({ month, households }) => {
        // Households whose members all left or died before the month are dropped by the builder.
        const columns = populationFromSituations(
          households.filter((h) => h.members.length > 0),
          month,
        );
        expect(disagreements(columns, month)).toEqual([]);
      }),
      { numRuns: 150, seed: 20_260_301 },
    );
  });

  it('whatever the order of persons in the columns', () => {
    fc.assert(
      fc.property(population, fc.integer({ min: 1, max: 1_000_000 }), ({ month, households }, seed) => {
        const columns = populationFromSituations(households, month);
        const scrambled = shuffled(columns, seed);
        const parameters = defaultParameters();
        const a = evaluatePopulation(columns, month, PROGRAMMES, { parameters });
        const b = evaluatePopulation(scrambled, month, PROGRAMMES, { parameters });
        for (const [name, values] of a.values)
          expect(Array.from(b.values.get(name) ?? []), name).toEqual(Array.from(values));
        expect(disagreements(scrambled, month)).toEqual([]);
      }),
      { numRuns: 40, seed: 7 },
    );
  });

  it('every variable of the catalogue is reached by some trace', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(population, ({ month, households }) => {
        const columns = populationFromSituations(households, month);
        for (let h = 0; h < columns.householdCount; h++) {
          const trace = explainHousehold(columns, h, month, PROGRAMMES, { parameters: defaultParameters() });
          for (const name of Object.keys(trace.variables)) seen.add(name);
        }
      }),
      { numRuns: 60, seed: 11 },
    );
    expect([...VARIABLES.keys()].filter((name) => !seen.has(name))).toEqual([]);
  });
});
