import { useQueries } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { ErrorMessage, Loading } from '../../ds/index.tsx';

/**
 * The worklists a staff home may show, each with the count companion of its list (same filters as the
 * page it links to). Which of them a role sees is not decided here: the server answers the count with 403
 * to a role that cannot open the list (its `config.access`), and the list is left out.
 */
export const WORKLISTS = [
  {
    id: 'overrides',
    label: 'staff.overrides',
    to: '/staff/overrides',
    count: '/api/overrides/count?status=pending',
  },
  {
    id: 'changeRequests',
    label: 'staff.changeRequests',
    to: '/staff/worklists/change-requests',
    count: '/api/change-requests/count?status=pending',
  },
  {
    id: 'applications',
    label: 'home.list.applications',
    to: '/staff/worklists/applications',
    count: '/api/applications/count?open=true',
  },
  {
    id: 'appeals',
    label: 'home.list.appeals',
    to: '/staff/worklists/appeals',
    count: '/api/appeals/count?open=true',
  },
  {
    id: 'duplicates',
    label: 'duplicates.link',
    to: '/staff/duplicates',
    count: '/api/duplicates/count?status=pending',
  },
  {
    id: 'deadLetters',
    label: 'outbox.link',
    to: '/staff/dead-letters',
    count: '/api/outbox/dead-letters/count',
  },
] as const;

/** A count, or null when the role may not open the list. */
async function countOrRefused(url: string): Promise<number | null> {
  try {
    return (await api<{ total: number }>(url)).total;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}

export function Worklists() {
  const { t } = useTranslation(['duplicates', 'home', 'outbox', 'staff']);
  const counts = useQueries({
    queries: WORKLISTS.map((list) => ({
      queryKey: ['worklist-count', list.id],
      queryFn: () => countOrRefused(list.count),
    })),
  });
  const failed = counts.find((c) => c.isError);
  if (failed) return <ErrorMessage error={failed.error} />;
  if (counts.some((c) => c.isPending)) return <Loading />;
  const shown = WORKLISTS.flatMap((list, i) => {
    const total = counts[i]?.data;
    return typeof total === 'number' ? [{ ...list, total }] : [];
  });
  if (shown.length === 0) return <p data-testid="no-worklists">{t('home.noWorklists')}</p>;
  return (
    <ul className="task-list">
      {shown.map((list) => (
        <li key={list.id} data-testid={`worklist-${list.id}`}>
          <Link to={list.to}>{t(list.label)}</Link>
          <span className="worklist-count" data-testid="worklist-count" data-count={list.total}>
            — {t('home.worklistCount', { count: list.total })}
          </span>
        </li>
      ))}
    </ul>
  );
}
