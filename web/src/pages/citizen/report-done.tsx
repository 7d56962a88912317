import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Panel } from '../../ds/index.tsx';
import { IfFound } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';

export default function ReportDone() {
  const { t } = useTranslation(['common', 'report']);
  const { id = '' } = useParams();
  return (
    <CitizenOnly>
      {() => (
        <IfFound path={`/api/change-requests/${encodeURIComponent(id)}`}>
          <Panel title={t('report.doneTitle')}>
            {t('common.reference')}
            <strong data-testid="reference">{id}</strong>
          </Panel>
          <p>{t('report.doneText')}</p>
          <p>
            <Link to="/citizen/household">{t('report.doneBack')}</Link>
          </p>
        </IfFound>
      )}
    </CitizenOnly>
  );
}
