import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useNavigate } from 'react-router';
import { type Actor, loadSession, logout, type Session, saveLanguage } from './api.ts';
import { Loading } from './ds/index.tsx';
import { currentLanguage, isLanguage, LANGUAGES, setLanguage } from './i18n.ts';

export function useSession() {
  return useQuery<Session>({ queryKey: ['session'], queryFn: loadSession, staleTime: 60_000 });
}

/**
 * The signed-in person whose account language was applied in this tab: once per sign-in, kept in the tab's
 * session storage so that loading another page does not undo a language chosen since.
 */
const APPLIED_KEY = 'himoya.language-applied-for';
const appliedFor = (): string | null => sessionStorage.getItem(APPLIED_KEY);

const whoIs = (actor: Actor | undefined) =>
  actor?.kind === 'staff'
    ? `s:${actor.username}`
    : actor?.kind === 'citizen'
      ? `c:${actor.personId}`
      : undefined;

/** At sign-in, the language kept on the account (chosen earlier, on any browser) becomes the page's. */
function useAccountLanguage(session: Session | undefined, onChanged: () => void) {
  useEffect(() => {
    const who = whoIs(session?.actor);
    const remembered = session?.language;
    if (!who || appliedFor() === who) return;
    sessionStorage.setItem(APPLIED_KEY, who);
    if (isLanguage(remembered) && remembered !== currentLanguage())
      void setLanguage(remembered).then(onChanged);
  }, [session, onChanged]);
}

type Preference = 'large-text' | 'high-contrast';

function usePreference(name: Preference): [boolean, () => void] {
  const key = `himoya.${name}`;
  const [on, setOn] = useState(() => localStorage.getItem(key) === '1');
  useEffect(() => {
    document.documentElement.classList.toggle(name, on);
  }, [name, on]);
  return [
    on,
    () => {
      localStorage.setItem(key, on ? '0' : '1');
      setOn(!on);
    },
  ];
}

export function Layout({ children }: { children: ReactNode }) {
  const { t, i18n } = useTranslation(['app', 'layout']);
  const location = useLocation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const session = useSession();
  const [largeText, toggleText] = usePreference('large-text');
  const [contrast, toggleContrast] = usePreference('high-contrast');
  const area = location.pathname.startsWith('/staff') ? 'staff' : 'citizen';
  const actor = session.data?.actor;
  const signedIn = actor && actor.kind !== 'anonymous';
  const language = currentLanguage();
  useAccountLanguage(session.data, () => void client.invalidateQueries());

  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="header">
        <div className="width">
          <div className="header-row">
            <Link className="brand" to="/">
              {t('app.name')}
              <span className="brand-sub">
                {area === 'staff' ? t('layout.staffConsole') : t('layout.citizenPortal')}
              </span>
            </Link>
            {signedIn ? (
              <div className="account">
                <span>{t('layout.signedInAs', { name: actor.displayName ?? actor.username ?? '' })}</span>
                <button
                  type="button"
                  className="link-button"
                  onClick={async () => {
                    await logout();
                    await client.invalidateQueries();
                    navigate(area === 'staff' ? '/staff' : '/citizen');
                  }}
                >
                  {t('layout.signOut')}
                </button>
              </div>
            ) : null}
          </div>
        </div>
      </header>
      <div className="width">
        <nav className="preferences" aria-label={t('layout.settings')}>
          <fieldset className="languages">
            <legend className="visually-hidden">{t('layout.language')}</legend>
            {LANGUAGES.map((l) => (
              <button
                type="button"
                key={l.code}
                lang={l.code}
                className="pref-button"
                aria-pressed={language === l.code}
                onClick={async () => {
                  await setLanguage(l.code);
                  // Kept on the account too, for the next sign-in; the page changes language either way.
                  if (actor && signedIn) await saveLanguage(actor, l.code).catch(() => undefined);
                  // Data rendered by the server (explanations, error messages) come back in the new language.
                  await client.invalidateQueries();
                }}
              >
                {language === l.code ? <span aria-hidden="true">✓ </span> : null}
                {l.label}
              </button>
            ))}
          </fieldset>
          <fieldset className="display">
            <legend className="visually-hidden">{t('layout.settings')}</legend>
            <button type="button" className="pref-button" aria-pressed={largeText} onClick={toggleText}>
              {t('layout.textSize')}: {largeText ? t('layout.on') : t('layout.off')}
            </button>
            <button type="button" className="pref-button" aria-pressed={contrast} onClick={toggleContrast}>
              {t('layout.contrast')}: {contrast ? t('layout.on') : t('layout.off')}
            </button>
          </fieldset>
        </nav>
        <main id="main" tabIndex={-1} lang={i18n.language}>
          <Suspense fallback={<Loading />}>{children}</Suspense>
        </main>
      </div>
      <footer className="footer">
        <div className="width">
          <p>{t('layout.footer')}</p>
        </div>
      </footer>
    </>
  );
}
