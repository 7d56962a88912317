import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Actor, api } from '../../api.ts';
import { PageTitle } from '../../ds/index.tsx';
import { formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';
import { Worklists } from './worklists.tsx';

/** Whether one of the actor's grants has one of the roles (the server checks again). */
export function hasRole(actor: Actor, roles: string[]): boolean {
  return (actor.grants ?? []).some((g) => roles.includes(g.role));
}

function Home({ actor }: { actor: Actor }) {
  const { t } = useTranslation(['admin', 'audit', 'home', 'payments', 'staff']);
  const summary = useQuery<{ households: number; persons: number; mahallas: number }>({
    queryKey: ['registry-summary'],
    queryFn: () => api('/api/registry/summary'),
  });
  // Tools without a worklist. The worklists above decide their own visibility by the server's answer.
  const tools = [
    // Payments: the finance officer's batches, payroll and reconciliation.
    ...(hasRole(actor, ['finance'])
      ? ([
          ['/staff/payments', 'payments.nav.batches'],
          ['/staff/payments/payroll', 'payments.nav.payroll'],
          ['/staff/payments/reconciliation', 'payments.nav.reconciliation'],
        ] as const)
      : []),
    // Payments the bank returned, for those who help families put their account right (payments.read).
    ...(hasRole(actor, ['social_worker', 'district_officer', 'auditor', 'finance'])
      ? ([['/staff/payments/returned', 'payments.nav.returned']] as const)
      : []),
    ...(hasRole(actor, ['auditor', 'regional_admin']) ? ([['/staff/audit', 'audit.link']] as const) : []),
    // Administration: regional administrators only.
    ...(hasRole(actor, ['regional_admin'])
      ? ([
          ['/staff/accounts', 'admin.accountsLink'],
          ['/staff/clients', 'admin.clientsLink'],
          ['/staff/admin-requests', 'admin.requestsLink'],
        ] as const)
      : []),
  ];
  return (
    <>
      <PageTitle>{t('staff.homeTitle')}</PageTitle>
      {summary.data ? (
        <p className="lead" data-testid="registry-summary">
          {t('staff.registry', {
            households: formatNumber(summary.data.households),
            persons: formatNumber(summary.data.persons),
            mahallas: formatNumber(summary.data.mahallas),
          })}
        </p>
      ) : null}
      <p>
        <Link className="button button-primary" to="/staff/households">
          {t('staff.search')}
        </Link>
      </p>
      <h2>{t('staff.worklists')}</h2>
      <Worklists />
      {tools.length > 0 ? (
        <>
          <h2>{t('home.otherTools')}</h2>
          <ul className="compact-list">
            {tools.map(([to, label]) => (
              <li key={to}>
                <Link to={to}>{t(label)}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export default function StaffHome() {
  return <StaffOnly>{(actor) => <Home actor={actor} />}</StaffOnly>;
}
