import type { Kysely } from 'kysely';
import type { Area } from '../access/actor.ts';
import type { Scope } from '../access/policies.ts';
import type { AuditActor } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { areaWithin } from '../territory/area-scope.ts';
import { type AreaPlace, placesOfAreas } from '../territory/territory.service.ts';
import type { AreaView } from './administration.schemas.ts';
import { areaKey } from './reach.ts';

/**
 * Areas in the administration: checked against the territory tables, against the administrator's own
 * reach, and shown by their names.
 */

/** Who administers: their account, the reach of the action they use, and how the audit log names them. */
export interface AdminCaller {
  accountId: string;
  /** The areas of the caller's grants that allow the action (`scopeOf`): what they may administer. */
  scope: Scope;
  audit: AuditActor;
}

export type Places = Map<string, AreaPlace>;

/** The places of these areas; an unknown code is 422 AREA_UNKNOWN. */
export async function knownAreas(db: Kysely<DB>, areas: readonly (Area | null)[]): Promise<Places> {
  const given = areas.filter((a): a is Area => a !== null);
  const places = await placesOfAreas(db, given);
  const unknown = given.find((a) => !places.has(areaKey(a)));
  if (unknown) throw new DomainError('AREA_UNKNOWN', { kind: unknown.kind, code: unknown.code });
  return places;
}

/** Places of areas to show (unknown ones are shown by their code only). */
export function placesFor(db: Kysely<DB>, areas: readonly (Area | null)[]): Promise<Places> {
  return placesOfAreas(
    db,
    areas.filter((a): a is Area => a !== null),
  );
}

const placeOf = (places: Places, area: Area | null): AreaPlace | null =>
  area === null ? null : (places.get(areaKey(area)) ?? null);

/** Whether every area lies within the scope (no area: only within an administrator of no area). */
export function allWithin(scope: Scope, places: Places, areas: readonly (Area | null)[]): boolean {
  return areas.every((a) => {
    if (a !== null && !places.has(areaKey(a))) return false;
    return areaWithin(scope, placeOf(places, a));
  });
}

/** 403 when an area lies outside what the caller administers. */
export function requireWithin(caller: AdminCaller, places: Places, areas: readonly (Area | null)[]): void {
  if (!allWithin(caller.scope, places, areas)) {
    throw new DomainError('FORBIDDEN', { reason: 'outside the areas you administer' });
  }
}

/** The regions these areas lie in, or null when one of them is no area at all (the whole country). */
export function regionsOf(places: Places, areas: readonly (Area | null)[]): string[] | null {
  const regions = new Set<string>();
  for (const a of areas) {
    const place = placeOf(places, a);
    if (a === null) return null;
    if (place) regions.add(place.regionCode);
  }
  return [...regions].sort();
}

export function areaView(places: Places, area: Area | null): AreaView | null {
  if (!area) return null;
  return { kind: area.kind, code: area.code, names: places.get(areaKey(area))?.names ?? null };
}
