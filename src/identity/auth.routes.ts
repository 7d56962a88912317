import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.service.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin, ZodApp } from '../platform/http/server.ts';
import {
  CSRF_HEADER,
  clearSessionCookie,
  cookieSecurity,
  requireActor,
  SESSION_COOKIE,
  sessionCookieOptions,
} from './authenticate.ts';
import {
  isBasicAuthorization,
  MAX_CLIENT_ID,
  MAX_CLIENT_SECRET,
  parseBasicCredentials,
} from './basic-credentials.ts';
import { DEMO_PASSWORD, demoAccounts } from './demo-accounts.ts';
import { languageOf, setAccountLanguage } from './identity.repository.ts';
import { identitySettings } from './identity.settings.ts';
import { LOGIN_PAGE_POLICY, loginPage } from './login.page.ts';
import { issueClientToken, OAuthError } from './machine.service.ts';
import {
  beginCitizenLogin,
  completeCitizenLogin,
  fetchTransport,
  type HttpTransport,
} from './oidc.service.ts';
import { createSession, csrfTokenOf, revokeSessionByToken } from './session.service.ts';
import { sendSignInErrorPage } from './sign-in-error.page.ts';
import * as staff from './staff.service.ts';
import { sameSecret } from './tokens.ts';

const TAGS = ['identity'];
const OIDC_STATE_COOKIE = 'himoya_oidc_state';
const OIDC_STATE_PATH = '/auth/citizen';

const Grant = z.object({
  role: z.enum(ROLES),
  area: z.object({ kind: z.enum(['region', 'district', 'mahalla']), code: z.string() }).nullable(),
  organisation: z.string(),
});

export const ActorView = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('staff'),
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    grants: z.array(Grant),
  }),
  z.object({
    kind: z.literal('citizen'),
    personId: z.uuid(),
    pinfl: z.string(),
    displayName: z.string(),
    grants: z.array(Grant),
  }),
  z.object({
    kind: z.literal('machine'),
    id: z.string(),
    agency: z.string(),
    scopes: z.array(z.string()),
    grants: z.array(Grant),
  }),
  z.object({ kind: z.literal('anonymous') }),
]);
export type ActorView = z.infer<typeof ActorView>;

const LanguageCode = z.enum(['uz-Latn', 'uz-Cyrl', 'ru', 'en']);

export const SessionView = z.object({
  actor: ActorView,
  language: LanguageCode.nullable()
    .optional()
    .describe(
      'The language kept on the account (staff: chosen in the console, null until then; citizen: the ' +
        'language of their messages); the web applies it at sign-in',
    ),
  csrfToken: z
    .string()
    .nullable()
    .describe(`Send it as the ${CSRF_HEADER} header with every POST, PUT, PATCH and DELETE of this session`),
});
export type SessionView = z.infer<typeof SessionView>;

export const LoginBody = z.object({
  username: z.string().trim().min(1).max(64),
  password: z.string().min(1).max(256),
  totp: z
    .string()
    .trim()
    .max(10)
    .optional()
    .transform((v) => v || undefined)
    .describe('6-digit code of the authenticator app, when the second factor is on'),
});

const TotpConfirm = z.object({ code: z.string().trim().min(1).max(10) });
const TotpEnrolment = z.object({
  secret: z.string().describe('Base32 secret, for typing into an authenticator app'),
  otpauthUri: z.string().describe('otpauth:// URI, for a QR code'),
});
const CallbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(200).optional(),
});

/** The view of an actor; the session id stays inside the server. */
function viewOf(request: FastifyRequest): ActorView {
  const actor = request.actor;
  switch (actor.kind) {
    case 'staff':
      return {
        kind: 'staff',
        id: actor.id,
        username: actor.username,
        displayName: actor.displayName,
        grants: actor.grants,
      };
    case 'citizen':
      return {
        kind: 'citizen',
        personId: actor.personId,
        pinfl: actor.pinfl,
        displayName: actor.displayName,
        grants: actor.grants,
      };
    case 'machine':
      return {
        kind: 'machine',
        id: actor.id,
        agency: actor.agency,
        scopes: actor.scopes,
        grants: actor.grants,
      };
    default:
      return { kind: 'anonymous' };
  }
}

