import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { isReportFact, STATE_AGENCIES } from '../../../../src/shared/report-facts.ts';
import { api } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  SummaryList,
  TextInput,
} from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { codeLabel } from '../../labels.ts';
import type { ChangeRequestView, HouseholdView } from '../citizen/types.ts';
import { memberName } from '../citizen/types.ts';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { StaffOnly } from './guard.tsx';

/**
 * A family's reported mistake, as the district officer reviews it: the fact, the agency it comes from,
 * what the family saw and wrote. Accepting sends an agency's fact to that agency for verification (the
 * fact itself is not edited here); rejecting needs a reason the family will read.
 */
function FactContestPage() {
  const { t } = useTranslation(['common', 'contest', 'report', 'codes', 'staff']);
  const { id = '' } = useParams();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [sending, setSending] = useState(false);
  const path = `/api/change-requests/${encodeURIComponent(id)}`;
  const request = useQuery<ChangeRequestView>({
    queryKey: ['change-request', id],
    queryFn: () => api(path),
    retry: false,
  });
  const householdId = request.data?.householdId;
  const household = useQuery<HouseholdView>({
    queryKey: ['staff-household', householdId],
    queryFn: () => api(`/api/households/${householdId}`),
    enabled: Boolean(householdId),
    retry: false,
  });
  if (request.isPending) return <Loading />;
  if (request.isError)
    return isUnknownId(request.error) ? <NotFound /> : <ErrorMessage error={request.error} />;
  const r = request.data;
  const c = r.contest;
  if (!c || !isReportFact(c.fact)) return <NotFound />;
  const member = household.data?.members.find((m) => m.personId === c.memberPersonId);
  const agency = codeLabel('source', c.sourceAgency);
  const byAgency = (STATE_AGENCIES as ReadonlySet<string>).has(c.sourceAgency);

  async function decide(action: 'apply' | 'reject', event?: FormEvent) {
    event?.preventDefault();
    if (action === 'reject' && !reason.trim()) {
      setErrors([{ field: 'reason', message: t('contest.reasonRequired') }]);
      return;
    }
    setErrors([]);
    setSending(true);
    try {
      await api(`${path}/${action}`, {
        method: 'POST',
        ...(action === 'reject' ? { body: { reason: reason.trim() } } : {}),
      });
      await client.invalidateQueries({ queryKey: ['change-request', id] });
      await client.invalidateQueries({ queryKey: ['worklist'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setSending(false);
    }
  }

  const status =
    r.status === 'verifying' ? t('report.status.verifying', { agency }) : codeLabel('changeStatus', r.status);
  return (
    <>
      <BackLink to="/staff/worklists/change-requests" />
      <ErrorSummary errors={errors} />
      <PageTitle caption={formatDate(r.submittedAt)}>{t('contest.title')}</PageTitle>
      <SummaryList
        rows={[
          { key: t('contest.fact'), value: codeLabel('fact', c.fact) },
          { key: t('contest.agency'), value: agency },
          {
            key: t('contest.member'),
            value: c.memberPersonId ? (member ? memberName(member) : '—') : t('contest.wholeFamily'),
          },
          { key: t('contest.shown'), value: c.shownValue ?? '—' },
          {
            key: t('contest.comment'),
            value: <span data-testid="contest-comment">{c.comment ?? t('contest.withheld')}</span>,
          },
          {
            key: t('contest.documents'),
            value: c.documentIds.length > 0 ? String(c.documentIds.length) : t('contest.documentsNone'),
          },
          {
            key: t('contest.household'),
            value: household.data ? (
              <Link to={`/staff/households/${household.data.id}`}>{household.data.reference}</Link>
            ) : (
              '—'
            ),
          },
          { key: t('contest.status'), value: <span data-testid="contest-status">{status}</span> },
        ]}
      />
      {r.status === 'pending' ? (
        <>
          <Button type="button" disabled={sending} onClick={() => decide('apply')}>
            {byAgency ? t('contest.accept', { agency }) : t('contest.acceptOwn')}
          </Button>
          <form onSubmit={(event) => decide('reject', event)} noValidate>
            <TextInput
              id="reason"
              label={t('contest.reason')}
              hint={t('contest.reasonHint')}
              value={reason}
              onChange={setReason}
              error={errors.find((e) => e.field === 'reason')?.message}
              multiline
            />
            <Button variant="warning" disabled={sending}>
              {t('contest.reject')}
            </Button>
          </form>
        </>
      ) : (
        <p>{t('contest.decided')}</p>
      )}
    </>
  );
}

export default function FactContest() {
  return <StaffOnly>{() => <FactContestPage />}</StaffOnly>;
}
