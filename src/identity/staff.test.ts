import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { ROLES } from '../access/actor.ts';
import { actorOf } from '../platform/http/actor.ts';
import { settleSessionNotices } from './session-memory.ts';
import { createStaffAccount } from './staff.service.ts';
import { totpAt } from './totp.ts';

interface ErrorReply {
  error: { code: string; message: string };
}
interface SessionReply {
  actor: { kind: string; id?: string; username?: string; grants?: { role: string; area: unknown }[] };
  csrfToken: string | null;
}

const PASSWORD = 'to`g`ri-parol-2026';

describe('staff sign-in, second factor, sessions and CSRF', () => {
  let t: TestApp;
  let mahalla: string;

  const login = (username: string, password: string, totp?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username, password, ...(totp ? { totp } : {}) },
    });
  const cookieOf = (res: { cookies: { name: string; value: string }[] }) =>
    res.cookies.find((c) => c.name === 'himoya_session')?.value;
  const session = (cookie: string | undefined) =>
    t.app.inject({ method: 'GET', url: '/auth/session', cookies: cookie ? { himoya_session: cookie } : {} });
  async function signIn(username: string, totp?: string) {
    const res = await login(username, PASSWORD, totp);
    expect(res.statusCode).toBe(200);
    const cookie = cookieOf(res);
    if (!cookie) throw new Error('no session cookie');
    return { cookie, csrf: (res.json() as SessionReply).csrfToken ?? '' };
  }
  const account = async (username: string, role: (typeof ROLES)[number] = 'social_worker') => {
    const id = await createStaffAccount(t.database.db, {
      username,
      password: PASSWORD,
      displayName: `Test ${username}`,
      grants: [{ role, area: { kind: 'mahalla', code: mahalla }, organisation: 'Inson' }],
    });
    if (!id) throw new Error('account exists');
    return id;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const row = await t.database.db
      .selectFrom('mahalla')
      .select('code')
      .orderBy('code')
      .executeTakeFirstOrThrow();
    mahalla = row.code;
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('signs in with the right password: HttpOnly Lax cookie, the actor with its grants, a CSRF token', async () => {
    await account('aziz');
    const res = await login('Aziz', PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'himoya_session');
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    expect(cookie?.path).toBe('/');
    expect(cookie?.secure).toBeFalsy();
    const body = res.json() as SessionReply;
    expect(body.actor).toMatchObject({
      kind: 'staff',
      username: 'aziz',
      grants: [{ role: 'social_worker', area: { kind: 'mahalla', code: mahalla } }],
    });
    expect(body.csrfToken).toMatch(/^[\w-]{40,}$/);
    // The database keeps the token's digest, never the token.
    const stored = await t.database.db.selectFrom('auth_session').select('id').execute();
    expect(stored.map((s) => s.id)).not.toContain(cookie?.value);
    const me = await session(cookie?.value);
    expect((me.json() as SessionReply).actor.username).toBe('aziz');
    expect((me.json() as SessionReply).csrfToken).toBe(body.csrfToken);
    // The sign-in is in the audit trail, under the account's id.
    const signIns = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_kind', 'actor_id'])
      .where('action', '=', 'login')
      .execute();
    expect(signIns).toContainEqual({ actor_kind: 'staff', actor_id: body.actor.id });
  });

  it('answers a wrong password and an unknown username alike', async () => {
    await account('bobur');
    const wrong = await login('bobur', 'not the password');
    const unknown = await login('nobody-here', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect((wrong.json() as ErrorReply).error.code).toBe('LOGIN_FAILED');
    expect((unknown.json() as ErrorReply).error).toEqual({
      ...(wrong.json() as ErrorReply).error,
      requestId: expect.any(String),
    });
    expect(cookieOf(wrong)).toBeUndefined();
  });

  it('locks after 5 consecutive failures, even for the right password, until the lock runs out', async () => {
    const id = await account('locky');
    for (let i = 0; i < 4; i++) expect((await login('locky', 'wrong')).statusCode).toBe(401);
    // A success before the fifth failure resets the count.
    await signIn('locky');
    for (let i = 0; i < 5; i++) expect((await login('locky', 'wrong')).statusCode).toBe(401);
    const locked = await login('locky', PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect((locked.json() as ErrorReply).error.code).toBe('LOGIN_LOCKED');
    const row = await t.database.db
      .selectFrom('account')
      .select(['failed_attempts', 'locked_until'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBe(5);
    const minutes = ((row.locked_until?.getTime() ?? 0) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    // The lock runs out: move it into the past.
    await t.database.db
      .updateTable('account')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    await signIn('locky');
    const after = await t.database.db
      .selectFrom('account')
      .select(['failed_attempts', 'locked_until'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ failed_attempts: 0, locked_until: null });
  });

  it('locks an unknown username the same way, so a lockout does not tell that an account exists', async () => {
    for (let i = 0; i < 5; i++) expect((await login('ghost', 'wrong')).statusCode).toBe(401);
    const res = await login('ghost', 'wrong');
    expect(res.statusCode).toBe(429);
    expect((res.json() as ErrorReply).error.code).toBe('LOGIN_LOCKED');
  });

  it('refuses a disabled account with the ordinary failure', async () => {
    const id = await account('gone');
    await t.database.db.updateTable('account').set({ disabled: true }).where('id', '=', id).execute();
    const res = await login('gone', PASSWORD);
    expect((res.json() as ErrorReply).error.code).toBe('LOGIN_FAILED');
  });

  it('enrols a TOTP second factor, then requires it, refuses a wrong or replayed code', async () => {
    const id = await account('totpuser');
    const { cookie, csrf } = await signIn('totpuser');
    const post = (url: string, payload?: object) =>
      t.app.inject({
        method: 'POST',
        url,
        cookies: { himoya_session: cookie },
        headers: { 'x-csrf-token': csrf },
        ...(payload ? { payload } : {}),
      });
    const enrol = await post('/auth/totp/enrol');
    expect(enrol.statusCode).toBe(200);
    const { secret, otpauthUri } = enrol.json() as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUri).toContain(`secret=${secret}`);
    // Not in force before confirmation.
    await signIn('totpuser');
    const wrongConfirm = await post('/auth/totp/confirm', {
      code: '000000' === totpAt(secret, new Date()) ? '111111' : '000000',
    });
    expect((wrongConfirm.json() as ErrorReply).error.code).toBe('TOTP_INVALID');
    const now = new Date();
    expect((await post('/auth/totp/confirm', { code: totpAt(secret, now) })).statusCode).toBe(204);
    expect((await post('/auth/totp/enrol')).statusCode).toBe(409);

    const missing = await login('totpuser', PASSWORD);
    expect(missing.statusCode).toBe(401);
    expect((missing.json() as ErrorReply).error.code).toBe('TOTP_REQUIRED');
    // TOTP_REQUIRED only after the right password: a wrong one is the ordinary failure.
    expect(((await login('totpuser', 'wrong')).json() as ErrorReply).error.code).toBe('LOGIN_FAILED');
    const wrongCode = await login(
      'totpuser',
      PASSWORD,
      '000000' === totpAt(secret, now) ? '111111' : '000000',
    );
    expect((wrongCode.json() as ErrorReply).error.code).toBe('TOTP_INVALID');
    const failures = await t.database.db
      .selectFrom('account')
      .select('failed_attempts')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(failures.failed_attempts).toBe(2);
    // The code used to confirm is spent; the next step's code (within the ±1 window) works once.
    const confirmCodeAgain = await login('totpuser', PASSWORD, totpAt(secret, now));
    expect((confirmCodeAgain.json() as ErrorReply).error.code).toBe('TOTP_INVALID');
    const next = totpAt(secret, new Date(now.getTime() + 30_000));
    await signIn('totpuser', next);
    const replay = await login('totpuser', PASSWORD, next);
    expect(replay.statusCode).toBe(401);
    expect((replay.json() as ErrorReply).error.code).toBe('TOTP_INVALID');
  });

  it('ends a session after 30 idle minutes and after 12 hours however active', async () => {
    await account('idle');
    const a = await signIn('idle');
    const digest = async () =>
      (
        await t.database.db
          .selectFrom('auth_session as s')
          .innerJoin('account as a', 'a.id', 's.account_id')
          .select('s.id')
          .where('a.username', '=', 'idle')
          .orderBy('s.created_at', 'desc')
          .executeTakeFirstOrThrow()
      ).id;
    const first = await digest();
    // 29 minutes idle: still alive, and the request moves last_seen_at on.
    await t.database.db
      .updateTable('auth_session')
      .set({ last_seen_at: new Date(Date.now() - 29 * 60_000) })
      .where('id', '=', first)
      .execute();
    // The change was made in SQL, not through a service: let the session memory hear of it (ADR 015).
    await settleSessionNotices();
    expect(((await session(a.cookie)).json() as SessionReply).actor.kind).toBe('staff');
    const touched = await t.database.db
      .selectFrom('auth_session')
      .select('last_seen_at')
      .where('id', '=', first)
      .executeTakeFirstOrThrow();
    expect(Date.now() - touched.last_seen_at.getTime()).toBeLessThan(60_000);
    // 31 minutes idle: over.
    await t.database.db
      .updateTable('auth_session')
      .set({ last_seen_at: new Date(Date.now() - 31 * 60_000) })
      .where('id', '=', first)
      .execute();
    // The change was made in SQL, not through a service: let the session memory hear of it (ADR 015).
    await settleSessionNotices();
    const idle = await session(a.cookie);
    expect((idle.json() as SessionReply).actor.kind).toBe('anonymous');
    // The dead cookie is cleared.
    expect(idle.cookies.find((c) => c.name === 'himoya_session')?.value).toBe('');

    const b = await signIn('idle');
    const second = await digest();
    const created = await t.database.db
      .selectFrom('auth_session')
      .select(['created_at', 'expires_at'])
      .where('id', '=', second)
      .executeTakeFirstOrThrow();
    expect(created.expires_at.getTime() - created.created_at.getTime()).toBe(12 * 3_600_000);
    await t.database.db
      .updateTable('auth_session')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', second)
      .execute();
    // The change was made in SQL, not through a service: let the session memory hear of it (ADR 015).
    await settleSessionNotices();
    expect(((await session(b.cookie)).json() as SessionReply).actor.kind).toBe('anonymous');
  });

  it('signs out: the session is revoked on the server and the cookie no longer works', async () => {
    await account('leaver');
    const { cookie, csrf } = await signIn('leaver');
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/logout',
      cookies: { himoya_session: cookie },
      headers: { 'x-csrf-token': csrf },
    });
    expect(res.statusCode).toBe(204);
    expect(res.cookies.find((c) => c.name === 'himoya_session')?.value).toBe('');
    expect(((await session(cookie)).json() as SessionReply).actor.kind).toBe('anonymous');
    const revoked = await t.database.db
      .selectFrom('auth_session as s')
      .innerJoin('account as a', 'a.id', 's.account_id')
      .select('s.revoked_at')
      .where('a.username', '=', 'leaver')
      .executeTakeFirstOrThrow();
    expect(revoked.revoked_at).toBeInstanceOf(Date);
  });

  it('refuses a cookie-authenticated POST without the CSRF token or with a wrong one', async () => {
    await account('csrf');
    const { cookie, csrf } = await signIn('csrf');
    const post = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/auth/logout', cookies: { himoya_session: cookie }, headers });
    const none = await post({});
    expect(none.statusCode).toBe(403);
    expect((none.json() as ErrorReply).error.code).toBe('CSRF_INVALID');
    const wrong = await post({ 'x-csrf-token': `${csrf.slice(0, -1)}x` });
    expect((wrong.json() as ErrorReply).error.code).toBe('CSRF_INVALID');
    // The refused requests changed nothing: the session is alive.
    expect(((await session(cookie)).json() as SessionReply).actor.kind).toBe('staff');
    // Another session's token is not this session's.
    const other = await signIn('csrf');
    expect((await post({ 'x-csrf-token': other.csrf })).statusCode).toBe(403);
    expect((await post({ 'x-csrf-token': csrf })).statusCode).toBe(204);
  });

  it('requires sign-in where requireActor is used', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/auth/totp/enrol' });
    expect(res.statusCode).toBe(401);
    expect((res.json() as ErrorReply).error.code).toBe('UNAUTHENTICATED');
  });

  it('accepts every role of actor.ts in role_grant and nothing else', async () => {
    const id = await account('roles');
    for (const role of ROLES) {
      await t.database.db
        .insertInto('role_grant')
        .values({
          account_id: id,
          person_id: null,
          role,
          area_kind: null,
          area_code: null,
          organisation: 'x',
        })
        .execute();
    }
    await expect(
      t.database.db
        .insertInto('role_grant')
        .values({
          account_id: id,
          person_id: null,
          role: 'superuser' as never,
          area_kind: null,
          area_code: null,
          organisation: 'x',
        })
        .execute(),
    ).rejects.toThrow();
  });
});

describe('actorOf', () => {
  const request = (actor: unknown, header?: string) =>
    ({ actor, headers: header ? { 'x-himoya-actor': header } : {} }) as unknown as FastifyRequest;
  it('names a signed-in actor stably; a header can name nobody', () => {
    expect(actorOf(request({ kind: 'staff', username: 'aziz' }, 'someone'))).toBe('staff:aziz');
    expect(actorOf(request({ kind: 'citizen', personId: 'p-1', pinfl: '31234567890123' }))).toBe(
      'citizen:p-1',
    );
    expect(actorOf(request({ kind: 'machine', id: 'tax' }))).toBe('machine:tax');
    expect(actorOf(request({ kind: 'anonymous' }, 'officer-7'))).toBe('anonymous');
    expect(actorOf(request(undefined))).toBe('anonymous');
  });
});
