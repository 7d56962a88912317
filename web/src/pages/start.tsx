import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageTitle } from '../ds/index.tsx';

export default function Start() {
  const { t } = useTranslation(['start']);
  return (
    <>
      <PageTitle>{t('start.title')}</PageTitle>
      <p className="lead">{t('start.lead')}</p>
      <ul className="task-list">
        <li>
          <Link to="/citizen">{t('start.citizen')}</Link>
        </li>
        <li>
          <Link to="/staff">{t('start.staff')}</Link>
        </li>
      </ul>
    </>
  );
}
