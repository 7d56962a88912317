import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { apiErrors, BackLink, type FieldError, PageTitle, Panel } from '../../ds/index.tsx';
import { SecretOnce } from './admin-parts.tsx';
import { type ClientBody, ClientForm, type MachineClient } from './client-form.tsx';
import { StaffOnly } from './guard.tsx';

interface Created {
  client: MachineClient;
  secret: string | null;
  pendingRequest: { id: string } | null;
}

function NewClientPage() {
  const { t } = useTranslation(['admin', 'common']);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [created, setCreated] = useState<Created>();
  async function submit(body: ClientBody) {
    try {
      setCreated(await api<Created>('/api/admin/clients', { method: 'POST', body }));
      setErrors([]);
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }
  if (created) {
    return (
      <>
        <Panel title={t('admin.created')}>
          <strong>{created.client.agency}</strong>
        </Panel>
        {created.secret ? <SecretOnce secret={created.secret} /> : null}
        {created.pendingRequest ? (
          <div className="card" data-testid="pending-notice">
            <h2>{t('admin.pendingTitle')}</h2>
            <p>{t('admin.pendingText')}</p>
          </div>
        ) : null}
        <p>
          <Link to={`/staff/clients/${created.client.id}`}>{t('admin.open')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <BackLink to="/staff/clients" />
      <PageTitle>{t('admin.newClient')}</PageTitle>
      <ClientForm submitLabel={t('admin.create')} onSubmit={submit} serverErrors={errors} />
    </>
  );
}

export default function NewClient() {
  return <StaffOnly>{() => <NewClientPage />}</StaffOnly>;
}
