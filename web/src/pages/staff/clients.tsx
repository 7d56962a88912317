import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { BackLink, Button, ErrorMessage, Loading, PageTitle, Tag, TextInput } from '../../ds/index.tsx';
import { scopeKey, useAreaName } from './admin-parts.tsx';
import type { MachineClient } from './client-form.tsx';
import { StaffOnly } from './guard.tsx';

function ClientsPage() {
  const { t } = useTranslation(['admin', 'staff']);
  const areaName = useAreaName();
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  const list = useQuery<{ items: MachineClient[]; total: number }>({
    queryKey: ['admin', 'clients', q],
    queryFn: () => api(`/api/admin/clients?pageSize=100${q ? `&q=${encodeURIComponent(q)}` : ''}`),
  });
  const forbidden = list.error instanceof ApiError && list.error.status === 403;
  function search(event: FormEvent) {
    event.preventDefault();
    setQ(text.trim());
  }
  return (
    <>
      <BackLink to="/staff" />
      <PageTitle>{t('admin.clientsTitle')}</PageTitle>
      <p className="lead">{t('admin.clientsLead')}</p>
      <p>
        <Link className="button button-primary" to="/staff/clients/new">
          {t('admin.newClient')}
        </Link>
      </p>
      <form onSubmit={search} noValidate>
        <TextInput id="q" type="search" label={t('admin.searchClients')} value={text} onChange={setText} />
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
                <th scope="col">{t('admin.agency')}</th>
                <th scope="col">{t('admin.scopes')}</th>
                <th scope="col">{t('admin.area')}</th>
                <th scope="col">{t('admin.status')}</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((c) => (
                <tr key={c.id}>
                  <td>
                    <Link to={`/staff/clients/${c.id}`}>{c.agency}</Link>
                    <span className="source">{c.id}</span>
                  </td>
                  <td>
                    <ul className="plain-list">
                      {c.scopes.map((s) => (
                        <li key={s}>{t(scopeKey(s))}</li>
                      ))}
                    </ul>
                  </td>
                  <td>{areaName(c.area)}</td>
                  <td>
                    {c.disabled ? (
                      <Tag tone="grey">{t('admin.disabled')}</Tag>
                    ) : (
                      <Tag tone="green">{t('admin.active')}</Tag>
                    )}{' '}
                    {c.pendingRequestId ? <Tag tone="blue">{t('admin.pending')}</Tag> : null}
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

export default function Clients() {
  return <StaffOnly>{() => <ClientsPage />}</StaffOnly>;
}
