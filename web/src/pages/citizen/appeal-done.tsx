import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Panel } from '../../ds/index.tsx';
import { CitizenOnly } from '../guard.tsx';

export default function AppealDone() {
  const { t } = useTranslation(['appeals', 'common']);
  const { id = '' } = useParams();
  return (
    <CitizenOnly>
      {() => (
        <>
          <Panel title={t('appeals.doneTitle')}>
            {t('common.reference')}
            <strong data-testid="reference">{id}</strong>
          </Panel>
          <p>{t('appeals.doneText')}</p>
          <p>
            <Link to="/citizen/appeals">{t('appeals.link')}</Link>
          </p>
        </>
      )}
    </CitizenOnly>
  );
}
