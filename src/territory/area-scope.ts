import { type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Scope } from '../access/policies.ts';
import type { AreaPlace } from './territory.repository.ts';

/**
 * Whether an area (not a household) lies within the areas of a scope: what an administrator's reach over
 * other people's grants is checked with. A region holds its districts and mahallas, a district its
 * mahallas; an area of no kind (a grant without an area: the whole country) lies only within `all`.
 */

/** For one area already resolved to its place. Null = no area. */
export function areaWithin(scope: Scope, place: AreaPlace | null): boolean {
  if (scope.kind === 'all') return true;
  if (scope.kind !== 'areas' || place === null) return false;
  return (
    scope.regions.includes(place.regionCode) ||
    (place.districtCode !== null && scope.districts.includes(place.districtCode)) ||
    (place.mahallaCode !== null && scope.mahallas.includes(place.mahallaCode))
  );
}

/**
 * The same in SQL, for rows that store an area as a kind and a code column (`role_grant.area_kind`,
 * `machine_client.area_code`, ...). Never null: an unknown code or a missing area is false.
 */
export function areaColumnsWithin(scope: Scope, kindColumn: string, codeColumn: string): RawBuilder<SqlBool> {
  if (scope.kind === 'all') return sql<SqlBool>`true`;
  if (scope.kind !== 'areas') return sql<SqlBool>`false`;
  const kind = sql.ref(kindColumn);
  const code = sql.ref(codeColumn);
  const { regions, districts, mahallas } = scope;
  return sql<SqlBool>`coalesce(case ${kind}
    when 'region' then ${code} = any(${regions}::text[])
    when 'district' then ${code} = any(${districts}::text[])
      or ${code} in (select sd.code from district sd where sd.region_code = any(${regions}::text[]))
    when 'mahalla' then ${code} = any(${mahallas}::text[])
      or ${code} in (select sm.code from mahalla sm join district smd on smd.code = sm.district_code
                     where sm.district_code = any(${districts}::text[])
                        or smd.region_code = any(${regions}::text[]))
    else false end, false)`;
}
