import { type UseQueryResult, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { isCategoryProgramme } from '../../../../src/programs/catalogue.ts';
import { ApiError, api } from '../../api.ts';
import {
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  Radios,
  Source,
  SummaryList,
  Tag,
} from '../../ds/index.tsx';
import { formatDate, formatDateTime, formatMonth, formatNumber, formatSoumPerMonth } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { useCodeLabel } from '../../labels.ts';
import type { DocumentView, HouseholdView } from '../citizen/types.ts';
import { currentDecisionIds } from '../decision-status.ts';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { allows, type HouseholdAccess } from './allowed.ts';
import { StaffOnly } from './guard.tsx';

/** The record as staff open it: the family's view, and what the officer may do with it. */
type HouseholdRecord = HouseholdView & HouseholdAccess;

interface Decision {
  id: number;
  programme: string;
  month: string;
  kind: string;
  categoryAfter: string;
  amountAfter: number;
}

/** Opening a record outside the worklist asks for a purpose; the server records it in the audit log. */
function PurposeForm({ allowed, onChoose }: { allowed: string[]; onChoose: (purpose: string) => void }) {
  const { t } = useTranslation(['documents', 'household', 'override', 'programmes', 'record', 'staffDocs']);
  const label = useCodeLabel();
  const [purpose, setPurpose] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (!purpose) return setErrors([{ field: 'purpose', message: t('record.purposeRequired') }]);
    onChoose(purpose);
  }
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageTitle>{t('record.purposeTitle')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <Radios
          id="purpose"
          legend={t('record.purposeTitle')}
          hint={t('record.purposeHint')}
          value={purpose}
          onChange={setPurpose}
          error={errors[0]?.message}
          options={allowed.map((p) => ({ value: p, label: label('purpose', p) }))}
        />
        <Button>{t('record.open')}</Button>
      </form>
    </>
  );
}

function RecordPage() {
  const { t } = useTranslation(['documents', 'household', 'override', 'programmes', 'record', 'staffDocs']);
  const { id = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const purpose = params.get('purpose');
  const suffix = purpose ? `?purpose=${encodeURIComponent(purpose)}` : '';
  const household = useQuery<HouseholdRecord>({
    queryKey: ['staff-household', id, purpose],
    queryFn: () => api(`/api/households/${id}${suffix}`),
  });
  // Each section loads only when the role may see it; a purpose stated for the record covers them all (the
  // server keeps it for the session), so the sections are asked without it.
  const decisions = useQuery<{ items: Decision[] }>({
    queryKey: ['decisions', id],
    queryFn: () => api(`/api/decisions?householdId=${id}&pageSize=50`),
    enabled: allows(household.data, 'decisions.read'),
  });
  const documents = useQuery<{ items: DocumentView[] }>({
    queryKey: ['staff-documents', id],
    queryFn: () => api(`/api/households/${id}/documents`),
    enabled: allows(household.data, 'documents.read'),
  });
  if (household.isPending) return <Loading />;
  if (household.error instanceof ApiError && household.error.code === 'PURPOSE_REQUIRED') {
    const allowed = (household.error.details?.allowed as string[] | undefined) ?? ['casework'];
    return <PurposeForm allowed={allowed} onChoose={(p) => setParams({ purpose: p })} />;
  }
  if (household.isError)
    return isUnknownId(household.error) ? <NotFound /> : <ErrorMessage error={household.error} />;
  const h = household.data;
  return (
    <>
      <BackLink to="/staff/households" />
      <PageTitle caption={`${t('record.title')} · ${h.reference}`}>{h.address}</PageTitle>
      {allows(h, 'override.propose') ? (
        <p>
          <Link className="button button-primary" to={`/staff/households/${id}/override${suffix}`}>
            {t('record.propose')}
          </Link>
        </p>
      ) : null}
      <h2>{t('household.members')}</h2>
      <SummaryList
        rows={h.members.map((m) => ({
          key: `${m.lastName} ${m.firstName}`,
          value: (
            <>
              {t(dataKey('household.rel', m.relationship))}, {formatDate(m.birthDate)}, {m.pinfl ?? '—'}{' '}
              <Source source={m.source} />
            </>
          ),
        }))}
      />
      {allows(h, 'decisions.read') ? <DecisionsSection decisions={decisions} /> : null}
      {allows(h, 'documents.read') ? <DocumentsSection documents={documents} /> : null}
    </>
  );
}

function DecisionsSection({ decisions }: { decisions: UseQueryResult<{ items: Decision[] }> }) {
  const { t } = useTranslation(['household', 'override', 'programmes', 'record']);
  const decisionName = (d: Decision): string =>
    `${t(dataKey('programmes', d.programme))}, ${formatMonth(d.month)}`;
  // After an override or an appeal the old and the new decision are both listed: say which one holds.
  const current = currentDecisionIds(decisions.data?.items ?? []);
  return (
    <>
      <h2>{t('record.decisions')}</h2>
      {decisions.isPending ? <Loading /> : null}
      {decisions.data?.items.length === 0 ? <p>{t('record.noDecisions')}</p> : null}
      <ul className="card-list">
        {decisions.data?.items.map((d) => (
          <li
            className="card"
            key={d.id}
            data-testid="staff-decision"
            data-current={current.has(d.id) ? 'yes' : 'no'}
          >
            <h3>
              {t(dataKey('programmes', d.programme))}, {formatMonth(d.month)}
            </h3>
            <p className="status-line">
              {current.has(d.id) ? (
                <Tag tone="green">{t('record.inForce')}</Tag>
              ) : (
                <Tag tone="grey">{t('record.replaced')}</Tag>
              )}
              {t(dataKey('record.kind', d.kind))} ·{' '}
              {isCategoryProgramme(d.programme)
                ? t(dataKey('override.cat', d.categoryAfter))
                : formatSoumPerMonth(d.amountAfter)}
            </p>
            <Link to={`/staff/decisions/${d.id}`}>{t('record.viewDecision', { what: decisionName(d) })}</Link>
          </li>
        ))}
      </ul>
    </>
  );
}

function DocumentsSection({ documents }: { documents: UseQueryResult<{ items: DocumentView[] }> }) {
  const { t } = useTranslation(['documents', 'staffDocs']);
  return (
    <>
      <h2>{t('staffDocs.title')}</h2>
      {documents.isPending ? <Loading /> : null}
      {documents.isError && !(documents.error instanceof ApiError && documents.error.status === 404) ? (
        <ErrorMessage error={documents.error} />
      ) : null}
      {documents.data?.items.length === 0 ? <p>{t('staffDocs.none')}</p> : null}
      {documents.data && documents.data.items.length > 0 ? (
        <SummaryList
          rows={documents.data.items.map((d) => ({
            key: d.filename,
            value: `${d.contentType}, ${t('documents.kb', { value: formatNumber(Math.max(1, Math.round(d.size / 1024))) })}, ${formatDateTime(d.uploadedAt)}`,
          }))}
        />
      ) : null}
    </>
  );
}

export default function Record() {
  return <StaffOnly>{() => <RecordPage />}</StaffOnly>;
}
