import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../platform/config.ts';
import type { DB } from '../platform/db/schema.ts';
import { HIMOYA_DCI_ID } from './dci.envelope.ts';
import {
  CLOCK_SKEW_SECONDS,
  parseSignature,
  SIGNATURE_LIFETIME_SECONDS,
  signMessage,
  verifyMessageSignature,
} from './dci.signature.ts';
import { DciSigner } from './dci.signing-key.ts';

/** The signature form of the standard's MsgSignature, made and checked without a database. */

const pair = () => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, jwk: { ...publicKey.export({ format: 'jwk' }), kid: 'key-1' } };
};

const envelope = {
  header: { message_id: 'm1', message_ts: '2026-03-01T10:00:00Z', action: 'search', sender_id: 'spmis.test' },
  message: { transaction_id: 't1', search_request: [{ reference_id: 'r1', locale: 'uzb' }] },
};
const at = new Date('2026-03-01T10:00:00Z');

describe('DCI message signatures', () => {
  it('signs in the standard’s form and verifies against the public key, in any key order', () => {
    const { privateKey, jwk } = pair();
    const signature = signMessage(envelope, { privateKey, keyId: 'key-1', senderId: 'spmis.test' }, at);
    expect(signature).toMatch(
      /^Signature: namespace="spdci", kidId="spmis\.test\|key-1\|ed25519", algorithm="ed25519", created="\d+", expires="\d+", headers="\(created\) \(expires\) digest", signature="[A-Za-z0-9+/=]+"$/,
    );
    expect(parseSignature(signature)).toMatchObject({
      created: at.getTime() / 1000,
      expires: at.getTime() / 1000 + SIGNATURE_LIFETIME_SECONDS,
    });
    expect(verifyMessageSignature({ signature, ...envelope }, jwk, at)).toEqual({ ok: true });
    // The same JSON with its keys in another order (as another serialiser writes it) still verifies.
    const reordered = {
      signature,
      message: { search_request: [{ locale: 'uzb', reference_id: 'r1' }], transaction_id: 't1' },
      header: {
        sender_id: 'spmis.test',
        action: 'search',
        message_ts: '2026-03-01T10:00:00Z',
        message_id: 'm1',
      },
    };
    expect(verifyMessageSignature(reordered, jwk, at)).toEqual({ ok: true });
  });

  it('refuses a changed message, another key, another sender, an expired or garbled signature', () => {
    const { privateKey, jwk } = pair();
    const key = { privateKey, keyId: 'key-1', senderId: 'spmis.test' };
    const signature = signMessage(envelope, key, at);
    const tampered = structuredClone(envelope);
    tampered.message.transaction_id = 't2';
    expect(verifyMessageSignature({ signature, ...tampered }, jwk, at)).toMatchObject({ ok: false });
    const headerChanged = structuredClone(envelope);
    headerChanged.header.action = 'subscribe';
    expect(verifyMessageSignature({ signature, ...headerChanged }, jwk, at)).toMatchObject({ ok: false });
    expect(verifyMessageSignature({ signature, ...envelope }, pair().jwk, at)).toMatchObject({ ok: false });
    const otherSender = signMessage(envelope, { ...key, senderId: 'someone.else' }, at);
    expect(verifyMessageSignature({ signature: otherSender, ...envelope }, jwk, at)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/another sender/),
    });
    const otherKeyId = signMessage(envelope, { ...key, keyId: 'key-2' }, at);
    expect(verifyMessageSignature({ signature: otherKeyId, ...envelope }, jwk, at)).toMatchObject({
      ok: false,
    });
    const later = new Date(at.getTime() + (SIGNATURE_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS + 1) * 1000);
    expect(verifyMessageSignature({ signature, ...envelope }, jwk, later)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/expired/),
    });
    const early = new Date(at.getTime() - (CLOCK_SKEW_SECONDS + 60) * 1000);
    expect(verifyMessageSignature({ signature, ...envelope }, jwk, early)).toMatchObject({ ok: false });
    for (const garbled of ['', 'Signature: nonsense', signature.replace('ed25519"', 'rsa-sha256"')]) {
      expect(verifyMessageSignature({ signature: garbled, ...envelope }, jwk, at)).toMatchObject({
        ok: false,
      });
    }
  });

  it('signs with the key DCI_SIGNING_KEY gives (checked at boot), publishing only its public half', async () => {
    expect(() => loadConfig({ DCI_SIGNING_KEY: '{"kty":"OKP","crv":"Ed25519"}' })).toThrow(/DCI_SIGNING_KEY/);
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    expect(() =>
      loadConfig({ DCI_SIGNING_KEY: JSON.stringify(publicKey.export({ format: 'jwk' })) }),
    ).toThrow(/DCI_SIGNING_KEY/);
    const configured = JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid: 'himoya-2026' });
    expect(loadConfig({ DCI_SIGNING_KEY: configured }).DCI_SIGNING_KEY).toBe(configured);
    // A configured key never needs the database.
    const noDatabase = new Proxy(
      {},
      {
        get() {
          throw new Error('the database was used');
        },
      },
    ) as unknown as Kysely<DB>;
    const signer = new DciSigner(noDatabase, configured);
    const { keys } = await signer.jwks();
    expect(keys).toEqual([
      {
        kty: 'OKP',
        crv: 'Ed25519',
        x: publicKey.export({ format: 'jwk' }).x,
        kid: 'himoya-2026',
        alg: 'EdDSA',
        use: 'sig',
      },
    ]);
    const ours = { ...envelope, header: { ...envelope.header, sender_id: HIMOYA_DCI_ID } };
    const signed = await signer.sign(ours, at);
    expect(Object.keys(signed)[0]).toBe('signature');
    expect(verifyMessageSignature(signed, { ...keys[0] }, at)).toEqual({ ok: true });
  });
});
