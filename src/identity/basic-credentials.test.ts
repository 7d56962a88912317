import { describe, expect, it } from 'vitest';
import { isBasicAuthorization, parseBasicCredentials } from './basic-credentials.ts';

const basic = (text: string | Buffer) => `Basic ${Buffer.from(text).toString('base64')}`;

describe('HTTP Basic client credentials (RFC 6749 section 2.3.1)', () => {
  it('reads form-urlencoded id and secret', () => {
    expect(parseBasicCredentials(basic('tax-office:s3cret'))).toEqual({
      clientId: 'tax-office',
      clientSecret: 's3cret',
    });
    expect(parseBasicCredentials(basic('my%20client:a%3Ab+c%2B'))).toEqual({
      clientId: 'my client',
      clientSecret: 'a:b c+',
    });
    expect(parseBasicCredentials(`basic   ${Buffer.from('a:').toString('base64')}`)).toEqual({
      clientId: 'a',
      clientSecret: '',
    });
  });

  it('returns undefined for anything malformed, never throws', () => {
    const malformed = [
      'Basic',
      'Basic ',
      'Basic !!!!',
      'Basic YWJj=ZGVm',
      'Basic YWJjZA',
      basic('no-colon'),
      basic(':secret'),
      basic(Buffer.from([0xff, 0xfe, 0x3a, 0x41])),
      basic('%E0%A4%A:secret'),
      basic('client:%E0%'),
      basic('%ED%A0%80:x'),
      basic('a%00b:secret'),
      basic('a\u0000b:secret'),
      basic('a%1Bb:secret'),
      basic(`${'a'.repeat(201)}:x`),
      basic(`a:${'s'.repeat(1001)}`),
      `Basic ${'A'.repeat(10_000)}`,
      'Bearer abc',
      undefined,
    ];
    for (const header of malformed) expect(parseBasicCredentials(header), String(header)).toBeUndefined();
  });

  it('tells a Basic header (well formed or not) from other schemes', () => {
    expect(isBasicAuthorization('Basic !!!!')).toBe(true);
    expect(isBasicAuthorization('basic')).toBe(true);
    expect(isBasicAuthorization('Bearer x')).toBe(false);
    expect(isBasicAuthorization('Basically')).toBe(false);
    expect(isBasicAuthorization(undefined)).toBe(false);
  });
});
