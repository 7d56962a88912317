import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, Button, ErrorMessage, Loading, PageTitle, Select, Tag } from '../../ds/index.tsx';
import { formatMonth, formatNumber, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { usePaymentWords } from '../payment-words.ts';
import { StaffOnly } from './guard.tsx';
import {
  type Batch,
  monthlyProgrammes,
  PaymentsNav,
  TableRegion,
  useDistrictName,
  useMonthOptions,
} from './payment-parts.tsx';

/** The finance officer's payment batches: one per month, programme, bank and district, newest first. */

const PAGE_SIZE = 50;

function BatchesPage() {
  const { t } = useTranslation(['payments', 'programmes', 'staff', 'common']);
  const words = usePaymentWords();
  // The filters live in the address, so "back" from a batch returns to the same list.
  const [params, setParams] = useSearchParams();
  const month = params.get('month') ?? '';
  const programme = params.get('programme') ?? '';
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const query = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE) });
  if (month) query.set('month', month);
  if (programme) query.set('programme', programme);
  const list = useQuery<{ items: Batch[]; page: number; pageSize: number }>({
    queryKey: ['payments', 'batches', month, programme, page],
    queryFn: () => api(`/api/payments/batches?${query.toString()}`),
  });
  const monthOptions = useMonthOptions();
  const districtName = useDistrictName((list.data?.items ?? []).map((b) => b.districtCode));
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  const choose = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    setParams(next);
  };
  const items = list.data?.items ?? [];
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('payments.batches.title')}</PageTitle>
      <p className="lead">{t('payments.batches.lead')}</p>
      <PaymentsNav />
      <div className="filters">
        <Select
          id="month"
          label={t('payments.batches.month')}
          value={month}
          options={monthOptions}
          onChange={(value) => choose({ month: value, page: '' })}
        />
        <Select
          id="programme"
          label={t('payments.batches.programme')}
          value={programme}
          options={[
            { value: '', label: t('payments.allProgrammes') },
            ...monthlyProgrammes().map((p) => ({ value: p, label: t(dataKey('programmes', p)) })),
          ]}
          onChange={(value) => choose({ programme: value, page: '' })}
        />
      </div>
      {list.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !forbidden ? <ErrorMessage error={list.error} /> : null}
      {list.data && items.length === 0 ? <p>{t('payments.batches.none')}</p> : null}
      {items.length > 0 ? (
        <TableRegion label={t('payments.batches.caption')}>
          <table data-testid="batches">
            <caption className="visually-hidden">{t('payments.batches.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.column.batch')}</th>
                {month ? null : <th scope="col">{t('payments.column.month')}</th>}
                <th scope="col">{t('payments.column.programme')}</th>
                <th scope="col">{t('payments.column.bank')}</th>
                <th scope="col">{t('payments.column.district')}</th>
                <th scope="col">{t('payments.column.lines')}</th>
                <th scope="col">{t('payments.column.total')}</th>
                <th scope="col">{t('payments.column.status')}</th>
                <th scope="col">{t('payments.column.approvals')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((b) => (
                <tr key={b.id} data-testid="batch" data-status={b.status}>
                  <td>
                    <Link to={`/staff/payments/batches/${b.id}`}>
                      {t('payments.batches.open')}
                      <span className="visually-hidden">
                        {' '}
                        {t('payments.batches.openName', {
                          programme: t(dataKey('programmes', b.programme)),
                          month: formatMonth(b.month),
                          district: districtName(b.districtCode),
                          bank: words.bank(b.bankCode),
                        })}
                      </span>
                    </Link>
                  </td>
                  {month ? null : <td>{formatMonth(b.month)}</td>}
                  <td>{t(dataKey('programmes', b.programme))}</td>
                  <td>{words.bank(b.bankCode)}</td>
                  <td>{districtName(b.districtCode)}</td>
                  <td>{formatNumber(b.lines)}</td>
                  <td className="nowrap">{formatSoum(b.total)}</td>
                  <td>
                    <Tag tone={words.batchTone(b.status)}>{words.batchStatus(b.status)}</Tag>
                  </td>
                  <td>
                    {t('payments.approvals', {
                      done: formatNumber(b.approvals),
                      required: formatNumber(b.approvalsRequired),
                    })}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {page > 1 || items.length === PAGE_SIZE ? (
        <div className="actions">
          {page > 1 ? (
            <Button type="button" variant="secondary" onClick={() => choose({ page: String(page - 1) })}>
              {t('payments.previous')}
            </Button>
          ) : null}
          <span>{t('payments.page', { page: formatNumber(page) })}</span>
          {items.length === PAGE_SIZE ? (
            <Button type="button" variant="secondary" onClick={() => choose({ page: String(page + 1) })}>
              {t('payments.next')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

export default function Payments() {
  return <StaffOnly>{() => <BatchesPage />}</StaffOnly>;
}
