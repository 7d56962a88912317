import { describe, expect, it } from 'vitest';
import { defaultParameters, PARAMETER_FILES } from '../programs/index.ts';
import { parameterAt } from './index.ts';
import { ParameterError, ParameterFileError, ParameterSet, parameterFile } from './parameters.ts';

const reference = { act: { 'uz-Latn': 'Hujjat', ru: 'Акт', en: 'Act' }, source: 'test data' };
const label = { 'uz-Latn': 'Qiymat', ru: 'Значение', en: 'Value' };

function file(parameters: Record<string, unknown>) {
  return parameterFile('test', { parameters });
}

describe('parameters', () => {
  it('the reviewed files are valid and every value cites an act', () => {
    const set = defaultParameters();
    expect(set.names().length).toBeGreaterThan(30);
    for (const f of PARAMETER_FILES) {
      for (const name of Object.values(f.names)) expect(set.has(name)).toBe(true);
    }
  });

  it('uses the value in force on the date', () => {
    expect(parameterAt('common.mce', '2025-12-31').value).toBe(669_000);
    expect(parameterAt('common.mce', '2026-01-01').value).toBe(715_000);
    expect(parameterAt('child_allowance.first_child_under_3', '2025-06-30').value).toBe(325_000);
    const july = parameterAt('child_allowance.first_child_under_3', '2025-07-01');
    expect(july).toMatchObject({ value: 360_000, from: '2025-07-01', unverified: false });
    expect(parameterAt('child_allowance.first_child_3_to_18', '2025-07-01')).toMatchObject({
      value: 250_000,
      unverified: true,
    });
    expect(parameterAt('common.minimum_wage', '2026-03-01')).toMatchObject({
      value: 1_271_000,
      unverified: true,
    });
    expect(parameterAt('exclusion.recent_car_applies', '2026-03-01')).toMatchObject({ value: 1, raw: true });
    expect(() => parameterAt('social_registry.borderline_limit_share', '2026-01-31')).toThrow(ParameterError);
    expect(() => parameterAt('common.no_such_thing', '2026-01-01')).toThrow('Unknown parameter');
  });

  it('marks every value the brief calls unverified', () => {
    const set = defaultParameters();
    const unverified = (name: string, date: string) => set.at(name, date).unverified;
    expect(unverified('common.minimum_wage', '2026-01-01')).toBe(true);
    for (const name of set.names().filter((n) => n.startsWith('exclusion.')))
      expect(unverified(name, '2026-03-01')).toBe(true);
    expect(unverified('child_allowance.second_child_supplement', '2026-03-01')).toBe(true);
    expect(unverified('child_allowance.first_child_under_3', '2026-03-01')).toBe(false);
    expect(unverified('common.mce', '2026-03-01')).toBe(false);
  });

  it('rejects invalid files, naming every problem', () => {
    const bad = file({
      unsorted: {
        label,
        description: 'values out of order',
        unit: 'som',
        values: [
          { from: '2026-01-01', value: 1, reference },
          { from: '2025-01-01', value: 2, reference },
        ],
      },
      unverified_without_note: {
        label,
        description: 'no note',
        unit: 'count',
        values: [{ from: '2026-01-01', value: 1, reference, unverified: true }],
      },
      wrong_type: {
        label,
        description: 'a number for a switch',
        unit: 'boolean',
        values: [{ from: '2026-01-01', value: 1, reference }],
      },
      no_reference: {
        label,
        description: 'uncited',
        unit: 'count',
        values: [{ from: '2026-01-01', value: 1 }],
      },
      'Bad-Key': {
        label,
        description: 'key',
        unit: 'count',
        values: [{ from: '2026-01-01', value: 1, reference }],
      },
    });
    try {
      ParameterSet.fromFiles([bad]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ParameterFileError);
      const issues = (error as ParameterFileError).issues.join('\n');
      expect(issues).toContain('strictly increasing');
      expect(issues).toContain('unverified value needs a note');
      expect(issues).toContain('boolean values go with unit');
      expect(issues).toContain('no_reference.values.0.reference');
      expect(issues).toContain('snake_case');
    }
  });

  it('overrides values for simulations without touching the reviewed set', () => {
    const base = defaultParameters();
    const simulated = base.withOverrides([
      { name: 'common.mce', value: 858_000, from: '2026-03-01', note: 'MCE x 1.2' },
    ]);
    expect(simulated.at('common.mce', '2026-02-01').value).toBe(715_000);
    expect(simulated.at('common.mce', '2026-03-01')).toMatchObject({ value: 858_000, from: '2026-03-01' });
    expect(simulated.at('common.mce', '2026-03-01').reference.act.en).toContain('Simulated');
    expect(base.at('common.mce', '2026-03-01').value).toBe(715_000);
    expect(simulated.digest).not.toBe(base.digest);
    expect(ParameterSet.fromFiles(PARAMETER_FILES).digest).toBe(base.digest);
    expect(() => base.withOverrides([{ name: 'exclusion.recent_car_applies', value: 3 }])).toThrow(
      ParameterFileError,
    );
  });
});
