import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely, RawBuilder } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import {
  findCurrentHouseholdOfPerson,
  findPlaceAndHeldPurpose,
  findPlaceOfHousehold,
  findPlaceOfMahalla,
  findPurposeGrant,
  householdHasOpenCasework,
  savePurposeGrant,
} from './access.repository.ts';
import type { Actor } from './actor.ts';
import { type Action, can, mayEver, type Place, type Scope, scopeOf } from './policies.ts';
import { PURPOSES, Purpose, purposeRequired } from './purposes.ts';
import { type LoadedPlace, placeColumns } from './record-place.sql.ts';

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
  | { action: Action; sharedSecret?: SharedSecret }
  | { citizen: true }
  | { signedIn: true }
  | { anyOf: readonly Action[] };

/**
 * A partner that cannot hold an OAuth2 token (an SMS gateway posting delivery reports) may instead present
 * a secret shared at onboarding in a header. Unset secret: only the action admits.
 */
export interface SharedSecret {
  header: string;
  value: () => string | undefined;
}

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
    if ('sharedSecret' in access && access.sharedSecret && presentsSecret(request, access.sharedSecret))
      return;
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

function presentsSecret(request: FastifyRequest, secret: SharedSecret): boolean {
  const expected = secret.value();
  const given = request.headers[secret.header];
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

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
  return checkPlace(request, db, action, householdId, await placeOf(request, db, householdId), personId);
}

/**
 * The same check on a household the handler has already loaded with `recordPlaceColumns` (the record read
 * in one statement with where it is): nothing loaded is answered before this passes.
 */
export async function authorizeLoadedHousehold(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
  loaded: LoadedPlace,
): Promise<Place> {
  if (request.actor?.kind === 'staff') heldPurposes(request).set(householdId, loaded.heldPurpose);
  return checkPlace(request, db, action, householdId, loaded.place);
}

async function checkPlace(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
  place: Place | undefined,
  personId?: string | null,
): Promise<Place> {
  if (!place) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId });
  const own = await ownHouseholdIds(request, db);
  if (!can(actorIn(request), action, { householdId, place, personId: personId ?? null }, own)) {
    throw new DomainError('FORBIDDEN');
  }
  return place;
}

/**
 * Columns for a statement over `household` aliased `alias` that loads a record for this request: where
 * the household is and, for a staff session, the purpose it holds for it. Read as `LoadedPlace` by
 * `loadedPlaceOf` and checked by `authorizeLoadedHousehold`: one round trip instead of a place read first.
 */
export function recordPlaceColumns(request: FastifyRequest, alias: string): RawBuilder<unknown> {
  const actor = request.actor;
  return placeColumns(alias, actor?.kind === 'staff' ? actor.sessionId : null);
}

/**
 * Where the household is. For staff the same read also takes the purpose their session holds for it, kept
 * on the request for `heldPurpose`: opening a record asks both, and one round trip is half the cost.
 */
async function placeOf(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
): Promise<Place | undefined> {
  const actor = request.actor;
  if (actor?.kind !== 'staff') return findPlaceOfHousehold(db, householdId);
  const found = await findPlaceAndHeldPurpose(db, householdId, actor.sessionId);
  if (found) heldPurposes(request).set(householdId, found.heldPurpose);
  return found?.place;
}

/** Purposes held by the request's session, by household, as read (or stated) during this request. */
const heldOnRequest = new WeakMap<FastifyRequest, Map<string, string | null>>();
function heldPurposes(request: FastifyRequest): Map<string, string | null> {
  let held = heldOnRequest.get(request);
  if (!held) {
    held = new Map();
    heldOnRequest.set(request, held);
  }
  return held;
}

/**
 * For records made in a mahalla before they have a household (a new household): the mahalla must exist
 * (422 MAHALLA_UNKNOWN, before anything is read or written) and lie within the actor's areas (403).
 */
export async function authorizeMahalla(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  mahallaCode: string,
): Promise<Place> {
  const place = await findPlaceOfMahalla(db, mahallaCode);
  if (!place) throw new DomainError('MAHALLA_UNKNOWN', { mahallaCode });
  if (!can(actorIn(request), action, { place })) throw new DomainError('FORBIDDEN');
  return place;
}

/**
 * For a client-made id that may already name a household (a retried creation): when it does, the actor
 * must be allowed `action` on that household, so a creation never hands another area's record back.
 */
