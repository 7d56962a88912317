import { addMonths, civilFromDays, dayOf, type Month, monthOfDay, parseMonth } from '../../rules/dates.ts';
import type { LegalReference, ParameterSet } from '../../rules/parameters.ts';
import { P as SR } from './parameters.ts';
import { assignmentMonths, CATEGORY } from './rules.ts';

/**
 * Dates around an assignment: the 16th-of-month cut-off, the decision month, the first payment month, the
 * payment window and the re-assessment. Each value is taken in force on the first day of the month it
 * concerns (the application’s month for the cut-off, the decision month for the rest), the same rule as
 * evaluation.
 */

export interface CitedValue {
  readonly name: string;
  readonly value: number;
  readonly from: string;
  readonly reference: LegalReference;
}

export interface ApplicationTimeline {
  readonly applicationDate: string;
  /** Applications on or before this day of the month are decided that month. */
  readonly cutoffDay: number;
  /** 'YYYY-MM': the month the application is decided in (and evaluated for). */
  readonly decisionMonth: string;
  /** 'YYYY-MM': the month payment starts, if the decision assigns a category. */
  readonly firstPaymentMonth: string;
  /** Days of the month payments reach the card. */
  readonly paymentWindow: { readonly firstDay: number; readonly lastDay: number };
  readonly parameters: readonly CitedValue[];
}

function cite(parameters: ParameterSet, name: string, month: Month): CitedValue {
  const p = parameters.at(name, month.firstDay);
  return { name, value: p.value, from: p.from, reference: p.reference };
}

/** When an application made on `applicationDate` ('YYYY-MM-DD') is decided and first paid. */
export function applicationTimeline(applicationDate: string, parameters: ParameterSet): ApplicationTimeline {
  const day = dayOf(applicationDate);
  const applied = monthOfDay(day);
  const cutoff = cite(parameters, SR.application_cutoff_day, applied);
  const decision = civilFromDays(day).day <= cutoff.value ? applied : addMonths(applied, 1);
  const offset = cite(parameters, SR.payment_start_offset_months, decision);
  const first = addMonths(decision, offset.value);
  const windowFirst = cite(parameters, SR.payment_window_first_day, first);
  const windowLast = cite(parameters, SR.payment_window_last_day, first);
  return {
    applicationDate,
    cutoffDay: cutoff.value,
    decisionMonth: decision.key,
    firstPaymentMonth: first.key,
    paymentWindow: { firstDay: windowFirst.value, lastDay: windowLast.value },
    parameters: [cutoff, offset, windowFirst, windowLast],
  };
}

export interface AssignmentPeriod {
  readonly category: number;
  /** Months paid before re-assessment (borderline: months paid at all); 0 without a category. */
  readonly months: number;
  readonly firstPaymentMonth: string;
  readonly lastPaymentMonth: string;
  /**
   * Month to decide the re-assessment in: the last paid month, so that a renewed assignment is paid from the
   * month after it without a gap (for borderline families: whether anything follows the 6 paid months).
   */
  readonly reassessmentMonth: string;
  readonly parameters: readonly CitedValue[];
}

/** The period of an assignment of `category` decided in `decisionMonth`. */
export function assignmentPeriod(
  category: number,
  decisionMonth: string | Month,
  parameters: ParameterSet,
): AssignmentPeriod | null {
  if (category === CATEGORY.none) return null;
  const decision = parseMonth(decisionMonth);
  const offset = cite(parameters, SR.payment_start_offset_months, decision);
  const periodName =
    category === CATEGORY.state_supported
      ? SR.reassessment_months_state_supported
      : category === CATEGORY.poor
        ? SR.reassessment_months_poor
        : SR.borderline_payment_months;
  const period = cite(parameters, periodName, decision);
  const months = assignmentMonths(category, period.value, period.value, period.value);
  const first = addMonths(decision, offset.value);
  const last = addMonths(first, months - 1);
  return {
    category,
    months,
    firstPaymentMonth: first.key,
    lastPaymentMonth: last.key,
    reassessmentMonth: last.key,
    parameters: [offset, period],
  };
}
