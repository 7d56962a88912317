import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';
import type { Appeal } from './types.ts';

const TONE = {
  submitted: 'blue',
  under_review: 'blue',
  upheld: 'grey',
  overturned: 'green',
  withdrawn: 'grey',
} as const;

function AppealsPage() {
  const { t } = useTranslation(['appeals', 'applications']);
  const appeals = useQuery<{ items: Appeal[] }>({
    queryKey: ['appeals'],
    queryFn: () => api('/api/appeals?pageSize=50'),
  });
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('appeals.title')}</PageTitle>
      <p>
        <Link to="/citizen/decisions">{t('appeals.appealDecision')}</Link>
      </p>
      {appeals.isPending ? <Loading /> : null}
      {appeals.isError ? <ErrorMessage error={appeals.error} /> : null}
      {appeals.data?.items.length === 0 ? <p>{t('appeals.none')}</p> : null}
      <ul className="card-list">
        {appeals.data?.items.map((a) => {
          const open = a.status === 'submitted' || a.status === 'under_review';
          return (
            <li className="card" key={a.id} data-testid="appeal">
              <h2>
                {t('appeals.decision')} № {a.decisionId}
              </h2>
              <p className="status-line">
                <Tag tone={TONE[a.status]}>{t(`appeals.status.${a.status}`)}</Tag>
                {open && a.overdue ? <Tag tone="red">{t('applications.overdue')}</Tag> : null}
              </p>
              <p>
                {t('appeals.submittedOn', { date: formatDate(a.submittedOn) })}
                {open ? (
                  <>
                    <br />
                    <strong>{t('appeals.dueOn', { date: formatDate(a.dueOn) })}</strong>
                  </>
                ) : null}
              </p>
              <p className="explanation">{a.grounds}</p>
            </li>
          );
        })}
      </ul>
    </>
  );
}

export default function Appeals() {
  return <CitizenOnly>{() => <AppealsPage />}</CitizenOnly>;
}
