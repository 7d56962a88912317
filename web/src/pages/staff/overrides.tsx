import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
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
} from '../../ds/index.tsx';
import { formatMonth, formatSoumPerMonth } from '../../format.ts';
import { dataKey } from '../../i18n.ts';
import type { ActorDisplay } from '../actor.ts';
import { type AllowedActions, allows } from './allowed.ts';
import { StaffOnly } from './guard.tsx';

interface Override extends AllowedActions {
  id: string;
  householdId: string;
  programme: string;
  month: string;
  amount: number | null;
  category: string | null;
  reason: string;
  legalBasis: string;
  requestedBy: string;
  requestedByDisplay?: ActorDisplay | null;
}

function OverridesPage() {
  const { t } = useTranslation(['common', 'override', 'programmes', 'record', 'roleAware', 'staff']);
  const client = useQueryClient();
  const list = useQuery<{ items: Override[] }>({
    queryKey: ['overrides', 'pending'],
    queryFn: () => api('/api/overrides?status=pending&pageSize=50'),
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState('');
  async function review(id: string, action: 'approve' | 'reject', own = false) {
    setDone('');
    try {
      await api(`/api/overrides/${id}/${action}`, { method: 'POST', body: {} });
      setErrors([]);
      setDone(
        action === 'approve'
          ? t('override.approved')
          : own
            ? t('roleAware.withdrawn')
            : t('override.rejected'),
      );
      await client.invalidateQueries({ queryKey: ['overrides'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }
  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('staff.overrides')}</PageTitle>
      <div role="status">
        {done ? (
          <p className="lead" data-testid="review-result">
            {done}
          </p>
        ) : null}
      </div>
      {list.isPending ? <Loading /> : null}
      {list.error instanceof ApiError && list.error.status === 403 ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !(list.error instanceof ApiError && list.error.status === 403) ? (
        <ErrorMessage error={list.error} />
      ) : null}
      {list.data?.items.length === 0 ? <p>{t('common.none')}</p> : null}
      <ul className="card-list">
        {list.data?.items.map((o) => (
          <li className="card" key={o.id} data-override={o.id}>
            <h2>
              {t(dataKey('programmes', o.programme))}, {formatMonth(o.month)}
            </h2>
            <p>
              {o.category ? t(dataKey('override.cat', o.category)) : ''}{' '}
              {o.amount !== null ? formatSoumPerMonth(o.amount) : ''}
            </p>
            <p>
              <strong>{t('override.reason')}:</strong> {o.reason}
            </p>
            <p>
              <strong>{t('override.legalBasis')}:</strong> {o.legalBasis}
            </p>
            <p>{t('override.proposedBy', { who: o.requestedByDisplay?.text ?? '—' })}</p>
            <p>
              <Link to={`/staff/households/${o.householdId}`}>{t('record.title')}</Link>
            </p>
            {/* Four eyes: Approve is offered only to another officer; the proposer may withdraw. */}
            {allows(o, 'override.read') && !allows(o, 'override.approve') && allows(o, 'override.reject') ? (
              <p data-testid="own-proposal">{t('roleAware.ownProposal')}</p>
            ) : null}
            <div className="actions">
              {allows(o, 'override.approve') ? (
                <Button type="button" onClick={() => review(o.id, 'approve')}>
                  {t('override.approve')}
                </Button>
              ) : null}
              {allows(o, 'override.reject') ? (
                <Button
                  type="button"
                  variant="warning"
                  onClick={() => review(o.id, 'reject', !allows(o, 'override.approve'))}
                >
                  {allows(o, 'override.approve') ? t('override.reject') : t('roleAware.withdraw')}
                </Button>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function Overrides() {
  return <StaffOnly>{() => <OverridesPage />}</StaffOnly>;
}
