import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { signInCitizen, signInStaff } from '../../test/support/auth.ts';
import { makeFamily } from '../notifications/test-support.ts';

/** The language a signed-in person chose is kept on the account and given back at the next sign-in. */
describe('language remembered on the account', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const session = async (headers: Record<string, string>) =>
    (await t.app.inject({ method: 'GET', url: '/auth/session', headers })).json();

  it('keeps a staff member’s console language for their next session', async () => {
    const first = await signInStaff(t.database.db, t.config, 'polyglot');
    expect((await session(first.headers)).language).toBeNull();
    const put = await t.app.inject({
      method: 'PUT',
      url: '/auth/language',
      headers: first.headers,
      payload: { language: 'ru' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toEqual({ language: 'ru' });
    // A new sign-in, in another browser: the session says Russian, which the web applies.
    const next = await signInStaff(t.database.db, t.config, 'polyglot');
    expect((await session(next.headers)).language).toBe('ru');
    // Not a language of the portal: the catalogue's validation error, nothing stored.
    const bad = await t.app.inject({
      method: 'PUT',
      url: '/auth/language',
      headers: next.headers,
      payload: { language: 'de' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    expect((await session(next.headers)).language).toBe('ru');
  });

  it('gives a citizen the language of their messages, as chosen with PUT /api/me/language', async () => {
    const family = await makeFamily(t.database.db);
    const citizen = await signInCitizen(t.database.db, t.config, family.personId);
    expect((await session(citizen.headers)).language).toBe('uz-Latn');
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/me/language',
      headers: citizen.headers,
      payload: { language: 'en' },
    });
    expect(put.statusCode).toBe(200);
    const again = await signInCitizen(t.database.db, t.config, family.personId);
    expect((await session(again.headers)).language).toBe('en');
    // The staff route is for staff accounts.
    const refused = await t.app.inject({
      method: 'PUT',
      url: '/auth/language',
      headers: again.headers,
      payload: { language: 'ru' },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('says nothing of a language to a visitor who is not signed in', async () => {
    expect((await session({})).language).toBeNull();
  });
});
