import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, SummaryList } from '../../ds/index.tsx';
import { formatDate, formatMonth, formatNumber } from '../../format.ts';
import { currentLanguage, dataKey } from '../../i18n.ts';
import type { DecisionView } from '../citizen/types.ts';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { StaffOnly } from './guard.tsx';

function DecisionPage() {
  const { t } = useTranslation(['programmes', 'record']);
  const { id = '' } = useParams();
  const language = currentLanguage();
  const decision = useQuery<DecisionView>({
    queryKey: ['decision', id, language],
    queryFn: () => api(`/api/decisions/${id}?lang=${language}`),
  });
  if (decision.isPending) return <Loading />;
  if (decision.isError)
    return isUnknownId(decision.error) ? <NotFound /> : <ErrorMessage error={decision.error} />;
  const d = decision.data;
  return (
    <>
      <BackLink to={`/staff/households/${d.householdId}`} />
      <PageTitle caption={t(dataKey('record.kind', d.kind))}>
        {t(dataKey('programmes', d.programme))}, {formatMonth(d.month)}
      </PageTitle>
      <h2>{t('record.explanation')}</h2>
      <div className="explanation" lang={d.language ?? language}>
        {d.explanation}
      </div>
      <h2>{t('record.parameters')}</h2>
      <SummaryList
        rows={d.parameters.map((p) => ({
          key: p.name,
          value: `${typeof p.value === 'number' ? formatNumber(p.value) : String(p.value)} ${p.unit} (${formatDate(p.from)})`,
        }))}
      />
    </>
  );
}

export default function Decision() {
  return <StaffOnly>{() => <DecisionPage />}</StaffOnly>;
}
