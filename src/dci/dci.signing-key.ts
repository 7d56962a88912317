import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { HIMOYA_DCI_ID } from './dci.envelope.ts';
import * as repo from './dci.repository.ts';
import { signMessage } from './dci.signature.ts';

/**
 * Himoya's own DCI signing key: given by DCI_SIGNING_KEY, else made by the first process that needs one
 * and kept in `dci_signing_key`, so that every process signs with the same key and partners verify with
 * the one published at GET /dci/.well-known/jwks.json.
 */

export interface HimoyaSigningKey {
  privateKey: KeyObject;
  /** The public half as published: kty, crv, x, kid, alg, use. */
  publicJwk: JWK;
  keyId: string;
}

async function publicJwkOf(privateKey: KeyObject, kid?: string): Promise<JWK> {
  const { kty, crv, x } = createPublicKey(privateKey).export({ format: 'jwk' });
  const bare = { kty, crv, x } as JWK;
  return { ...bare, kid: kid ?? (await calculateJwkThumbprint(bare)), alg: 'EdDSA', use: 'sig' };
}

async function loadKey(db: Kysely<DB>, configured: string | undefined): Promise<HimoyaSigningKey> {
  if (configured) {
    const jwk = JSON.parse(configured) as Record<string, unknown>;
    const privateKey = createPrivateKey({ key: jwk, format: 'jwk' });
    const publicJwk = await publicJwkOf(privateKey, typeof jwk.kid === 'string' ? jwk.kid : undefined);
    return { privateKey, publicJwk, keyId: String(publicJwk.kid) };
  }
  let stored = await repo.findSigningKey(db);
  if (!stored) {
    const { privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = await publicJwkOf(privateKey);
    await repo.insertSigningKeyIfAbsent(
      db,
      { ...privateKey.export({ format: 'jwk' }), kid: publicJwk.kid },
      { ...publicJwk },
    );
    stored = await repo.findSigningKey(db);
    if (!stored) throw new Error('the DCI signing key was not stored');
  }
  const publicJwk = stored.publicJwk as JWK;
  return {
    privateKey: createPrivateKey({ key: stored.privateJwk, format: 'jwk' }),
    publicJwk,
    keyId: String(publicJwk.kid),
  };
}

/** Signs what Himoya sends and publishes the key partners check it with. */
export class DciSigner {
  private loading: Promise<HimoyaSigningKey> | undefined;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly configured: string | undefined,
  ) {}

  key(): Promise<HimoyaSigningKey> {
    if (!this.loading) {
      this.loading = loadKey(this.db, this.configured).catch((error: unknown) => {
        this.loading = undefined; // a database hiccup must not leave the signer broken for good
        throw error;
      });
    }
    return this.loading;
  }

  /** The envelope with its `signature` (over its header and message) first. */
  async sign<T extends { header: unknown; message?: unknown }>(
    envelope: T,
    now: Date = new Date(),
  ): Promise<T & { signature: string }> {
    const key = await this.key();
    const { signature: _previous, ...rest } = envelope as T & { signature?: unknown };
    const signature = signMessage(
      rest,
      { privateKey: key.privateKey, keyId: key.keyId, senderId: HIMOYA_DCI_ID },
      now,
    );
    return { signature, ...rest } as T & { signature: string };
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [(await this.key()).publicJwk] };
  }
}

const signers = new WeakMap<Kysely<DB>, DciSigner>();

/** One signer per database handle (routes and jobs of a process share its cached key). */
export function dciSignerFor(db: Kysely<DB>, configuredKey: string | undefined): DciSigner {
  let signer = signers.get(db);
  if (!signer) {
    signer = new DciSigner(db, configuredKey);
    signers.set(db, signer);
  }
  return signer;
}
