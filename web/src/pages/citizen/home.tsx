import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { PageTitle } from '../../ds/index.tsx';
import { CitizenOnly } from '../guard.tsx';
import { NextSteps } from './next-steps.tsx';

export interface Me {
  personId: string;
  pinfl: string;
  firstName: string;
  lastName: string;
  preferredLanguage: string;
  householdId: string | null;
}

export function useMe() {
  return useQuery<Me>({ queryKey: ['me'], queryFn: () => api<Me>('/api/me') });
}

function Home() {
  const { t } = useTranslation([
    'appeals',
    'applications',
    'apply',
    'cases',
    'citizen',
    'decisions',
    'documents',
    'home',
    'payments',
  ]);
  const me = useMe();
  const name = me.data ? `${me.data.firstName} ${me.data.lastName}` : '';
  // Everything the portal offers, below what waits: one line each, the hint as the link's description.
  const links = [
    ['/citizen/household', 'citizen.household', 'citizen.householdHint'],
    ['/citizen/benefits', 'citizen.benefits', 'citizen.benefitsHint'],
    ['/citizen/apply', 'apply.link', 'apply.linkHint'],
    ['/citizen/applications', 'applications.link', 'applications.linkHint'],
    ['/citizen/documents', 'documents.link', 'documents.linkHint'],
    ['/citizen/decisions', 'decisions.link', 'decisions.linkHint'],
    ['/citizen/payments', 'payments.link', 'payments.linkHint'],
    ['/citizen/appeals', 'appeals.link', 'appeals.linkHint'],
    ['/citizen/cases', 'cases.link', 'cases.linkHint'],
    ['/citizen/notifications', 'citizen.notifications', 'citizen.notificationsHint'],
    ['/citizen/access-log', 'citizen.accessLog', 'citizen.accessLogHint'],
  ] as const;
  return (
    <>
      <PageTitle>{t('citizen.homeTitle', { name })}</PageTitle>
      <NextSteps />
      <section aria-labelledby="everything-else">
        <h2 id="everything-else">{t('home.everythingElse')}</h2>
        <ul className="compact-list">
          {links.map(([to, label, hint]) => (
            <li key={to}>
              <Link to={to}>{t(label)}</Link> <span className="hint">{t(hint)}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export default function CitizenHome() {
  return <CitizenOnly>{() => <Home />}</CitizenOnly>;
}
