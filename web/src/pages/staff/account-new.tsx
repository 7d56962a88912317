import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, newId } from '../../api.ts';
import {
  apiErrors,
  BackLink,
  Button,
  ErrorSummary,
  type FieldError,
  PageTitle,
  Panel,
  TextInput,
} from '../../ds/index.tsx';
import type { Account } from './accounts.tsx';
import { type Grant, GrantEditor, grantBody } from './admin-parts.tsx';
import { StaffOnly } from './guard.tsx';

const USERNAME = /^[a-z0-9._-]{3,64}$/;

function NewAccountForm() {
  const { t } = useTranslation(['admin', 'common']);
  const [id] = useState(newId);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [grants, setGrants] = useState<Grant[]>([]);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [result, setResult] = useState<{ account: Account; pendingRequest: { id: string } | null }>();
  const errorOf = (field: string) => errors.find((e) => e.field === field)?.message;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!USERNAME.test(username.trim().toLowerCase()))
      found.push({ field: 'username', message: t('admin.usernameInvalid') });
    if (!displayName.trim()) found.push({ field: 'displayName', message: t('admin.displayNameRequired') });
    if (password.length < 12) found.push({ field: 'password', message: t('admin.passwordShort') });
    setErrors(found);
    if (found.length > 0) return;
    try {
      setResult(
        await api('/api/admin/accounts', {
          method: 'POST',
          body: {
            id,
            username: username.trim().toLowerCase(),
            displayName: displayName.trim(),
            password,
            grants: grants.map(grantBody),
            ...(reason.trim() ? { reason: reason.trim() } : {}),
          },
        }),
      );
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }

  if (result) {
    return (
      <>
        <Panel title={t('admin.created')}>
          <strong>{result.account.displayName}</strong>
        </Panel>
        {result.pendingRequest ? (
          <div className="card" data-testid="pending-notice">
            <h2>{t('admin.pendingTitle')}</h2>
            <p>{t('admin.pendingText')}</p>
          </div>
        ) : null}
        <p>
          <Link to={`/staff/accounts/${result.account.id}`}>{t('admin.open')}</Link>
        </p>
        <p>
          <Link to="/staff/accounts">{t('admin.accountsTitle')}</Link>
        </p>
      </>
    );
  }
  return (
    <>
      <BackLink to="/staff/accounts" />
      <ErrorSummary errors={errors} />
      <PageTitle>{t('admin.newAccountTitle')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="username"
          label={t('admin.username')}
          hint={t('admin.usernameHint')}
          value={username}
          onChange={setUsername}
          autoComplete="off"
          error={errorOf('username')}
        />
        <TextInput
          id="displayName"
          label={t('admin.displayName')}
          value={displayName}
          onChange={setDisplayName}
          error={errorOf('displayName')}
        />
        <TextInput
          id="password"
          type="password"
          label={t('admin.password')}
          hint={t('admin.passwordHint')}
          value={password}
          onChange={setPassword}
          autoComplete="new-password"
          error={errorOf('password')}
        />
        <GrantEditor grants={grants} onChange={setGrants} />
        <TextInput
          id="reason"
          label={t('admin.reason')}
          hint={t('admin.reasonHint')}
          value={reason}
          onChange={setReason}
          multiline
        />
        <Button>{t('admin.create')}</Button>
      </form>
    </>
  );
}

export default function NewAccount() {
  return <StaffOnly>{() => <NewAccountForm />}</StaffOnly>;
}
