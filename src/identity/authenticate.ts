import cookie from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { type IdentitySettings, identitySettings } from './identity.settings.ts';
import { resolveBearer } from './machine.service.ts';
import { crossSiteReason } from './same-origin.ts';
import { resolveSession } from './session.service.ts';
import { startSessionMemory } from './session-memory.ts';
import { sameSecret } from './tokens.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * `false` exempts a route from the CSRF token: only for routes that must accept a plain form post
     * with no session yet (sign-in itself, the token endpoint, the demo identity provider). Such a post
     * must still come from our own origin when a browser sends it (`crossSiteReason`).
     */
    csrf?: boolean;
  }
}

export const SESSION_COOKIE = 'himoya_session';
export const CSRF_HEADER = 'x-csrf-token';
const ANONYMOUS: Actor = { kind: 'anonymous' };
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

/**
 * Secure when users reach the server over HTTPS (PUBLIC_URL, production), and when this request came over
 * HTTPS: `request.protocol` believes X-Forwarded-Proto only from a proxy trusted by TRUST_PROXY.
 */
export function cookieSecurity(settings: IdentitySettings, request: FastifyRequest): boolean {
  return settings.secureCookie || request.protocol === 'https';
}

export function sessionCookieOptions(settings: IdentitySettings, request: FastifyRequest) {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: cookieSecurity(settings, request),
    // The cookie may outlive the idle timeout; the server decides, the browser only forgets it eventually.
    maxAge: Math.floor(settings.absoluteMs / 1000),
  };
}

export function clearSessionCookie(reply: FastifyReply, settings: IdentitySettings): void {
  reply.clearCookie(SESSION_COOKIE, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: cookieSecurity(settings, reply.request),
  });
}

/**
 * The authentication plugin: it must be first in `httpPlugins`, because it installs, on the root instance,
 * the `onRequest` hook that sets `request.actor` for every route registered after it:
 * - `Authorization: Bearer <token>`: a machine client; an unknown or expired token is 401 with
 *   `WWW-Authenticate: Bearer` (a client that sent a token wants to know it failed);
 * - otherwise the `himoya_session` cookie: a staff member or a citizen; a dead cookie is cleared and the
 *   request goes on as anonymous (a public page must not break on an old cookie);
 * - otherwise anonymous.
 * Cookie-authenticated POST/PUT/PATCH/DELETE must carry the session's CSRF token in `x-csrf-token`;
 * bearer requests need none (a browser never adds an Authorization header by itself). A state-changing
 * request to a route exempt from the token (`csrf: false`) that a browser sent from another origin than
 * PUBLIC_URL's is refused with 403 CROSS_SITE_REQUEST (login CSRF), session or not.
 * It also installs @fastify/cookie and a parser for form posts (OAuth2 token requests, the login page).
 */
export const authenticationPlugin: HttpPlugin = async (app, ctx) => {
  const settings = identitySettings(ctx.config);
  const publicOrigin = new URL(settings.publicUrl).origin;
  const { db } = ctx.database;
  const sessions = await startSessionMemory(ctx.database, {
    ttlMs: settings.memoryMs,
    idleMs: settings.idleMs,
  });
  app.addHook('onClose', async () => sessions.stop());
  await app.register(cookie);
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_req, body, done) => {
        done(null, Object.fromEntries(new URLSearchParams(String(body))));
      },
    );
  }
  app.decorateRequest<Actor | null>('actor', null);

  app.addHook('onRequest', async (request, reply) => {
    request.actor = ANONYMOUS;
    if (STATE_CHANGING.has(request.method) && request.routeOptions.config?.csrf === false) {
      const reason = crossSiteReason(request.headers, publicOrigin);
      if (reason) throw new DomainError('CROSS_SITE_REQUEST', { reason, expected: publicOrigin });
    }
    const authorization = request.headers.authorization;
    const bearer = authorization ? BEARER.exec(authorization) : null;
    if (bearer?.[1]) {
      const machine = await resolveBearer(db, bearer[1]);
      if (!machine) {
        reply.header('www-authenticate', 'Bearer error="invalid_token"');
        throw new DomainError('UNAUTHENTICATED', { reason: 'invalid or expired bearer token' });
      }
      request.actor = machine;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(db, settings, token, new Date(), sessions.memory);
    if (!session) {
      clearSessionCookie(reply, settings);
      return;
    }
    request.actor = session.actor;
    if (STATE_CHANGING.has(request.method) && request.routeOptions.config?.csrf !== false) {
      const given = request.headers[CSRF_HEADER];
      if (typeof given !== 'string' || !sameSecret(given, session.csrfToken)) {
        throw new DomainError('CSRF_INVALID');
      }
    }
  });
};

type SignedIn = Exclude<Actor, { kind: 'anonymous' }>;

/**
 * The signed-in actor of a request, or 401 UNAUTHENTICATED. With `kinds`, an actor of another kind is
 * 403 ACTOR_KIND_NOT_ALLOWED (e.g. a machine client calling a staff-only route). What the actor may do
 * is for the policies (src/access) to decide, not this.
 */
export function requireActor<K extends SignedIn['kind'] = SignedIn['kind']>(
  request: FastifyRequest,
  kinds?: readonly K[],
): Extract<Actor, { kind: K }> {
  const actor = request.actor;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  if (kinds && !(kinds as readonly string[]).includes(actor.kind)) {
    throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: [...kinds] });
  }
  return actor as Extract<Actor, { kind: K }>;
}
