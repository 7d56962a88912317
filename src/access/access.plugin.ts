import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { PURPOSES, Purpose } from '../audit/purposes.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import {
  findCurrentHouseholdOfPerson,
  findPlaceOfHousehold,
  findPlaceOfMahalla,
  householdHasOpenCasework,
} from './access.repository.ts';
import type { Actor } from './actor.ts';
import { type Action, can, mayEver, type Place, type Scope, scopeOf } from './policies.ts';

/**
 * What a route needs before its handler runs, declared in the route's `config.access`:
 * - `{ public: true }`: anyone (health, territory, sign-in, the start page);
 * - `{ action }`: a signed-in actor holding a role that allows the action somewhere; the handler then
 *   checks the record's area with `authorizeHousehold` or narrows its list with `scopeFor`;
 * - `{ citizen: true }`: a signed-in citizen acting on their own data (`/api/me/...`);
 * - `{ signedIn: true }`: any signed-in actor (their own session, say).
 * A route that declares nothing is refused to everyone: forgetting the declaration fails closed, and the
 * authorisation matrix test names the route.
 */
export type RouteAccess =
  | { public: true }
  | { action: Action }
  | { citizen: true }
  | { signedIn: true }
  | { anyOf: readonly Action[] };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

/** Routes other libraries register (Swagger UI and the OpenAPI document): public by nature. */
const LIBRARY_ROUTES = /^\/(docs(\/.*)?|openapi\.json)$/;

export const accessPlugin: HttpPlugin = (app) => {
  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    // No route matched: the 404 handler answers, with nothing to protect.
    if (url === undefined) return;
    const access = request.routeOptions.config?.access;
    if (!access) {
      if (LIBRARY_ROUTES.test(url)) return;
      throw new DomainError('FORBIDDEN', { reason: 'the route declares no access rule' });
    }
    if ('public' in access) return;
    const actor = request.actor;
    if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
    if ('signedIn' in access) return;
    if ('citizen' in access) {
      if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN', { reason: 'for citizens only' });
      return;
    }
    const actions = 'anyOf' in access ? access.anyOf : [access.action];
    if (!actions.some((action) => mayEver(actor, action))) throw new DomainError('FORBIDDEN');
  });
};

/** The households a citizen belongs to now; none for other actors. Kept on the request once read. */
export async function ownHouseholdIds(request: FastifyRequest, db: Kysely<DB>): Promise<string[]> {
  const actor = request.actor;
  if (actor?.kind !== 'citizen') return [];
  const known = ownHouseholds.get(request);
  if (known) return known;
  const found = await findCurrentHouseholdOfPerson(db, actor.personId);
  const ids = found ? [found] : [];
  ownHouseholds.set(request, ids);
  return ids;
}
const ownHouseholds = new WeakMap<FastifyRequest, string[]>();

/** The signed-in actor of a request whose route already required one. */
export function actorIn(request: FastifyRequest): Exclude<Actor, { kind: 'anonymous' }> {
  const actor = request.actor;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  return actor;
}

/** The scope of a list, count or export: what the repository puts in its WHERE clause. */
export async function scopeFor(request: FastifyRequest, db: Kysely<DB>, action: Action): Promise<Scope> {
  return scopeOf(actorIn(request), action, await ownHouseholdIds(request, db));
}

/**
 * Loads where the household is and checks the actor may do `action` there: 404 for no such household,
 * 403 (naming nothing of the record) outside the actor's areas.
 */
export async function authorizeHousehold(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
  personId?: string | null,
): Promise<Place> {
  const place = await findPlaceOfHousehold(db, householdId);
  if (!place) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId });
  const own = await ownHouseholdIds(request, db);
  if (!can(actorIn(request), action, { householdId, place, personId: personId ?? null }, own)) {
    throw new DomainError('FORBIDDEN');
  }
  return place;
}

/** For records made in a mahalla before they have a household (a new household). */
export async function authorizeMahalla(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  mahallaCode: string,
): Promise<Place | undefined> {
  const place = await findPlaceOfMahalla(db, mahallaCode);
  // An unknown mahalla is the service's validation error to report; nothing here to protect.
  if (!place) return undefined;
  if (!can(actorIn(request), action, { place })) throw new DomainError('FORBIDDEN');
  return place;
}

/** Whether the actor may do `action` on the household, without throwing (to hide health data, say). */
export async function mayOnHousehold(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
  place: Place,
  personId?: string | null,
): Promise<boolean> {
  const own = await ownHouseholdIds(request, db);
  return can(actorIn(request), action, { householdId, place, personId: personId ?? null }, own);
}

/** Where staff state why they open a record outside their worklist: a header, or `?purpose=` on a link. */
export const PURPOSE_HEADER = 'x-himoya-purpose';

/**
 * The purpose a staff member states to open a household record outside their worklist, or null inside
 * it. The worklist: the mahallas a social worker serves, and households with open casework (a pending
 * change, an application, an appeal or an override). Citizens reading their own data and machine clients
 * (whose scopes bind their purpose) state none.
 */
export async function purposeFor(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
  place: Place,
): Promise<Purpose | null> {
  const actor = actorIn(request);
  const stated =
    request.headers[PURPOSE_HEADER] ?? (request.query as { purpose?: unknown } | undefined)?.purpose;
  const parsed = stated === undefined ? undefined : Purpose.safeParse(stated);
  if (parsed && !parsed.success) {
    throw new DomainError('VALIDATION_FAILED', { field: 'purpose', allowed: [...PURPOSES] });
  }
  if (actor.kind !== 'staff') return parsed?.data ?? null;
  if (parsed?.data) return parsed.data;
  const serves = actor.grants.some(
    (g) => g.role === 'social_worker' && g.area?.kind === 'mahalla' && g.area.code === place.mahallaCode,
  );
  if (serves || (await householdHasOpenCasework(db, householdId))) return null;
  throw new DomainError('PURPOSE_REQUIRED', { allowed: [...PURPOSES], header: PURPOSE_HEADER });
}
