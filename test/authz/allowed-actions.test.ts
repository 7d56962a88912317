import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPlaceOfHousehold } from '../../src/access/access.service.ts';
import type { Actor } from '../../src/access/actor.ts';
import {
  ACTIONS_OF,
  type Asker,
  allowedActions,
  mayTake,
  SCREEN_ACTIONS,
  type ScreenAction,
  type ScreenResource,
} from '../../src/access/allowed-actions.ts';
import type { Place } from '../../src/access/policies.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { EXPECTED_ACCESS, type Target } from './expected-access.ts';
import { buildWorld, type Case, MONTH, PEOPLE, type World } from './fixtures.ts';

/**
 * The allowed actions a screen is given, against the routes' real authorisation: for every person's role x
 * every kind of record x a record inside and outside the role's areas, each action reported allowed is not
 * refused by its route, and each action reported not allowed is refused (403). The routes are the matrix's
 * requests (expected-access.ts), so the payloads are the ones the matrix already proves. And what the server
 * hands the screens (the household's access, a decision, an override) is exactly that answer.
 */

/** The route behind each screen action: a row of the authorisation matrix. */
const ROUTE_OF: Record<ScreenAction, string> = {
  'household.read_sections': 'GET /api/households/:id',
  'documents.read': 'GET /api/households/:id/documents',
  'decisions.read': 'GET /api/decisions/:id',
  'household.evaluate': 'POST /api/households/:id/evaluate',
  'change_request.submit': 'POST /api/change-requests',
  'change_request.review': 'POST /api/change-requests/:id/reject',
  'override.propose': 'POST /api/overrides',
  'override.read': 'GET /api/overrides/:id',
  'override.approve': 'POST /api/overrides/:id/approve',
  'override.reject': 'POST /api/overrides/:id/reject',
  'application.read': 'GET /api/applications/:id',
  'application.process': 'POST /api/applications/:id/questionnaire',
  'application.decide': 'POST /api/applications/:id/decide',
  'appeal.read': 'GET /api/appeals/:id',
  'appeal.decide': 'POST /api/appeals/:id/transition',
};

/** Refusals of access: the area (FORBIDDEN) and four eyes (the proposer approving their own override). */
const REFUSALS = ['FORBIDDEN', 'OVERRIDE_SAME_APPROVER'];

/** The people who use screens: everyone but anonymous visitors (refused before any record). */
const SCREEN_USERS = PEOPLE.filter((p) => p !== 'anonymous');