const isForm = (request: FastifyRequest) =>
  (request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');

/** Client authentication of a token request: HTTP Basic (RFC 6749 section 2.3.1) or the body. */
function clientCredentials(request: FastifyRequest, body: Record<string, unknown>) {
  const header = request.headers.authorization;
  if (isBasicAuthorization(header)) {
    if (typeof body.client_secret === 'string') {
      throw new OAuthError('invalid_request', 400, 'use one client authentication method');
    }
    const credentials = parseBasicCredentials(header);
    if (!credentials) throw new OAuthError('invalid_client', 401, 'malformed Basic credentials');
    return credentials;
  }
  if (typeof body.client_id === 'string' && typeof body.client_secret === 'string') {
    // The same bounds as in the header: a megabyte of "secret" would only keep argon2 busy.
    if (body.client_id.length > MAX_CLIENT_ID || body.client_secret.length > MAX_CLIENT_SECRET) {
      throw new OAuthError('invalid_client', 401);
    }
    return { clientId: body.client_id, clientSecret: body.client_secret };
  }
  throw new OAuthError('invalid_client', 401, 'client authentication required');
}

function sendOAuthError(reply: FastifyReply, error: OAuthError, basic: boolean) {
  if (error.status === 401 && basic) reply.header('www-authenticate', 'Basic realm="himoya"');
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply
    .status(error.status)
    .header('cache-control', 'no-store')
    .send({ error: error.error, ...(error.description ? { error_description: error.description } : {}) });
}

/** Reaches the built-in demo provider through Fastify's injection: no network, no port to know. */
export function inProcessTransport(app: ZodApp, publicUrl: string): HttpTransport {
  return async (url, init) => {
    if (!url.startsWith(`${publicUrl}/`)) return fetchTransport(url, init);
    const response = await app.inject({
      method: init.method,
      url: url.slice(publicUrl.length),
      headers: init.headers ?? {},
      ...(init.body !== undefined ? { payload: init.body } : {}),
    });
    let body: unknown;
    try {
      body = response.json();
    } catch {
      body = undefined;
    }
    return { status: response.statusCode, body };
  };
}

/** The host name of a Host header ('127.0.0.1:3000' → '127.0.0.1', '[::1]:3000' → '[::1]'). */
function hostnameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return undefined;
  }
}

