import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isDeadReason, isOutboxKind, OUTBOX_KINDS } from '../../../../src/shared/outbox.ts';
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
  SummaryList,
} from '../../ds/index.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { StaffOnly } from './guard.tsx';

/** Messages the outbox gave up (SMS, the state portal's and partners' callbacks), and a second chance. */

interface DeadLetter {
  id: string;
  kind: string;
  /** '***4567' for a phone, the host of a partner's address otherwise (the server masks it). */
  target: string;
  attempts: number;
  reason: string;
  createdAt: string;
  deadAt: string;
}

const PAGE_SIZE = 20;

function DeadLettersPage() {
  const { t } = useTranslation(['outbox', 'staff', 'common']);
  const client = useQueryClient();
  const [kind, setKind] = useState('');
  const [page, setPage] = useState(1);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState('');
  const list = useQuery<{ items: DeadLetter[]; total: number }>({
    queryKey: ['outbox', 'dead-letters', kind, page],
    queryFn: () =>
      api(`/api/outbox/dead-letters?pageSize=${PAGE_SIZE}&page=${page}${kind ? `&kind=${kind}` : ''}`),
  });
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  const kindLabel = (k: string) => (isOutboxKind(k) ? t(`outbox.kind.${k}`) : t('outbox.kind.other'));
  // A reason this screen does not know yet reads as the most general one.
  const reasonLabel = (r: string) => t(`outbox.reason.${isDeadReason(r) ? r : 'attempts_exhausted'}`);
  const targetText = (target: string) =>
    target.startsWith('***') ? t('outbox.phoneEnding', { digits: target.slice(3) }) : target;

  async function retry(letter: DeadLetter) {
    setDone('');
    try {
      await api(`/api/outbox/dead-letters/${letter.id}/retry`, { method: 'POST' });
      setErrors([]);
      setDone(t('outbox.retried', { target: targetText(letter.target) }));
      await client.invalidateQueries({ queryKey: ['outbox'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }

  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE_SIZE));
  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('outbox.title')}</PageTitle>
      <p className="lead">{t('outbox.lead')}</p>
      <p>
        <Link to="/staff/outbox">{t('outbox.state.link')}</Link>
      </p>
      <Select
        id="kind"
        label={t('outbox.filterKind')}
        value={kind}
        options={[
          { value: '', label: t('outbox.allKinds') },
          ...OUTBOX_KINDS.map((k) => ({ value: k, label: kindLabel(k) })),
        ]}
        onChange={(value) => {
          setKind(value);
          setPage(1);
        }}
      />
      <p role="status" data-testid="retry-result">
        {done}
      </p>
      {list.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !forbidden ? <ErrorMessage error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('outbox.none')}</p> : null}
      {list.data && list.data.total > 0 ? (
        <p>{t('outbox.count', { value: formatNumber(list.data.total) })}</p>
      ) : null}
      <ul className="card-list">
        {list.data?.items.map((d) => (
          <li className="card" key={d.id} data-testid="dead-letter">
            <h2>
              {kindLabel(d.kind)}: {targetText(d.target)}
            </h2>
            <SummaryList
              rows={[
                { key: t('outbox.reasonLabel'), value: reasonLabel(d.reason) },
                { key: t('outbox.attempts'), value: formatNumber(d.attempts) },
                { key: t('outbox.queuedAt'), value: formatDateTime(d.createdAt) },
                { key: t('outbox.givenUpAt'), value: formatDateTime(d.deadAt) },
              ]}
            />
            <div className="actions">
              <Button type="button" onClick={() => retry(d)}>
                {t('outbox.retry')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
      {pages > 1 ? (
        <div className="actions">
          <Button type="button" variant="secondary" onClick={() => setPage(Math.max(1, page - 1))}>
            {t('outbox.previous')}
          </Button>
          <span>{t('outbox.page', { page: formatNumber(page), pages: formatNumber(pages) })}</span>
          <Button type="button" variant="secondary" onClick={() => setPage(Math.min(pages, page + 1))}>
            {t('outbox.next')}
          </Button>
        </div>
      ) : null}
    </>
  );
}

export default function DeadLetters() {
  return <StaffOnly>{() => <DeadLettersPage />}</StaffOnly>;
}
