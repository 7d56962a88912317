import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

/** Sign-in failures seen by a browser are a page in its language; API clients keep the JSON error. */
describe('sign-in failure pages and the demo host move', () => {
  let t: TestApp;
  beforeAll(async () => {
    // createTestApp's PUBLIC_URL is the default, http://localhost:3000, in demo mode.
    t = await createTestApp();
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  it('answers a browser whose OneID state was lost with a page in the chosen language and a way back', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/auth/citizen/callback?code=abc&state=def',
      headers: { accept: HTML, cookie: 'himoya_lang=ru' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('<html lang="ru">');
    expect(res.body).toContain('Войти не удалось');
    expect(res.body).toContain('href="/auth/citizen/login"');
    expect(res.body).not.toContain('OIDC_LOGIN_FAILED');
    expect(res.body).not.toContain('state does not belong');
    // Accept-Language when no language was chosen.
    const english = await t.app.inject({
      method: 'GET',
      url: '/auth/citizen/callback',
      headers: { accept: HTML, 'accept-language': 'en-GB,en;q=0.9' },
    });
    expect(english.body).toContain('Sign-in did not work');
  });

  it('keeps the JSON error for API clients', async () => {
    for (const accept of [undefined, 'application/json', 'application/json, text/html']) {
      const res = await t.app.inject({
        method: 'GET',
        url: '/auth/citizen/callback?code=abc&state=def',
        headers: accept ? { accept } : {},
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().error.code).toBe('OIDC_LOGIN_FAILED');
    }
  });

  it('answers a staff form post that failed with a page, in Uzbek by default', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: HTML,
        origin: 'http://localhost:3000',
      },
      payload: new URLSearchParams({ username: 'nobody', password: 'wrong-password' }).toString(),
    });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('<html lang="uz-Latn">');
    expect(res.body).toContain('Tizimga kirib bo‘lmadi');
    expect(res.body).toContain('href="/login"');
  });

  it('moves a citizen sign-in begun at 127.0.0.1 to the PUBLIC_URL host, and no other host', async () => {
    const moved = await t.app.inject({
      method: 'GET',
      url: '/auth/citizen/login',
      headers: { host: '127.0.0.1:3000' },
    });
    expect(moved.statusCode).toBe(302);
    expect(moved.headers.location).toBe('http://localhost:3000/auth/citizen/login?moved=1');
    expect(moved.cookies.find((c) => c.name === 'himoya_oidc_state')).toBeUndefined();
    // Already moved, at PUBLIC_URL, or a name that is not this machine's: the flow starts here.
    for (const [host, url] of [
      ['127.0.0.1:3000', '/auth/citizen/login?moved=1'],
      ['localhost:3000', '/auth/citizen/login'],
      ['evil.example', '/auth/citizen/login'],
    ] as const) {
      const res = await t.app.inject({ method: 'GET', url, headers: { host } });
      expect(res.statusCode, host).toBe(302);
      expect(res.headers.location, host).not.toContain('/auth/citizen/login');
      expect(
        res.cookies.find((c) => c.name === 'himoya_oidc_state'),
        host,
      ).toBeDefined();
    }
  });
});