export async function authorizeExistingHousehold(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  householdId: string,
): Promise<Place | undefined> {
  const place = await findPlaceOfHousehold(db, householdId);
  if (!place) return undefined;
  if (!can(actorIn(request), action, { householdId, place }, await ownHouseholdIds(request, db))) {
    throw new DomainError('FORBIDDEN');
  }
  return place;
}

/**
 * A person named by id in a request body (a new head, a member to add): the actor must be allowed `action`
 * on the household the person belongs to today, so a request never reaches into another family or learns
 * where the person lives. A person who belongs to no household today (moved out, newly recorded) joins the
 * caller's household freely; an unknown id is left to the service (404 PERSON_NOT_FOUND).
 */
export async function authorizePersonJoining(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: Action,
  personId: string,
): Promise<void> {
  const householdId = await findCurrentHouseholdOfPerson(db, personId);
  if (householdId) await authorizeHousehold(request, db, action, householdId, personId);
}

/**
 * Pushing an agency's change events (src/integration): the resource is the agency named in the path. A
 * machine client with `events.push` pushes its own agency's events only (a tax office must not report
 * births); `events.push:any` (an exchange bus relaying several agencies) pushes any agency's. 403 otherwise.
 */
export function authorizeAgencyPush(request: FastifyRequest, agency: string): void {
  const actor = actorIn(request);
  const own = actor.kind === 'machine' && actor.agency === agency && mayEver(actor, 'events.push');
  if (own || mayEver(actor, 'events.push:any')) return;
  throw new DomainError('FORBIDDEN', {
    reason: "scope 'events.push' for the client's own agency, or 'events.push:any', required",
  });
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
 * How long a stated purpose holds for the session and household: long enough to read every section of the
 * record and the pages opened from it (the documents, a decision, back to the record) without being asked
 * again, short enough that a record opened for one task is not open all day.
 */
export const PURPOSE_GRANT_MINUTES = 60;

function statedPurpose(request: FastifyRequest): Purpose | undefined {
  const stated =
    request.headers[PURPOSE_HEADER] ?? (request.query as { purpose?: unknown } | undefined)?.purpose;
  if (stated === undefined) return undefined;
  const parsed = Purpose.safeParse(stated);
  if (!parsed.success)
    throw new DomainError('VALIDATION_FAILED', { field: 'purpose', allowed: [...PURPOSES] });
  return parsed.data;
}

/** Whether the household needs a purpose from this actor (outside their own area and worklist). */
export async function purposeRequiredAt(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
  place: Place,
): Promise<boolean> {
  const actor = actorIn(request);
  if (!purposeRequired(actor, place, false)) return false;
  return purposeRequired(actor, place, await householdHasOpenCasework(db, householdId));
}

/** The purpose the actor's session stated for the household and still holds, if any. */
export async function heldPurpose(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
): Promise<Purpose | null> {
  const actor = actorIn(request);
  if (actor.kind !== 'staff') return null;
  const known = heldPurposes(request);
  const stored = known.has(householdId)
    ? known.get(householdId)
    : await findPurposeGrant(db, actor.sessionId, householdId);
  const held = Purpose.safeParse(stored);
  return held.success ? held.data : null;
}

/**
 * The purpose a staff member reads a household under, or null inside their own area or worklist (see
 * `purposeRequired`). A purpose stated once (header or `?purpose=`) is kept for the session and the
 * household for PURPOSE_GRANT_MINUTES, so every section the role may read (documents included) is read
 * under it, and each read names it in the audit log. Without one: 403 PURPOSE_REQUIRED.
 */
export async function purposeFor(
  request: FastifyRequest,
  db: Kysely<DB>,
  householdId: string,
  place: Place,
): Promise<Purpose | null> {
  const actor = actorIn(request);
  const stated = statedPurpose(request);
  if (actor.kind !== 'staff') return stated ?? null;
  if (stated) {
    const expiresAt = new Date(Date.now() + PURPOSE_GRANT_MINUTES * 60_000);
    await savePurposeGrant(db, { sessionId: actor.sessionId, householdId, purpose: stated, expiresAt });
    heldPurposes(request).set(householdId, stated);
    return stated;
  }
  if (!(await purposeRequiredAt(request, db, householdId, place))) return null;
  const held = await heldPurpose(request, db, householdId);
  if (held) return held;
  throw new DomainError('PURPOSE_REQUIRED', { allowed: [...PURPOSES], header: PURPOSE_HEADER });
}
