import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { ErrorMessage, Loading, Panel } from '../../ds/index.tsx';
import { isBadLink } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';
import NotFound from '../not-found.tsx';
import type { Application } from './types.ts';

function Sent({ id }: { id: string }) {
  const { t } = useTranslation(['apply', 'common']);
  // The application itself, for its short reference; a link naming no application of yours is not found.
  const application = useQuery<Application>({
    queryKey: ['application', id],
    queryFn: () => api(`/api/applications/${encodeURIComponent(id)}`),
    retry: false,
  });
  if (application.isPending) return <Loading />;
  if (application.isError)
    return isBadLink(application.error) ? <NotFound /> : <ErrorMessage error={application.error} />;
  return (
    <>
      <Panel title={t('apply.doneTitle')}>
        {t('common.reference')}
        <strong data-testid="reference">{application.data.reference}</strong>
      </Panel>
      <p>{t('apply.doneText')}</p>
      <ul className="task-list">
        <li>
          <Link to={`/citizen/documents?application=${id}`}>{t('apply.docs')}</Link>
        </li>
        <li>
          <Link to="/citizen/applications">{t('apply.track')}</Link>
        </li>
      </ul>
    </>
  );
}

export default function ApplyDone() {
  const { id = '' } = useParams();
  return <CitizenOnly>{() => <Sent id={id} />}</CitizenOnly>;
}
