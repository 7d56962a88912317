import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Actor, api } from '../../api.ts';
import { PageTitle } from '../../ds/index.tsx';
import { formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';

/** Whether one of the actor's grants has one of the roles (the server checks again). */
export function hasRole(actor: Actor, roles: string[]): boolean {
  return (actor.grants ?? []).some((g) => roles.includes(g.role));
}

function Home({ actor }: { actor: Actor }) {
  const { t } = useTranslation(['admin', 'audit', 'duplicates', 'outbox', 'staff']);
  const summary = useQuery<{ households: number; persons: number; mahallas: number }>({
    queryKey: ['registry-summary'],
    queryFn: () => api('/api/registry/summary'),
  });
  const links = [
    ['/staff/overrides', 'staff.overrides'] as const,
    ['/staff/worklists/change-requests', 'staff.changeRequests'] as const,
    ['/staff/worklists/applications', 'staff.applications'] as const,
    ['/staff/worklists/appeals', 'staff.appeals'] as const,
    ...(hasRole(actor, ['district_officer', 'regional_admin'])
      ? ([['/staff/duplicates', 'duplicates.link']] as const)
      : []),
    ...(hasRole(actor, ['auditor', 'regional_admin']) ? ([['/staff/audit', 'audit.link']] as const) : []),
    // Administration: regional administrators only.
    ...(hasRole(actor, ['regional_admin'])
      ? ([
          ['/staff/accounts', 'admin.accountsLink'],
          ['/staff/clients', 'admin.clientsLink'],
          ['/staff/admin-requests', 'admin.requestsLink'],
          ['/staff/dead-letters', 'outbox.link'],
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
      <ul className="task-list">
        {links.map(([to, label]) => (
          <li key={to}>
            <Link to={to}>{t(label)}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function StaffHome() {
  return <StaffOnly>{(actor) => <Home actor={actor} />}</StaffOnly>;
}
