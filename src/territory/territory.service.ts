import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import * as repository from './territory.repository.ts';

export const listRegions = (db: Kysely<DB>) => repository.listRegions(db);

export async function listDistricts(db: Kysely<DB>, regionCode: string) {
  if (!(await repository.findRegion(db, regionCode)))
    throw new DomainError('TERRITORY_NOT_FOUND', { regionCode });
  return repository.listDistricts(db, regionCode);
}

export async function listMahallas(db: Kysely<DB>, districtCode: string) {
  if (!(await repository.findDistrict(db, districtCode))) {
    throw new DomainError('TERRITORY_NOT_FOUND', { districtCode });
  }
  return repository.listMahallas(db, districtCode);
}

/** The district a mahalla belongs to; unknown codes are the caller's mistake (422), not a missing page. */
export async function getMahalla(
  db: Kysely<DB>,
  code: string,
): Promise<{ code: string; districtCode: string }> {
  const mahalla = await repository.findMahalla(db, code);
  if (!mahalla) throw new DomainError('MAHALLA_UNKNOWN', { mahallaCode: code });
  return { code: mahalla.code, districtCode: mahalla.district_code };
}

export type { AreaKind, AreaPlace } from './territory.repository.ts';

/** Where areas are and what they are called, keyed `kind:code`; unknown codes are absent. */
export function placesOfAreas(
  db: Kysely<DB>,
  areas: readonly { kind: repository.AreaKind; code: string }[],
): Promise<Map<string, repository.AreaPlace>> {
  return repository.findAreaPlaces(db, areas);
}
