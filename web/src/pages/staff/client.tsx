import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
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
  Tag,
} from '../../ds/index.tsx';
import { isUnknownId } from '../found.tsx';
import NotFound from '../not-found.tsx';
import { SecretOnce, scopeKey, useAreaName } from './admin-parts.tsx';
import { type ClientBody, ClientForm, type MachineClient } from './client-form.tsx';
import { StaffOnly } from './guard.tsx';

function ClientPage() {
  const { t } = useTranslation(['admin', 'common']);
  const areaName = useAreaName();
  const { id = '' } = useParams();
  const queries = useQueryClient();
  const client = useQuery<MachineClient>({
    queryKey: ['admin', 'client', id],
    queryFn: () => api(`/api/admin/clients/${id}`),
  });
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [message, setMessage] = useState('');
  const [secret, setSecret] = useState('');

  async function run(action: () => Promise<string>) {
    setMessage('');
    try {
      setMessage(await action());
      setErrors([]);
      await queries.invalidateQueries({ queryKey: ['admin'] });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }
  const post = (path: string) =>
    run(async () => {
      await api(`/api/admin/clients/${id}/${path}`, { method: 'POST' });
      return t('admin.done');
    });
  const rotate = () =>
    run(async () => {
      const rotated = await api<{ secret: string }>(`/api/admin/clients/${id}/rotate-secret`, {
        method: 'POST',
      });
      setSecret(rotated.secret);
      return t('admin.done');
    });
  const save = (body: ClientBody) =>
    run(async () => {
      const result = await api<{ pendingRequest: unknown }>(`/api/admin/clients/${id}`, {
        method: 'PATCH',
        body,
      });
      return result.pendingRequest ? t('admin.pendingText') : t('admin.saved');
    });

  if (client.isPending) return <Loading />;
  if (client.isError) return isUnknownId(client.error) ? <NotFound /> : <ErrorMessage error={client.error} />;
  const c = client.data;
  return (
    <>
      <BackLink to="/staff/clients" />
      <ErrorSummary errors={errors} />
      <PageTitle caption={c.id}>{c.agency}</PageTitle>
      <p role="status" data-testid="admin-result">
        {message}
      </p>
      {secret ? <SecretOnce secret={secret} /> : null}
      <SummaryList
        rows={[
          {
            key: t('admin.status'),
            value: (
              <>
                {c.disabled ? (
                  <Tag tone="grey">{t('admin.disabled')}</Tag>
                ) : (
                  <Tag tone="green">{t('admin.active')}</Tag>
                )}{' '}
                {c.pendingRequestId ? <Tag tone="blue">{t('admin.pending')}</Tag> : null}
              </>
            ),
          },
          {
            key: t('admin.scopes'),
            value:
              c.scopes.length === 0 ? t('admin.nothing') : c.scopes.map((s) => t(scopeKey(s))).join('; '),
          },
          { key: t('admin.area'), value: areaName(c.area) },
          { key: t('admin.callbackUris'), value: c.callbackUris.join(', ') || t('admin.nothing') },
          { key: t('admin.defaultCallback'), value: c.defaultCallbackUri ?? t('admin.noDefault') },
          { key: t('admin.keyFingerprint'), value: c.signingKey?.thumbprint ?? t('admin.noKey') },
        ]}
      />
      <div className="actions">
        <Button type="button" variant="secondary" onClick={rotate}>
          {t('admin.rotate')}
        </Button>
        {c.disabled ? (
          <Button type="button" variant="secondary" onClick={() => post('enable')}>
            {t('admin.enable')}
          </Button>
        ) : (
          <Button type="button" variant="warning" onClick={() => post('disable')}>
            {t('admin.disable')}
          </Button>
        )}
      </div>
      <p className="hint">{t('admin.rotateHint')}</p>
      <h2>{t('admin.edit')}</h2>
      <ClientForm
        key={JSON.stringify(c)}
        existing={c}
        submitLabel={t('admin.save')}
        onSubmit={save}
        serverErrors={[]}
      />
    </>
  );
}

export default function ClientScreen() {
  return <StaffOnly>{() => <ClientPage />}</StaffOnly>;
}
