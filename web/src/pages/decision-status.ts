/** The fields of a decision that say which one is in force. */
export interface DecisionOrder {
  id: number;
  programme: string;
  month: string;
}

/**
 * The decisions in force: per programme, the latest by month and then by id (a later decision, an
 * override or an appeal's outcome, replaces the one before it). Every page that lists a family's
 * decisions marks these as current and the others as replaced, so a page never shows an old and a new
 * decision side by side as if both held.
 */
export function currentDecisionIds(items: readonly DecisionOrder[]): Set<number> {
  const latest = new Map<string, DecisionOrder>();
  for (const d of items) {
    const seen = latest.get(d.programme);
    if (!seen || d.month > seen.month || (d.month === seen.month && d.id > seen.id))
      latest.set(d.programme, d);
  }
  return new Set([...latest.values()].map((d) => d.id));
}
