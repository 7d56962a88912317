import { describe, expect, it } from 'vitest';
import { defaultParameters } from '../programs/index.ts';
import { RECENTLY_EMPLOYED } from '../programs/social-registry/variables.ts';
import { evaluatePopulation, householdArray } from './engine.ts';
import { explainHousehold } from './explain.ts';
import { populationFromSituations } from './population.builder.ts';
import {
  defineVariable,
  FormulaError,
  type Programme,
  type Variable,
  type VectorContext,
} from './variables.ts';

/** The engine on its own, with small made-up variables. */
const population = populationFromSituations(
  [
    {
      id: 'a',
      members: [
        { id: 'a1', sex: 'M', birthDate: '1980-01-01', monthlyIncome: 100, vehicles: [2001] },
        { id: 'a2', sex: 'F', birthDate: '2010-01-01', monthlyIncome: 50, vehicles: [2015, 2003] },
      ],
    },
    { id: 'b', members: [{ id: 'b1', sex: 'F', birthDate: '1990-01-01' }] },
  ],
  '2026-03',
);

const adult = defineVariable({
  name: 'test.adult',
  entity: 'person',
  dtype: 'u8',
  unit: 'boolean',
  label: { 'uz-Latn': 'Katta', ru: 'Взрослый', en: 'Adult' },
  description: 'born before 2000',
  versions: [
    {
      from: '2000-01-01',
      vector: (ctx) => {
        const out = new Uint8Array(ctx.personCount);
        ctx.population.person.birthDay.forEach((b, i) => {
          out[i] = b < 10_957 ? 1 : 0;
        });
        return out;
      },
      scalar: (ctx) => (ctx.input('birthDay') < 10_957 ? 1 : 0),
    },
  ],
});

const aggregation = (name: string, vector: (ctx: VectorContext) => Float64Array) =>
  defineVariable({
    name,
    entity: 'household',
    dtype: 'f64',
    unit: 'number',
    label: { 'uz-Latn': 'x', ru: 'x', en: 'x' },
    description: 'aggregation under test',
    versions: [{ from: '2000-01-01', vector, scalar: () => 0 }],
  });

const aggregates = [
  aggregation('test.count_all', (ctx) => Float64Array.from(ctx.countMembers())),
  aggregation('test.count_adults', (ctx) => Float64Array.from(ctx.countMembers(ctx.get(adult)))),
  aggregation('test.income', (ctx) => ctx.sumMembers(ctx.population.person.income3m)),
  aggregation('test.any_adult', (ctx) => Float64Array.from(ctx.anyMember(ctx.get(adult)))),
  aggregation('test.newest_car', (ctx) =>
    Float64Array.from(ctx.maxMember(ctx.population.person.newestVehicleYear, -1)),
  ),
  aggregation('test.cars_of_minors', (ctx) =>
    Float64Array.from(
      ctx.maxMember(
        ctx.population.person.vehicles,
        -1,
        ctx.get(adult).map((v) => 1 - v),
      ),
    ),
  ),
];

const programme = (outputs: readonly Variable<'f64' | 'u8' | 'i32', 'household'>[]): Programme => ({
  id: 'test',
  label: { 'uz-Latn': 'Sinov', ru: 'Тест', en: 'Test' },
  outputs,
  variables: outputs,
});

describe('engine', () => {
  const parameters = defaultParameters();

  it('aggregates member values into households by index', () => {
    const result = evaluatePopulation(population, '2026-03', [programme(aggregates)], { parameters });
    const column = (name: string) => Array.from(result.values.get(name) ?? []);
    expect(column('test.count_all')).toEqual([2, 1]);
    expect(column('test.count_adults')).toEqual([1, 1]);
    expect(column('test.income')).toEqual([450, 0]);
    expect(column('test.any_adult')).toEqual([1, 1]);
    expect(column('test.newest_car')).toEqual([2015, 0]);
    expect(column('test.cars_of_minors')).toEqual([2, -1]);
    expect(result.parametersDigest).toBe(parameters.digest);
  });

  it('refuses cycles, wrong array types, missing formulas and the wrong month', () => {
    const cyclic: Variable<'u8', 'household'> = defineVariable({
      name: 'test.cyclic',
      entity: 'household',
      dtype: 'u8',
      unit: 'boolean',
      label: { 'uz-Latn': 'x', ru: 'x', en: 'x' },
      description: 'depends on itself',
      versions: [{ from: '2000-01-01', vector: (ctx) => ctx.get(cyclic), scalar: (ctx) => ctx.get(cyclic) }],
    });
    expect(() => evaluatePopulation(population, '2026-03', [programme([cyclic])], { parameters })).toThrow(
      'Circular',
    );
    expect(() => explainHousehold(population, 0, '2026-03', [programme([cyclic])], { parameters })).toThrow(
      'Circular',
    );

    const wrongType = defineVariable({
      name: 'test.wrong_type',
      entity: 'household',
      dtype: 'u8',
      unit: 'boolean',
      label: { 'uz-Latn': 'x', ru: 'x', en: 'x' },
      description: 'returns the wrong array',
      versions: [
        {
          from: '2000-01-01',
          vector: (ctx) => householdArray(ctx, 'f64') as unknown as Uint8Array,
          scalar: () => 0,
        },
      ],
    });
    expect(() => evaluatePopulation(population, '2026-03', [programme([wrongType])], { parameters })).toThrow(
      FormulaError,
    );

    const grace = defineVariable({
      name: 'test.grace_count',
      entity: 'household',
      dtype: 'i32',
      unit: 'count',
      label: { 'uz-Latn': 'x', ru: 'x', en: 'x' },
      description: 'reads a variable that starts in February 2026',
      versions: [
        {
          from: '2000-01-01',
          vector: (ctx) => ctx.countMembers(ctx.get(RECENTLY_EMPLOYED)),
          scalar: () => 0,
        },
      ],
    });
    expect(() =>
      evaluatePopulation(population, '2026-03', [programme([grace])], { parameters }),
    ).not.toThrow();
    const december = populationFromSituations(
      [{ id: 'x', members: [{ id: 'x1', sex: 'M', birthDate: '1990-01-01' }] }],
      '2025-12',
    );
    expect(() => evaluatePopulation(december, '2025-12', [programme([grace])], { parameters })).toThrow(
      'no formula in force on 2025-12-01',
    );
    expect(() => evaluatePopulation(population, '2026-04', [programme(aggregates)], { parameters })).toThrow(
      'describes 2026-03',
    );
  });

  it('rejects variables with bad names or versions out of order', () => {
    const base = {
      entity: 'household' as const,
      dtype: 'u8' as const,
      unit: 'boolean' as const,
      label: { 'uz-Latn': 'x', ru: 'x', en: 'x' },
      description: 'x',
    };
    const version = (from: string) => ({ from, vector: () => new Uint8Array(0), scalar: () => 0 });
    expect(() =>
      defineVariable({ ...base, name: 'NoNamespace', versions: [version('2020-01-01')] }),
    ).toThrow();
    expect(() =>
      defineVariable({
        ...base,
        name: 'test.order',
        versions: [version('2026-01-01'), version('2021-01-01')],
      }),
    ).toThrow('increasing date order');
  });
});
