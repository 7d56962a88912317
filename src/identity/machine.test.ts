import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { createMachineClient } from './machine.service.ts';
import { createStaffAccount } from './staff.service.ts';
import { tokenDigest } from './tokens.ts';

interface TokenReply {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

const SECRET = 'tax-committee-secret-2026';
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('machine clients: OAuth2 client credentials and bearer tokens', () => {
  let t: TestApp;

  const tokenRequest = (form: Record<string, string>, authorization?: string) =>
    t.app.inject({
      method: 'POST',
      url: '/auth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      payload: new URLSearchParams(form).toString(),
    });
  const bearer = (token: string, url = '/auth/session') =>
    t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await createTestApp();
    await createMachineClient(t.database.db, {
      clientId: 'tax-committee',
      secret: SECRET,
      agency: 'Soliq qo‘mitasi',
      scopes: ['registry.read', 'dci.search'],
      area: { kind: 'region', code: '1733' },
    });
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('issues a token for HTTP Basic client authentication and a subset of the scopes', async () => {
    const res = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'registry.read' },
      basic('tax-committee', SECRET),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json() as TokenReply;
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'registry.read' });
    expect(body.access_token).toMatch(/^[\w-]{43}$/);
    // Stored as a digest only.
    const row = await t.database.db
      .selectFrom('access_token')
      .select(['id', 'scopes', 'expires_at'])
      .where('id', '=', tokenDigest(body.access_token))
      .executeTakeFirstOrThrow();
    expect(row.scopes).toEqual(['registry.read']);
    const seconds = (row.expires_at.getTime() - Date.now()) / 1000;
    expect(seconds).toBeGreaterThan(3500);
    expect(seconds).toBeLessThanOrEqual(3600);
  });

  it('accepts JSON with the credentials in the body; no scope asked means all of the client’s', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'client_credentials', client_id: 'tax-committee', client_secret: SECRET },
    });
    expect(res.statusCode).toBe(200);
    expect((res.json() as TokenReply).scope).toBe('dci.search registry.read');
  });

  it('refuses a wrong secret and an unknown client alike with invalid_client (401)', async () => {
    const wrong = await tokenRequest({ grant_type: 'client_credentials' }, basic('tax-committee', 'nope'));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ error: 'invalid_client' });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    const unknown = await tokenRequest({
      grant_type: 'client_credentials',
      client_id: 'nobody',
      client_secret: SECRET,
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toEqual({ error: 'invalid_client' });
    const none = await tokenRequest({ grant_type: 'client_credentials' });
    expect(none.statusCode).toBe(401);
  });

  it('refuses a scope beyond the client’s (invalid_scope) and other grant types', async () => {
    const scope = await tokenRequest(
      { grant_type: 'client_credentials', scope: 'registry.read registry.write' },
      basic('tax-committee', SECRET),
    );
    expect(scope.statusCode).toBe(400);
    expect((scope.json() as { error: string }).error).toBe('invalid_scope');
    const grant = await tokenRequest({ grant_type: 'password' }, basic('tax-committee', SECRET));
    expect(grant.statusCode).toBe(400);
    expect(grant.json()).toEqual({ error: 'unsupported_grant_type' });
  });

  it('makes a request with the bearer token a machine actor, with its scopes and area', async () => {
    const issued = (
      await tokenRequest(
        { grant_type: 'client_credentials', scope: 'dci.search' },
        basic('tax-committee', SECRET),
      )
    ).json() as TokenReply;
    const res = await bearer(issued.access_token);
    expect(res.statusCode).toBe(200);
    expect((res.json() as { actor: unknown }).actor).toEqual({
      kind: 'machine',
      id: 'tax-committee',
      agency: 'Soliq qo‘mitasi',
      scopes: ['dci.search'],
      grants: [
        { role: 'agency_client', area: { kind: 'region', code: '1733' }, organisation: 'Soliq qo‘mitasi' },
      ],
    });
  });

  it('needs no CSRF token with a bearer token, and the bearer wins over a cookie', async () => {
    await createStaffAccount(t.database.db, {
      username: 'officer',
      password: 'officer-password',
      grants: [],
    });
    const login = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'officer', password: 'officer-password' },
    });
    const cookie = login.cookies.find((c) => c.name === 'himoya_session')?.value ?? '';
    const issued = (
      await tokenRequest({ grant_type: 'client_credentials' }, basic('tax-committee', SECRET))
    ).json() as TokenReply;
    const res = await t.app.inject({
      method: 'POST',
      url: '/auth/totp/enrol',
      cookies: { himoya_session: cookie },
      headers: { authorization: `Bearer ${issued.access_token}` },
    });
    // Not CSRF_INVALID: the request is the machine's, and enrolment is for staff only.
    expect(res.statusCode).toBe(403);
    expect((res.json() as { error: { code: string } }).error.code).toBe('ACTOR_KIND_NOT_ALLOWED');
  });

  it('answers an expired or unknown token with 401 and WWW-Authenticate, on every route', async () => {
    const issued = (
      await tokenRequest({ grant_type: 'client_credentials' }, basic('tax-committee', SECRET))
    ).json() as TokenReply;
    expect((await bearer(issued.access_token, '/health')).statusCode).toBe(200);
    await t.database.db
      .updateTable('access_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', tokenDigest(issued.access_token))
      .execute();
    for (const url of ['/auth/session', '/health', '/api/territory/regions']) {
      const res = await bearer(issued.access_token, url);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect((res.json() as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    expect((await bearer('made-up-token')).statusCode).toBe(401);
  });

  it('stops honouring the tokens of a disabled client', async () => {
    const issued = (
      await tokenRequest({ grant_type: 'client_credentials' }, basic('tax-committee', SECRET))
    ).json() as TokenReply;
    await t.database.db
      .updateTable('machine_client')
      .set({ disabled: true })
      .where('id', '=', 'tax-committee')
      .execute();
    expect((await bearer(issued.access_token)).statusCode).toBe(401);
    const again = await tokenRequest({ grant_type: 'client_credentials' }, basic('tax-committee', SECRET));
    expect(again.statusCode).toBe(401);
    await t.database.db
      .updateTable('machine_client')
      .set({ disabled: false })
      .where('id', '=', 'tax-committee')
      .execute();
  });
});
