import { createHash } from 'node:crypto';
import { createLocalJWKSet, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import * as repo from './identity.repository.ts';
import type { OidcSettings } from './identity.settings.ts';
import { newToken } from './tokens.ts';

/**
 * Citizen sign-in through OpenID Connect, as OneID offers it: Himoya is the relying party (authorization
 * code flow with PKCE S256, state and nonce). The pending sign-in is a row, not process memory, so the
 * callback may land on another server process than the redirect came from.
 */

/** How the relying party talks to the provider: fetch over HTTP, or in-process for the built-in demo. */
export type HttpTransport = (
  url: string,
  init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
) => Promise<{ status: number; body: unknown }>;

export const fetchTransport: HttpTransport = async (url, init) => {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
};

/** A pending sign-in older than this is refused: the citizen starts again. */
export const LOGIN_MAX_AGE_MS = 10 * 60_000;

const Discovery = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
});
type Discovery = z.infer<typeof Discovery>;

const TokenReply = z.object({ id_token: z.string().min(1) });
const Jwks = z.object({ keys: z.array(z.record(z.string(), z.unknown())) });

const failed = (reason: string) => new DomainError('OIDC_LOGIN_FAILED', { reason });

async function discover(oidc: OidcSettings, transport: HttpTransport): Promise<Discovery> {
  const reply = await transport(`${oidc.issuer}/.well-known/openid-configuration`, { method: 'GET' });
  const parsed = Discovery.safeParse(reply.body);
  if (reply.status !== 200 || !parsed.success) throw failed('discovery');
  // OpenID Connect Discovery 1.0 section 4.3: the document must name the issuer it was fetched for.
  if (parsed.data.issuer.replace(/\/+$/, '') !== oidc.issuer) throw failed('discovery issuer');
  return parsed.data;
}

export const pkceChallenge = (verifier: string): string =>
  createHash('sha256').update(verifier).digest('base64url');

/** Records a pending sign-in and returns the provider's authorize URL to send the browser to. */
export async function beginCitizenLogin(
  db: Kysely<DB>,
  oidc: OidcSettings,
  transport: HttpTransport,
): Promise<{ url: string; state: string }> {
  const discovery = await discover(oidc, transport);
  const state = newToken();
  const codeVerifier = newToken(48);
  const nonce = newToken();
  await repo.insertOidcLogin(db, { state, codeVerifier, nonce });
  const url = new URL(discovery.authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', oidc.clientId);
  url.searchParams.set('redirect_uri', oidc.redirectUri);
  url.searchParams.set('scope', oidc.scope.includes('openid') ? oidc.scope : `openid ${oidc.scope}`);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', pkceChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.toString(), state };
}

/**
 * Verifies an ID token: RS256 signature by one of the provider's keys, issuer, audience, expiry, and
 * the nonce of this sign-in (so a token issued for another sign-in cannot be replayed into this one).
 */
export async function verifyIdToken(
  idToken: string,
  expected: { jwks: JSONWebKeySet; issuer: string; audience: string; nonce: string },
): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(idToken, createLocalJWKSet(expected.jwks), {
      issuer: expected.issuer,
      audience: expected.audience,
      algorithms: ['RS256'],
      requiredClaims: ['exp', 'iat', 'sub'],
      clockTolerance: 30,
    }));
  } catch (error) {
    throw failed(`id token: ${error instanceof Error ? error.message : 'invalid'}`);
  }
  if (payload.nonce !== expected.nonce) throw failed('id token: nonce');
  return payload;
}

/** Completes a sign-in on the provider's return: the matched person (not merged), or a domain error. */
export async function completeCitizenLogin(
  db: Kysely<DB>,
  oidc: OidcSettings,
  transport: HttpTransport,
  callback: { code: string; state: string },
  now = new Date(),
): Promise<{ personId: string; pinfl: string }> {
  const login = await repo.takeOidcLogin(db, callback.state, now, LOGIN_MAX_AGE_MS);
  if (!login) throw failed('state');
  const discovery = await discover(oidc, transport);
  const tokenReply = await transport(discovery.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.code,
      redirect_uri: oidc.redirectUri,
      code_verifier: login.codeVerifier,
      // client_secret_post: what OneID documents for its relying parties.
      client_id: oidc.clientId,
      client_secret: oidc.clientSecret,
    }).toString(),
  });
  const tokens = TokenReply.safeParse(tokenReply.body);
  if (tokenReply.status !== 200 || !tokens.success) throw failed('token exchange');
  const jwksReply = await transport(discovery.jwks_uri, { method: 'GET' });
  const jwks = Jwks.safeParse(jwksReply.body);
  if (jwksReply.status !== 200 || !jwks.success) throw failed('jwks');
  const claims = await verifyIdToken(tokens.data.id_token, {
    jwks: jwks.data as JSONWebKeySet,
    issuer: oidc.issuer,
    audience: oidc.clientId,
    nonce: login.nonce,
  });
  const pinfl = claims[oidc.pinflClaim];
  if (typeof pinfl !== 'string' || !/^[0-9]{14}$/.test(pinfl)) throw failed('pinfl claim');
  const person = await repo.findCitizenByPinfl(db, pinfl);
  if (!person) throw new DomainError('CITIZEN_NOT_REGISTERED');
  return { personId: person.id, pinfl: person.pinfl };
}
