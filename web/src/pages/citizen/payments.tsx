import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { BackLink, ErrorMessage, Loading, PageTitle, SummaryList, Tag } from '../../ds/index.tsx';
import { formatDate, formatMonth, formatSoum } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import { CitizenOnly } from '../guard.tsx';
import { usePaymentWords } from '../payment-words.ts';

/**
 * "My payments": what was paid to the family, for which month and programme, how much, where each payment
 * is now (paid, on its way, returned by the bank, held, to be paid back) and why, to which card or account
 * (masked by the server), and on which decision.
 */

interface Payment {
  programme: string;
  month: string;
  kind: string;
  amount: number;
  status: string;
  answeredAt: string | null;
  rejectionReason: string | null;
  heldReason: string | null;
  /** Masked by the server: the first and last four digits only. */
  account: string | null;
  bankCode: string | null;
  decision: { id: number; month: string; kind: string };
}

/** Where the payment is now, in a sentence or two. */
function Where({ payment: p }: { payment: Payment }) {
  const { t } = useTranslation(['payments']);
  const words = usePaymentWords();
  switch (p.status) {
    case 'paid':
      return (
        <>
          {p.answeredAt ? t('payments.my.paidOn', { date: formatDate(p.answeredAt) }) : words.status('paid')}
        </>
      );
    case 'pending':
      return <>{t('payments.my.pending')}</>;
    case 'rejected':
      return (
        <>
          {t('payments.my.returned', { reason: words.rejection(p.rejectionReason) })}{' '}
          {t('payments.my.returnedHelp')}
        </>
      );
    case 'held':
      return (
        <>
          {t('payments.my.held', { reason: words.hold(p.heldReason) })} {t('payments.my.heldHelp')}
        </>
      );
    case 'recoverable':
      return <>{t('payments.my.recoverable')}</>;
    default:
      return <>{words.status(p.status)}</>;
  }
}

function PaymentsPage() {
  const { t } = useTranslation(['payments', 'programmes', 'citizen']);
  const words = usePaymentWords();
  const payments = useQuery<{ items: Payment[] }>({
    queryKey: ['me', 'payments'],
    queryFn: () => api('/api/me/payments'),
  });
  const items = payments.data?.items ?? [];
  return (
    <>
      <BackLink to="/citizen" />
      <PageTitle>{t('payments.my.title')}</PageTitle>
      <p className="lead">{t('payments.my.lead')}</p>
      {payments.isPending ? <Loading /> : null}
      {payments.isError ? <ErrorMessage error={payments.error} /> : null}
      {payments.data && items.length === 0 ? <p>{t('payments.my.none')}</p> : null}
      {items.length > 0 ? (
        <ul className="card-list">
          {items.map((p) => (
            <li
              className="card"
              // One line per month, programme and kind, except corrections: one per decision.
              key={`${p.month}:${p.programme}:${p.kind}:${p.decision.id}`}
              data-testid="payment"
              data-status={p.status}
            >
              <h2>
                {t('payments.my.heading', {
                  programme: t(dataKey('programmes', p.programme)),
                  month: formatMonth(p.month),
                })}
              </h2>
              <p className="status-line">
                <Tag tone={words.statusTone(p.status)}>{words.status(p.status)}</Tag>
                <span>{formatSoum(Math.abs(p.amount))}</span>
              </p>
              <SummaryList
                rows={[
                  { key: t('payments.my.amount'), value: formatSoum(Math.abs(p.amount)) },
                  { key: t('payments.my.kind'), value: words.kind(p.kind) },
                  { key: t('payments.my.where'), value: <Where payment={p} /> },
                  {
                    key: t('payments.my.account'),
                    value: p.account
                      ? [p.bankCode ? words.bank(p.bankCode) : null, p.account].filter(Boolean).join(', ')
                      : t('payments.my.noAccount'),
                  },
                  {
                    key: t('payments.my.decision'),
                    value: (
                      <Link to={`/citizen/decisions/${p.decision.id}`}>
                        {t('payments.my.decisionLink', { month: formatMonth(p.decision.month) })}
                      </Link>
                    ),
                  },
                ]}
              />
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export default function Payments() {
  return <CitizenOnly>{() => <PaymentsPage />}</CitizenOnly>;
}
