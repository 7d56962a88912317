import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { type CodeGroup, codeLabel } from '../../labels.ts';
import { StaffOnly } from './guard.tsx';

interface Row {
  id: string;
  householdId: string | null;
  /** H-<year>-<number>: the household as people name it (never its id). */
  householdReference?: string | null;
  status: string;
  type?: string;
  programme?: string;
  grounds?: string;
  submittedAt?: string;
  submittedOn?: string;
  dueOn?: string;
  overdue?: boolean;
  /** A reported mistake (change requests of type contest_fact): its fact, agency and the family's words. */
  contest?: { fact: string; sourceAgency: string; comment: string | null } | null;
}

const LISTS = {
  'change-requests': {
    title: 'staff.changeRequests',
    url: '/api/change-requests?status=pending&pageSize=50',
    status: 'changeStatus',
  },
  // Open ones only, as the home counts them: a worklist holds what still needs a step.
  applications: {
    title: 'staff.applications',
    url: '/api/applications?open=true&pageSize=50',
    status: 'appStatus',
  },
  appeals: { title: 'staff.appeals', url: '/api/appeals?open=true&pageSize=50', status: 'appeals' },
} as const satisfies Record<string, { title: string; url: string; status: CodeGroup | 'appeals' }>;

function WorklistPage() {
  const { t } = useTranslation(['common', 'programmes', 'record', 'staff', 'codes', 'appeals', 'contest']);
  const { list = '' } = useParams();
  const spec = list in LISTS ? LISTS[list as keyof typeof LISTS] : undefined;
  const rows = useQuery<{ items: Row[]; total: number }>({
    queryKey: ['worklist', list],
    queryFn: () => api(spec?.url ?? ''),
    enabled: Boolean(spec),
  });
  if (!spec) return <ErrorMessage error={undefined} />;
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t(spec.title)}</PageTitle>
      {rows.isPending ? <Loading /> : null}
      {rows.error instanceof ApiError && rows.error.status === 403 ? <p>{t('staff.notAllowed')}</p> : null}
      {rows.isError && !(rows.error instanceof ApiError && rows.error.status === 403) ? (
        <ErrorMessage error={rows.error} />
      ) : null}
      {rows.data?.items.length === 0 ? <p>{t('common.none')}</p> : null}
      {rows.data && rows.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t(spec.title)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.date')}</th>
                <th scope="col">{t('common.status')}</th>
                <th scope="col">{t('record.title')}</th>
                {list === 'change-requests' ? <th scope="col">{t('contest.column')}</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.data.items.map((r) => (
                <tr key={r.id}>
                  <td>
                    {formatDate(r.submittedAt ?? r.submittedOn ?? '')}
                    {r.dueOn ? ` → ${formatDate(r.dueOn)}` : ''}
                  </td>
                  <td>
                    {spec.status === 'appeals'
                      ? t(dataKey('appeals.status', r.status))
                      : codeLabel(spec.status, r.status)}{' '}
                    {r.type
                      ? codeLabel('changeType', r.type)
                      : r.programme
                        ? t(dataKey('programmes', r.programme))
                        : ''}
                    {r.overdue ? ' ⚠' : ''}
                  </td>
                  <td>
                    {r.householdId ? (
                      <Link to={`/staff/households/${r.householdId}`}>
                        {r.householdReference ?? t('staff.openHousehold')}
                      </Link>
                    ) : (
                      '—'
                    )}
                  </td>
                  {list === 'change-requests' ? (
                    <td>
                      {r.contest ? (
                        <>
                          <Link to={`/staff/change-requests/${r.id}`}>
                            {`${codeLabel('fact', r.contest.fact)} · ${codeLabel('source', r.contest.sourceAgency)}`}
                          </Link>
                          {r.contest.comment ? <p className="contest-comment">{r.contest.comment}</p> : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default function Worklist() {
  return <StaffOnly>{() => <WorklistPage />}</StaffOnly>;
}
