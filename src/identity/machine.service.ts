import type { Kysely } from 'kysely';
import type { Actor, Area } from '../access/actor.ts';
import type { DB } from '../platform/db/schema.ts';
import * as repo from './identity.repository.ts';
import type { IdentitySettings } from './identity.settings.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password.ts';
import { newToken, tokenDigest } from './tokens.ts';

/**
 * Machine clients (agencies' systems) and the OAuth2 client-credentials grant. Tokens are opaque random
 * strings; the database keeps their sha256, so a token is checked by any process with one lookup.
 */

/** An OAuth2 error (RFC 6749 section 5.2): answered in that shape, not the catalogue's. */
export class OAuthError extends Error {
  constructor(
    readonly error:
      | 'invalid_request'
      | 'invalid_client'
      | 'invalid_grant'
      | 'invalid_scope'
      | 'unsupported_grant_type',
    readonly status: number,
    readonly description?: string,
    /** Seconds to wait before trying again (sent as Retry-After with a 429). */
    readonly retryAfterSeconds?: number,
  ) {
    super(error);
    this.name = 'OAuthError';
  }
}

export interface NewMachineClient {
  clientId: string;
  secret: string;
  agency: string;
  scopes: string[];
  area: Area | null;
  /** URL prefixes callbacks to this client may go to (e.g. 'https://spmis.example.uz/dci/'); none = none. */
  callbackPrefixes?: string[];
}

/** Registers a client; false when the client id is taken. */
export async function createMachineClient(db: Kysely<DB>, client: NewMachineClient): Promise<boolean> {
  return repo.insertMachineClient(db, {
    id: client.clientId,
    secretHash: await hashPassword(client.secret),
    agency: client.agency,
    scopes: [...new Set(client.scopes)].sort(),
    area: client.area,
    callbackPrefixes: client.callbackPrefixes ?? [],
  });
}

/** Where Himoya may call the client back: the URL prefixes registered for it. */
export async function callbackPrefixesOf(db: Kysely<DB>, clientId: string): Promise<string[]> {
  return (await repo.findMachineClient(db, clientId))?.callbackPrefixes ?? [];
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Client ids as the database accepts them; anything else cannot be a client, only a guess. */
const CLIENT_ID = /^[a-z0-9._-]{3,64}$/;

export async function issueClientToken(
  db: Kysely<DB>,
  settings: IdentitySettings,
  request: { clientId: string; clientSecret: string; scope: string | undefined; source: string },
  now = new Date(),
): Promise<TokenResponse> {
  // Guessing secrets is throttled per client id (spraying one client from many addresses) and per source
  // address (trying many clients from one), in the database so every server process counts together.
  const clientKey = CLIENT_ID.test(request.clientId) ? `client:${request.clientId}` : undefined;
  const sourceKey = `source:${request.source.slice(0, 200)}`;
  const keys = clientKey ? [clientKey, sourceKey] : [sourceKey];
  const lockedUntil = await repo.tokenLockedUntil(db, keys, now);
  if (lockedUntil) {
    const retryAfter = Math.max(1, Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000));
    throw new OAuthError('invalid_client', 429, 'too many failed client authentications', retryAfter);
  }
  const client = await repo.findMachineClient(db, request.clientId);
  const secretOk = client
    ? await verifyPassword(client.secretHash, request.clientSecret)
    : await verifyDummyPassword(request.clientSecret);
  if (!client || !secretOk || client.disabled || isExpired(client, now)) {
    await repo.recordTokenFailure(
      db,
      [
        ...(clientKey ? [{ key: clientKey, max: settings.tokenMaxFailures }] : []),
        { key: sourceKey, max: settings.tokenSourceMaxFailures },
      ],
      now,
      settings.tokenLockMs,
    );
    throw new OAuthError('invalid_client', 401);
  }
  await repo.clearTokenFailures(db, keys);
  const requested = request.scope?.split(' ').filter(Boolean) ?? [];
  // No scope asked for means all of the client's scopes (RFC 6749 section 3.3 lets the server choose).
  const scopes = requested.length > 0 ? [...new Set(requested)] : client.scopes;
  const unknown = scopes.filter((s) => !client.scopes.includes(s));
  if (unknown.length > 0) {
    throw new OAuthError('invalid_scope', 400, `not granted to this client: ${unknown.join(' ')}`);
  }
  const token = newToken();
  // A client that lives only while a program runs never has a token that outlives it.
  const expiresAt = new Date(
    Math.min(now.getTime() + settings.accessTokenSeconds * 1000, client.expiresAt?.getTime() ?? Infinity),
  );
  await repo.insertAccessToken(db, { id: tokenDigest(token), clientId: client.id, scopes, expiresAt });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / 1000)),
    scope: scopes.join(' '),
  };
}

const isExpired = (client: { expiresAt: Date | null }, now: Date) =>
  client.expiresAt !== null && client.expiresAt.getTime() <= now.getTime();

/**
 * A client that exists only while a program runs (the simulated agencies): registered, or registered
 * again with a new secret, living `ttlMs`; the program renews it while it runs (`renewTemporaryClient`)
 * and retires it when it stops. After a crash it expires by itself: no token is issued past its end and
 * its tokens stop working. Returns the random secret, which nothing stores in clear.
 */
export async function registerTemporaryClient(
  db: Kysely<DB>,
  client: Omit<NewMachineClient, 'secret'>,
  ttlMs: number,
  now = new Date(),
): Promise<string> {
  const secret = newToken();
  await repo.upsertMachineClient(db, {
    id: client.clientId,
    secretHash: await hashPassword(secret),
    agency: client.agency,
    scopes: [...new Set(client.scopes)].sort(),
    area: client.area,
    callbackPrefixes: client.callbackPrefixes ?? [],
    expiresAt: new Date(now.getTime() + ttlMs),
  });
  return secret;
}

/** Moves the end of a temporary client; false when it is gone or retired (then the program must stop). */
export function renewTemporaryClient(
  db: Kysely<DB>,
  clientId: string,
  ttlMs: number,
  now = new Date(),
): Promise<boolean> {
  return repo.extendMachineClient(db, clientId, new Date(now.getTime() + ttlMs), now);
}

/** Ends a temporary client now: disabled, expired, its tokens deleted. */
export function retireTemporaryClient(db: Kysely<DB>, clientId: string, now = new Date()): Promise<void> {
  return repo.retireMachineClient(db, clientId, now);
}

export type MachineActor = Extract<Actor, { kind: 'machine' }>;

/** The machine actor of a bearer token, or undefined when the token is unknown, expired or disabled. */
export async function resolveBearer(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<MachineActor | undefined> {
  // The client's own end (a temporary client) is checked in the same query as the token's.
  const found = await repo.findLiveAccessToken(db, tokenDigest(token), now);
  if (!found) return undefined;
  return {
    kind: 'machine',
    id: found.client.id,
    agency: found.client.agency,
    scopes: found.scopes,
    grants: [{ role: 'agency_client', area: found.client.area, organisation: found.client.agency }],
  };
}
