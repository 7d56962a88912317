import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api.ts';
import {
  BackLink,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  SummaryList,
  Tag,
  TextInput,
} from '../../ds/index.tsx';
import { formatDateTime, formatNumber } from '../../format.ts';
import { codeLabel } from '../../labels.ts';
import type { ActorDisplay } from '../actor.ts';
import { StaffOnly } from './guard.tsx';

interface Verify {
  ok: boolean;
  entries: number;
  head: { seq: number; hash: string };
  firstBroken?: { seq: number; reason: string; reasonLabel: string };
}

interface Entry {
  seq: number;
  at: string;
  actorKind: string;
  actorId: string | null;
  role: string | null;
  purpose: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  hash: string;
  actorDisplay?: ActorDisplay | null;
}

const FILTERS = ['actorId', 'action', 'householdId', 'from', 'to'] as const;
type Filters = Record<(typeof FILTERS)[number], string>;
const EMPTY: Filters = { actorId: '', action: '', householdId: '', from: '', to: '' };
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function query(filters: Filters): string {
  const params = new URLSearchParams({ pageSize: '50' });
  if (filters.actorId) params.set('actorId', filters.actorId);
  if (filters.action) params.set('action', filters.action);
  if (filters.householdId) params.set('householdId', filters.householdId);
  if (filters.from) params.set('from', `${filters.from}T00:00:00Z`);
  if (filters.to) params.set('to', `${filters.to}T23:59:59Z`);
  return params.toString();
}

function AuditPage() {
  const { t } = useTranslation(['audit', 'staff', 'codes']);
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [applied, setApplied] = useState<Filters>(EMPTY);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const verify = useQuery<Verify>({ queryKey: ['audit-verify'], queryFn: () => api('/api/audit/verify') });
  const entries = useQuery<{ items: Entry[]; total: number }>({
    queryKey: ['audit-entries', applied],
    queryFn: () => api(`/api/audit/entries?${query(applied)}`),
  });
  const forbidden =
    (verify.error instanceof ApiError && verify.error.status === 403) ||
    (entries.error instanceof ApiError && entries.error.status === 403);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    for (const f of ['from', 'to'] as const) {
      if (draft[f] && !DATE.test(draft[f].trim())) found.push({ field: f, message: t('audit.dateInvalid') });
    }
    setErrors(found);
    if (found.length === 0) setApplied({ ...draft });
  }

  if (forbidden) {
    return (
      <>
        <BackLink to="/staff" />
        <PageTitle>{t('audit.title')}</PageTitle>
        <p>{t('staff.notAllowed')}</p>
      </>
    );
  }
  return (
    <>
      <BackLink to="/staff" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('audit.title')}</PageTitle>
      <h2>{t('audit.chain')}</h2>
      {verify.isPending ? <Loading /> : null}
      {verify.isError ? <ErrorMessage error={verify.error} /> : null}
      {verify.data ? (
        <div data-testid="audit-verify">
          <p>
            <Tag tone={verify.data.ok ? 'green' : 'red'}>
              {verify.data.ok ? t('audit.intact') : t('audit.broken')}
            </Tag>{' '}
            {t('audit.entries', { count: verify.data.entries, value: formatNumber(verify.data.entries) })}
          </p>
          <SummaryList
            rows={[
              {
                key: t('audit.head'),
                value: (
                  <>
                    {verify.data.head.seq} · <code>{verify.data.head.hash}</code>
                  </>
                ),
              },
              ...(verify.data.firstBroken
                ? [
                    {
                      key: t('audit.broken'),
                      value: t('audit.firstBroken', {
                        seq: String(verify.data.firstBroken.seq),
                        reason: verify.data.firstBroken.reasonLabel,
                      }),
                    },
                  ]
                : []),
            ]}
          />
        </div>
      ) : null}
      <h2>{t('audit.filters')}</h2>
      <form onSubmit={submit} noValidate>
        {FILTERS.map((f) => (
          <TextInput
            key={f}
            id={f}
            label={t(`audit.${f}`)}
            hint={f === 'from' || f === 'to' ? t('audit.dateHint') : undefined}
            width={f === 'from' || f === 'to' ? 'short' : undefined}
            value={draft[f]}
            onChange={(value) => setDraft({ ...draft, [f]: value })}
            error={errors.find((e) => e.field === f)?.message}
          />
        ))}
        <Button>{t('audit.apply')}</Button>
      </form>
      {entries.isPending ? <Loading /> : null}
      {entries.isError ? <ErrorMessage error={entries.error} /> : null}
      {entries.data ? (
        <>
          <p role="status">
            {t('audit.results', { count: entries.data.total, value: formatNumber(entries.data.total) })}
          </p>
          <div className="table-wrap">
            <table>
              <caption className="visually-hidden">{t('audit.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.seq')}</th>
                  <th scope="col">{t('audit.at')}</th>
                  <th scope="col">{t('audit.actorId')}</th>
                  <th scope="col">{t('audit.action')}</th>
                  <th scope="col">{t('audit.resource')}</th>
                  <th scope="col">{t('audit.purpose')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.data.items.map((e) => (
                  <tr key={e.seq}>
                    <td className="nowrap">{e.seq}</td>
                    <td>{formatDateTime(e.at)}</td>
                    <td>{e.actorDisplay?.text ?? codeLabel('actorKind', e.actorKind)}</td>
                    <td className="nowrap">{codeLabel('action', e.action)}</td>
                    <td>{codeLabel('resource', e.resourceType)}</td>
                    <td>{e.purpose ? codeLabel('purpose', e.purpose) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </>
  );
}

export default function Audit() {
  return <StaffOnly>{() => <AuditPage />}</StaffOnly>;
}
