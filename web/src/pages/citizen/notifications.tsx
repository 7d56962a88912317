import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Tag } from '../../ds/index.tsx';
import { formatDateTime } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';

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
