import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../platform/errors.ts';
import { isUnder, parseCallbackUri } from './callback-uri.ts';
import { checkPublicJwk } from './signing-key.ts';

describe('callback URIs an administrator registers', () => {
  const dev = { httpsOnly: false };
  const prod = { httpsOnly: true };

  it('are normalised http(s) URLs; production takes https only', () => {
    expect(parseCallbackUri('HTTPS://Spmis.Example.UZ:443/dci', prod)).toEqual({
      uri: 'https://spmis.example.uz/dci',
    });
    expect(parseCallbackUri('http://127.0.0.1:8080/dci', dev)).toEqual({ uri: 'http://127.0.0.1:8080/dci' });
    expect(parseCallbackUri('http://spmis.example.uz/dci', prod)).toEqual({ problem: 'https_required' });
    expect(parseCallbackUri('ftp://spmis.example.uz/', dev)).toEqual({ problem: 'scheme' });
    expect(parseCallbackUri('/dci', dev)).toEqual({ problem: 'not_a_url' });
  });

  it('refuse user info, a query, a fragment and dot segments', () => {
    expect(parseCallbackUri('http://127.0.0.1:x@0.0.0.0:4999/dci', dev)).toEqual({ problem: 'credentials' });
    expect(parseCallbackUri('https://user@spmis.example.uz/dci', prod)).toEqual({ problem: 'credentials' });
    expect(parseCallbackUri('https://spmis.example.uz/dci?to=x', prod)).toEqual({ problem: 'query' });
    expect(parseCallbackUri('https://spmis.example.uz/dci?', prod)).toEqual({ problem: 'query' });
    expect(parseCallbackUri('https://spmis.example.uz/dci#x', prod)).toEqual({ problem: 'query' });
    expect(parseCallbackUri('https://spmis.example.uz/cb/../../escaped', prod)).toEqual({
      problem: 'dot_segment',
    });
    expect(parseCallbackUri('https://spmis.example.uz/cb/%2e%2e/x', prod)).toEqual({
      problem: 'dot_segment',
    });
  });

  it('"under" compares origin and whole path segments', () => {
    expect(isUnder('https://a.example/cb', 'https://a.example/cb')).toBe(true);
    expect(isUnder('https://a.example/cb/on-search', 'https://a.example/cb')).toBe(true);
    expect(isUnder('https://a.example/cbx', 'https://a.example/cb')).toBe(false);
    expect(isUnder('https://a.example:444/cb', 'https://a.example/cb')).toBe(false);
  });
});

describe('signing keys an administrator registers', () => {
  it('keeps the public members of an Ed25519 public key and gives its thumbprint', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'spmis-2026', note: 'dropped' };
    const checked = await checkPublicJwk(jwk);
    expect(Object.keys(checked.jwk).sort()).toEqual(['crv', 'kid', 'kty', 'x']);
    expect(checked.thumbprint).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a JWK with private parts, naming the members but never their values', async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = (await exportJWK(privateKey)) as Record<string, unknown>;
    const error = await checkPublicJwk(jwk).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('SIGNING_KEY_PRIVATE');
    expect((error as DomainError).details).toEqual({ members: ['d', 'p', 'q', 'dp', 'dq', 'qi'] });
    expect(JSON.stringify((error as DomainError).details)).not.toContain(String(jwk.d));
  });

  it('refuses a key whose members are not short printable text (nothing jsonb would refuse)', async () => {
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-\ud800' };
    const error = await checkPublicJwk(jwk).catch((e: unknown) => e);
    expect((error as DomainError).code).toBe('SIGNING_KEY_INVALID');
  });

  it('refuses symmetric keys, other key types than the DCI signatures use, and keys that do not parse', async () => {
    const { publicKey } = await generateKeyPair('ES256', { extractable: true });
    for (const jwk of [
      (await exportJWK(publicKey)) as Record<string, unknown>,
      { kty: 'oct', k: 'c2VjcmV0' },
      { kty: 'XYZ', x: 'abc' },
      { kty: '__proto__', x: 'abc' },
      { kty: 'constructor', x: 'abc' },
      { kty: 'EC', crv: 'P-256', x: 'abc', y: 'def' },
    ]) {
      const error = await checkPublicJwk(jwk).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect(['SIGNING_KEY_PRIVATE', 'SIGNING_KEY_INVALID']).toContain((error as DomainError).code);
    }
  });
});
