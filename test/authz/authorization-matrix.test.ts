import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpPlugin } from '../../src/platform/http/server.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { EXPECTED_ACCESS, letterOf, routeOf, type Target } from './expected-access.ts';
import { buildWorld, type Case, MACHINES, ROLE_NAMES, type RoleName, type World } from './fixtures.ts';

/**
 * Generated from the routes the server really has: every route x every role x a record inside and
 * outside the role's area, compared with the one table in expected-access.ts.
 */

const REFUSALS: Record<number, readonly string[]> = {
  401: ['UNAUTHENTICATED'],
  403: ['FORBIDDEN', 'ACTOR_KIND_NOT_ALLOWED', 'CSRF_INVALID'],
};

/** Roles whose areas are the whole region: their "outside" is another region. */
const REGION_WIDE: readonly RoleName[] = [
  'commission_member',
  'regional_admin',
  'auditor',
  'finance',
  ...MACHINES,
];

/** The DCI API refuses a machine client without the route's scope in the standard's shape. */
const dciRefusal = (status: number, body: unknown) =>
  status === 403 &&
  typeof body === 'object' &&
  body !== null &&
  (body as { errors?: { code?: string }[] }).errors?.[0]?.code === 'err.request.forbidden';

const IDENTIFIER =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9])[0-9]{14}(?![0-9])/gi;

/**
 * Identifiers in an error answer that the request did not carry: an error never names another record
 * (a household, a person, a PINFL) than the ones the caller named. The answer's own request id is no record.
 */
function foreignIdentifiers(body: unknown, url: string, payload: unknown): string[] {
  // The catalogue's errors; the DCI API's acknowledgements carry ids of their own making (message ids).
  const error = typeof body === 'object' && body !== null ? (body as { error?: object }).error : undefined;
  if (!error) return [];
  const text = JSON.stringify({ ...error, requestId: undefined });
  const given = `${url} ${JSON.stringify(payload ?? '')}`.toLowerCase();
  return (text.match(IDENTIFIER) ?? []).filter((id) => !given.includes(id.toLowerCase()));
}

describe('authorisation matrix', () => {
  let t: TestApp;
  let world: World;
  const routes: string[] = [];
  const collect: HttpPlugin = (app) => {
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) {
        if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
      }
    });
  };

  beforeAll(async () => {
    t = await createTestApp({ first: [collect] });
    await t.jobs.start({ work: false });
    world = await buildWorld(t);
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const target = (c: Case): Target => ({ ...c, world });

  it('has exactly one row for every route of the server', () => {
    // The OpenAPI document is the one route the server itself adds, before any plugin.
    const ours = ['GET /openapi.json', ...routes.filter((r) => !/ \/(docs|documentation)(\/|$)/.test(r))];
    const missing = ours.filter((r) => !(r in EXPECTED_ACCESS));
    // Variant rows ('POST /api/households #existing id') test the same route with other identifiers.
    const stale = Object.keys(EXPECTED_ACCESS).filter((r) => !ours.includes(routeOf(r)));
    expect({ missing, stale }).toEqual({ missing: [], stale: [] });
    expect(ours.length).toBeGreaterThan(60);
  });

  it('allows and refuses exactly as the table says, with nothing of the record in a refusal', async () => {
    const differences: string[] = [];
    // Signing out ends the caller's session: it goes last.
    const keys = Object.keys(EXPECTED_ACCESS).sort(
      (a, b) => Number(a === 'POST /auth/logout') - Number(b === 'POST /auth/logout'),
    );
    for (const key of keys) {
      const row = EXPECTED_ACCESS[key];
      if (!row) continue;
      const [method, pattern] = routeOf(key).split(' ') as ['GET' | 'POST' | 'PUT', string];
      for (const role of ROLE_NAMES) {
        const letter = letterOf(row, role, ROLE_NAMES);
        const outside = REGION_WIDE.includes(role) ? world.otherRegion : world.otherDistrict;
        for (const [where, c] of [
          ['inside', world.inside],
          ['outside', outside],
        ] as const) {
          const shouldAllow = letter === 'A' || (letter === 'I' && where === 'inside');
          const { url, payload } = row.request(target(c));
          const reply = await t.app.inject({
            method,
            url,
            headers: world.actors[role] ?? {},
            ...(payload ? { payload } : method !== 'GET' ? { payload: {} } : {}),
          });
          const body = reply.headers['content-type']?.toString().includes('json') ? reply.json() : reply.body;
          const code =
            typeof body === 'object' && body
              ? (body as { error?: { code?: string } }).error?.code
              : undefined;
          const refused =
            (code !== undefined && (REFUSALS[reply.statusCode] ?? []).includes(code)) ||
            dciRefusal(reply.statusCode, body);
          const what = `${key} as ${role} ${where} (${pattern}) -> ${reply.statusCode} ${code ?? ''}`;
          if (reply.statusCode >= 500) differences.push(`${what}: server error`);
          if (reply.statusCode >= 400) {
            const leaked = foreignIdentifiers(body, url, payload);
            if (leaked.length > 0) differences.push(`${what}: the error names ${leaked.join(', ')}`);
          }
          // Allowed or refused is compared for every answer, error or not (a refusal is an error answer).
          if (shouldAllow && refused) differences.push(`${what}: refused, expected allowed`);
          else if (!shouldAllow && !refused) differences.push(`${what}: allowed, expected refused`);
          else if (!shouldAllow) {
            if (role === 'anonymous' && reply.statusCode !== 401)
              differences.push(`${what}: anonymous must get 401`);
            if (!dciRefusal(reply.statusCode, body) && Object.keys(body as object).join() !== 'error')
              differences.push(`${what}: refusal carries data`);
          }
        }
      }
    }
    expect(differences).toEqual([]);
  }, 300_000);
});
