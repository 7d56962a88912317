import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatDateTime } from '../../format.ts';
import { CitizenOnly } from '../guard.tsx';

interface Entry {
  seq: number;
  at: string;
  accessorKind: string;
  role: string | null;
  organisation: string | null;
  purposeLabel: string | null;
  /** Role and area, in our language (the server's labels): never a name or an account id. */
  who: string;
  actionLabel: string;
  fieldLabels: string[];
}

function AccessLogPage() {
  const { t } = useTranslation(['accessLog', 'common']);
  const log = useQuery<{ items: Entry[] }>({
    queryKey: ['access-log'],
    queryFn: () => api('/api/me/access-log?pageSize=50'),
  });
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('accessLog.title')}</PageTitle>
      <p className="lead">{t('accessLog.lead')}</p>
      {log.isPending ? <Loading /> : null}
      {log.isError ? <ErrorMessage error={log.error} /> : null}
      {log.data?.items.length === 0 ? <p>{t('accessLog.none')}</p> : null}
      {log.data && log.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">{t('accessLog.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('common.date')}</th>
                <th scope="col">{t('accessLog.who')}</th>
                <th scope="col">{t('accessLog.what')}</th>
                <th scope="col">{t('accessLog.why')}</th>
              </tr>
            </thead>
            <tbody>
              {log.data.items.map((e) => (
                <tr key={e.seq}>
                  <td>{formatDateTime(e.at)}</td>
                  <td>{e.who}</td>
                  <td>
                    {e.actionLabel} {e.fieldLabels.length > 0 ? `(${e.fieldLabels.join(', ')})` : ''}
                  </td>
                  <td>{e.purposeLabel ?? t('accessLog.inWorklist')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default function AccessLog() {
  return <CitizenOnly>{() => <AccessLogPage />}</CitizenOnly>;
}
