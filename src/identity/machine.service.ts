import type { Kysely } from 'kysely';
import type { Actor, Area } from '../access/actor.ts';
import { isMachineScope, MACHINE_SCOPES } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import {
  isRegisteredCallback,
  normaliseOutboundUrl,
  type OutboundPolicy,
  OutboundUrlError,
} from '../platform/http/outbound-url.ts';
import * as repo from './identity.repository.ts';
import type { IdentitySettings } from './identity.settings.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password.ts';
import { parseSigningJwk, type SigningJwk } from './signing-jwk.ts';
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

export interface CallbackSettings {
  /**
   * Where Himoya may call the client back (DCI callbacks and notifications, intake status callbacks): a
   * URL is allowed when its origin equals one of these and its path is under that URI's path, segment by
   * segment (e.g. 'https://spmis.example.uz/dci' allows 'https://spmis.example.uz/dci/registry/on-search').
   * Register exact addresses, never a whole host "just in case". None = no callbacks at all.
   */
  callbackUris?: readonly string[];
  /** DCI: where callbacks go when a message has no sender_uri; must be under one of callbackUris. */
  defaultCallbackUri?: string | null;
  /** DCI: the client's public Ed25519 key (a JWK); set = every message of the client must be signed. */
  signingJwk?: unknown;
}

export interface NewMachineClient extends CallbackSettings {
  clientId: string;
  secret: string;
  agency: string;
  scopes: string[];
  area: Area | null;
}

export const MAX_CALLBACK_URIS = 20;

/** The most careful choice when a caller does not say: in production, callbacks are https only. */
const HTTPS_ONLY: OutboundPolicy = { httpsOnly: true };

/**
 * Checks and normalises a client's callback URIs, default callback URI and signing key (400
 * CALLBACK_URI_INVALID or SIGNING_KEY_INVALID, with the reason). Used when a client is registered and by
 * anything that changes those settings later.
 */
export function validateCallbackSettings(
  settings: CallbackSettings,
  policy: OutboundPolicy = HTTPS_ONLY,
): { callbackUris: string[]; defaultCallbackUri: string | null; signingJwk: SigningJwk | null } {
  const given = settings.callbackUris ?? [];
  if (given.length > MAX_CALLBACK_URIS) {
    throw new DomainError('CALLBACK_URI_INVALID', {
      field: 'callbackUris',
      reason: `at most ${MAX_CALLBACK_URIS} callback URIs`,
    });
  }
  const normalise = (uri: string, field: string) => {
    try {
      return normaliseOutboundUrl(uri, policy);
    } catch (error) {
      if (!(error instanceof OutboundUrlError)) throw error;
      throw new DomainError('CALLBACK_URI_INVALID', { field, uri: uri.slice(0, 200), reason: error.message });
    }
  };
  const callbackUris = [...new Set(given.map((uri) => normalise(uri, 'callbackUris')))];
  let defaultCallbackUri: string | null = null;
  if (settings.defaultCallbackUri) {
    defaultCallbackUri = normalise(settings.defaultCallbackUri, 'defaultCallbackUri');
    if (!isRegisteredCallback(defaultCallbackUri, callbackUris)) {
      throw new DomainError('CALLBACK_URI_INVALID', {
        field: 'defaultCallbackUri',
        reason: 'not under one of the callback URIs registered for the client',
      });
    }
  }
  let signingJwk: SigningJwk | null = null;
  if (settings.signingJwk !== undefined && settings.signingJwk !== null) {
    const parsed = parseSigningJwk(settings.signingJwk);
    if ('problem' in parsed) throw new DomainError('SIGNING_KEY_INVALID', { reason: parsed.problem });
    signingJwk = parsed.jwk;
  }
  return { callbackUris, defaultCallbackUri, signingJwk };
}

/**
 * Registers a client; false when the client id is taken. Scopes outside MACHINE_SCOPES are refused. `policy` is the deployment's outbound policy
 * (`outboundPolicyOf(config)`); without it only https callback URIs are accepted.
 */
export async function createMachineClient(
  db: Kysely<DB>,
  client: NewMachineClient,
  policy: OutboundPolicy = HTTPS_ONLY,
): Promise<boolean> {
  const unknown = client.scopes.filter((s) => !isMachineScope(s));
  if (unknown.length > 0) {
    throw new DomainError('VALIDATION_FAILED', { field: 'scopes', unknown, allowed: [...MACHINE_SCOPES] });
  }
  const callbacks = validateCallbackSettings(client, policy);
  return repo.insertMachineClient(db, {
    id: client.clientId,
    secretHash: await hashPassword(client.secret),
    agency: client.agency,
    scopes: [...new Set(client.scopes)].sort(),
    area: client.area,
    ...callbacks,
  });
}

/**
 * Replaces a client's callback URIs, default callback URI and signing key (each checked as at
 * registration); false when there is no such client. Callbacks already queued to an address no longer
 * registered are failed at delivery, never sent.
 */
export async function setClientCallbacks(
  db: Kysely<DB>,
  clientId: string,
  settings: CallbackSettings,
  policy: OutboundPolicy = HTTPS_ONLY,
): Promise<boolean> {
  return repo.updateMachineClientCallbacks(db, clientId, validateCallbackSettings(settings, policy));
}

export interface ClientCallbacks {
  callbackUris: string[];
  defaultCallbackUri: string | null;
  /** The public JWK the client's messages must be signed with, as stored (checked when it was stored). */
  signingJwk: Record<string, unknown> | null;
}

/** Where Himoya may call the client back, its default callback, and its signing key (if it signs). */
export async function clientCallbacksOf(db: Kysely<DB>, clientId: string): Promise<ClientCallbacks> {
  const client = await repo.findMachineClient(db, clientId);
  return {
    callbackUris: client?.callbackUris ?? [],
    defaultCallbackUri: client?.defaultCallbackUri ?? null,
    signingJwk: client?.signingJwk ?? null,
  };
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
  const unknown = client.scopes.filter((s) => !isMachineScope(s));
  if (unknown.length > 0) {
    throw new DomainError('VALIDATION_FAILED', { field: 'scopes', unknown, allowed: [...MACHINE_SCOPES] });
  }
  // A temporary client is a program on this machine: it is never called back.
  const secret = newToken();
  await repo.upsertMachineClient(db, {
    id: client.clientId,
    secretHash: await hashPassword(secret),
    agency: client.agency,
    scopes: [...new Set(client.scopes)].sort(),
    area: client.area,
    callbackUris: [],
    defaultCallbackUri: null,
    signingJwk: null,
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
