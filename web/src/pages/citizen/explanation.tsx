import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DecisionView } from './types.ts';

/**
 * A decision told as a family reads it: three plain sentences first (what you get, why, what to do if a
 * fact is wrong, with a "report a mistake" link per fact for citizens), then the full trace folded in a
 * <details> for those who want every step (for staff, the server marks each unverified rule value there,
 * once).
 */
export function DecisionExplanation({
  decision,
  audience,
  children,
}: {
  decision: DecisionView;
  audience: 'citizen' | 'staff';
  /** Shown between the sentences and the fold (the offer's answer buttons). */
  children?: ReactNode;
}) {
  const { t } = useTranslation(['decisions']);
  const s = decision.summary;
  const links =
    audience === 'citizen'
      ? s.facts.filter((f, i, all) => f.report !== null && all.findIndex((g) => g.report === f.report) === i)
      : [];
  return (
    <>
      <section className="decision-summary" lang={decision.language} data-testid="summary">
        <p className="lead" data-testid="summary-what">
          {s.what}
        </p>
        <p data-testid="summary-why">{s.why}</p>
        <p data-testid="summary-fix">{s.fix}</p>
        {links.length > 0 ? (
          <ul className="report-links">
            {links.map((f) => (
              <li key={f.report}>
                <Link to={f.report ?? ''}>{f.reportLabel}</Link>
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {children}
      <details className="trace" data-testid="trace">
        <summary>{t('decisions.fullTrace')}</summary>
        <div className="explanation" lang={decision.language} data-testid="explanation">
          {decision.explanation}
        </div>
      </details>
    </>
  );
}
