import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatMonth } from '../../format.ts';
import { currentLanguage, dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import { DecisionExplanation } from './explanation.tsx';
import type { DecisionView } from './types.ts';

/** One decision about the family: the three sentences, then the folded trace. */
function DecisionPage() {
  const { t } = useTranslation(['decisions', 'programmes', 'record']);
  const { id = '' } = useParams();
  const language = currentLanguage();
  const decision = useQuery<DecisionView>({
    queryKey: ['decision', id, language],
    queryFn: () => api(`/api/decisions/${id}?lang=${language}`),
  });
  if (decision.isPending) return <Loading />;
  if (decision.isError) return <ErrorMessage error={decision.error} />;
  const d = decision.data;
  return (
    <>
      <BackLink to="/citizen/decisions" />
      <PageTitle caption={t(dataKey('record.kind', d.kind))}>
        {t(dataKey('programmes', d.programme))}, {formatMonth(d.month)}
      </PageTitle>
      <DecisionExplanation decision={d} audience="citizen" />
      <p>
        <Link to={`/citizen/appeals/new/${d.id}`}>{t('decisions.appeal')}</Link>
      </p>
    </>
  );
}

export default function CitizenDecision() {
  return <CitizenOnly>{() => <DecisionPage />}</CitizenOnly>;
}
