import { describe, expect, it } from 'vitest';
import { findUnsafeText, unsafeTextReason } from './text-boundary.ts';

describe('the boundary rule for text', () => {
  it('refuses NUL, other C0 controls and unpaired surrogates, and nothing a person types', () => {
    expect(unsafeTextReason('ab\u0000c')).toMatch(/NUL/);
    expect(unsafeTextReason('\u001b[31m')).toMatch(/control/);
    expect(unsafeTextReason('\u0007')).toMatch(/control/);
    expect(unsafeTextReason('x\uD800')).toMatch(/surrogate/);
    expect(unsafeTextReason('\uDFFFx')).toMatch(/surrogate/);
    expect(unsafeTextReason('\uDC00\uD800')).toMatch(/surrogate/);
    for (const fine of [
      "G'ulomov Xurshid",
      'Ғуломов Хуршид',
      'Гуломов',
      'line one\nline two\r\n\twith a tab',
      'emoji 👨‍👩‍👧 (a surrogate pair)',
      "' OR 1=1 --",
      '=HYPERLINK("x")',
      '',
    ]) {
      expect(unsafeTextReason(fine)).toBeUndefined();
    }
  });

  it('finds unsafe text in values and keys at any depth, as a JSON pointer', () => {
    expect(findUnsafeText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] })).toEqual({
      path: '/a/1/c',
      message: 'text may not contain NUL characters',
    });
    expect(findUnsafeText({ 'we/ird~': { 'k\u0000': 1 } })?.path).toBe('/we~1ird~0');
    expect(findUnsafeText('\uD800')?.path).toBe('/');
    expect(findUnsafeText({ n: 1, b: true, z: null, s: 'fine', list: ['a', 'b'] })).toBeUndefined();
    expect(findUnsafeText(undefined)).toBeUndefined();
    expect(findUnsafeText(Buffer.from([0, 1, 2]))).toBeUndefined();
  });

  it('walks deeply nested input without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}"\\u0000"${']'.repeat(100_000)}`);
    expect(findUnsafeText(deep)?.message).toMatch(/NUL/);
  });
});