/** localhost, 127.0.0.0/8 or [::1]: names of this machine, whatever PUBLIC_URL says. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

export const authRoutes: HttpPlugin = (app, ctx) => {
  const { db } = ctx.database;
  const settings = identitySettings(ctx.config);
  const publicHost = new URL(settings.publicUrl).hostname;

  /**
   * In demo mode, the address of this sign-in at PUBLIC_URL when the browser came by another loopback name
   * of the same machine (127.0.0.1 or [::1] for localhost, or the other way round); undefined otherwise.
   * The target is the configured address, never one taken from the request, so this cannot send anyone
   * elsewhere; other host names are left alone (a proxy's Host), and `moved=1` stops any loop.
   */
  const demoCanonicalLogin = (request: FastifyRequest): string | undefined => {
    if (!ctx.config.DEMO || !isLoopback(publicHost)) return undefined;
    const query = new URLSearchParams(request.query as Record<string, string>);
    const host = hostnameOf(request.headers.host);
    if (query.get('moved') === '1' || !host || host === publicHost || !isLoopback(host)) return undefined;
    query.set('moved', '1');
    return `${settings.publicUrl}/auth/citizen/login?${query}`;
  };
  const transport = settings.oidc?.builtInDemo ? inProcessTransport(app, settings.publicUrl) : fetchTransport;

  const startSession = async (
    request: FastifyRequest,
    reply: FastifyReply,
    owner: { kind: 'staff'; accountId: string } | { kind: 'citizen'; personId: string },
  ) => {
    // A new sign-in ends the session the browser had: one cookie, one session.
    const previous = request.cookies[SESSION_COOKIE];
    if (previous) await revokeSessionByToken(db, previous);
    const session = await createSession(db, settings, owner);
    reply.setCookie(SESSION_COOKIE, session.token, sessionCookieOptions(settings, request));
    // Sign-ins are in the audit trail too: who held a session when is part of "who looked".
    await appendAudit(db, [
      {
        actorKind: owner.kind,
        actorId: owner.kind === 'staff' ? owner.accountId : owner.personId,
        role: owner.kind === 'citizen' ? 'citizen' : null,
        action: 'login',
        resourceType: 'session',
        resourceId: session.sessionId.slice(0, 16),
        requestId: request.id,
      },
    ]);
    return session;
  };

  app.post(
    '/auth/login',
    {
      config: { access: { public: true }, csrf: false },
      schema: {
        tags: TAGS,
        summary: 'Staff sign-in with username, password and, when on, a TOTP code',
        description:
          'Sets the HttpOnly session cookie `himoya_session` and returns the actor and the CSRF token. ' +
          'Wrong username and wrong password give the same 401 LOGIN_FAILED; after 5 consecutive failures ' +
          'sign-in is refused (429 LOGIN_LOCKED) for 15 minutes. With the second factor on, a missing code ' +
          'is 401 TOTP_REQUIRED and a wrong or reused one 401 TOTP_INVALID. A form post is redirected to /login.',
        body: LoginBody,
        response: { 200: SessionView },
      },
    },
    async (request, reply) => {
      let account: Awaited<ReturnType<typeof staff.signInStaff>>;
      try {
        account = await staff.signInStaff(db, settings, request.body);
      } catch (error) {
        // A browser's form post (no JavaScript) gets a page in its language with the way back, not JSON.
        if (sendSignInErrorPage(request, reply, error, '/login')) return reply;
        throw error;
      }
      const session = await startSession(request, reply, { kind: 'staff', accountId: account.id });
      if (isForm(request)) return reply.redirect('/login', 303);
      return {
        actor: { kind: 'staff' as const, ...account },
        csrfToken: session.csrfToken,
      };
    },
  );

  app.post(
    '/auth/logout',
    {
      config: { access: { public: true } },
      schema: {
        tags: TAGS,
        summary: 'Sign out: the session ends on the server and the cookie is cleared',
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await revokeSessionByToken(db, token);
      clearSessionCookie(reply, settings);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/session',
    {
      config: { access: { public: true } },
      schema: {
        tags: TAGS,
        summary: 'Who is signed in: the actor, its role grants and the CSRF token of the session',
        response: { 200: SessionView },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      const actor = request.actor;
      const csrfToken =
        actor.kind === 'staff' || actor.kind === 'citizen'
          ? ((await csrfTokenOf(db, actor.sessionId)) ?? null)
          : null;
      const language =
        actor.kind === 'staff'
          ? await languageOf(db, { accountId: actor.id })
          : actor.kind === 'citizen'
            ? await languageOf(db, { personId: actor.personId })
            : null;
      return { actor: viewOf(request), csrfToken, language };
    },
  );

  app.get(
    '/auth/demo-accounts',
    {
      config: { access: { public: true } },
      schema: {
        tags: TAGS,
        summary: 'Demo mode only: the demo staff accounts and their password, for the sign-in pages',
        description:
          'Outside demo mode 404 NOT_FOUND. Roles are codes; the pages name them in their language.',
        response: {
          200: z.object({
            password: z.string(),
            accounts: z.array(z.object({ username: z.string(), role: z.enum(ROLES) })),
          }),
        },
      },
    },
    async () => {
      if (!settings.demo) throw new DomainError('NOT_FOUND');
      const accounts = await demoAccounts(ctx.database);
      return {
        password: DEMO_PASSWORD,
        accounts: accounts.flatMap((a) =>
          a.grants[0] ? [{ username: a.username, role: a.grants[0].role }] : [],
        ),
      };
    },
  );

  app.put(
    '/auth/language',
    {
      config: { access: { signedIn: true } },
      schema: {
        tags: TAGS,
        summary: 'Keep the console language on my staff account, for my next sign-in',
        description: 'Citizens keep theirs with PUT /api/me/language (also the language of their messages).',
        body: z.object({ language: LanguageCode }),
        response: { 200: z.object({ language: LanguageCode }) },
      },
    },
    async (request) => {
      const actor = requireActor(request, ['staff']);
      await setAccountLanguage(db, actor.id, request.body.language);
      return { language: request.body.language };
    },
  );

  app.post(
    '/auth/totp/enrol',
    {
      config: { access: { signedIn: true } },
      schema: {
        tags: TAGS,
        summary: 'Start turning on the second factor: a new TOTP secret for an authenticator app',
        description: 'Not in force until POST /auth/totp/confirm accepts a code from it.',
        response: { 200: TotpEnrolment },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, ['staff']);
      reply.header('cache-control', 'no-store');
      return staff.startTotpEnrolment(db, actor.id);
    },
  );

  app.post(
    '/auth/totp/confirm',
    {
      config: { access: { signedIn: true } },
      schema: {
        tags: TAGS,
        summary: 'Turn the second factor on with a code from the enrolled authenticator app',
        body: TotpConfirm,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const actor = requireActor(request, ['staff']);
      await staff.confirmTotp(db, actor.id, request.body.code);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/citizen/login',
    {
      config: { access: { public: true } },
      schema: {
        tags: TAGS,
        summary: 'Citizen sign-in: redirects to OneID (authorization code flow with PKCE)',
      },
    },
    async (request, reply) => {
      // Demo: the site opened at another address than PUBLIC_URL (127.0.0.1 for localhost) moves there
      // first, so that the state cookie set now is on the host OneID returns to (src/identity/README.md).
      const moveTo = demoCanonicalLogin(request);
      if (moveTo) return reply.redirect(moveTo, 302);
      try {
        if (!settings.oidc) throw new DomainError('OIDC_NOT_CONFIGURED');
        const { url, state } = await beginCitizenLogin(db, settings.oidc, transport);
        // Binds the sign-in to this browser: a callback URL sent to someone else fails on their browser.
        reply.setCookie(OIDC_STATE_COOKIE, state, {
          path: OIDC_STATE_PATH,
          httpOnly: true,
          sameSite: 'lax',
          secure: cookieSecurity(settings, request),
          maxAge: 600,
        });
        return reply.redirect(url, 302);
      } catch (error) {
        if (sendSignInErrorPage(request, reply, error, '/citizen')) return reply;
        throw error;
      }
    },
  );

  app.get(
    '/auth/citizen/callback',
    {
      config: { access: { public: true } },
      schema: {
        tags: TAGS,
        summary: 'Where OneID returns the citizen: the code is exchanged and a citizen session begins',
        description:
          'An unknown PINFL is 403 CITIZEN_NOT_REGISTERED; any failure of the exchange or of the ID token ' +
          '(signature, issuer, audience, expiry, nonce) is 400 OIDC_LOGIN_FAILED.',
        querystring: CallbackQuery,
      },
    },
    async (request, reply) => {
      const { code, state, error } = request.query;
      const expectedState = request.cookies[OIDC_STATE_COOKIE];
      reply.clearCookie(OIDC_STATE_COOKIE, { path: OIDC_STATE_PATH });
      try {
        if (!settings.oidc) throw new DomainError('OIDC_NOT_CONFIGURED');
        if (error) throw new DomainError('OIDC_LOGIN_FAILED', { reason: error });
        if (!code || !state)
          throw new DomainError('OIDC_LOGIN_FAILED', { reason: 'code and state required' });
        if (!expectedState || !sameSecret(expectedState, state)) {
          throw new DomainError('OIDC_LOGIN_FAILED', { reason: 'state does not belong to this browser' });
        }
        const person = await completeCitizenLogin(db, settings.oidc, transport, { code, state });
        await startSession(request, reply, { kind: 'citizen', personId: person.personId });
      } catch (failure) {
        // A browser lands here from OneID: a page in its language with "try again", never raw JSON.
        if (sendSignInErrorPage(request, reply, failure, '/auth/citizen/login')) return reply;
        throw failure;
      }
      // Into the citizen portal, signed in.
      return reply.redirect('/citizen', 302);
    },
  );

  app.post(
    '/auth/token',
    {
      config: { access: { public: true }, csrf: false },
      schema: {
        tags: TAGS,
        summary: 'OAuth2 client-credentials grant for agency systems (RFC 6749 section 4.4)',
        description:
          'Form-encoded or JSON body with grant_type=client_credentials and an optional space-separated ' +
          "scope (a subset of the client's). Client authentication by HTTP Basic or client_id/client_secret " +
          'in the body. Errors follow RFC 6749: {"error":"invalid_client"} (401), invalid_scope, ' +
          'unsupported_grant_type, invalid_request (400). Failed client authentications are counted per ' +
          'client id and per source address: past the limit the answer is 429 invalid_client with ' +
          'Retry-After, whatever the secret, until the lock runs out.',
      },
    },
    async (request, reply) => {
      const body = (request.body && typeof request.body === 'object' ? request.body : {}) as Record<
        string,
        unknown
      >;
      // A client that tried Basic is told how to authenticate, even when its header was malformed.
      const basic = isBasicAuthorization(request.headers.authorization);
      try {
        const credentials = clientCredentials(request, body);
        if (body.grant_type !== 'client_credentials') {
          throw new OAuthError(
            body.grant_type === undefined ? 'invalid_request' : 'unsupported_grant_type',
            400,
          );
        }
        if (body.scope !== undefined && typeof body.scope !== 'string')
          throw new OAuthError('invalid_scope', 400);
        const token = await issueClientToken(db, settings, {
          clientId: credentials.clientId,
          clientSecret: credentials.clientSecret,
          scope: body.scope,
          // The client's address (X-Forwarded-For only from a proxy trusted by TRUST_PROXY).
          source: request.ip,
        });
        return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
      } catch (error) {
        if (error instanceof OAuthError) return sendOAuthError(reply, error, basic);
        throw error;
      }
    },
  );

  app.get(
    '/login',
    { schema: { hide: true }, config: { access: { public: true } } },
    async (_request, reply) => {
      const accounts = settings.demo ? await demoAccounts(ctx.database) : undefined;
      return reply
        .type('text/html; charset=utf-8')
        .header('content-security-policy', LOGIN_PAGE_POLICY)
        .send(loginPage({ demoAccounts: accounts, demoPassword: DEMO_PASSWORD }));
    },
  );
};
