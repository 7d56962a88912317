import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, otpauthUri, totpAt, verifyTotp } from './totp.ts';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890", 8-digit values.
const SEED = Buffer.from('12345678901234567890', 'ascii');
const SEED_BASE32 = base32Encode(SEED);
const VECTORS: [number, string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it.each(VECTORS)('gives the RFC 6238 SHA-1 value at %i s', (seconds, expected) => {
    expect(totpAt(SEED_BASE32, new Date(seconds * 1000), 8)).toBe(expected);
  });

  it('gives the RFC 4226 HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314'];
    expect([0, 1, 2, 3, 4].map((c) => hotp(SEED, c))).toEqual(expected);
  });

  it('round-trips base32 (RFC 4648 vector)', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI').toString()).toBe('foobar');
    expect(SEED_BASE32).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('accepts one step either side and nothing further, returning the step', () => {
    const at = new Date(1_111_111_111_000);
    const step = Math.floor(1_111_111_111 / 30);
    const code = (offset: number) => totpAt(SEED_BASE32, new Date(at.getTime() + offset * 30_000));
    expect(verifyTotp(SEED_BASE32, code(0), at)).toBe(step);
    expect(verifyTotp(SEED_BASE32, code(-1), at)).toBe(step - 1);
    expect(verifyTotp(SEED_BASE32, code(1), at)).toBe(step + 1);
    expect(verifyTotp(SEED_BASE32, code(2), at)).toBeUndefined();
    expect(verifyTotp(SEED_BASE32, code(-2), at)).toBeUndefined();
    expect(verifyTotp(SEED_BASE32, 'abcdef', at)).toBeUndefined();
  });

  it('writes an otpauth URI for authenticator apps', () => {
    const uri = new URL(otpauthUri(SEED_BASE32, 'aziz'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(SEED_BASE32);
    expect(uri.searchParams.get('issuer')).toBe('Himoya');
  });
});
