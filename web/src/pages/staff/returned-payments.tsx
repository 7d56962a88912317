import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, Button, ErrorMessage, Loading, PageTitle } from '../../ds/index.tsx';
import { formatDate, formatMonth, formatNumber, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { sentenceCase, usePaymentWords } from '../payment-words.ts';
import { StaffOnly } from './guard.tsx';
import { TableRegion } from './payment-parts.tsx';

/**
 * The social worker's list of payments the bank returned and nothing has paid since, in their areas: whom
 * to help put a card or account right. Each family links to its record.
 */

interface Returned {
  householdId: string;
  headName: string;
  programme: string;
  month: string;
  amount: number;
  reason: string;
  rejectedAt: string;
  account: string;
}

const PAGE_SIZE = 50;

function ReturnedPage() {
  const { t } = useTranslation(['payments', 'programmes', 'staff', 'common']);
  const words = usePaymentWords();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get('page') ?? '1') || 1);
  const list = useQuery<{ items: Returned[] }>({
    queryKey: ['payments', 'returned', page],
    queryFn: () => api(`/api/payments/rejected?page=${page}&pageSize=${PAGE_SIZE}`),
  });
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  const items = list.data?.items ?? [];
  const goTo = (next: number) => setParams(next > 1 ? { page: String(next) } : {});
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('payments.returned.title')}</PageTitle>
      <p className="lead">{t('payments.returned.lead')}</p>
      {list.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !forbidden ? <ErrorMessage error={list.error} /> : null}
      {list.data && items.length === 0 ? <p>{t('payments.returned.none')}</p> : null}
      {items.length > 0 ? (
        <TableRegion label={t('payments.returned.caption')}>
          <table data-testid="returned">
            <caption className="visually-hidden">{t('payments.returned.caption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('payments.returned.head')}</th>
                <th scope="col">{t('payments.column.programme')}</th>
                <th scope="col">{t('payments.returned.month')}</th>
                <th scope="col">{t('payments.my.amount')}</th>
                <th scope="col">{t('payments.returned.reason')}</th>
                <th scope="col">{t('payments.returned.account')}</th>
                <th scope="col">{t('payments.returned.returnedOn')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr
                  key={`${r.householdId}:${r.programme}:${r.month}:${r.rejectedAt}:${r.amount}`}
                  data-testid="returned-payment"
                >
                  <th scope="row">
                    <Link to={`/staff/households/${r.householdId}`}>
                      {r.headName || t('payments.returned.noName')}
                    </Link>
                  </th>
                  <td>{t(dataKey('programmes', r.programme))}</td>
                  <td>{formatMonth(r.month)}</td>
                  <td className="nowrap">{formatSoum(r.amount)}</td>
                  <td>{sentenceCase(words.rejection(r.reason))}</td>
                  <td className="nowrap">{r.account}</td>
                  <td>{formatDate(r.rejectedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {page > 1 || items.length === PAGE_SIZE ? (
        <div className="actions">
          {page > 1 ? (
            <Button type="button" variant="secondary" onClick={() => goTo(page - 1)}>
              {t('payments.previous')}
            </Button>
          ) : null}
          <span>{t('payments.page', { page: formatNumber(page) })}</span>
          {items.length === PAGE_SIZE ? (
            <Button type="button" variant="secondary" onClick={() => goTo(page + 1)}>
              {t('payments.next')}
            </Button>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

export default function ReturnedPayments() {
  return <StaffOnly>{() => <ReturnedPage />}</StaffOnly>;
}
