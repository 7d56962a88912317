import { type RawBuilder, sql } from 'kysely';
import type { Place } from './policies.ts';

/**
 * Where a household is, read in the same statement as its record (the registry's most read page), and the
 * purpose a staff session holds for it: what `authorizeLoadedHousehold` checks once the row is loaded.
 * The column names are this file's; `loadedPlaceOf` reads them back.
 */
export function placeColumns(alias: string, sessionId: string | null): RawBuilder<unknown> {
  const h = (column: string) => sql.ref(`${alias}.${column}`);
  const held =
    sessionId === null
      ? sql`null::text`
      : sql`(select g.purpose from purpose_grant g
          where g.session_id = ${sessionId} and g.household_id = ${h('id')} and g.expires_at > now())`;
  return sql`(select d.region_code from district d where d.code = ${h('district_code')}) as place_region_code,
    ${h('district_code')} as place_district_code, ${h('mahalla_code')} as place_mahalla_code,
    ${held} as place_held_purpose`;
}

/** The columns `placeColumns` adds to a row. */
export interface PlaceColumns {
  place_region_code: string;
  place_district_code: string;
  place_mahalla_code: string;
  place_held_purpose: string | null;
}

export interface LoadedPlace {
  place: Place;
  /** The purpose the staff session holds for the household (null: none, or not staff). */
  heldPurpose: string | null;
}

export function loadedPlaceOf(row: PlaceColumns): LoadedPlace {
  return {
    place: {
      regionCode: row.place_region_code,
      districtCode: row.place_district_code,
      mahallaCode: row.place_mahalla_code,
    },
    heldPurpose: row.place_held_purpose,
  };
}
