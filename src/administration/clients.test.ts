import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair } from 'jose';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { as, errorCode, KHOREZM, khorezmPlaces, OTHER_REGION } from './administration.test-support.ts';

/** Machine clients through the administration API: onboarding checks, secrets shown once, revocation. */

describe('administration: machine clients', () => {
  let t: TestApp;
  let admin: ReturnType<typeof as>;
  let district: string;
  const logs: string[] = [];

  beforeAll(async () => {
    // Everything the server logs, at the most verbose level, to look for secrets in it.
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    });
    t = await createTestApp({ logger: pino({ level: 'trace' }, sink) });
    admin = as(t, 'admin-a');
    district = (await khorezmPlaces(t)).district;
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const onboarding = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    agency: 'Pension fund',
    scopes: ['registry.read'],
    area: { kind: 'district', code: district },
    callbackUris: ['http://127.0.0.1:9100/dci'],
    defaultCallbackUri: 'http://127.0.0.1:9100/dci',
    ...extra,
  });

  const token = async (clientId: string, secret: string) => {
    const reply = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    });
    const body = reply.json() as { access_token?: string; error?: string };
    return { status: reply.statusCode, error: body.error, bearer: `Bearer ${body.access_token ?? ''}` };
  };
  const asMachine = (bearer: string) =>
    t.app.inject({ method: 'GET', url: '/api/registry/summary', headers: { authorization: bearer } });

  it('refuses roles other than the regional administrator', async () => {
    const auditor = as(t, 'auditor-c', [
      { role: 'auditor', area: { kind: 'region', code: KHOREZM }, organisation: 'X' },
    ]);
    expect((await auditor.get('/api/admin/clients')).statusCode).toBe(403);
    expect((await auditor.post('/api/admin/clients', onboarding('by-auditor'))).statusCode).toBe(403);
  });

  it('registers a client whose secret is answered once and works at /auth/token', async () => {
    const created = await admin.post('/api/admin/clients', onboarding('pension-fund'));
    expect(created.statusCode).toBe(201);
    const { client, secret, pendingRequest } = created.json();
    expect(pendingRequest).toBeNull();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(client).toMatchObject({
      id: 'pension-fund',
      scopes: ['registry.read'],
      area: { kind: 'district', code: district },
      callbackUris: ['http://127.0.0.1:9100/dci'],
      defaultCallbackUri: 'http://127.0.0.1:9100/dci',
      signingKey: null,
      disabled: false,
    });
    expect(client.area.names.en).toMatch(/\S/);
    const issued = await token('pension-fund', secret);
    expect(issued.status).toBe(200);
    expect((await asMachine(issued.bearer)).statusCode).toBe(200);

    const read = await admin.get('/api/admin/clients/pension-fund');
    const list = await admin.get('/api/admin/clients?q=PENSION');
    expect(list.json().items.map((c: { id: string }) => c.id)).toEqual(['pension-fund']);
    const retry = await admin.post('/api/admin/clients', onboarding('pension-fund'));
    expect([retry.statusCode, retry.json().secret]).toEqual([200, null]);
    for (const reply of [read, list, retry]) {
      expect(reply.body).not.toContain(secret);
      expect(reply.body).not.toMatch(/secret_hash|secretHash|argon2/);
    }
    const conflict = await admin.post('/api/admin/clients', onboarding('pension-fund', { agency: 'Other' }));
    expect([conflict.statusCode, errorCode(conflict)]).toEqual([409, 'ADMIN_ID_REUSED']);
    expect(conflict.body).not.toContain('Pension fund');
  });

  it('checks scopes, area, callbacks, the default callback and the signing key', async () => {
    const refused = async (body: Record<string, unknown>, status: number, code: string) => {
      const reply = await admin.post('/api/admin/clients', body);
      expect([reply.statusCode, errorCode(reply)], JSON.stringify(body)).toEqual([status, code]);
      return reply;
    };
    await refused(
      onboarding('bad-scope', { scopes: ['registry.read', 'registry.write'] }),
      422,
      'SCOPE_UNKNOWN',
    );
    await refused(
      onboarding('bad-area', { area: { kind: 'district', code: '1733999' } }),
      422,
      'AREA_UNKNOWN',
    );
    await refused(
      onboarding('far-area', { area: { kind: 'region', code: OTHER_REGION }, reason: 'x' }),
      403,
      'FORBIDDEN',
    );
    await refused(onboarding('no-area', { area: null, scopes: ['intake.submit'] }), 403, 'FORBIDDEN');
    await refused(
      onboarding('bad-default', { defaultCallbackUri: 'http://127.0.0.1:9200/dci' }),
      422,
      'DEFAULT_CALLBACK_NOT_REGISTERED',
    );
    for (const uri of [
      'http://127.0.0.1:x@0.0.0.0:4999/dci',
      'https://spmis.example.uz/dci?next=http://x',
      'https://spmis.example.uz/cb/../../escaped',
      'javascript:alert(1)',
    ]) {
      await refused(
        onboarding('bad-callback', { callbackUris: [uri], defaultCallbackUri: null }),
        422,
        'CALLBACK_URI_INVALID',
      );
    }
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const privateJwk = await exportJWK(privateKey);
    const leaked = await refused(
      onboarding('private-key', { signingJwk: privateJwk }),
      422,
      'SIGNING_KEY_PRIVATE',
    );
    expect(leaked.body).not.toContain(String(privateJwk.d));
    await refused(
      onboarding('bad-key', { signingJwk: { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' } }),
      422,
      'SIGNING_KEY_INVALID',
    );
    const missing = await t.database.db
      .selectFrom('machine_client')
      .select('id')
      .where('id', 'in', ['bad-scope', 'bad-area', 'bad-default', 'bad-callback', 'private-key', 'bad-key'])
      .execute();
    expect(missing).toEqual([]);
  });

  it('stores a public signing key and changes callbacks at once', async () => {
    await admin.post('/api/admin/clients', onboarding('signing-agency'));
    const { publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
    const jwk = await exportJWK(publicKey);
    const updated = await admin.patch('/api/admin/clients/signing-agency', {
      signingJwk: jwk,
      callbackUris: ['http://127.0.0.1:9100/dci', 'http://127.0.0.1:9300/dci'],
      defaultCallbackUri: 'http://127.0.0.1:9300/dci',
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json().client).toMatchObject({
      signingKey: { jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x } },
      defaultCallbackUri: 'http://127.0.0.1:9300/dci',
    });
    // Dropping the URI the default callback uses is refused.
    const orphan = await admin.patch('/api/admin/clients/signing-agency', {
      callbackUris: ['http://127.0.0.1:9100/dci'],
    });
    expect([orphan.statusCode, errorCode(orphan)]).toEqual([422, 'DEFAULT_CALLBACK_NOT_REGISTERED']);
  });

  it('rotating the secret revokes the old secret and every token it got', async () => {
    const { secret } = (await admin.post('/api/admin/clients', onboarding('rotating'))).json();
    const old = await token('rotating', secret);
    expect((await asMachine(old.bearer)).statusCode).toBe(200);
    const rotated = await admin.post('/api/admin/clients/rotating/rotate-secret');
    expect(rotated.statusCode).toBe(200);
    const next = rotated.json();
    expect(next.tokensRevoked).toBe(1);
    expect(next.secret).not.toBe(secret);
    expect((await asMachine(old.bearer)).statusCode).toBe(401);
    expect((await token('rotating', secret)).error).toBe('invalid_client');
    const fresh = await token('rotating', next.secret);
    expect((await asMachine(fresh.bearer)).statusCode).toBe(200);
    const audit = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'fields'])
      .where('resource_type', '=', 'machine_client')
      .where('resource_id', '=', 'rotating')
      .orderBy('seq')
      .execute();
    expect(audit.map((e) => e.action)).toEqual(['create', 'update']);
    expect(audit[1]?.fields).toEqual(['secret', 'tokens']);
  });

  it('disabling revokes live tokens; narrowing the scopes too', async () => {
    const { secret } = (await admin.post('/api/admin/clients', onboarding('disabled-agency'))).json();
    const live = await token('disabled-agency', secret);
    const disabled = await admin.post('/api/admin/clients/disabled-agency/disable');
    expect(disabled.json().disabled).toBe(true);
    expect((await asMachine(live.bearer)).statusCode).toBe(401);
    expect((await token('disabled-agency', secret)).error).toBe('invalid_client');
    const rows = await t.database.db
      .selectFrom('access_token')
      .select('id')
      .where('client_id', '=', 'disabled-agency')
      .execute();
    expect(rows).toEqual([]);
    await admin.post('/api/admin/clients/disabled-agency/enable');
    const again = await token('disabled-agency', secret);
    expect((await asMachine(again.bearer)).statusCode).toBe(200);
    const narrowed = await admin.patch('/api/admin/clients/disabled-agency', { scopes: ['intake.submit'] });
    expect(narrowed.json().client.scopes).toEqual(['intake.submit']);
    expect((await asMachine(again.bearer)).statusCode).toBe(401);
  });

  it('never writes a secret to the logs or the audit trail', async () => {
    const created = (await admin.post('/api/admin/clients', onboarding('quiet-agency'))).json();
    const rotated = (await admin.post('/api/admin/clients/quiet-agency/rotate-secret')).json();
    const audit = JSON.stringify(await t.database.db.selectFrom('audit_log').selectAll().execute());
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [created.secret, rotated.secret]) {
      expect(secret).toMatch(/\S{40}/);
      expect(logs.join('\n')).not.toContain(secret);
      expect(audit).not.toContain(secret);
    }
  });
});
