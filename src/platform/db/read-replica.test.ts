import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { Logger } from '../logger.ts';
import { isConnectionFailure, openReadReplica, type ReadPool } from './read-replica.ts';

/**
 * The read pool when its replica cannot be reached (nothing listens on the port): every read answers from
 * the primary, one warning says so, and the back-off spares later reads a second attempt. (The routing to a
 * real replica, and its stop, are in test/scale/read-replica.test.ts.)
 */
describe('read pool without a reachable replica', () => {
  let t: TestDatabase;
  let reads: ReadPool;
  const warnings: unknown[] = [];
  const logger = { warn: (...args: unknown[]) => warnings.push(args) } as unknown as Logger;

  beforeAll(async () => {
    t = await createTestDatabase();
    reads = openReadReplica({
      url: 'postgres://nobody@127.0.0.1:9/none',
      primary: t.database.db,
      logger,
      retryMs: 60_000,
    });
  });
  afterAll(async () => {
    await reads?.close();
    await t?.cleanup();
  });

  it('answers from the primary, warns once and does not retry the replica within the back-off', async () => {
    const regions = () => reads.db.selectFrom('region').select('code').execute();
    const expected = await t.database.db.selectFrom('region').select('code').execute();
    expect(await regions()).toEqual(expected);
    expect(await regions()).toEqual(expected);
    expect(await sql<{ n: number }>`select 1 as n`.execute(reads.db)).toMatchObject({ rows: [{ n: 1 }] });
    expect(reads.counts()).toEqual({ replica: 0, primary: 3 });
    expect(warnings).toHaveLength(1);
  });

  it('takes no transactions (they belong on the primary)', async () => {
    await expect(reads.db.transaction().execute(async () => undefined)).rejects.toThrow(/no transactions/);
  });

  it('tells connection failures from query errors', () => {
    const coded = (code: string) => Object.assign(new Error('x'), { code });
    expect(isConnectionFailure(coded('ECONNREFUSED'))).toBe(true);
    expect(isConnectionFailure(coded('57P01'))).toBe(true);
    expect(isConnectionFailure(coded('08006'))).toBe(true);
    expect(isConnectionFailure(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionFailure(coded('42P01'))).toBe(false);
    expect(isConnectionFailure(coded('23505'))).toBe(false);
    expect(isConnectionFailure('ECONNREFUSED')).toBe(false);
  });
});
