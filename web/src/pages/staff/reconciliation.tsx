import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, Select, Tag } from '../../ds/index.tsx';
import { formatMonth, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { usePaymentWords } from '../payment-words.ts';
import { StaffOnly } from './guard.tsx';
import { PaymentsNav, TableRegion, useDistrictName, useMonthOptions } from './payment-parts.tsx';

/**
 * Reconciliation: per month and programme, entitled = paid + returned by the bank + on its way + held, to
 * the so'm; per batch, sent = paid + returned + on its way. The same figures download as CSV.
 */

interface MonthRow {
  month: string;
  programme: string;
  lines: number;
  entitled: number;
  paid: number;
  rejected: number;
  pending: number;
  held: number;
  recoverable: number;
  balanced: boolean;
}

interface BatchRow {
  batchId: number;
  month: string;
  programme: string;
  bankCode: string;
  districtCode: string;
  sent: number;
  paid: number;
  rejected: number;
  pending: number;
  balanced: boolean;
}

function Balanced({ balanced }: { balanced: boolean }) {
  const { t } = useTranslation(['payments']);
  return balanced ? (
    <Tag tone="green">{t('payments.reconciliation.balancedYes')}</Tag>
  ) : (
    <Tag tone="red">{t('payments.reconciliation.balancedNo')}</Tag>
  );
}

function ReconciliationPage() {
  const { t } = useTranslation(['payments', 'programmes', 'staff']);
  const words = usePaymentWords();
  const [params, setParams] = useSearchParams();
  const month = params.get('month') ?? '';
  const query = month ? `month=${encodeURIComponent(month)}` : '';
  const data = useQuery<{ months: MonthRow[]; batches: BatchRow[] }>({
    queryKey: ['payments', 'reconciliation', month],
    queryFn: () => api(`/api/payments/reconciliation${query ? `?${query}` : ''}`),
  });
  const monthOptions = useMonthOptions();
  const districtName = useDistrictName((data.data?.batches ?? []).map((b) => b.districtCode));
  const forbidden = data.error instanceof ApiError && data.error.status === 403;
  const csv = `/api/payments/reconciliation.csv${query ? `?${query}` : ''}`;
  const months = data.data?.months ?? [];
  const batches = data.data?.batches ?? [];
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('payments.reconciliation.title')}</PageTitle>
      <p className="lead">{t('payments.reconciliation.lead')}</p>
      <PaymentsNav />
      <Select
        id="month"
        label={t('payments.reconciliation.month')}
        value={month}
        options={monthOptions}
        onChange={(value) => setParams(value ? { month: value } : {})}
      />
      {data.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {data.isError && !forbidden ? <ErrorMessage error={data.error} /> : null}
      {data.data && months.length === 0 ? <p>{t('payments.reconciliation.none')}</p> : null}
      {months.length > 0 ? (
        <>
          <TableRegion label={t('payments.reconciliation.caption')}>
            <table data-testid="reconciliation">
              <caption>{t('payments.reconciliation.caption')}</caption>
              <thead>
                <tr>
                  {month ? null : <th scope="col">{t('payments.column.month')}</th>}
                  <th scope="col">{t('payments.column.programme')}</th>
                  <th scope="col">{t('payments.reconciliation.balanced')}</th>
                  <th scope="col">{t('payments.reconciliation.entitled')}</th>
                  <th scope="col">{t('payments.reconciliation.paid')}</th>
                  <th scope="col">{t('payments.reconciliation.rejected')}</th>
                  <th scope="col">{t('payments.reconciliation.pending')}</th>
                  <th scope="col">{t('payments.reconciliation.held')}</th>
                  <th scope="col">{t('payments.reconciliation.recoverable')}</th>
                </tr>
              </thead>
              <tbody>
                {months.map((m) => (
                  <tr key={`${m.month}:${m.programme}`} data-testid="reconciliation-row">
                    {month ? null : <td>{formatMonth(m.month)}</td>}
                    <th scope="row">{t(dataKey('programmes', m.programme))}</th>
                    <td>
                      <Balanced balanced={m.balanced} />
                    </td>
                    <td className="nowrap">{formatSoum(m.entitled)}</td>
                    <td className="nowrap">{formatSoum(m.paid)}</td>
                    <td className="nowrap">{formatSoum(m.rejected)}</td>
                    <td className="nowrap">{formatSoum(m.pending)}</td>
                    <td className="nowrap">{formatSoum(m.held)}</td>
                    <td className="nowrap">{formatSoum(m.recoverable)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          <p>
            <a href={csv} download="reconciliation.csv" data-testid="reconciliation-csv">
              {t('payments.reconciliation.csv')}
            </a>
          </p>
        </>
      ) : null}
      {!month && months.length > 0 ? (
        <p className="hint">{t('payments.reconciliation.batchesHint')}</p>
      ) : null}
      {month && batches.length > 0 ? (
        <TableRegion label={t('payments.reconciliation.batchesCaption')}>
          <table data-testid="reconciliation-batches">
            <caption>{t('payments.reconciliation.batchesCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.column.programme')}</th>
                <th scope="col">{t('payments.column.district')}</th>
                <th scope="col">{t('payments.column.bank')}</th>
                <th scope="col">{t('payments.reconciliation.balanced')}</th>
                <th scope="col">{t('payments.reconciliation.sent')}</th>
                <th scope="col">{t('payments.reconciliation.paid')}</th>
                <th scope="col">{t('payments.reconciliation.rejected')}</th>
                <th scope="col">{t('payments.reconciliation.unanswered')}</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.batchId}>
                  <td>{t(dataKey('programmes', b.programme))}</td>
                  <td>{districtName(b.districtCode)}</td>
                  <td className="nowrap">{words.bank(b.bankCode)}</td>
                  <td>
                    <Balanced balanced={b.balanced} />
                  </td>
                  <td className="nowrap">{formatSoum(b.sent)}</td>
                  <td className="nowrap">{formatSoum(b.paid)}</td>
                  <td className="nowrap">{formatSoum(b.rejected)}</td>
                  <td className="nowrap">{formatSoum(b.pending)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
    </>
  );
}

export default function Reconciliation() {
  return <StaffOnly>{() => <ReconciliationPage />}</StaffOnly>;
}
