import type { Config } from '../platform/config.ts';

/** The identity settings of config.ts, resolved once: durations in milliseconds, defaults filled in. */
export interface IdentitySettings {
  idleMs: number;
  absoluteMs: number;
  /** How long a process may keep a session it read (src/identity/session-memory.ts); 0 = not at all. */
  memoryMs: number;
  maxFailures: number;
  lockMs: number;
  accessTokenSeconds: number;
  /** Failed client authentications at /auth/token before the client id, or the source, is locked. */
  tokenMaxFailures: number;
  tokenSourceMaxFailures: number;
  tokenLockMs: number;
  /**
   * Cookies are Secure when users reach the server over HTTPS (PUBLIC_URL https) or in production; a
   * request that arrived over HTTPS at a trusted proxy gets Secure cookies too (`cookieSecurity`).
   */
  secureCookie: boolean;
  publicUrl: string;
  oidc: OidcSettings | undefined;
  demo: boolean;
}

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scope: string;
  pinflClaim: string;
  /** True when the issuer is this server's own demo provider, reached in-process rather than by HTTP. */
  builtInDemo: boolean;
}

/** Known to the demo provider and to Himoya as its client; documented, since it guards nothing real. */
export const DEMO_OIDC_CLIENT_SECRET = 'himoya-demo-oidc-secret';
export const DEMO_IDP_PATH = '/demo-idp';

export function identitySettings(config: Config): IdentitySettings {
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  const builtInDemo = config.DEMO && config.OIDC_ISSUER === undefined;
  const issuer = config.OIDC_ISSUER ?? (config.DEMO ? `${publicUrl}${DEMO_IDP_PATH}` : undefined);
  const clientSecret = config.OIDC_CLIENT_SECRET ?? (builtInDemo ? DEMO_OIDC_CLIENT_SECRET : undefined);
  return {
    idleMs: config.SESSION_IDLE_MINUTES * 60_000,
    absoluteMs: config.SESSION_ABSOLUTE_HOURS * 3_600_000,
    memoryMs: config.SESSION_MEMORY_SECONDS * 1000,
    maxFailures: config.LOGIN_MAX_FAILURES,
    lockMs: config.LOGIN_LOCK_MINUTES * 60_000,
    accessTokenSeconds: config.ACCESS_TOKEN_SECONDS,
    tokenMaxFailures: config.TOKEN_MAX_FAILURES,
    tokenSourceMaxFailures: config.TOKEN_SOURCE_MAX_FAILURES,
    tokenLockMs: config.TOKEN_LOCK_MINUTES * 60_000,
    secureCookie: config.NODE_ENV === 'production' || new URL(publicUrl).protocol === 'https:',
    publicUrl,
    demo: config.DEMO,
    oidc:
      issuer && clientSecret
        ? {
            issuer: issuer.replace(/\/+$/, ''),
            clientId: config.OIDC_CLIENT_ID,
            clientSecret,
            redirectUri: config.OIDC_REDIRECT_URI ?? `${publicUrl}/auth/citizen/callback`,
            scope: config.OIDC_SCOPE,
            pinflClaim: config.OIDC_PINFL_CLAIM,
            builtInDemo,
          }
        : undefined,
  };
}
