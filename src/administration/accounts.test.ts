import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import { newTotpSecret, totpAt } from '../identity/totp.ts';
import {
  adminGrant,
  as,
  errorCode,
  KHOREZM,
  khorezmPlaces,
  newAccount,
  OTHER_REGION,
  sessionKind,
  signIn,
} from './administration.test-support.ts';

/** Staff accounts through the administration API: who may, what is checked, what a write changes. */

describe('administration: staff accounts', () => {
  let t: TestApp;
  let admin: ReturnType<typeof as>;
  let places: { mahalla: string; district: string };
  const worker = (mahalla: string) => [
    { role: 'social_worker', area: { kind: 'mahalla', code: mahalla }, organisation: 'Inson markazi' },
  ];

  beforeAll(async () => {
    t = await createTestApp();
    admin = as(t, 'admin-a');
    places = await khorezmPlaces(t);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('refuses every role but the regional administrator, and anonymous callers', async () => {
    const refused = [
      ['worker-x', 'social_worker', { kind: 'mahalla', code: places.mahalla }],
      ['officer-x', 'district_officer', { kind: 'district', code: places.district }],
      ['auditor-x', 'auditor', { kind: 'region', code: KHOREZM }],
    ] as const;
    for (const [username, role, area] of refused) {
      const someone = as(t, username, [{ role, area, organisation: 'Office' }]);
      expect((await someone.get('/api/admin/accounts')).statusCode).toBe(403);
      const create = await someone.post('/api/admin/accounts', newAccount(`by-${username}`, []));
      expect([create.statusCode, errorCode(create)]).toEqual([403, 'FORBIDDEN']);
    }
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/admin/accounts' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('creates an account that signs in with its password and grants; a retry changes nothing', async () => {
    const body = newAccount('dilnoza', worker(places.mahalla));
    const created = await admin.post('/api/admin/accounts', body);
    expect(created.statusCode).toBe(201);
    const result = created.json();
    expect(result.pendingRequest).toBeNull();
    expect(result.account).toMatchObject({
      id: body.id,
      username: 'dilnoza',
      disabled: false,
      totpEnabled: false,
      grants: [
        { role: 'social_worker', area: { kind: 'mahalla', code: places.mahalla }, registryWide: false },
      ],
    });
    // Areas are shown by their names.
    expect(result.account.grants[0].area.names['uz-Latn']).toMatch(/\S/);
    expect(JSON.stringify(result)).not.toMatch(/password|hash|totp_secret|totpSecret/i);

    const session = await signIn(t, 'dilnoza', String(body.password));
    expect(session.status).toBe(200);
    expect(session.grants).toEqual([
      {
        role: 'social_worker',
        area: { kind: 'mahalla', code: places.mahalla },
        organisation: 'Inson markazi',
      },
    ]);

    const again = await admin.post('/api/admin/accounts', body);
    expect(again.statusCode).toBe(200);
    expect(again.json().account.id).toBe(body.id);
    const count = await t.database.db
      .selectFrom('account')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('username', '=', 'dilnoza')
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  });

  it('answers a retry with other content 409 without naming anything of the stored account', async () => {
    const body = newAccount('jasur', worker(places.mahalla));
    expect((await admin.post('/api/admin/accounts', body)).statusCode).toBe(201);
    for (const changed of [
      { ...body, displayName: 'Someone else' },
      { ...body, password: 'another-password-1' },
      { ...body, grants: [] },
    ]) {
      const reply = await admin.post('/api/admin/accounts', changed);
      expect([reply.statusCode, errorCode(reply)]).toEqual([409, 'ADMIN_ID_REUSED']);
      expect(reply.body).not.toContain('Test jasur');
      expect(reply.body).not.toContain('jasur');
    }
    const taken = await admin.post('/api/admin/accounts', { ...body, id: randomUUID(), username: 'JASUR' });
    expect([taken.statusCode, errorCode(taken)]).toEqual([409, 'USERNAME_TAKEN']);
  });

  it('checks areas against the territory and the administrator’s own region; staff roles only', async () => {
    const unknown = await admin.post(
      '/api/admin/accounts',
      newAccount('nowhere', [
        { role: 'social_worker', area: { kind: 'mahalla', code: '1733999999' }, organisation: 'X' },
      ]),
    );
    expect([unknown.statusCode, errorCode(unknown)]).toEqual([422, 'AREA_UNKNOWN']);
    const elsewhere = await admin.post(
      '/api/admin/accounts',
      newAccount('elsewhere', [
        { role: 'youth_officer', area: { kind: 'region', code: OTHER_REGION }, organisation: 'X' },
      ]),
    );
    expect([elsewhere.statusCode, errorCode(elsewhere)]).toEqual([403, 'FORBIDDEN']);
    for (const role of ['citizen', 'agency_client', 'superuser']) {
      const reply = await admin.post(
        '/api/admin/accounts',
        newAccount(`role-${role}`, [{ role, area: null, organisation: 'X' }]),
      );
      expect([reply.statusCode, errorCode(reply)]).toEqual([400, 'VALIDATION_FAILED']);
    }
    const nul = await admin.post(
      '/api/admin/accounts',
      newAccount('nul-name', [], { displayName: 'a\u0000b' }),
    );
    expect(nul.statusCode).toBe(400);
    // A lone surrogate would reach the jsonb of a pending request (PostgreSQL refuses it: a 500).
    const surrogate = await admin.post(
      '/api/admin/accounts',
      newAccount(
        'lone-surrogate',
        [{ role: 'auditor', area: { kind: 'region', code: KHOREZM }, organisation: 'a\ud800' }],
        { reason: 'x' },
      ),
    );
    expect(surrogate.statusCode).toBe(400);
  });

  it('lists and searches the accounts within the region, never those that also act elsewhere', async () => {
    await t.staff('tashkent-auditor', [
      { role: 'auditor', area: { kind: 'region', code: OTHER_REGION }, organisation: 'X' },
    ]);
    const list = await admin.get('/api/admin/accounts?q=DILN');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((a: { username: string }) => a.username)).toEqual(['dilnoza']);
    const all = (await admin.get('/api/admin/accounts?pageSize=200')).json();
    const names = all.items.map((a: { username: string }) => a.username);
    expect(names).toContain('admin-a');
    expect(names).not.toContain('tashkent-auditor');
    expect(all.total).toBe(all.items.length);
    expect(JSON.stringify(all)).not.toMatch(/password|hash|totpSecret/i);
    const other = await t.database.db
      .selectFrom('account')
      .select('id')
      .where('username', '=', 'tashkent-auditor')
      .executeTakeFirstOrThrow();
    const read = await admin.get(`/api/admin/accounts/${other.id}`);
    expect([read.statusCode, errorCode(read)]).toEqual([403, 'FORBIDDEN']);
    const disable = await admin.post(`/api/admin/accounts/${other.id}/disable`);
    expect(disable.statusCode).toBe(403);
    // An administrator of the other region sees it (and not Khorezm's).
    const theirs = (
      await as(t, 'admin-x', adminGrant(OTHER_REGION)).get('/api/admin/accounts?pageSize=200')
    ).json();
    expect(theirs.items.map((a: { username: string }) => a.username)).toEqual(
      expect.arrayContaining(['tashkent-auditor']),
    );
    expect(theirs.items.map((a: { username: string }) => a.username)).not.toContain('dilnoza');
  });

  it('disabling ends the account’s live sessions at once; enabling lets it sign in again', async () => {
    const body = newAccount('gulnora', worker(places.mahalla));
    await admin.post('/api/admin/accounts', body);
    const session = await signIn(t, 'gulnora', String(body.password));
    expect(await sessionKind(t, session.headers)).toBe('staff');
    const disabled = await admin.post(`/api/admin/accounts/${body.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabled).toBe(true);
    expect(await sessionKind(t, session.headers)).toBe('anonymous');
    const revoked = await t.database.db
      .selectFrom('auth_session')
      .select('revoked_at')
      .where('account_id', '=', String(body.id))
      .execute();
    expect(revoked.every((s) => s.revoked_at !== null)).toBe(true);
    expect((await signIn(t, 'gulnora', String(body.password))).code).toBe('LOGIN_FAILED');
    expect((await admin.post(`/api/admin/accounts/${body.id}/enable`)).json().disabled).toBe(false);
    expect((await signIn(t, 'gulnora', String(body.password))).status).toBe(200);
  });

  it('resetting TOTP forgets the second factor and ends sessions; unlock lifts a lockout', async () => {
    const body = newAccount('aziz', worker(places.mahalla));
    await admin.post('/api/admin/accounts', body);
    const secret = newTotpSecret();
    const db = t.database.db;
    await db
      .updateTable('account')
      .set({ totp_secret: secret, totp_enabled: true })
      .where('id', '=', String(body.id))
      .execute();
    expect((await signIn(t, 'aziz', String(body.password))).code).toBe('TOTP_REQUIRED');
    const session = await signIn(t, 'aziz', String(body.password), totpAt(secret, new Date()));
    expect(session.status).toBe(200);

    const reset = await admin.post(`/api/admin/accounts/${body.id}/reset-totp`);
    expect(reset.json().totpEnabled).toBe(false);
    expect(await sessionKind(t, session.headers)).toBe('anonymous');
    const row = await db
      .selectFrom('account')
      .select(['totp_secret', 'totp_enabled'])
      .where('id', '=', String(body.id))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ totp_secret: null, totp_enabled: false });
    expect((await signIn(t, 'aziz', String(body.password))).status).toBe(200);

    await db
      .updateTable('account')
      .set({ failed_attempts: 5, locked_until: new Date(Date.now() + 600_000) })
      .where('id', '=', String(body.id))
      .execute();
    expect((await signIn(t, 'aziz', String(body.password))).code).toBe('LOGIN_LOCKED');
    expect((await admin.get(`/api/admin/accounts/${body.id}`)).json().lockedUntil).not.toBeNull();
    expect((await admin.post(`/api/admin/accounts/${body.id}/unlock`)).json().lockedUntil).toBeNull();
    expect((await signIn(t, 'aziz', String(body.password))).status).toBe(200);
  });

  it('changes grants within the region at once; never an administrator’s own account', async () => {
    const body = newAccount('bobur', worker(places.mahalla));
    await admin.post('/api/admin/accounts', body);
    const officer = [
      {
        role: 'district_officer',
        area: { kind: 'district', code: places.district },
        organisation: 'Tuman bo‘limi',
      },
    ];
    const changed = await admin.put(`/api/admin/accounts/${body.id}/grants`, { grants: officer });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().pendingRequest).toBeNull();
    expect(changed.json().account.grants.map((g: { role: string }) => g.role)).toEqual(['district_officer']);
    expect((await signIn(t, 'bobur', String(body.password))).grants.map((g) => g.role)).toEqual([
      'district_officer',
    ]);

    const self = await t.database.db
      .selectFrom('account')
      .select('id')
      .where('username', '=', 'admin-a')
      .executeTakeFirstOrThrow();
    for (const reply of [
      await admin.put(`/api/admin/accounts/${self.id}/grants`, { grants: [] }),
      await admin.post(`/api/admin/accounts/${self.id}/disable`),
      await admin.post(`/api/admin/accounts/${self.id}/reset-totp`),
    ]) {
      expect([reply.statusCode, errorCode(reply)]).toEqual([403, 'ADMIN_OWN_ACCOUNT']);
    }
    const unknown = await admin.post(`/api/admin/accounts/${randomUUID()}/disable`);
    expect([unknown.statusCode, errorCode(unknown)]).toEqual([404, 'ADMIN_ACCOUNT_NOT_FOUND']);
  });

  it('audits every write in its transaction, naming fields, never the password', async () => {
    const body = newAccount('malika', worker(places.mahalla));
    await admin.post('/api/admin/accounts', body);
    await admin.post(`/api/admin/accounts/${body.id}/disable`);
    await admin.post(`/api/admin/accounts/${body.id}/unlock`);
    const entries = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_kind', 'role', 'action', 'resource_type', 'fields'])
      .where('resource_id', '=', String(body.id))
      .orderBy('seq')
      .execute();
    expect(entries).toEqual([
      {
        actor_kind: 'staff',
        role: 'regional_admin',
        action: 'create',
        resource_type: 'staff_account',
        fields: ['display_name', 'grants', 'password', 'username'],
      },
      {
        actor_kind: 'staff',
        role: 'regional_admin',
        action: 'update',
        resource_type: 'staff_account',
        fields: ['disabled', 'sessions'],
      },
      {
        actor_kind: 'staff',
        role: 'regional_admin',
        action: 'update',
        resource_type: 'staff_account',
        fields: ['lock'],
      },
    ]);
    const everything = await t.database.db.selectFrom('audit_log').selectAll().execute();
    expect(JSON.stringify(everything)).not.toContain(String(body.password));
  });
});
