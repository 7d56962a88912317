import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { purgeExpired } from './identity.purge.ts';

describe('purging sign-in leftovers', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('deletes sessions ended more than a week ago and keeps the rest', async () => {
    const db = t.database.db;
    const account = randomUUID();
    await db
      .insertInto('account')
      .values({ id: account, username: 'purge.test', display_name: 'P', password_hash: 'x' } as never)
      .execute();
    const session = (expires: Date, revoked: Date | null = null) => ({
      id: randomBytes(32).toString('hex'),
      kind: 'staff' as const,
      account_id: account,
      csrf_token: 'c',
      expires_at: expires,
      revoked_at: revoked,
    });
    const now = new Date('2026-11-25T00:00:00Z');
    const day = 86_400_000;
    const old = session(new Date(now.getTime() - 8 * day));
    const recent = session(new Date(now.getTime() - 2 * day));
    const live = session(new Date(now.getTime() + day));
    const revokedLongAgo = session(new Date(now.getTime() + day), new Date(now.getTime() - 9 * day));
    await db
      .insertInto('auth_session')
      .values([old, recent, live, revokedLongAgo] as never)
      .execute();
    const counts = await purgeExpired(db, now);
    expect(counts.sessions).toBe(2);
    const left = await db.selectFrom('auth_session').select('id').execute();
    expect(left.map((s) => s.id).sort()).toEqual([recent.id, live.id].sort());
    // A second purge finds nothing more.
    expect((await purgeExpired(db, now)).sessions).toBe(0);
  });

  it('deletes /auth/token throttle rows a day old and no longer locked', async () => {
    const db = t.database.db;
    const now = new Date('2026-11-25T00:00:00Z');
    const day = 86_400_000;
    await db
      .insertInto('token_throttle')
      .values([
        { key: 'source:10.0.0.1', failed_attempts: 3, updated_at: new Date(now.getTime() - 2 * day) },
        { key: 'source:10.0.0.2', failed_attempts: 1, updated_at: new Date(now.getTime() - 1000) },
        {
          key: 'client:locked',
          failed_attempts: 10,
          locked_until: new Date(now.getTime() + 60_000),
          updated_at: new Date(now.getTime() - 2 * day),
        },
      ])
      .execute();
    expect((await purgeExpired(db, now)).tokenThrottles).toBe(1);
    const left = await db.selectFrom('token_throttle').select('key').orderBy('key').execute();
    expect(left.map((r) => r.key)).toEqual(['client:locked', 'source:10.0.0.2']);
  });
});
