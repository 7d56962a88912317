import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { httpPlugins } from '../app.ts';
import { loadConfig } from '../platform/config.ts';
import { buildServer } from '../platform/http/server.ts';
import { JobRunner } from '../platform/jobs/job-runner.ts';
import { makePinfl } from '../registry/pinfl.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import {
  DEMO_MACHINE_CALLBACK_URI,
  DEMO_MACHINE_CLIENT,
  DEMO_PASSWORD,
  installDemoAccounts,
} from './demo-accounts.ts';
import { ensureDemoIdpKey } from './demo-idp.service.ts';
import { clientCallbacksOf } from './machine.service.ts';
import { verifyIdToken } from './oidc.service.ts';

interface ErrorReply {
  error: { code: string; details?: { reason?: string } };
}
interface SessionReply {
  actor: { kind: string; pinfl?: string; personId?: string; grants?: unknown[] };
  csrfToken: string | null;
}
type Cookies = Record<string, string>;

const pathOf = (location: string | undefined) => {
  const url = new URL(location ?? '', 'http://localhost:3000');
  return `${url.pathname}${url.search}`;
};

describe('citizen sign-in through OpenID Connect (demo OneID)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 6,
      seed: 11,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  /** Starts a sign-in: returns the authorize path, its parameters and the state cookie. */
  async function begin() {
    const res = await t.app.inject({ method: 'GET', url: '/auth/citizen/login' });
    expect(res.statusCode).toBe(302);
    const authorize = new URL(res.headers.location ?? '');
    const cookies: Cookies = {};
    for (const c of res.cookies) cookies[c.name] = c.value;
    return { authorize, cookies };
  }

  /** The demo provider's page, then the pick of a citizen: returns the callback path. */
  async function pick(authorize: URL, pinfl?: string) {
    const page = await t.app.inject({ method: 'GET', url: pathOf(authorize.toString()) });
    expect(page.statusCode).toBe(200);
    const form = /<form method="post" action="([^"]+)">([\s\S]*?)<\/form>/.exec(page.body);
    if (!form?.[2] || !form[1]) throw new Error('no citizen on the demo page');
    const fields: Record<string, string> = {};
    for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      if (m[1] && m[2] !== undefined) fields[m[1]] = m[2].replace(/&amp;/g, '&');
    }
    if (pinfl) fields.pinfl = pinfl;
    const res = await t.app.inject({
      method: 'POST',
      url: form[1],
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
    expect(res.statusCode).toBe(302);
    return { callback: pathOf(res.headers.location), pinfl: fields.pinfl ?? '' };
  }

  const callback = (path: string, cookies: Cookies) => t.app.inject({ method: 'GET', url: path, cookies });

  it('runs the whole flow: authorize (PKCE S256) → pick → callback → a citizen session', async () => {
    const { authorize, cookies } = await begin();
    expect(authorize.pathname).toBe('/demo-idp/authorize');
    const p = authorize.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('himoya');
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(p.get('nonce')).toBeTruthy();
    expect(cookies.himoya_oidc_state).toBe(p.get('state'));
    // The pending sign-in is a row (so any process can finish it), and the verifier never left it.
    const pending = await t.database.db
      .selectFrom('oidc_login')
      .selectAll()
      .where('state', '=', p.get('state') ?? '')
      .executeTakeFirstOrThrow();
    expect(authorize.toString()).not.toContain(pending.code_verifier);

    const chosen = await pick(authorize);
    expect(chosen.callback).toMatch(/^\/auth\/citizen\/callback\?code=/);
    const done = await callback(chosen.callback, cookies);
    expect(done.statusCode).toBe(302);
    const session = done.cookies.find((c) => c.name === 'himoya_session');
    expect(session?.httpOnly).toBe(true);
    const me = await t.app.inject({
      method: 'GET',
      url: '/auth/session',
      cookies: { himoya_session: session?.value ?? '' },
    });
    const body = me.json() as SessionReply;
    expect(body.actor).toMatchObject({
      kind: 'citizen',
      pinfl: chosen.pinfl,
      grants: [{ role: 'citizen', area: null, organisation: 'citizen' }],
    });
    const person = await t.database.db
      .selectFrom('person')
      .select('id')
      .where('pinfl', '=', chosen.pinfl)
      .executeTakeFirstOrThrow();
    expect(body.actor.personId).toBe(person.id);
    expect(body.csrfToken).toBeTruthy();

    // The same callback again: the state and the code are spent.
    const replay = await callback(chosen.callback, cookies);
    expect(replay.statusCode).toBe(400);
    expect((replay.json() as ErrorReply).error.code).toBe('OIDC_LOGIN_FAILED');
  });

  it('refuses a callback in a browser that did not start the sign-in', async () => {
    const { authorize } = await begin();
    const chosen = await pick(authorize);
    const res = await callback(chosen.callback, {});
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorReply).error.code).toBe('OIDC_LOGIN_FAILED');
  });

  it('refuses an ID token whose nonce is not the sign-in’s', async () => {
    const { authorize, cookies } = await begin();
    const chosen = await pick(authorize);
    await t.database.db
      .updateTable('oidc_login')
      .set({ nonce: 'another-sign-in' })
      .where('state', '=', authorize.searchParams.get('state') ?? '')
      .execute();
    const res = await callback(chosen.callback, cookies);
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorReply).error.details?.reason).toMatch(/nonce/);
    expect(res.cookies.find((c) => c.name === 'himoya_session')).toBeUndefined();
  });

  it('fails the code exchange when the PKCE verifier does not match the challenge', async () => {
    const { authorize, cookies } = await begin();
    const chosen = await pick(authorize);
    await t.database.db
      .updateTable('oidc_login')
      .set({ code_verifier: 'x'.repeat(64) })
      .where('state', '=', authorize.searchParams.get('state') ?? '')
      .execute();
    const res = await callback(chosen.callback, cookies);
    expect(res.statusCode).toBe(400);
    expect((res.json() as ErrorReply).error.details?.reason).toBe('token exchange');
  });

  it('refuses a PINFL that is not in the registry with CITIZEN_NOT_REGISTERED (403)', async () => {
    const { authorize, cookies } = await begin();
    const chosen = await pick(authorize, makePinfl('1990-01-01', 'M', '999', 999));
    const res = await callback(chosen.callback, cookies);
    expect(res.statusCode).toBe(403);
    expect((res.json() as ErrorReply).error.code).toBe('CITIZEN_NOT_REGISTERED');
  });

  it('keeps the demo provider’s key in the database, one for all processes', async () => {
    const jwks = (await t.app.inject({ method: 'GET', url: '/demo-idp/jwks' })).json() as JSONWebKeySet;
    const again = await ensureDemoIdpKey(t.database.db);
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]?.kid).toBe(again.kid);
    expect(jwks.keys[0]).not.toHaveProperty('d');
    const discovery = await t.app.inject({
      method: 'GET',
      url: '/demo-idp/.well-known/openid-configuration',
    });
    expect(discovery.json()).toMatchObject({ code_challenge_methods_supported: ['S256'] });
  });

  it('installs the demo accounts once, bound to the mahalla with the most households', async () => {
    const created = await installDemoAccounts(t.database);
    expect(created).toEqual([
      'worker1',
      'worker2',
      'district',
      'assessor',
      'commission',
      'youth',
      'admin',
      'auditor',
      'finance',
      'finance2',
      'vendor',
    ]);
    expect(await installDemoAccounts(t.database)).toEqual([]);
    const counts = await t.database.db
      .selectFrom('household')
      .select(['mahalla_code', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('mahalla_code')
      .execute();
    const max = Math.max(...counts.map((c) => Number(c.n)));
    const grant = await t.database.db
      .selectFrom('role_grant as g')
      .innerJoin('account as a', 'a.id', 'g.account_id')
      .select(['g.area_code', 'g.role'])
      .where('a.username', '=', 'worker1')
      .executeTakeFirstOrThrow();
    expect(grant.role).toBe('social_worker');
    expect(Number(counts.find((c) => c.mahalla_code === grant.area_code)?.n)).toBe(max);
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'district', password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const token = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: {
        grant_type: 'client_credentials',
        client_id: DEMO_MACHINE_CLIENT.clientId,
        client_secret: DEMO_MACHINE_CLIENT.secret,
      },
    });
    expect(token.statusCode).toBe(200);
    // Its callbacks may go to one exact address, never to "any local port" (issue 10, finding 5).
    expect(await clientCallbacksOf(t.database.db, DEMO_MACHINE_CLIENT.clientId)).toMatchObject({
      callbackUris: [DEMO_MACHINE_CALLBACK_URI],
      defaultCallbackUri: DEMO_MACHINE_CALLBACK_URI,
    });
    const page = await t.app.inject({ method: 'GET', url: '/login' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<html lang="uz-Latn">');
    expect(page.body).toContain('<label for="username">');
    expect(page.body).toContain('href="/auth/citizen/login"');
    expect(page.body).toContain('worker1');
  });

  it('has no demo provider when DEMO is off', async () => {
    const config = loadConfig({ NODE_ENV: 'test', SEED_HOUSEHOLDS: '0', DEMO: 'false' });
    const logger = pino({ level: 'silent' });
    const jobs = new JobRunner(t.database, logger, { schema: `${t.schema}_jobs_nodemo` });
    const ctx = { config, database: t.database, logger, jobs };
    const app = await buildServer(ctx, httpPlugins(ctx));
    try {
      expect((await app.inject({ method: 'GET', url: '/demo-idp/jwks' })).statusCode).toBe(404);
      const login = await app.inject({ method: 'GET', url: '/auth/citizen/login' });
      expect(login.statusCode).toBe(503);
      expect((login.json() as ErrorReply).error.code).toBe('OIDC_NOT_CONFIGURED');
      expect((await app.inject({ method: 'GET', url: '/login' })).body).not.toContain('worker1');
    } finally {
      await app.close();
      await jobs.stop();
    }
  });
});

