import type { Kysely } from 'kysely';
import type { Actor, Area } from '../access/actor.ts';
import { isMachineScope, MACHINE_SCOPES } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
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

/** Registers a client; false when the client id is taken. Scopes outside MACHINE_SCOPES are refused. */
export async function createMachineClient(db: Kysely<DB>, client: NewMachineClient): Promise<boolean> {
  const unknown = client.scopes.filter((s) => !isMachineScope(s));
  if (unknown.length > 0) {
    throw new DomainError('VALIDATION_FAILED', { field: 'scopes', unknown, allowed: [...MACHINE_SCOPES] });
  }
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

export async function issueClientToken(
  db: Kysely<DB>,
  settings: IdentitySettings,
  request: { clientId: string; clientSecret: string; scope: string | undefined },
  now = new Date(),
): Promise<TokenResponse> {
  const client = await repo.findMachineClient(db, request.clientId);
  const secretOk = client
    ? await verifyPassword(client.secretHash, request.clientSecret)
    : await verifyDummyPassword(request.clientSecret);
  if (!client || !secretOk || client.disabled) throw new OAuthError('invalid_client', 401);
  const requested = request.scope?.split(' ').filter(Boolean) ?? [];
  // No scope asked for means all of the client's scopes (RFC 6749 section 3.3 lets the server choose).
  const scopes = requested.length > 0 ? [...new Set(requested)] : client.scopes;
  const unknown = scopes.filter((s) => !client.scopes.includes(s));
  if (unknown.length > 0) {
    throw new OAuthError('invalid_scope', 400, `not granted to this client: ${unknown.join(' ')}`);
  }
  const token = newToken();
  await repo.insertAccessToken(db, {
    id: tokenDigest(token),
    clientId: client.id,
    scopes,
    expiresAt: new Date(now.getTime() + settings.accessTokenSeconds * 1000),
  });
  return {
    access_token: token,
    token_type: 'Bearer',
    expires_in: settings.accessTokenSeconds,
    scope: scopes.join(' '),
  };
}

export type MachineActor = Extract<Actor, { kind: 'machine' }>;

/** The machine actor of a bearer token, or undefined when the token is unknown, expired or disabled. */
export async function resolveBearer(
  db: Kysely<DB>,
  token: string,
  now = new Date(),
): Promise<MachineActor | undefined> {
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
