import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatDateTime } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';
import { UNREAD_MESSAGES_KEY } from './next-steps.tsx';

interface Notification {
  id: string;
  text: string;
  language: string;
  createdAt: string;
  readAt: string | null;
}

function NotificationsPage() {
  const { t } = useTranslation(['notifications']);
  const list = useQuery<{ items: Notification[] }>({
    queryKey: ['notifications'],
    queryFn: () => api('/api/me/notifications?pageSize=50'),
  });
  const client = useQueryClient();
  // Opening the page is reading the messages shown: they are marked read (the home's count goes down),
  // while this view keeps its "new" marks until the page is opened again.
  const unreadIds = list.data?.items.filter((n) => !n.readAt).map((n) => n.id) ?? [];
  const unreadKey = unreadIds.join(',');
  useEffect(() => {
    if (!unreadKey) return;
    const ids = unreadKey.split(',');
    Promise.all(ids.map((id) => api(`/api/me/notifications/${id}/read`, { method: 'POST' }))).then(
      () => client.invalidateQueries({ queryKey: UNREAD_MESSAGES_KEY }),
      // Not marked this time: they stay new on the home, and are marked when the page is opened again.
      () => undefined,
    );
  }, [unreadKey, client]);
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('notifications.title')}</PageTitle>
      {list.isPending ? <Loading /> : null}
      {list.isError ? <ErrorMessage error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('notifications.none')}</p> : null}
      <ul className="card-list">
        {list.data?.items.map((n) => (
          <li className="card" key={n.id}>
            <p className="hint">
              {formatDateTime(n.createdAt)}{' '}
              {n.readAt ? null : <Tag tone="blue">{t('notifications.unread')}</Tag>}
            </p>
            <p lang={n.language}>{n.text}</p>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Notifications() {
  return <CitizenOnly>{() => <NotificationsPage />}</CitizenOnly>;
}
