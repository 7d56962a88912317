import { randomUUID } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
  SignJWT,
} from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import * as repo from './demo-idp.repository.ts';
import { pkceChallenge } from './oidc.service.ts';
import { newToken, sameSecret } from './tokens.ts';

/**
 * A small OpenID provider standing in for OneID in demo mode, so the citizen sign-in runs end to end
 * without the state's service. Its key pair and codes are rows, so restarts and several processes
 * agree. It never exists outside DEMO mode.
 */

export const CODE_LIFETIME_MS = 2 * 60_000;
export const ID_TOKEN_LIFETIME_S = 5 * 60;

export interface DemoIdpKey {
  privateKey: CryptoKey | Uint8Array;
  publicJwk: JWK;
  kid: string;
}

/** The provider's RS256 key: made by the first process that needs one, then read by all. */
export async function ensureDemoIdpKey(db: Kysely<DB>): Promise<DemoIdpKey> {
  let stored = await repo.findKey(db);
  if (!stored) {
    const pair = await generateKeyPair('RS256', { extractable: true });
    const publicJwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    await repo.insertKeyIfAbsent(
      db,
      { ...(await exportJWK(pair.privateKey)), kid },
      { ...publicJwk, kid, alg: 'RS256', use: 'sig' },
    );
    stored = await repo.findKey(db);
    if (!stored) throw new Error('demo identity provider key was not stored');
  }
  const publicJwk = stored.publicJwk as JWK;
  return {
    privateKey: await importJWK(stored.privateJwk as JWK, 'RS256'),
    publicJwk,
    kid: String(publicJwk.kid),
  };
}

export function discoveryDocument(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    response_types_supported: ['code'],
    grant_types_supported: ['authorization_code'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    scopes_supported: ['openid'],
    claims_supported: ['sub', 'pin', 'given_name', 'family_name', 'name'],
  };
}

export const listDemoCitizens = (db: Kysely<DB>, limit = 12) => repo.listHeadsOfHouseholds(db, limit);

export async function issueDemoCode(
  db: Kysely<DB>,
  request: {
    pinfl: string;
    clientId: string;
    redirectUri: string;
    nonce: string | null;
    codeChallenge: string;
  },
  now = new Date(),
): Promise<string> {
  const code = newToken();
  await repo.insertCode(db, { ...request, code, expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS) });
  return code;
}

export type DemoTokenResult = { idToken: string } | { error: 'invalid_grant' };

/** The token endpoint's work: redeem the code once, check PKCE and the client, sign an ID token. */
export async function redeemDemoCode(
  db: Kysely<DB>,
  key: DemoIdpKey,
  request: { code: string; codeVerifier: string; clientId: string; redirectUri: string; issuer: string },
  now = new Date(),
): Promise<DemoTokenResult> {
  const issued = await repo.takeCode(db, request.code, now);
  if (
    !issued ||
    issued.clientId !== request.clientId ||
    issued.redirectUri !== request.redirectUri ||
    !sameSecret(pkceChallenge(request.codeVerifier), issued.codeChallenge)
  ) {
    return { error: 'invalid_grant' };
  }
  const person = await repo.findPersonName(db, issued.pinfl);
  const claims: Record<string, string> = { pin: issued.pinfl };
  if (issued.nonce) claims.nonce = issued.nonce;
  if (person) {
    claims.given_name = person.firstName;
    claims.family_name = person.lastName;
    claims.name = `${person.firstName} ${person.lastName}`;
  }
  const idToken = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: key.kid, typ: 'JWT' })
    .setIssuer(request.issuer)
    .setAudience(request.clientId)
    .setSubject(`demo-${issued.pinfl}`)
    .setJti(randomUUID())
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(now.getTime() / 1000) + ID_TOKEN_LIFETIME_S)
    .sign(key.privateKey);
  return { idToken };
}
