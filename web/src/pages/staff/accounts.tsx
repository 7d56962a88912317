import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, Button, ErrorMessage, Loading, PageTitle, Tag, TextInput } from '../../ds/index.tsx';
import { type Grant, GrantText } from './admin-parts.tsx';
import { StaffOnly } from './guard.tsx';

export interface Account {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  lockedUntil: string | null;
  totpEnabled: boolean;
  grants: Grant[];
  pendingRequestId: string | null;
}

/** The account's state in words (with a shape as well as a colour). */
export function AccountStatus({ account }: { account: Account }) {
  const { t } = useTranslation(['admin', 'staff']);
  return (
    <>
      {account.disabled ? (
        <Tag tone="grey">{t('admin.disabled')}</Tag>
      ) : (
        <Tag tone="green">{t('admin.active')}</Tag>
      )}{' '}
      {account.lockedUntil ? <Tag tone="red">{t('admin.locked')}</Tag> : null}{' '}
      {account.pendingRequestId ? <Tag tone="blue">{t('admin.pending')}</Tag> : null}
    </>
  );
}

function AccountsPage() {
  const { t } = useTranslation(['admin', 'staff']);
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const list = useQuery<{ items: Account[]; total: number }>({
    queryKey: ['admin', 'accounts', q],
    queryFn: () => api(`/api/admin/accounts?pageSize=100${q ? `&q=${encodeURIComponent(q)}` : ''}`),
  });
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  function search(event: FormEvent) {
    event.preventDefault();
    setQ(text.trim());
  }
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('admin.accountsTitle')}</PageTitle>
      <p className="lead">{t('admin.accountsLead')}</p>
      <p>
        <Link className="button button-primary" to="/staff/accounts/new">
          {t('admin.newAccount')}
        </Link>
      </p>
      <form onSubmit={search} noValidate>
        <TextInput id="q" type="search" label={t('admin.search')} value={text} onChange={setText} />
        <Button variant="secondary">{t('admin.searchButton')}</Button>
      </form>
      {list.isPending ? <Loading /> : null}
      {forbidden ? <p>{t('staff.notAllowed')}</p> : null}
      {list.isError && !forbidden ? <ErrorMessage error={list.error} /> : null}
      {list.data ? (
        <div className="table-wrap">
          <table>
            <caption>{t('admin.results', { count: list.data.total })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('admin.name')}</th>
                <th scope="col">{t('admin.username')}</th>
                <th scope="col">{t('admin.grants')}</th>
                <th scope="col">{t('admin.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link to={`/staff/accounts/${a.id}`}>{a.displayName}</Link>
                  </td>
                  <td>{a.username}</td>
                  <td>
                    {a.grants.length === 0 ? t('admin.grantsNone') : null}
                    <ul className="plain-list">
                      {a.grants.map((g) => (
                        <li key={`${g.role}:${g.area?.code ?? '*'}`}>
                          <GrantText grant={g} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>
                    <AccountStatus account={a} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  );
}

export default function Accounts() {
  return <StaffOnly>{() => <AccountsPage />}</StaffOnly>;
}