describe('allowed actions against the routes', () => {
  let t: TestApp;
  let world: World;
  /** An override the district officer proposed themself: four eyes keep them from approving it. */
  let ownOverrideId: string;
  const askers = new Map<string, Asker>();
  const places = new Map<string, Place>();

  beforeAll(async () => {
    t = await createTestApp();
    await t.jobs.start({ work: false });
    world = await buildWorld(t);
    for (const role of SCREEN_USERS) {
      const headers = world.actors[role] ?? {};
      const session = await t.app.inject({ method: 'GET', url: '/auth/session', headers });
      const { actor } = session.json<{ actor: Actor & { username?: string; personId?: string } }>();
      const actorId = actor.kind === 'staff' ? `staff:${actor.username}` : `citizen:${actor.personId}`;
      const own = actor.kind === 'citizen' ? [world.inside.householdId] : [];
      askers.set(role, { actor, actorId, ownHouseholdIds: own });
    }
    for (const c of [world.inside, world.otherDistrict, world.otherRegion]) {
      const place = await findPlaceOfHousehold(t.database.db, c.householdId);
      if (!place) throw new Error('the world has no place for its household');
      places.set(c.householdId, place);
    }
    const proposed = await t.app.inject({
      method: 'POST',
      url: '/api/overrides',
      headers: world.actors.district_officer ?? {},
      payload: {
        id: crypto.randomUUID(),
        householdId: world.inside.householdId,
        programme: 'child_allowance',
        month: MONTH,
        amount: 120_000,
        reason: 'four eyes',
        legalBasis: 'four eyes',
      },
    });
    expect(proposed.statusCode).toBe(201);
    ownOverrideId = proposed.json<{ id: string }>().id;
  }, 180_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  const resourceOf = (
    kind: ScreenResource['kind'],
    c: Case,
    requestedBy = 'staff:setup-a',
  ): ScreenResource => {
    const place = places.get(c.householdId);
    if (!place) throw new Error('no place');
    const base = { householdId: c.householdId, place };
    return kind === 'override' ? { kind, ...base, requestedBy } : { kind, ...base };
  };

  it('names a route for every screen action of every kind of record', () => {
    const offered = new Set(Object.values(ACTIONS_OF).flat());
    expect([...offered].sort()).toEqual([...SCREEN_ACTIONS].sort());
    for (const route of Object.values(ROUTE_OF)) expect(EXPECTED_ACCESS[route], route).toBeDefined();
  });

  it('reports allowed exactly what the routes allow, for every role and record', async () => {
    const differences: string[] = [];
    let allowedSeen = 0;
    let refusedSeen = 0;
    const check = async (role: string, c: Case, resource: ScreenResource, target: Target) => {
      const asker = askers.get(role);
      if (!asker) throw new Error(`no asker for ${role}`);
      for (const action of ACTIONS_OF[resource.kind]) {
        const allowed = mayTake(asker, action, resource);
        const key = ROUTE_OF[action];
        const row = EXPECTED_ACCESS[key];
        if (!row) throw new Error(`no matrix row ${key}`);
        const [method, pattern] = key.split(' ') as ['GET' | 'POST', string];
        const { url, payload } = row.request(target);
        const reply = await t.app.inject({
          method,
          url,
          headers: world.actors[role] ?? {},
          ...(payload ? { payload } : method === 'POST' ? { payload: {} } : {}),
        });
        const code = reply.statusCode >= 400 ? reply.json<{ error?: { code?: string } }>().error?.code : '';
        const refused = reply.statusCode === 403 && REFUSALS.includes(code ?? '');
        const what = `${action} on ${resource.kind} as ${role} in ${c.mahallaCode} (${pattern}) -> ${reply.statusCode} ${code}`;
        if (reply.statusCode >= 500) differences.push(`${what}: server error`);
        if (allowed && reply.statusCode === 403) differences.push(`${what}: reported allowed, refused`);
        if (!allowed && !refused) differences.push(`${what}: reported not allowed, not refused`);
        if (allowed) allowedSeen += 1;
        else refusedSeen += 1;
      }
    };
    // The proposer goes before the approvers (PEOPLE's order): once another officer has approved their
    // override, it is no longer pending, and its proposer would hear 409 instead of four eyes' 403.
    for (const role of SCREEN_USERS) {
      for (const c of [world.inside, world.otherDistrict, world.otherRegion]) {
        const target: Target = { ...c, world };
        for (const kind of Object.keys(ACTIONS_OF) as ScreenResource['kind'][]) {
          await check(role, c, resourceOf(kind, c), target);
        }
      }
      const inside = world.inside;
      await check(role, inside, resourceOf('override', inside, 'staff:matrix-district_officer'), {
        ...inside,
        pendingOverrideId: ownOverrideId,
        world,
      });
    }
    expect(differences).toEqual([]);
    // Both answers occur: the comparison was not vacuous.
    expect(allowedSeen).toBeGreaterThan(50);
    expect(refusedSeen).toBeGreaterThan(50);
  }, 300_000);

  it('hands the screens the same answer: the household, a decision, an application, an appeal, an override', async () => {
    for (const role of SCREEN_USERS) {
      const asker = askers.get(role);
      if (!asker) throw new Error(`no asker for ${role}`);
      const headers = world.actors[role] ?? {};
      for (const c of [world.inside, world.otherDistrict]) {
        const access = await t.app.inject({
          method: 'GET',
          url: `/api/households/${c.householdId}/access`,
          headers,
        });
        const expected = allowedActions(asker, resourceOf('household', c));
        if (access.statusCode === 200) {
          expect(access.json<{ allowedActions: string[] }>().allowedActions, role).toEqual(expected);
        } else {
          // No record to show: the screen shows nothing of it, and no action was allowed.
          expect(access.statusCode, role).toBe(403);
          expect(expected.filter((a) => a === 'household.read_sections')).toEqual([]);
        }
        for (const [kind, url] of [
          ['application', `/api/applications/${c.applicationId}`],
          ['appeal', `/api/appeals/${c.appealId}`],
        ] as const) {
          const reply = await t.app.inject({ method: 'GET', url, headers });
          if (reply.statusCode === 200) {
            expect(reply.json<{ allowedActions: string[] }>().allowedActions, `${role} ${kind}`).toEqual(
              allowedActions(asker, resourceOf(kind, c)),
            );
          }
        }
        const decision = await t.app.inject({
          method: 'GET',
          url: `/api/decisions/${c.decisionId}`,
          headers,
        });
        if (decision.statusCode === 200) {
          expect(decision.json<{ allowedActions: string[] }>().allowedActions, role).toEqual(
            allowedActions(asker, resourceOf('decision', c)),
          );
        }
      }
      const own = await t.app.inject({ method: 'GET', url: `/api/overrides/${ownOverrideId}`, headers });
      if (own.statusCode === 200) {
        const reported = own.json<{ allowedActions: string[] }>().allowedActions;
        expect(reported, role).toEqual(
          allowedActions(asker, resourceOf('override', world.inside, 'staff:matrix-district_officer')),
        );
        // Four eyes: the proposer is never offered Approve on their own proposal; another officer is.
        if (role === 'district_officer') expect(reported).not.toContain('override.approve');
        if (role === 'regional_admin') expect(reported).toContain('override.approve');
      }
    }
  });
});
