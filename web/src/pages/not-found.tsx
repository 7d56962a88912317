import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { PageTitle } from '../ds/index.tsx';

export default function NotFound() {
  const { t } = useTranslation(['common']);
  return (
    <>
      <PageTitle>{t('common.notFound')}</PageTitle>
      <p>{t('common.notFoundText')}</p>
      <p>
        <Link to="/">{t('common.home')}</Link>
      </p>
    </>
  );
}
