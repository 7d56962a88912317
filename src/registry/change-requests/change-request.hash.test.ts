import { describe, expect, it } from 'vitest';
import { canonicalJson, payloadHash } from './change-request.hash.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: null }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":null,"z":1}]},"b":1}',
    );
  });

  it('keeps array order, strings and numbers as JSON has them', () => {
    expect(canonicalJson(['b', 'a', 1.5, true])).toBe('["b","a",1.5,true]');
    expect(canonicalJson('ko\'cha "7"')).toBe('"ko\'cha \\"7\\""');
  });
});

describe('payloadHash', () => {
  it('is the same for the same content in any key order, and differs for other content or type', () => {
    const a = payloadHash('add_member', {
      householdId: 'h',
      relationship: 'child',
      person: { personId: 'p' },
    });
    const b = payloadHash('add_member', {
      person: { personId: 'p' },
      relationship: 'child',
      householdId: 'h',
    });
    expect(a).toBe(b);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(
      payloadHash('add_member', { householdId: 'h', relationship: 'spouse', person: { personId: 'p' } }),
    ).not.toBe(a);
    expect(
      payloadHash('remove_member', { householdId: 'h', relationship: 'child', person: { personId: 'p' } }),
    ).not.toBe(a);
  });
});
