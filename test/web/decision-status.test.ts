import { describe, expect, it } from 'vitest';
import { currentDecisionIds } from '../../web/src/pages/decision-status.ts';

describe('currentDecisionIds', () => {
  it('keeps the latest decision per programme, by month then id', () => {
    const current = currentDecisionIds([
      { id: 1, programme: 'child_benefit', month: '2026-11' },
      { id: 7, programme: 'child_benefit', month: '2026-12' },
      // An override written later for the same month replaces the run's decision.
      { id: 9, programme: 'child_benefit', month: '2026-12' },
      { id: 3, programme: 'material_assistance', month: '2026-12' },
      // Written later but for an earlier month: the December decision still holds.
      { id: 12, programme: 'material_assistance', month: '2026-10' },
    ]);
    expect([...current].sort((a, b) => a - b)).toEqual([3, 9]);
  });

  it('is empty for no decisions', () => {
    expect(currentDecisionIds([]).size).toBe(0);
  });
});
