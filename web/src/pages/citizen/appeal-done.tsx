import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Panel } from '../../ds/index.tsx';
import { IfFound } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';

export default function AppealDone() {
  const { t } = useTranslation(['appeals', 'common']);
  const { id = '' } = useParams();
  return (
    <CitizenOnly>
      {() => (
        <IfFound path={`/api/appeals/${encodeURIComponent(id)}`}>
          <Panel title={t('appeals.doneTitle')}>
            {t('common.reference')}
            <strong data-testid="reference">{id}</strong>
          </Panel>
          <p>{t('appeals.doneText')}</p>
          <p>
            <Link to="/citizen/appeals">{t('appeals.link')}</Link>
          </p>
        </IfFound>
      )}
    </CitizenOnly>
  );
}
