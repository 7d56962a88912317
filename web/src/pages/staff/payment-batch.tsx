import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError, api, apiDownload, apiSendFile } from '../../api.ts';
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
  Tag,
} from '../../ds/index.tsx';
import { formatDateTime, formatMonth, formatNumber, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { usePaymentWords } from '../payment-words.ts';
import { StaffOnly } from './guard.tsx';
import { type Batch, PaymentsNav, useDistrictName } from './payment-parts.tsx';

/**
 * One payment batch: its figures, approval (a second, different finance officer confirms one above the
 * four-eyes limit), the bank file to download, and the bank's result file to upload. The server checks
 * every step again; its refusals arrive in the officer's language and are shown as they are.
 */

interface ImportAnswer {
  applied: boolean;
  lines: number;
  paid: number;
  rejected: number;
  holdsOpened: number;
  batch: Batch;
}

/** Hands a downloaded file to the browser, as a click on a link to it would. */
function saveFile(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function BatchPage() {
  const { t } = useTranslation(['payments', 'programmes', 'staff', 'common']);
  const words = usePaymentWords();
  const client = useQueryClient();
  const { id = '' } = useParams();
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);
  const batch = useQuery<Batch>({
    queryKey: ['payments', 'batch', id],
    queryFn: () => api(`/api/payments/batches/${encodeURIComponent(id)}`),
    enabled: /^[0-9]+$/.test(id),
  });
  const districtName = useDistrictName(batch.data ? [batch.data.districtCode] : []);
  const forbidden = batch.error instanceof ApiError && batch.error.status === 403;

  async function refresh(next?: Batch) {
    if (next) client.setQueryData(['payments', 'batch', id], next);
    await client.invalidateQueries({ queryKey: ['payments'] });
  }

  /** Runs one step; a refusal shows in the error summary (on the file field when `field` names it). */
  async function act(work: () => Promise<void>, field = '') {
    setBusy(true);
    setNotice('');
    try {
      await work();
      setErrors([]);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')).map((e) => ({ ...e, field })));
    } finally {
      setBusy(false);
    }
  }

  const approve = () =>
    act(async () => {
      const after = await api<Batch>(`/api/payments/batches/${id}/approve`, { method: 'POST' });
      await refresh(after);
    });

  const download = () =>
    act(async () => {
      const { blob, fileName } = await apiDownload(`/api/payments/batches/${id}/file`);
      const name = fileName ?? `${batch.data?.reference ?? 'bank-file'}.csv`;
      saveFile(blob, name);
      setNotice(t('payments.batch.downloaded', { file: name }));
      await refresh();
    });

  async function upload(event: FormEvent) {
    event.preventDefault();
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setNotice('');
      setErrors([{ field: 'result-file', message: t('payments.batch.chooseFile') }]);
      return;
    }
    await act(async () => {
      const answer = await apiSendFile<ImportAnswer>(`/api/payments/batches/${id}/results`, file, 'text/csv');
      const parts = answer.applied
        ? [
            t('payments.batch.applied', {
              paid: formatNumber(answer.paid),
              rejected: formatNumber(answer.rejected),
            }),
            answer.holdsOpened > 0
              ? t('payments.batch.holdsOpened', { count: formatNumber(answer.holdsOpened) })
              : '',
          ]
        : [t('payments.batch.alreadyImported')];
      if (fileInput.current) fileInput.current.value = '';
      await refresh(answer.batch);
      setNotice(parts.filter(Boolean).join(' '));
    }, 'result-file');
  }

  if (!/^[0-9]+$/.test(id)) return <ErrorMessage error={undefined} />;
  const b = batch.data;
  const programme = b ? t(dataKey('programmes', b.programme)) : '';
  const fileError = errors.find((e) => e.field === 'result-file')?.message;
  const waitingForSecond = b?.approvedByMe === true && b.approvals < b.approvalsRequired;
  const mayApprove = b !== undefined && b.status === 'awaiting_approval' && !b.approvedByMe;
  const approved = b !== undefined && b.approvals >= b.approvalsRequired;
  const sent = b?.exportedAt !== null && b?.exportedAt !== undefined;
  return (
    <>
      <BackLink to="/staff/payments" />
      <ErrorSummary errors={errors} />
      {batch.isPending && batch.fetchStatus !== 'idle' ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {batch.isError && !forbidden ? <ErrorMessage error={batch.error} /> : null}
      {b ? (
        <>
          <PageTitle caption={t('payments.batch.caption')}>
            {t('payments.batch.title', { programme, month: formatMonth(b.month) })}
          </PageTitle>
          <PaymentsNav />
          <SummaryList
            rows={[
              { key: t('payments.column.district'), value: districtName(b.districtCode) },
              { key: t('payments.column.bank'), value: words.bank(b.bankCode) },
              { key: t('payments.column.lines'), value: formatNumber(b.lines) },
              { key: t('payments.column.total'), value: formatSoum(b.total) },
              {
                key: t('payments.column.status'),
                value: (
                  <span data-testid="batch-status">
                    <Tag tone={words.batchTone(b.status)}>{words.batchStatus(b.status)}</Tag>
                  </span>
                ),
              },
              {
                key: t('payments.column.approvals'),
                value: (
                  <span data-testid="batch-approvals">
                    {t('payments.approvals', {
                      done: formatNumber(b.approvals),
                      required: formatNumber(b.approvalsRequired),
                    })}
                  </span>
                ),
              },
              { key: t('payments.batch.reference'), value: b.reference },
              ...(b.exportedAt
                ? [
                    { key: t('payments.batch.sentAt'), value: formatDateTime(b.exportedAt) },
                    { key: t('payments.batch.paid'), value: formatSoum(b.paid) },
                    { key: t('payments.batch.rejected'), value: formatSoum(b.rejected) },
                  ]
                : []),
            ]}
          />
          <p role="status" data-testid="batch-notice">
            {notice}
          </p>
          {!sent ? (
            <section aria-labelledby="approval">
              <h2 id="approval">{t('payments.batch.approveHeading')}</h2>
              {waitingForSecond ? <p data-testid="needs-second">{t('payments.batch.needsSecond')}</p> : null}
              {mayApprove ? (
                <>
                  <p>{t('payments.batch.approveLead')}</p>
                  <Button type="button" onClick={approve} disabled={busy}>
                    {t('payments.batch.approve')}
                  </Button>
                </>
              ) : null}
              {approved ? <p>{t('payments.batch.approved')}</p> : null}
            </section>
          ) : null}
          {approved ? (
            <section aria-labelledby="bank-file">
              <h2 id="bank-file">{t('payments.batch.fileHeading')}</h2>
              <p>{t('payments.batch.fileLead')}</p>
              <Button type="button" variant="secondary" onClick={download} disabled={busy}>
                {t('payments.batch.download')}
              </Button>
            </section>
          ) : null}
          {sent ? (
            <section aria-labelledby="bank-answer">
              <h2 id="bank-answer">{t('payments.batch.resultsHeading')}</h2>
              <p>{t('payments.batch.resultsLead')}</p>
              <form onSubmit={upload} noValidate>
                <div className={`field ${fileError ? 'field-has-error' : ''}`}>
                  <label htmlFor="result-file">{t('payments.batch.resultFile')}</label>
                  <p className="hint" id="result-file-hint">
                    {t('payments.batch.resultFileHint')}
                  </p>
                  {fileError ? (
                    <p className="field-error" id="result-file-error">
                      <span className="visually-hidden">{t('common.error')}: </span>
                      {fileError}
                    </p>
                  ) : null}
                  <input
                    ref={fileInput}
                    id="result-file"
                    name="result-file"
                    type="file"
                    className="file-input"
                    accept=".csv,.txt,text/csv,text/plain"
                    aria-describedby={fileError ? 'result-file-hint result-file-error' : 'result-file-hint'}
                    aria-invalid={fileError ? true : undefined}
                  />
                </div>
                <Button disabled={busy}>{t('payments.batch.upload')}</Button>
              </form>
            </section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

export default function PaymentBatch() {
  return <StaffOnly>{() => <BatchPage />}</StaffOnly>;
}
