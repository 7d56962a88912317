import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatMonth } from '../../format.ts';
import { currentLanguage, dataKey } from '../../i18n.ts';
import { DecisionExplanation } from '../citizen/explanation.tsx';
import type { DecisionView } from '../citizen/types.ts';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { type AllowedActions, allows } from './allowed.ts';
import { StaffOnly } from './guard.tsx';

/**
 * A decision as an officer reads it: the family's three sentences, then the folded trace, where the
 * server marks each unverified rule value once.
 */
function DecisionPage() {
  const { t } = useTranslation(['programmes', 'record']);
  const { id = '' } = useParams();
  const language = currentLanguage();
  const decision = useQuery<DecisionView & AllowedActions>({
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
      {allows(d, 'override.propose') ? (
        <p>
          <Link className="button button-secondary" to={`/staff/households/${d.householdId}/override`}>
            {t('record.propose')}
          </Link>
        </p>
      ) : null}
      <DecisionExplanation decision={d} audience="staff" />
    </>
  );
}

export default function Decision() {
  return <StaffOnly>{() => <DecisionPage />}</StaffOnly>;
}
