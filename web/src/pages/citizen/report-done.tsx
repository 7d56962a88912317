import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isReportFact } from '../../../../src/shared/report-facts.ts';
import { api } from '../../api.ts';
import { ErrorMessage, Loading, Panel } from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { codeLabel } from '../../labels.ts';
import { isBadLink } from '../found.tsx';
import { CitizenOnly } from '../guard.tsx';
import NotFound from '../not-found.tsx';
import type { ChangeRequestView } from './types.ts';

/**
 * The page after a report is sent: shown only for a report the family can read (a made-up link is the
 * not-found page). A reported mistake in a fact names the fact and the agency it will be sent to.
 */
function ReportDoneBody({ id }: { id: string }) {
  const { t } = useTranslation(['common', 'report', 'codes']);
  const found = useQuery<ChangeRequestView>({
    queryKey: ['found', `/api/change-requests/${id}`],
    queryFn: () => api(`/api/change-requests/${encodeURIComponent(id)}`),
    retry: false,
  });
  if (found.isPending) return <Loading />;
  if (found.isError) return isBadLink(found.error) ? <NotFound /> : <ErrorMessage error={found.error} />;
  const contest = found.data.contest;
  if (contest) {
    const fact = isReportFact(contest.fact)
      ? t(`report.facts.${contest.fact}`)
      : codeLabel('fact', contest.fact);
    return (
      <>
        <Panel title={t('report.doneTitle')}>
          <span data-testid="reported-fact">{fact}</span> · {formatDate(found.data.submittedAt)}
        </Panel>
        <p data-testid="done-text">
          {t('report.factDoneText', { agency: codeLabel('source', contest.sourceAgency) })}
        </p>
        <p>
          <Link to="/citizen/household">{t('report.doneBack')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      {/* The request's id is a UUID, not a reference a person can read out: the date says which report it is. */}
      <Panel title={t('report.doneTitle')}>
        <span data-testid="reported-on">{formatDate(found.data.submittedAt)}</span>
      </Panel>
      <p>{t('report.doneText')}</p>
      <p>
        <Link to="/citizen/household">{t('report.doneBack')}</Link>
      </p>
    </>
  );
}

export default function ReportDone() {
  const { id = '' } = useParams();
  return <CitizenOnly>{() => <ReportDoneBody id={id} />}</CitizenOnly>;
}
