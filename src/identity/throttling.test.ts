import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { createMachineClient } from './machine.service.ts';
import { createStaffAccount } from './staff.service.ts';

interface ErrorReply {
  error: { code: string };
}

const PASSWORD = 'the-right-password-2026';
const SECRET = 'pension-fund-secret-2026';

describe('throttling of sign-ins and client authentication, in the database', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const login = (username: string, password: string) =>
    t.app.inject({ method: 'POST', url: '/auth/login', payload: { username, password } });

  it('never lets the right password in once the limit is reached, however many sign-ins arrive together', async () => {
    const id = await createStaffAccount(t.database.db, {
      username: 'racer',
      password: PASSWORD,
      grants: [{ role: 'district_officer', area: { kind: 'region', code: '1733' }, organisation: 'x' }],
    });
    if (!id) throw new Error('account exists');
    // 40 sign-ins at once: 39 wrong passwords and the right one 20th.
    const replies = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login('racer', i === 19 ? PASSWORD : `wrong-${i}`)),
    );
    const right = replies[19];
    if (!right) throw new Error('no reply');
    expect(right.statusCode).toBe(429);
    expect((right.json() as ErrorReply).error.code).toBe('LOGIN_LOCKED');
    expect(right.cookies.find((c) => c.name === 'himoya_session')).toBeUndefined();
    // Exactly the limit of attempts was checked; every other one was refused unchecked.
    const codes = replies.map((r) => (r.json() as ErrorReply).error.code);
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(35);
    const sessions = await t.database.db
      .selectFrom('auth_session')
      .select('id')
      .where('account_id', '=', id)
      .execute();
    expect(sessions).toEqual([]);
    const row = await t.database.db
      .selectFrom('account')
      .select(['failed_attempts', 'locked_until'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBe(5);
    expect(row.locked_until).toBeInstanceOf(Date);
    // When the lock runs out, the right password signs in again and the count starts over.
    await t.database.db
      .updateTable('account')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', id)
      .execute();
    expect((await login('racer', PASSWORD)).statusCode).toBe(200);
  });

  it('locks an unknown username the same way under parallel attempts', async () => {
    const replies = await Promise.all(Array.from({ length: 20 }, () => login('nobody-at-all', 'guess')));
    const codes = replies.map((r) => (r.json() as ErrorReply).error.code);
    expect(codes.filter((c) => c === 'LOGIN_FAILED')).toHaveLength(5);
    expect(codes.filter((c) => c === 'LOGIN_LOCKED')).toHaveLength(15);
  });

  const token = (clientId: string, secret: string, source: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/token',
      remoteAddress: source,
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    });

  it('locks a client id after 10 failed authentications from anywhere: 429, OAuth2 shape, Retry-After', async () => {
    await createMachineClient(t.database.db, {
      clientId: 'pension-fund',
      secret: SECRET,
      agency: 'pension_fund',
      scopes: ['events.push'],
      area: { kind: 'region', code: '1733' },
    });
    await createMachineClient(t.database.db, {
      clientId: 'cadastre',
      secret: SECRET,
      agency: 'cadastre',
      scopes: ['events.push'],
      area: { kind: 'region', code: '1733' },
    });
    // Spraying one client from ten addresses: each address stays under its own limit.
    for (let i = 0; i < 10; i++) {
      const res = await token('pension-fund', `guess-${i}`, `10.1.0.${i}`);
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_client' });
    }
    const locked = await token('pension-fund', SECRET, '10.1.1.1');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: 'invalid_client' });
    expect(locked.headers['cache-control']).toBe('no-store');
    const retryAfter = Number(locked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(14 * 60);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
    // Another client from the same addresses is not affected.
    expect((await token('cadastre', SECRET, '10.1.0.1')).statusCode).toBe(200);
    // The lock runs out: the right secret works again and the count starts over.
    await t.database.db
      .updateTable('token_throttle')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('key', '=', 'client:pension-fund')
      .execute();
    expect((await token('pension-fund', SECRET, '10.1.1.1')).statusCode).toBe(200);
    const left = await t.database.db
      .selectFrom('token_throttle')
      .select('key')
      .where('key', '=', 'client:pension-fund')
      .execute();
    expect(left).toEqual([]);
  });

  it('locks a source address after 30 failed authentications of any client ids', async () => {
    const source = '10.2.0.7';
    for (let i = 0; i < 30; i++) {
      expect((await token(`made-up-client-${i}`, 'guess', source)).statusCode).toBe(401);
    }
    // Even a real client with its right secret is refused from that address, and counted nowhere else.
    const locked = await token('cadastre', SECRET, source);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    expect((await token('cadastre', SECRET, '10.2.0.8')).statusCode).toBe(200);
  });

  it('counts parallel failures for one client in the database: the limit holds', async () => {
    await createMachineClient(t.database.db, {
      clientId: 'vehicles',
      secret: SECRET,
      agency: 'vehicles',
      scopes: ['events.push'],
      area: { kind: 'region', code: '1733' },
    });
    await Promise.all(Array.from({ length: 12 }, (_, i) => token('vehicles', `guess-${i}`, `10.3.0.${i}`)));
    const row = await t.database.db
      .selectFrom('token_throttle')
      .select(['failed_attempts', 'locked_until'])
      .where('key', '=', 'client:vehicles')
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBeGreaterThanOrEqual(10);
    expect(row.locked_until).toBeInstanceOf(Date);
    expect((await token('vehicles', SECRET, '10.3.1.1')).statusCode).toBe(429);
  });
});
