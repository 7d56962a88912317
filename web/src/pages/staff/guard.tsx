import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Actor, api, staffLogin } from '../../api.ts';
import {
  apiErrors,
  Button,
  ErrorMessage,
  ErrorSummary,
  type FieldError,
  Loading,
  PageTitle,
  TextInput,
} from '../../ds/index.tsx';
import { useSession } from '../../layout.tsx';

interface DemoAccounts {
  password: string;
  accounts: { username: string; role: string }[];
}

/** Demo mode: the demo accounts, as /login lists them, each a button that fills the form. */
function DemoAccountList({ onPick }: { onPick: (username: string, password: string) => void }) {
  const { t } = useTranslation(['staff', 'role']);
  const demo = useQuery<DemoAccounts>({
    queryKey: ['demo-accounts'],
    queryFn: () => api('/auth/demo-accounts'),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!demo.data || demo.data.accounts.length === 0) return null;
  const { password, accounts } = demo.data;
  return (
    <section aria-labelledby="demo-accounts" className="demo-accounts">
      <h2 id="demo-accounts">{t('staff.demoHeading')}</h2>
      <p>{t('staff.demoPassword', { password })}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('staff.demoUsername')}</th>
            <th scope="col">{t('staff.demoRole')}</th>
          </tr>
        </thead>
        <tbody>
          {accounts.map((a) => (
            <tr key={a.username}>
              <td>
                <button type="button" className="link-button" onClick={() => onPick(a.username, password)}>
                  {t('staff.demoUse', { username: a.username })}
                </button>
              </td>
              <td>{t(`role.${a.role}` as 'role.social_worker')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SignIn() {
  const { t } = useTranslation(['common', 'staff']);
  const client = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<FieldError[]>([]);
  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldError[] = [];
    if (!username.trim()) found.push({ field: 'username', message: t('staff.usernameRequired') });
    if (!password) found.push({ field: 'password', message: t('staff.passwordRequired') });
    setErrors(found);
    if (found.length > 0) return;
    try {
      const session = await staffLogin(username.trim(), password);
      client.setQueryData(['session'], session);
      await client.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
    } catch (error) {
      setErrors(apiErrors(error, t('common.error')));
    }
  }
  return (
    <>
      <ErrorSummary errors={errors} />
      <PageTitle>{t('staff.signInTitle')}</PageTitle>
      <form onSubmit={submit} noValidate>
        <TextInput
          id="username"
          label={t('staff.username')}
          value={username}
          onChange={setUsername}
          autoComplete="username"
          error={errors.find((e) => e.field === 'username')?.message}
        />
        <TextInput
          id="password"
          type="password"
          label={t('staff.password')}
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={errors.find((e) => e.field === 'password')?.message}
        />
        <Button>{t('staff.signIn')}</Button>
      </form>
      <DemoAccountList
        onPick={(name, secret) => {
          setUsername(name);
          setPassword(secret);
          document.getElementById('password')?.focus();
        }}
      />
    </>
  );
}

/** Staff pages: without a staff session, the sign-in form takes the page's place. */
export function StaffOnly({ children }: { children: (actor: Actor) => ReactNode }) {
  const session = useSession();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorMessage error={session.error} />;
  if (session.data.actor.kind === 'staff') return <>{children(session.data.actor)}</>;
  return <SignIn />;
}
