import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { httpPlugins } from '../app.ts';
import { loadConfig } from '../platform/config.ts';
import { buildServer } from '../platform/http/server.ts';
import { JobRunner } from '../platform/jobs/job-runner.ts';
import { crossSiteReason } from './same-origin.ts';
import { createStaffAccount } from './staff.service.ts';

interface ErrorReply {
  error: { code: string };
}

const PASSWORD = 'staff-password-2026';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const body = new URLSearchParams({ username: 'formuser', password: PASSWORD }).toString();

describe('login CSRF: form posts exempt from the CSRF token must come from our own origin', () => {
  let t: TestApp;
  // createTestApp's PUBLIC_URL is the default, http://localhost:3000.
  const ours = 'http://localhost:3000';

  beforeAll(async () => {
    t = await createTestApp();
    await createStaffAccount(t.database.db, { username: 'formuser', password: PASSWORD, grants: [] });
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const post = (headers: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/auth/login', headers: { ...FORM, ...headers }, payload: body });

  it('refuses a cross-site form post to /auth/login, by Origin, Sec-Fetch-Site or Referer', async () => {
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://localhost:3001' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site', origin: 'http://admin.localhost:3000' },
      { referer: 'https://evil.example/page.html' },
      // The browser's own verdict wins over an Origin that happens to match.
      { 'sec-fetch-site': 'cross-site', origin: ours },
    ];
    for (const headers of attempts) {
      const res = await post(headers);
      expect(res.statusCode, JSON.stringify(headers)).toBe(403);
      expect((res.json() as ErrorReply).error.code).toBe('CROSS_SITE_REQUEST');
      expect(res.cookies.find((c) => c.name === 'himoya_session')).toBeUndefined();
    }
    // Nothing was checked, so nothing was counted against the account either.
    const row = await t.database.db
      .selectFrom('account')
      .select('failed_attempts')
      .where('username', '=', 'formuser')
      .executeTakeFirstOrThrow();
    expect(row.failed_attempts).toBe(0);
  });

  it('accepts the same-origin form post, and a client that sends no browser headers', async () => {
    const form = await post({ origin: ours, 'sec-fetch-site': 'same-origin' });
    expect(form.statusCode).toBe(303);
    expect(form.cookies.find((c) => c.name === 'himoya_session')?.value).toBeTruthy();
    expect((await post({ referer: `${ours}/login` })).statusCode).toBe(303);
    expect((await post({ 'sec-fetch-site': 'none' })).statusCode).toBe(303);
    const plain = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'formuser', password: PASSWORD },
    });
    expect(plain.statusCode).toBe(200);
  });

  it('guards the demo provider’s sign-in form the same way', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/demo-idp/authorize',
      headers: { ...FORM, origin: 'https://evil.example' },
      payload: 'pinfl=30101851234567',
    });
    expect(res.statusCode).toBe(403);
    expect((res.json() as ErrorReply).error.code).toBe('CROSS_SITE_REQUEST');
  });

  it('decides from the headers as a browser sends them', () => {
    expect(crossSiteReason({}, ours)).toBeUndefined();
    expect(crossSiteReason({ origin: ours }, ours)).toBeUndefined();
    expect(crossSiteReason({ referer: 'not a url' }, ours)).toBeDefined();
    expect(crossSiteReason({ origin: `${ours}.evil.example` }, ours)).toBeDefined();
    expect(crossSiteReason({ referer: `${ours}.evil.example/login` }, ours)).toBeDefined();
  });
});

describe('the session cookie is Secure whenever users come over HTTPS', () => {
  let t: TestApp;
  const apps: { app: FastifyInstance; jobs: JobRunner }[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    await createStaffAccount(t.database.db, { username: 'secure', password: PASSWORD, grants: [] });
  }, 120_000);
  afterAll(async () => {
    for (const { app, jobs } of apps) {
      await app.close();
      await jobs.stop();
    }
    await t?.cleanup();
  });

  async function appWith(env: Record<string, string>) {
    const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0', ...env });
    const logger = pino({ level: 'silent' });
    const jobs = new JobRunner(t.database, logger, { schema: `${t.schema}_jobs_${apps.length}` });
    const ctx = { config, database: t.database, logger, jobs };
    const app = await buildServer(ctx, httpPlugins(ctx));
    apps.push({ app, jobs });
    return app;
  }
  const signIn = (app: FastifyInstance, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/auth/login',
      headers,
      payload: { username: 'secure', password: PASSWORD },
    });
  const sessionCookie = (res: { cookies: { name: string; secure?: boolean }[] }) =>
    res.cookies.find((c) => c.name === 'himoya_session');

  it('sets Secure when PUBLIC_URL is https, outside production too', async () => {
    const app = await appWith({ PUBLIC_URL: 'https://himoya.example.uz' });
    const res = await signIn(app);
    expect(res.statusCode).toBe(200);
    expect(sessionCookie(res)?.secure).toBe(true);
    // The OneID state cookie too.
    const begin = await app.inject({ method: 'GET', url: '/auth/citizen/login' });
    expect(begin.cookies.find((c) => c.name === 'himoya_oidc_state')?.secure).toBe(true);
  });

  it('sets Secure for a request that came over HTTPS through a trusted proxy, and believes no one else', async () => {
    const proxied = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' };
    const trusting = await appWith({ TRUST_PROXY: 'true' });
    const behindProxy = await signIn(trusting, proxied);
    expect(behindProxy.statusCode).toBe(200);
    expect(sessionCookie(behindProxy)?.secure).toBe(true);
    // Plain HTTP through the same proxy: no Secure (the browser would drop it over http).
    expect(sessionCookie(await signIn(trusting, { 'x-forwarded-proto': 'http' }))?.secure).toBeFalsy();
    // Without TRUST_PROXY the header is anyone's to send and means nothing.
    const plain = await appWith({});
    expect(sessionCookie(await signIn(plain, proxied))?.secure).toBeFalsy();
    // Trusting only a named proxy: a request from elsewhere is not believed.
    const named = await appWith({ TRUST_PROXY: '10.9.9.9' });
    expect(sessionCookie(await signIn(named, proxied))?.secure).toBeFalsy();
  });

  it('refuses a TRUST_PROXY that is neither a switch, a hop count nor addresses', () => {
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
    expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1,10.0.0.0/8' }).TRUST_PROXY).toEqual([
      '10.0.0.1',
      '10.0.0.0/8',
    ]);
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
  });
});
