import { describe, expect, it } from 'vitest';
import { callbackBaseOf, callbackUrl, DciError } from './dci.envelope.ts';
import { registryEventsOf } from './dci.notify.ts';
import { parsePagination, parseQuery, parseSort, QueryError } from './dci.query.ts';

describe('DCI query parsing', () => {
  it('turns the spec’s expression example into a condition tree over known attributes', () => {
    const parsed = parseQuery(
      'expression',
      {
        type: 'ns:org:QueryType:expression',
        value: {
          expression: {
            collection: 'Group',
            query: {
              $and: [
                { poverty_score: { $lt: 5 } },
                { location: { $eq: '1733' } },
                { group_size: { $lt: 5 } },
              ],
            },
          },
        },
      },
      undefined,
    );
    expect(parsed.entity).toBe('Group');
    expect(parsed.condition).toEqual({
      and: [
        { op: 'lt', attribute: 'poverty_score', columns: ['poverty_score'], kind: 'number', value: 5 },
        {
          op: 'eq',
          attribute: 'location',
          columns: ['region_code', 'district_code', 'mahalla_code'],
          kind: 'text',
          value: '1733',
        },
        { op: 'lt', attribute: 'group_size', columns: ['group_size'], kind: 'number', value: 5 },
      ],
    });
  });

  it('maps identifier types to PINFL and household conditions', () => {
    expect(
      parseQuery('idtype-value', { type: 'UIN', value: '12345678901234' }, undefined).condition,
    ).toMatchObject({
      attribute: 'member_pinfl',
    });
    expect(
      parseQuery('idtype-value', { type: 'PINFL', value: '12345678901234' }, 'Member').condition,
    ).toMatchObject({
      attribute: 'pinfl',
    });
  });

  it('reads predicates with and / or / not, and comma-separated lists for in', () => {
    const parsed = parseQuery(
      'predicate',
      [
        {
          seq_num: 2,
          expression1: { attribute_name: 'district', operator: 'in', attribute_value: '1733201, 1733204' },
        },
        {
          seq_num: 1,
          expression1: { attribute_name: 'poverty_score', operator: 'lt', attribute_value: '1' },
          condition: 'not',
          expression2: { attribute_name: 'category', operator: 'eq', attribute_value: 'none' },
        },
      ],
      undefined,
    );
    expect(parsed.condition).toMatchObject({
      and: [
        { and: [{ attribute: 'poverty_score', value: 1 }, { not: { attribute: 'category' } }] },
        { value: ['1733201', '1733204'] },
      ],
    });
  });

  it('refuses what it does not know instead of passing it on', () => {
    const reasons = [
      () => parseQuery('expression', { value: { 'x; drop table person': 1 } }, undefined),
      () => parseQuery('expression', { value: { group_size: { $regex: '.*' } } }, undefined),
      () => parseQuery('expression', { value: { expression: 'query { member }' } }, undefined),
      () => parseQuery('expression', { value: { sex: 'male' } }, 'Group'),
      () => parseQuery('idtype-value', { type: 'MOBILE', value: '998901234567' }, undefined),
      () => parseQuery('graphql', {}, undefined),
      () =>
        parseQuery(
          'predicate',
          [{ expression1: { attribute_name: 'district', operator: 'gt', attribute_value: 'a' } }],
          undefined,
        ),
      () =>
        parseQuery(
          'expression',
          { value: { $or: Array.from({ length: 51 }, () => ({ group_size: 1 })) } },
          undefined,
        ),
    ];
    for (const attempt of reasons) expect(attempt).toThrow(QueryError);
    expect(() => parseSort([{ attribute_name: 'location' }], 'Group')).toThrow(QueryError);
  });

  it('treats the names of Object.prototype as unknown attributes, operators and identifier types', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const attempts = [
        () => parseQuery('expression', { value: JSON.parse(`{"${name}": "x"}`) }, 'Group'),
        () => parseQuery('expression', { value: { mahalla: JSON.parse(`{"${name}": "x"}`) } }, 'Group'),
        () =>
          parseQuery(
            'predicate',
            [{ expression1: { attribute_name: name, operator: 'eq', attribute_value: 'x' } }],
            'Member',
          ),
        () => parseQuery('idtype-value', { type: name, value: 'x' }, 'Member'),
        () => parseSort([{ attribute_name: name }], 'Member'),
      ];
      for (const attempt of attempts) expect(attempt).toThrow(QueryError);
    }
  });

  it('checks pagination per the standard (pages from 1, a bounded size)', () => {
    expect(parsePagination(undefined)).toEqual({ pageSize: 100, pageNumber: 1 });
    expect(parsePagination({ page_size: 10, page_number: 3 })).toEqual({ pageSize: 10, pageNumber: 3 });
    expect(parsePagination({ page_size: 0 })).toBeUndefined();
    expect(parsePagination({ page_size: 10, page_number: 0 })).toBeUndefined();
    expect(parsePagination({ page_size: 5000 })).toBeUndefined();
  });

  it('derives callback URLs from sender_uri', () => {
    expect(callbackUrl('https://spmis.example/dci', 'registry/on-search')).toBe(
      'https://spmis.example/dci/registry/on-search',
    );
    expect(callbackUrl('https://spmis.example/dci/registry/on-subscribe', 'registry/notify')).toBe(
      'https://spmis.example/dci/registry/notify',
    );
  });

  it('takes sender_uri, else the default callback, and every callback it leads to must be registered', () => {
    const client = { callbackUris: ['https://spmis.example/dci'], defaultCallbackUri: null };
    const policy = { httpsOnly: true };
    const withUri = (sender_uri?: string) => ({
      version: '1.0.0',
      message_id: 'm',
      message_ts: '2026-03-01T00:00:00Z',
      action: 'search',
      sender_id: 'spmis',
      total_count: 1,
      ...(sender_uri ? { sender_uri } : {}),
    });
    const paths = ['registry/on-subscribe', 'registry/notify'];
    expect(
      callbackBaseOf(withUri('https://SPMIS.example/dci/x/../registry/on-search'), client, policy, paths),
    ).toBe('https://spmis.example/dci/registry/on-search');
    const refused = (header: ReturnType<typeof withUri>, registration = client) => {
      try {
        callbackBaseOf(header, registration, policy, paths);
        return 'accepted';
      } catch (error) {
        return error instanceof DciError ? error.code : 'other';
      }
    };
    expect(refused(withUri())).toBe('err.sender_uri.invalid');
    expect(refused(withUri('https://spmis.example/dci/../escaped'))).toBe('err.sender_uri.invalid');
    expect(refused(withUri('http://spmis.example/dci'))).toBe('err.sender_uri.invalid');
    // Registered only for on-subscribe: a subscription's notify would go elsewhere, so it is refused.
    const narrow = {
      callbackUris: ['https://spmis.example/dci/registry/on-subscribe'],
      defaultCallbackUri: null,
    };
    expect(refused(withUri('https://spmis.example/dci'), narrow)).toBe('err.sender_uri.invalid');
    // No sender_uri: the default callback URI registered at onboarding.
    const withDefault = { ...client, defaultCallbackUri: 'https://spmis.example/dci' };
    expect(callbackBaseOf(withUri(), withDefault, policy, paths)).toBe('https://spmis.example/dci');
  });

  it('maps life events to the standard’s registry events', () => {
    const birth = { eventId: 'e1', kind: 'birth', householdIds: ['h1'], personIds: ['p1'] };
    expect(registryEventsOf(birth)).toEqual([
      { id: 'e1', type: 'NewHouseHoldMember', householdId: 'h1', personId: 'p1' },
    ]);
    expect(registryEventsOf({ ...birth, kind: 'new_job' })).toEqual([]);
  });
});
