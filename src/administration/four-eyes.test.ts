import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import {
  adminGrant,
  as,
  errorCode,
  KHOREZM,
  khorezmPlaces,
  newAccount,
  OTHER_REGION,
  signIn,
} from './administration.test-support.ts';

/** Four eyes (ADR 004): a registry-wide reach takes effect only once a second administrator approves it. */

describe('administration: four eyes for registry-wide reach', () => {
  let t: TestApp;
  let adminA: ReturnType<typeof as>;
  let adminB: ReturnType<typeof as>;
  let places: { mahalla: string; district: string };
  const auditorOfKhorezm = {
    role: 'auditor',
    area: { kind: 'region', code: KHOREZM },
    organisation: 'Ichki audit',
  };

  beforeAll(async () => {
    t = await createTestApp();
    adminA = as(t, 'admin-a');
    adminB = as(t, 'admin-b');
    places = await khorezmPlaces(t);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  const accountIdOf = async (username: string) =>
    (
      await t.database.db
        .selectFrom('account')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;

  it('a region-wide grant waits, unapplied, for a second administrator, who applies it', async () => {
    const worker = {
      role: 'social_worker',
      area: { kind: 'mahalla', code: places.mahalla },
      organisation: 'Inson',
    };
    const noReason = await adminA.post('/api/admin/accounts', newAccount('no-reason', [auditorOfKhorezm]));
    expect([noReason.statusCode, errorCode(noReason)]).toEqual([422, 'ADMIN_REASON_REQUIRED']);

    const body = newAccount('nodira', [auditorOfKhorezm, worker], {
      reason: 'New internal auditor of the region',
    });
    const created = await adminA.post('/api/admin/accounts', body);
    expect(created.statusCode).toBe(201);
    const { account, pendingRequest } = created.json();
    // The account exists with the grants that need no approval; the auditor grant waits.
    expect(account.grants.map((g: { role: string }) => g.role)).toEqual(['social_worker']);
    expect(account.pendingRequestId).toBe(pendingRequest.id);
    expect(pendingRequest).toMatchObject({
      status: 'pending',
      targetKind: 'account',
      reason: 'New internal auditor of the region',
      proposedBy: { username: 'admin-a' },
      change: { grants: [{ role: 'auditor', registryWide: true }, { role: 'social_worker' }] },
      before: { grants: [{ role: 'social_worker' }] },
    });
    const before = await signIn(t, 'nodira', String(body.password));
    expect(before.grants.map((g) => g.role)).toEqual(['social_worker']);

    // The proposer cannot approve, and the retry of the creation answers the same request.
    const own = await adminA.post(`/api/admin/requests/${pendingRequest.id}/approve`);
    expect([own.statusCode, errorCode(own)]).toEqual([403, 'ADMIN_SAME_APPROVER']);
    const retry = await adminA.post('/api/admin/accounts', body);
    expect([retry.statusCode, retry.json().pendingRequest.id]).toEqual([200, pendingRequest.id]);

    const worklist = (await adminB.get('/api/admin/requests?status=pending')).json();
    expect(worklist.items.map((r: { id: string }) => r.id)).toContain(pendingRequest.id);
    const approved = await adminB.post(`/api/admin/requests/${pendingRequest.id}/approve`, {
      note: 'Checked',
    });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({
      status: 'approved',
      reviewedBy: { username: 'admin-b' },
      reviewNote: 'Checked',
    });
    const after = await signIn(t, 'nodira', String(body.password));
    expect(after.grants.map((g) => g.role).sort()).toEqual(['auditor', 'social_worker']);
    // A retry of the approval answers the same; the proposer's late attempt is refused as decided.
    expect((await adminB.post(`/api/admin/requests/${pendingRequest.id}/approve`)).statusCode).toBe(200);
    const late = await adminA.post(`/api/admin/requests/${pendingRequest.id}/reject`);
    expect([late.statusCode, errorCode(late)]).toEqual([409, 'ADMIN_REQUEST_NOT_PENDING']);

    const entries = await t.database.db
      .selectFrom('audit_log')
      .select(['actor_id', 'action', 'resource_type', 'resource_id'])
      .where('resource_type', 'in', ['admin_request', 'staff_account'])
      .where((eb) =>
        eb.or([eb('resource_id', '=', pendingRequest.id), eb('resource_id', '=', String(body.id))]),
      )
      .orderBy('seq')
      .execute();
    const a = await accountIdOf('admin-a');
    const b = await accountIdOf('admin-b');
    expect(entries.map((e) => [e.actor_id, e.action, e.resource_type])).toEqual([
      [a, 'create', 'staff_account'],
      [a, 'create', 'admin_request'],
      [b, 'grant', 'staff_account'],
      [b, 'update', 'admin_request'],
    ]);
  });

  it('changing grants to a registry-wide role changes nothing until approved; rejected, nothing at all', async () => {
    const body = newAccount('sardor', []);
    await adminA.post('/api/admin/accounts', body);
    const wide = [{ role: 'commission_member', area: null, organisation: 'Republican commission' }];
    // No area at all is beyond a regional administrator's own reach.
    const beyond = await adminA.put(`/api/admin/accounts/${body.id}/grants`, { grants: wide, reason: 'x' });
    expect([beyond.statusCode, errorCode(beyond)]).toEqual([403, 'FORBIDDEN']);
    const proposed = await adminA.put(`/api/admin/accounts/${body.id}/grants`, {
      grants: [
        { role: 'commission_member', area: { kind: 'region', code: KHOREZM }, organisation: 'Commission' },
      ],
      reason: 'Member of the regional commission',
    });
    expect(proposed.statusCode).toBe(200);
    const request = proposed.json().pendingRequest;
    expect(proposed.json().account.grants).toEqual([]);
    // While it waits, another change to the account is refused.
    const other = await adminA.put(`/api/admin/accounts/${body.id}/grants`, {
      grants: [
        { role: 'youth_officer', area: { kind: 'district', code: places.district }, organisation: 'X' },
      ],
    });
    expect([other.statusCode, errorCode(other)]).toEqual([409, 'ADMIN_REQUEST_PENDING']);
    const rejected = await adminB.post(`/api/admin/requests/${request.id}/reject`, { note: 'Not this one' });
    expect(rejected.json().status).toBe('rejected');
    expect((await signIn(t, 'sardor', String(body.password))).grants).toEqual([]);
    const approve = await adminB.post(`/api/admin/requests/${request.id}/approve`);
    expect([approve.statusCode, errorCode(approve)]).toEqual([409, 'ADMIN_REQUEST_NOT_PENDING']);
  });

  it('nobody approves a change to their own account', async () => {
    const adminBId = await accountIdOf('admin-b');
    const proposed = await adminA.put(`/api/admin/accounts/${adminBId}/grants`, {
      grants: [...adminGrant(), auditorOfKhorezm],
      reason: 'Also audits',
    });
    const request = proposed.json().pendingRequest;
    expect(request.status).toBe('pending');
    const self = await adminB.post(`/api/admin/requests/${request.id}/approve`);
    expect([self.statusCode, errorCode(self)]).toEqual([403, 'ADMIN_OWN_ACCOUNT']);
    const third = await as(t, 'admin-c').post(`/api/admin/requests/${request.id}/approve`);
    expect(third.statusCode).toBe(200);
  });

  it('the database refuses an approval by the proposer or the account concerned (CHECK)', async () => {
    const body = newAccount('check-target', []);
    await adminA.post('/api/admin/accounts', body);
    const proposed = await adminA.put(`/api/admin/accounts/${body.id}/grants`, {
      grants: [auditorOfKhorezm],
      reason: 'check',
    });
    const id = proposed.json().pendingRequest.id as string;
    const a = await accountIdOf('admin-a');
    const approveAs = (reviewer: string) =>
      t.database.db
        .updateTable('admin_request')
        .set({ status: 'approved', reviewed_by: reviewer, reviewed_at: new Date() })
        .where('id', '=', id)
        .execute();
    await expect(approveAs(a)).rejects.toThrow(/check constraint|violates/i);
    await expect(approveAs(String(body.id))).rejects.toThrow(/check constraint|violates/i);
    // Still pending.
    expect((await adminB.get(`/api/admin/requests/${id}`)).json().status).toBe('pending');
    await adminA.post(`/api/admin/requests/${id}/reject`);
  });

  it('an approval is refused when the account changed since the proposal', async () => {
    const body = newAccount('stale', []);
    await adminA.post('/api/admin/accounts', body);
    const proposed = await adminA.put(`/api/admin/accounts/${body.id}/grants`, {
      grants: [auditorOfKhorezm],
      reason: 'stale',
    });
    // Changed outside the API (by a tool): the approver would approve something they did not see.
    await t.database.db
      .insertInto('role_grant')
      .values({
        account_id: String(body.id),
        person_id: null,
        role: 'youth_officer',
        area_kind: 'district',
        area_code: places.district,
        organisation: 'Yoshlar agentligi',
      })
      .execute();
    const reply = await adminB.post(`/api/admin/requests/${proposed.json().pendingRequest.id}/approve`);
    expect([reply.statusCode, errorCode(reply)]).toEqual([409, 'ADMIN_REQUEST_STALE']);
  });

  it('lists a region’s requests to its administrators only', async () => {
    const body = newAccount('listed', []);
    await adminA.post('/api/admin/accounts', body);
    const proposed = await adminA.put(`/api/admin/accounts/${body.id}/grants`, {
      grants: [auditorOfKhorezm],
      reason: 'listed',
    });
    const id = proposed.json().pendingRequest.id;
    const elsewhere = as(t, 'admin-x', adminGrant(OTHER_REGION));
    expect((await elsewhere.get('/api/admin/requests?status=pending')).json().items).toEqual([]);
    const read = await elsewhere.get(`/api/admin/requests/${id}`);
    expect([read.statusCode, errorCode(read)]).toEqual([403, 'FORBIDDEN']);
    const approve = await elsewhere.post(`/api/admin/requests/${id}/approve`);
    expect(approve.statusCode).toBe(403);
    const worker = as(t, 'worker-r', [
      { role: 'social_worker', area: { kind: 'mahalla', code: places.mahalla }, organisation: 'X' },
    ]);
    expect((await worker.get('/api/admin/requests')).statusCode).toBe(403);
    expect((await worker.post(`/api/admin/requests/${id}/approve`)).statusCode).toBe(403);
    const unknown = await adminB.post(`/api/admin/requests/${randomUUID()}/approve`);
    expect([unknown.statusCode, errorCode(unknown)]).toEqual([404, 'ADMIN_REQUEST_NOT_FOUND']);
  });

  it('a machine client’s region-wide DCI scope waits; a district one does not', async () => {
    const client = (id: string, scopes: string[], area: unknown, reason?: string) =>
      adminA.post('/api/admin/clients', { id, agency: 'SPMIS', scopes, area, ...(reason ? { reason } : {}) });
    const district = await client('district-spmis', ['dci.search'], {
      kind: 'district',
      code: places.district,
    });
    expect(district.statusCode).toBe(201);
    expect([district.json().client.scopes, district.json().pendingRequest]).toEqual([['dci.search'], null]);

    const wide = await client(
      'region-spmis',
      ['dci.search', 'events.push'],
      { kind: 'region', code: KHOREZM },
      'SPMIS',
    );
    expect(wide.statusCode).toBe(201);
    expect(wide.json().client.scopes).toEqual(['events.push']);
    const request = wide.json().pendingRequest;
    expect(request.change).toMatchObject({ scopes: ['dci.search', 'events.push'], area: { code: KHOREZM } });

    // Widening the district client to the region needs approval too, and changes nothing meanwhile.
    const widened = await adminA.patch('/api/admin/clients/district-spmis', {
      area: { kind: 'region', code: KHOREZM },
      reason: 'The agency works region-wide now',
    });
    expect(widened.json().client.area.kind).toBe('district');
    expect(widened.json().pendingRequest.status).toBe('pending');

    expect((await adminB.post(`/api/admin/requests/${request.id}/approve`)).statusCode).toBe(200);
    expect((await adminB.get('/api/admin/clients/region-spmis')).json().scopes).toEqual([
      'dci.search',
      'events.push',
    ]);
  });
});
