import { describe, expect, it } from 'vitest';
import { defaultParameters, describe as describeTrace, explain, PROGRAMMES, VARIABLES } from './index.ts';
import { populationFromSituations } from './population.builder.ts';

const population = populationFromSituations(
  [
    {
      id: 'family',
      district: '1733212',
      members: [
        {
          id: 'p-head',
          role: 'head',
          sex: 'M',
          birthDate: '1984-05-01',
          employment: 'employed_informal',
          monthlyIncome: 1_500_000,
        },
        { id: 'p-spouse', role: 'spouse', sex: 'F', birthDate: '1987-03-01', employment: 'homemaker' },
        { id: 'p-baby', role: 'child', sex: 'F', birthDate: '2024-03-15' },
      ],
    },
  ],
  '2026-03',
);

describe('trace', () => {
  const trace = explain(population, 0, '2026-03');

  it('is plain JSON that survives a round trip', () => {
    expect(JSON.parse(JSON.stringify(trace))).toEqual(trace);
    expect(trace).toMatchObject({
      format: 'himoya.trace/1',
      month: '2026-03',
      referenceDate: '2026-03-01',
      household: { index: 0, id: 'family', district: '1733212' },
      programmes: PROGRAMMES.map((p) => p.id),
      parametersDigest: defaultParameters().digest,
    });
    expect(trace.members.map((m) => [m.id, m.role])).toEqual([
      ['p-head', 'head'],
      ['p-spouse', 'spouse'],
      ['p-baby', 'child'],
    ]);
    expect(trace.outputs['social_registry.category']).toBe(2);
    expect(trace.variables['social_registry.category']?.key).toBe('poor');
    expect(trace.outputs['child_allowance.amount']).toBe(360_000);
  });

  it('names every parameter it used with its value, date in force and act', () => {
    const used = new Set(Object.values(trace.variables).flatMap((v) => v.parameters));
    expect([...used].sort()).toEqual(Object.keys(trace.parameters).sort());
    expect(used).toContain('common.mce');
    expect(used).toContain('child_allowance.first_child_under_3');
    for (const p of Object.values(trace.parameters)) {
      const inForce = defaultParameters().at(p.name, '2026-03-01');
      expect(p).toMatchObject({ value: inForce.raw, from: inForce.from, reference: inForce.reference });
      expect(p.reference.act.en.length).toBeGreaterThan(3);
    }
    expect(trace.parameters['common.mce']).toMatchObject({
      value: 715_000,
      from: '2026-01-01',
      unverified: false,
    });
    expect(trace.parameters['common.minimum_wage']).toMatchObject({ unverified: true });
  });

  it('records inputs per member and the formula version in force', () => {
    expect(trace.inputs['person.income3m']?.value).toEqual([4_500_000, 0, 0]);
    expect(trace.variables['common.age']?.value).toEqual([41, 39, 1]);
    expect(trace.variables['social_registry.category']?.formulaFrom).toBe('2026-02-01');
    const december = populationFromSituations(
      [{ id: 'x', members: [{ id: 'x1', sex: 'M', birthDate: '1990-01-01' }] }],
      '2025-12',
    );
    expect(explain(december, 0, '2025-12').variables['social_registry.category']?.formulaFrom).toBe(
      '2021-01-01',
    );
  });

  it('renders in Uzbek (Latin), Russian and English', () => {
    const en = describeTrace(trace, 'en');
    const ru = describeTrace(trace, 'ru');
    const uz = describeTrace(trace, 'uz-Latn');
    expect(en).toContain('Social Registry category: poor family');
    expect(en).toContain('Child allowance (per month): 360,000 so‘m');
    expect(en).toContain('Minimum consumption expenditure (MCE) = 715,000 so‘m');
    expect(en).toContain('in force from 1 January 2026');
    // Reviewers' notes stay in the parameter files; "unverified" is a staff mark, once per rule value.
    expect(en).not.toContain('The brief gives');
    expect(en).not.toContain('unverified');
    const staff = describeTrace(trace, 'en', { audience: 'staff' });
    expect(staff).toContain('Minimum wage = 1,271,000 so‘m');
    expect(staff.match(/Minimum wage = [^\n]*unverified/g)).toHaveLength(1);
    expect(staff).not.toContain('The brief gives');
    expect(ru).toContain('Категория в Социальном реестре: бедная семья');
    expect(ru).toContain('Пособие на детей (в месяц): 360\u202f000 сум');
    expect(ru).toContain('Минимальные потребительские расходы на 2026 год');
    expect(ru).toContain('действует с 1 января 2026');
    expect(uz).toContain('Ijtimoiy reyestr toifasi: kambag’al oila');
    expect(uz).toContain('Bolalar nafaqasi (oyiga): 360\u202f000 so‘m');
    expect(uz).toContain('2026-yil 1-yanvar');
    for (const text of [ru, uz]) expect(text).not.toMatch(/ as published by the Government/);
  });

  it('has labels in every language for every variable and enum value', () => {
    for (const variable of VARIABLES.values()) {
      for (const text of Object.values(variable.label)) expect(text.length).toBeGreaterThan(0);
      for (const value of variable.values ?? [])
        for (const text of Object.values(value.label)) expect(text.length).toBeGreaterThan(0);
    }
  });

  it('refuses a household index or month that is not in the population', () => {
    expect(() => explain(population, 5, '2026-03')).toThrow('No household at index 5');
    expect(() => explain(population, 0, '2026-04')).toThrow('describes 2026-03');
  });
});