describe('verifyIdToken', () => {
  const issuer = 'https://oneid.example.uz';
  let jwks: JSONWebKeySet;
  let sign: (claims: Record<string, unknown>, audience?: string, iss?: string) => Promise<string>;
  let signOther: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    const other = await generateKeyPair('RS256');
    jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256' }] };
    const make = (key: CryptoKey, claims: Record<string, unknown>, audience: string, iss: string) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setIssuer(iss)
        .setAudience(audience)
        .setSubject('s1')
        .setIssuedAt();
      return (claims.exp === undefined ? jwt.setExpirationTime('5m') : jwt).sign(key);
    };
    sign = (claims, audience = 'himoya', iss = issuer) => make(pair.privateKey, claims, audience, iss);
    signOther = (claims) => make(other.privateKey, claims, 'himoya', issuer);
  });

  const expected = () => ({ jwks, issuer, audience: 'himoya', nonce: 'n-1' });

  it('accepts a token signed by the provider for this client and sign-in', async () => {
    const claims = await verifyIdToken(await sign({ nonce: 'n-1', pin: '31234567890123' }), expected());
    expect(claims.pin).toBe('31234567890123');
  });

  it('refuses a wrong nonce, audience, issuer, signature or an expired token', async () => {
    const refused = async (token: Promise<string>, reason: RegExp) => {
      await expect(verifyIdToken(await token, expected())).rejects.toMatchObject({
        code: 'OIDC_LOGIN_FAILED',
        details: { reason: expect.stringMatching(reason) },
      });
    };
    await refused(sign({ nonce: 'n-2' }), /nonce/);
    await refused(sign({ nonce: 'n-1' }, 'someone-else'), /aud/);
    await refused(sign({ nonce: 'n-1' }, 'himoya', 'https://evil.example'), /iss/);
    await refused(signOther({ nonce: 'n-1' }), /signature/);
    await refused(sign({ nonce: 'n-1', exp: Math.floor(Date.now() / 1000) - 120 }), /exp/);
  });
});
