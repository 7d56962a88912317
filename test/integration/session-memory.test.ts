import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpPlugins } from '../../src/app.ts';
import { settleSessionNotices } from '../../src/identity/session-memory.ts';
import { buildServer } from '../../src/platform/http/server.ts';
import { JobRunner } from '../../src/platform/jobs/job-runner.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { signInCitizen, signInStaff } from '../support/auth.ts';

if (!process.env.DATABASE_URL) {
  console.warn('session-memory: the killed-listener test is skipped, it needs PostgreSQL (set DATABASE_URL)');
}

/**
 * Two applications on one database, as two server processes behind a load balancer: each keeps the sessions
 * it has read (ADR 015), and a change made anywhere (here in SQL, as another process or an administrator's
 * tool would) reaches the other's memory by the notice of migration 031's triggers. Runs on PGlite and on
 * PostgreSQL; `settleSessionNotices` waits until every notice committed so far has been heard.
 */
describe('sessions kept in memory, dropped on a change made elsewhere', () => {
  let t: TestApp;
  let other: FastifyInstance;
  let otherJobs: JobRunner;

  beforeAll(async () => {
    t = await createTestApp();
    const logger = pino({ level: 'silent' });
    otherJobs = new JobRunner(t.database, logger, { schema: `${t.schema}_jobs` });
    const ctx = { config: t.config, database: t.database, logger, jobs: otherJobs };
    other = await buildServer(ctx, httpPlugins(ctx));
    await other.ready();
  });
  afterAll(async () => {
    await other?.close();
    await t?.cleanup();
  });

  const who = async (app: FastifyInstance, headers: Record<string, string>) => {
    const res = await app.inject({ method: 'GET', url: '/auth/session', headers });
    const body = res.json() as { actor: { kind: string; roles?: unknown; grants?: { role: string }[] } };
    return body.actor;
  };
  const accountId = async (username: string) =>
    (
      await t.database.db
        .selectFrom('account')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;

  /** Disables an account with its notice switched off, then waits until every notice sent so far was heard. */
  const disableUnheard = async (username: string) => {
    await sql`alter table account disable trigger account_changed_for_sessions`.execute(t.database.db);
    try {
      await t.database.db
        .updateTable('account')
        .set({ disabled: true })
        .where('username', '=', username)
        .execute();
    } finally {
      await sql`alter table account enable trigger account_changed_for_sessions`.execute(t.database.db);
    }
    await settleSessionNotices();
  };

  it('answers from memory while nothing is heard: a change with its notice switched off goes unseen', async () => {
    const { headers } = await signInStaff(t.database.db, t.config, 'unheard');
    expect((await who(other, headers)).kind).toBe('staff');
    await disableUnheard('unheard');
    // The memory still holds the session: this is what the notices are for.
    expect((await who(other, headers)).kind).toBe('staff');
    await t.database.db
      .updateTable('account')
      .set({ disabled: false })
      .where('username', '=', 'unheard')
      .execute();
    await t.database.db
      .updateTable('account')
      .set({ disabled: true })
      .where('username', '=', 'unheard')
      .execute();
    await settleSessionNotices();
    expect((await who(other, headers)).kind).toBe('anonymous');
  });

  it('a sign-out on one application ends the session on the other at its next request', async () => {
    const { headers } = await signInStaff(t.database.db, t.config, 'leaver');
    expect((await who(other, headers)).kind).toBe('staff');
    expect((await who(t.app, headers)).kind).toBe('staff');
    const out = await t.app.inject({ method: 'POST', url: '/auth/logout', headers });
    expect(out.statusCode).toBeLessThan(400);
    expect((await who(t.app, headers)).kind).toBe('anonymous');
    await settleSessionNotices();
    expect((await who(other, headers)).kind).toBe('anonymous');
  });

  it('a disabled account, a removed grant and a revoked session are seen at the next request', async () => {
    const disabled = await signInStaff(t.database.db, t.config, 'disabled-one');
    const regranted = await signInStaff(t.database.db, t.config, 'regranted-one');
    const revoked = await signInStaff(t.database.db, t.config, 'revoked-one');
    for (const s of [disabled, regranted, revoked]) expect((await who(other, s.headers)).kind).toBe('staff');
    const rolesBefore = (await who(other, regranted.headers)).grants?.length ?? 0;
    expect(rolesBefore).toBeGreaterThan(1);

    await t.database.db
      .updateTable('account')
      .set({ disabled: true })
      .where('username', '=', 'disabled-one')
      .execute();
    await t.database.db
      .deleteFrom('role_grant')
      .where('account_id', '=', await accountId('regranted-one'))
      .where('role', '<>', 'auditor')
      .execute();
    await t.database.db
      .updateTable('auth_session')
      .set({ revoked_at: new Date() })
      .where('account_id', '=', await accountId('revoked-one'))
      .execute();
    await settleSessionNotices();

    expect((await who(other, disabled.headers)).kind).toBe('anonymous');
    expect((await who(other, regranted.headers)).grants?.map((g) => g.role)).toEqual(['auditor']);
    expect((await who(other, revoked.headers)).kind).toBe('anonymous');
  });

  it('a session aged past its idle or absolute end in SQL is over on the other application', async () => {
    const idle = await signInStaff(t.database.db, t.config, 'idle-one');
    const expired = await signInStaff(t.database.db, t.config, 'expired-one');
    expect((await who(other, idle.headers)).kind).toBe('staff');
    expect((await who(other, expired.headers)).kind).toBe('staff');
    await t.database.db
      .updateTable('auth_session')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where('account_id', '=', await accountId('idle-one'))
      .execute();
    await t.database.db
      .updateTable('auth_session')
      .set({ expires_at: new Date(Date.now() - 1_000) })
      .where('account_id', '=', await accountId('expired-one'))
      .execute();
    await settleSessionNotices();
    expect((await who(other, idle.headers)).kind).toBe('anonymous');
    expect((await who(other, expired.headers)).kind).toBe('anonymous');
  });

  it('a citizen merged into another person record is signed out on the other application', async () => {
    const person = async (pinfl: string) => {
      const id = randomUUID();
      await t.database.db
        .insertInto('person')
        .values({
          id,
          pinfl,
          last_name: 'Rahimova',
          first_name: 'Dilnoza',
          name_key: `rahimova dilnoza ${pinfl}`,
          sex: 'F',
          birth_date: '1990-04-01',
          source: 'test',
        })
        .execute();
      return id;
    };
    const kept = await person('31234567890123');
    const merged = await person('31234567890124');
    const citizen = await signInCitizen(t.database.db, t.config, merged);
    expect((await who(other, citizen.headers)).kind).toBe('citizen');
    await t.database.db
      .updateTable('person')
      .set({ merged_into: kept, pinfl: null })
      .where('id', '=', merged)
      .execute();
    await settleSessionNotices();
    expect((await who(other, citizen.headers)).kind).toBe('anonymous');
  });

  it.skipIf(!process.env.DATABASE_URL)(
    'forgets every session while its listening connection is down (PostgreSQL: the connection is killed)',
    async () => {
      const { headers } = await signInStaff(t.database.db, t.config, 'deaf-one');
      expect((await who(other, headers)).kind).toBe('staff');
      // A change nobody is told of: only a memory that stopped trusting itself can see it.
      await disableUnheard('deaf-one');
      expect((await who(other, headers)).kind).toBe('staff');
      await t.database.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1',
        ['himoya-listen-himoya_sessions'],
      );
      let kind = 'staff';
      for (let i = 0; i < 50 && kind === 'staff'; i++) {
        await new Promise((done) => setTimeout(done, 100));
        kind = (await who(other, headers)).kind;
      }
      expect(kind).toBe('anonymous');
    },
  );
});
