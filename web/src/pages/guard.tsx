import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Actor } from '../api.ts';
import { ErrorMessage, Loading, PageTitle } from '../ds/index.tsx';
import { useSession } from '../layout.tsx';

/** Citizen pages: a signed-out visitor is offered the OneID sign-in instead of the page. */
export function CitizenOnly({ children }: { children: (actor: Actor) => ReactNode }) {
  const { t } = useTranslation(['citizen']);
  const session = useSession();
  if (session.isPending) return <Loading />;
  if (session.isError) return <ErrorMessage error={session.error} />;
  const actor = session.data.actor;
  if (actor.kind === 'citizen') return <>{children(actor)}</>;
  return (
    <>
      <PageTitle>{t('citizen.signInTitle')}</PageTitle>
      <p className="lead">{t('citizen.signInLead')}</p>
      <a className="button button-primary" href="/auth/citizen/login">
        {t('citizen.signInButton')}
      </a>
    </>
  );
}
