import { describe, expect, it } from 'vitest';
import { defaultParameters } from '../index.ts';
import { CATEGORY } from './rules.ts';
import { applicationTimeline, assignmentPeriod } from './timeline.ts';

describe('application cut-off and assignment periods', () => {
  const parameters = defaultParameters();

  it('decides applications made by the 16th in the same month, later ones the next month; pays the month after', () => {
    expect(applicationTimeline('2026-03-16', parameters)).toMatchObject({
      cutoffDay: 16,
      decisionMonth: '2026-03',
      firstPaymentMonth: '2026-04',
      paymentWindow: { firstDay: 4, lastDay: 27 },
    });
    expect(applicationTimeline('2026-03-17', parameters)).toMatchObject({
      decisionMonth: '2026-04',
      firstPaymentMonth: '2026-05',
    });
    expect(applicationTimeline('2026-12-31', parameters)).toMatchObject({
      decisionMonth: '2027-01',
      firstPaymentMonth: '2027-02',
    });
    expect(applicationTimeline('2026-03-01', parameters).parameters.map((p) => p.name)).toContain(
      'social_registry.application_cutoff_day',
    );
  });

  it('has no cut-off before the Social Registry rules of February 2026', () => {
    expect(() => applicationTimeline('2026-01-10', parameters)).toThrow('no value in force');
  });

  it('runs assignments for 12 (state-supported), 6 (poor) and 6 paid months (borderline)', () => {
    expect(assignmentPeriod(CATEGORY.state_supported, '2026-03', parameters)).toMatchObject({
      months: 12,
      firstPaymentMonth: '2026-04',
      lastPaymentMonth: '2027-03',
      reassessmentMonth: '2027-03',
    });
    expect(assignmentPeriod(CATEGORY.poor, '2026-03', parameters)).toMatchObject({
      months: 6,
      lastPaymentMonth: '2026-09',
    });
    expect(assignmentPeriod(CATEGORY.borderline, '2026-11', parameters)).toMatchObject({
      months: 6,
      firstPaymentMonth: '2026-12',
      lastPaymentMonth: '2027-05',
    });
    expect(assignmentPeriod(CATEGORY.none, '2026-03', parameters)).toBeNull();
  });
});
