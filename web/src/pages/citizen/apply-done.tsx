import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Panel } from '../../ds/index.tsx';
import { IfFound } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';

export default function ApplyDone() {
  const { t } = useTranslation(['apply', 'common']);
  const { id = '' } = useParams();
  return (
    <CitizenOnly>
      {() => (
        <IfFound path={`/api/applications/${encodeURIComponent(id)}`}>
          <Panel title={t('apply.doneTitle')}>
            {t('common.reference')}
            <strong data-testid="reference">{id}</strong>
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
        </IfFound>
      )}
    </CitizenOnly>
  );
}
