import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
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
  TextInput,
} from '../../ds/index.tsx';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { type Account, AccountStatus } from './accounts.tsx';
import { type Grant, GrantEditor, GrantText, grantBody } from './admin-parts.tsx';
import { StaffOnly } from './guard.tsx';

function AccountPage() {
  const { t } = useTranslation(['admin', 'common']);
  const { id = '' } = useParams();
  const client = useQueryClient();
  const account = useQuery<Account>({
    queryKey: ['admin', 'account', id],
    queryFn: () => api(`/api/admin/accounts/${id}`),
  });
  const [grants, setGrants] = useState<Grant[]>([]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  useEffect(() => {
    if (account.data) setGrants(account.data.grants);
  }, [account.data]);

  async function act(path: string) {
    setMessage('');
    try {
      await api(`/api/admin/accounts/${id}/${path}`, { method: 'POST' });
      setErrors([]);
      setMessage(t('admin.done'));
      await client.invalidateQueries({ queryKey: ['admin'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }

  async function saveGrants(event: FormEvent) {
    event.preventDefault();
    setMessage('');
    try {
      const result = await api<{ pendingRequest: unknown }>(`/api/admin/accounts/${id}/grants`, {
        method: 'PUT',
        body: { grants: grants.map(grantBody), ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setErrors([]);
      setMessage(result.pendingRequest ? t('admin.pendingText') : t('admin.saved'));
      await client.invalidateQueries({ queryKey: ['admin'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }

  if (account.isPending) return <Loading />;
  if (account.isError)
    return isUnknownId(account.error) ? <NotFound /> : <ErrorMessage error={account.error} />;
  const a = account.data;
  return (
    <>
      <BackLink to="/staff/accounts" />
      <ErrorSummary errors={errors} />
      <PageTitle caption={a.username}>{a.displayName}</PageTitle>
      <p role="status" data-testid="admin-result">
        {message}
      </p>
      <SummaryList
        rows={[
          { key: t('admin.status'), value: <AccountStatus account={a} /> },
          { key: t('admin.totp'), value: a.totpEnabled ? t('admin.totpOn') : t('admin.totpOff') },
          {
            key: t('admin.grants'),
            value:
              a.grants.length === 0 ? (
                t('admin.grantsNone')
              ) : (
                <ul className="plain-list">
                  {a.grants.map((g) => (
                    <li key={`${g.role}:${g.area?.code ?? '*'}`}>
                      <GrantText grant={g} />
                    </li>
                  ))}
                </ul>
              ),
          },
        ]}
      />
      {a.pendingRequestId ? (
        <p>
          <Link to="/staff/admin-requests">{t('admin.requestsLink')}</Link>
        </p>
      ) : null}
      <div className="actions">
        {a.disabled ? (
          <Button type="button" variant="secondary" onClick={() => act('enable')}>
            {t('admin.enable')}
          </Button>
        ) : (
          <Button type="button" variant="warning" onClick={() => act('disable')}>
            {t('admin.disable')}
          </Button>
        )}
        {a.totpEnabled ? (
          <Button type="button" variant="secondary" onClick={() => act('reset-totp')}>
            {t('admin.resetTotp')}
          </Button>
        ) : null}
        {a.lockedUntil ? (
          <Button type="button" variant="secondary" onClick={() => act('unlock')}>
            {t('admin.unlock')}
          </Button>
        ) : null}
      </div>
      <form onSubmit={saveGrants} noValidate>
        <GrantEditor grants={grants} onChange={setGrants} />
        <TextInput
          id="reason"
          label={t('admin.reason')}
          hint={t('admin.reasonHint')}
          value={reason}
          onChange={setReason}
          multiline
        />
        <Button>{t('admin.save')}</Button>
      </form>
    </>
  );
}

export default function AccountScreen() {
  return <StaffOnly>{() => <AccountPage />}</StaffOnly>;
}
