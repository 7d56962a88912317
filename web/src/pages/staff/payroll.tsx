import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  Select,
  Tag,
} from '../../ds/index.tsx';
import { formatDateTime, formatMonth, formatNumber, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { StaffOnly } from './guard.tsx';
import { PaymentsNav, type Run, recentMonths, TableRegion, useRuns } from './payment-parts.tsx';

/**
 * Build a month's payroll (every monthly programme at once; a month already built comes back as it was)
 * and the payrolls built so far.
 */

function RunsTable({ runs, caption, fresh }: { runs: Run[]; caption: string; fresh?: boolean }) {
  const { t } = useTranslation(['payments', 'programmes']);
  return (
    <TableRegion label={caption}>
      <table data-testid={fresh ? 'built-runs' : 'runs'}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('payments.column.month')}</th>
            <th scope="col">{t('payments.column.programme')}</th>
            {fresh ? <th scope="col">{t('payments.column.status')}</th> : null}
            {fresh ? null : <th scope="col">{t('payments.payroll.builtAt')}</th>}
            <th scope="col">{t('payments.payroll.lines')}</th>
            <th scope="col">{t('payments.payroll.total')}</th>
            <th scope="col">{t('payments.payroll.held')}</th>
            <th scope="col">{t('payments.payroll.batches')}</th>
            <th scope="col">{t('payments.payroll.batchTotal')}</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} data-testid="run">
              <td>
                <Link to={`/staff/payments?month=${r.month}&programme=${r.programme}`}>
                  {formatMonth(r.month)}
                </Link>
              </td>
              <td>{t(dataKey('programmes', r.programme))}</td>
              {fresh ? (
                <td>
                  <Tag tone={r.created ? 'green' : 'grey'}>
                    {r.created ? t('payments.payroll.created') : t('payments.payroll.existing')}
                  </Tag>
                </td>
              ) : null}
              {fresh ? null : <td>{formatDateTime(r.builtAt)}</td>}
              <td>{formatNumber(r.lines)}</td>
              <td className="nowrap">{formatSoum(r.total)}</td>
              <td>
                {r.heldLines > 0
                  ? t('payments.payroll.heldValue', {
                      count: formatNumber(r.heldLines),
                      amount: formatSoum(r.heldTotal),
                    })
                  : formatNumber(0)}
              </td>
              <td>{formatNumber(r.batches)}</td>
              <td className="nowrap">{formatSoum(r.batchTotal)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableRegion>
  );
}

function PayrollPage() {
  const { t } = useTranslation(['payments', 'staff', 'common']);
  const client = useQueryClient();
  const months = recentMonths(12);
  const [month, setMonth] = useState(months[0] ?? '');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [busy, setBusy] = useState(false);
  const [built, setBuilt] = useState<Run[] | null>(null);
  const resultHeading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (built) resultHeading.current?.focus();
  }, [built]);
  const runs = useRuns();
  const forbidden = runs.error instanceof ApiError && runs.error.status === 403;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    try {
      const answer = await api<{ items: Run[] }>('/api/payments/runs', { method: 'POST', body: { month } });
      setErrors([]);
      setBuilt(answer.items);
      await client.invalidateQueries({ queryKey: ['payments'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('payments.payroll.title')}</PageTitle>
      <p className="lead">{t('payments.payroll.lead')}</p>
      <PaymentsNav />
      <form onSubmit={submit} noValidate>
        <Select
          id="payroll-month"
          label={t('payments.payroll.month')}
          value={month}
          options={months.map((m) => ({ value: m, label: formatMonth(m) }))}
          onChange={setMonth}
        />
        <Button disabled={busy}>{t('payments.payroll.build')}</Button>
      </form>
      {built ? (
        <section aria-labelledby="built">
          {/* Focus moves here once the build answers, so a screen reader reads the result next. */}
          <h2 id="built" ref={resultHeading} tabIndex={-1}>
            {t('payments.payroll.resultHeading')}
          </h2>
          <RunsTable runs={built} caption={t('payments.payroll.caption')} fresh />
        </section>
      ) : null}
      <h2>{t('payments.payroll.runsHeading')}</h2>
      {runs.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {runs.isError && !forbidden ? <ErrorMessage error={runs.error} /> : null}
      {runs.data?.items.length === 0 ? <p>{t('payments.payroll.none')}</p> : null}
      {runs.data && runs.data.items.length > 0 ? (
        <RunsTable runs={runs.data.items} caption={t('payments.payroll.caption')} />
      ) : null}
    </>
  );
}

export default function Payroll() {
  return <StaffOnly>{() => <PayrollPage />}</StaffOnly>;
}
