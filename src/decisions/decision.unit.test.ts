import { describe, expect, it } from 'vitest';
import { CliUsageError } from '../cli/command.ts';
import { DomainError } from '../platform/errors.ts';
import { defaultParameters } from '../rules/index.ts';
import { parseSet } from './decision.command.ts';
import { checkMonth, decisionKind, type Outcome } from './decision.service.ts';
import { overridesFor } from './simulation.service.ts';

const off: Outcome = { entitled: false, category: 'none', amount: 0 };
const on = (amount: number, category = 'poor'): Outcome => ({ entitled: true, category, amount });

describe('decisionKind', () => {
  it('grants, ends, changes, or leaves alone', () => {
    expect(decisionKind(off, on(250_000))).toBe('granted');
    expect(decisionKind(on(250_000), off)).toBe('ended');
    expect(decisionKind(on(250_000), on(400_000))).toBe('amount_changed');
    expect(decisionKind(on(750, 'borderline'), on(750, 'poor'))).toBe('amount_changed');
    expect(decisionKind(on(250_000), on(250_000))).toBeUndefined();
    expect(decisionKind(off, off)).toBeUndefined();
  });
});

describe('checkMonth', () => {
  it('accepts YYYY-MM only', () => {
    expect(checkMonth('2026-03').key).toBe('2026-03');
    for (const bad of ['2026-3', '2026-13', '2026-00', 'March', '2026-03-01']) {
      expect(() => checkMonth(bad)).toThrow(DomainError);
    }
  });
});

describe('simulation overrides', () => {
  it('scales a so’m value by a factor from the first day of the month', () => {
    const { overrides, parameters } = overridesFor({
      month: '2026-03',
      changes: [{ parameter: 'common.mce', factor: 1.2 }],
    });
    const mce = defaultParameters().at('common.mce', '2026-03-01').value;
    expect(overrides).toEqual([
      { name: 'common.mce', value: Math.round(mce * 1.2), from: '2026-03-01', note: 'what-if simulation' },
    ]);
    expect(parameters.at('common.mce', '2026-03-01').value).toBe(Math.round(mce * 1.2));
    expect(parameters.at('common.mce', '2026-02-01').value).toBe(
      defaultParameters().at('common.mce', '2026-02-01').value,
    );
    expect(parameters.digest).not.toBe(defaultParameters().digest);
  });

  it('names an unknown parameter', () => {
    try {
      overridesFor({ month: '2026-03', changes: [{ parameter: 'common.nope', value: 1 }] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('SIMULATION_PARAMETER_UNKNOWN');
      expect((error as DomainError).details).toEqual({ parameter: 'common.nope' });
    }
  });
});

describe('--set', () => {
  it('reads factors, values and switches', () => {
    expect(parseSet('common.mce=*1.2')).toEqual({ parameter: 'common.mce', factor: 1.2 });
    expect(parseSet('common.mce=858000')).toEqual({ parameter: 'common.mce', value: 858000 });
    expect(parseSet('exclusion.dwellings_applies=false')).toEqual({
      parameter: 'exclusion.dwellings_applies',
      value: false,
    });
    for (const bad of ['common.mce', 'common.mce=*x', '=1', 'x=*true']) {
      expect(() => parseSet(bad)).toThrow(CliUsageError);
    }
  });
});
