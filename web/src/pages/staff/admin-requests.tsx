import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
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
  SummaryList,
} from '../../ds/index.tsx';
import { formatDate } from '../../format.ts';
import { type AreaRef, type Grant, GrantText, scopeKey, useAreaName } from './admin-parts.tsx';
import { StaffOnly } from './guard.tsx';

interface Reach {
  grants?: Grant[];
  scopes?: string[];
  area?: AreaRef | null;
}

interface AdminRequest {
  id: string;
  targetKind: 'account' | 'machine_client';
  target: { id: string; label: string };
  change: Reach;
  before: Reach;
  reason: string;
  proposedBy: { displayName: string } | null;
  createdAt: string;
}

/** A reach in words: the roles of an account, or a client's permissions and area. */
function ReachText({ reach }: { reach: Reach }) {
  const { t } = useTranslation(['admin', 'common', 'staff']);
  const areaName = useAreaName();
  if (reach.grants) {
    if (reach.grants.length === 0) return <>{t('admin.nothing')}</>;
    return (
      <ul className="plain-list">
        {reach.grants.map((g) => (
          <li key={`${g.role}:${g.area?.code ?? '*'}`}>
            <GrantText grant={g} />
          </li>
        ))}
      </ul>
    );
  }
  const scopes = reach.scopes ?? [];
  return (
    <>
      {scopes.length === 0 ? t('admin.nothing') : scopes.map((s) => t(scopeKey(s))).join('; ')} —{' '}
      {areaName(reach.area ?? null)}
    </>
  );
}

function RequestsPage() {
  const { t } = useTranslation(['admin', 'common', 'staff']);
  const client = useQueryClient();
  const list = useQuery<{ items: AdminRequest[] }>({
    queryKey: ['admin', 'requests', 'pending'],
    queryFn: () => api('/api/admin/requests?status=pending&pageSize=100'),
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [done, setDone] = useState('');
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  async function review(id: string, action: 'approve' | 'reject') {
    setDone('');
    try {
      await api(`/api/admin/requests/${id}/${action}`, { method: 'POST', body: {} });
      setErrors([]);
      setDone(t(action === 'approve' ? 'admin.approved' : 'admin.rejected'));
      await client.invalidateQueries({ queryKey: ['admin'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }
  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('admin.requestsTitle')}</PageTitle>
      <p className="lead">{t('admin.requestsLead')}</p>
      <p role="status" data-testid="review-result">
        {done}
      </p>
      {list.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !forbidden ? <ErrorMessage error={list.error} /> : null}
      {list.data?.items.length === 0 ? <p>{t('admin.requestsNone')}</p> : null}
      <ul className="card-list">
        {list.data?.items.map((r) => (
          <li className="card" key={r.id} data-testid="admin-request">
            <h2>
              {t(`admin.kind.${r.targetKind}`)}: {r.target.label}
            </h2>
            <SummaryList
              rows={[
                { key: t('admin.asks'), value: <ReachText reach={r.change} /> },
                { key: t('admin.holds'), value: <ReachText reach={r.before} /> },
                { key: t('admin.reason'), value: r.reason },
                {
                  key: t('common.date'),
                  value: `${formatDate(r.createdAt.slice(0, 10))} · ${t('admin.proposedBy', { who: r.proposedBy?.displayName ?? '—' })}`,
                },
              ]}
            />
            <div className="actions">
              <Button type="button" onClick={() => review(r.id, 'approve')}>
                {t('admin.approve')}
              </Button>
              <Button type="button" variant="warning" onClick={() => review(r.id, 'reject')}>
                {t('admin.reject')}
              </Button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export default function AdminRequests() {
  return <StaffOnly>{() => <RequestsPage />}</StaffOnly>;
}
