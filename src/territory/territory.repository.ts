import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { Territory } from './territory.builder.ts';

export interface NamedUnit {
  code: string;
  names: { 'uz-Latn': string; 'uz-Cyrl': string; ru: string; en: string };
  population: number;
}

const names = (row: { name_uz_latn: string; name_uz_cyrl: string; name_ru: string; name_en: string }) => ({
  'uz-Latn': row.name_uz_latn,
  'uz-Cyrl': row.name_uz_cyrl,
  ru: row.name_ru,
  en: row.name_en,
});

const CHUNK = 500;
function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** Writes reference data; re-running it changes nothing (codes are keys). */
export async function installTerritory(db: Kysely<DB>, territory: Territory): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('region')
      .values(
        territory.regions.map((r) => ({
          code: r.code,
          name_uz_latn: r.uzLatn,
          name_uz_cyrl: r.uzCyrl,
          name_ru: r.ru,
          name_en: r.en,
          population: Math.round(r.populationThousands * 1000),
        })),
      )
      .onConflict((oc) => oc.column('code').doNothing())
      .execute();
    for (const part of chunks(territory.districts)) {
      await trx
        .insertInto('district')
        .values(
          part.map((d) => ({
            code: d.code,
            region_code: d.regionCode,
            kind: d.kind,
            name_uz_latn: d.uzLatn,
            name_uz_cyrl: d.uzCyrl,
            name_ru: d.ru,
            name_en: d.en,
            population: d.population,
            remote: d.remote,
          })),
        )
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
    for (const part of chunks(territory.mahallas)) {
      await trx
        .insertInto('mahalla')
        .values(
          part.map((m) => ({
            code: m.code,
            district_code: m.districtCode,
            name_uz_latn: m.uzLatn,
            name_uz_cyrl: m.uzCyrl,
            name_ru: m.ru,
            name_en: m.en,
            population: m.population,
          })),
        )
        .onConflict((oc) => oc.column('code').doNothing())
        .execute();
    }
  });
}

export async function listRegions(db: Kysely<DB>) {
  const rows = await db.selectFrom('region').selectAll().orderBy('code').execute();
  return rows.map((r) => ({ code: r.code, names: names(r), population: r.population }));
}

export async function listDistricts(db: Kysely<DB>, regionCode: string) {
  const rows = await db
    .selectFrom('district')
    .selectAll()
    .where('region_code', '=', regionCode)
    .orderBy('code')
    .execute();
  return rows.map((d) => ({
    code: d.code,
    regionCode: d.region_code,
    kind: d.kind,
    remote: d.remote,
    names: names(d),
    population: d.population,
  }));
}

export async function findDistrict(db: Kysely<DB>, code: string) {
  return db
    .selectFrom('district')
    .select(['code', 'region_code'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export async function findRegion(db: Kysely<DB>, code: string) {
  return db.selectFrom('region').select(['code']).where('code', '=', code).executeTakeFirst();
}

export async function listMahallas(db: Kysely<DB>, districtCode: string) {
  const rows = await db
    .selectFrom('mahalla')
    .selectAll()
    .where('district_code', '=', districtCode)
    .orderBy('code')
    .execute();
  return rows.map((m) => ({
    code: m.code,
    districtCode: m.district_code,
    names: names(m),
    population: m.population,
  }));
}

export async function findMahalla(db: Kysely<DB>, code: string) {
  return db
    .selectFrom('mahalla')
    .select(['code', 'district_code'])
    .where('code', '=', code)
    .executeTakeFirst();
}

export type AreaKind = 'region' | 'district' | 'mahalla';

/** An area (a region, district or mahalla) with the units above it and its names. */
export interface AreaPlace {
  kind: AreaKind;
  code: string;
  regionCode: string;
  districtCode: string | null;
  mahallaCode: string | null;
  names: NamedUnit['names'];
}

/** The areas of these codes that exist, keyed `kind:code`; unknown codes are absent. */
export async function findAreaPlaces(
  db: Kysely<DB>,
  areas: readonly { kind: AreaKind; code: string }[],
): Promise<Map<string, AreaPlace>> {
  const codes = (kind: AreaKind) => [...new Set(areas.filter((a) => a.kind === kind).map((a) => a.code))];
  const found = new Map<string, AreaPlace>();
  const regions = codes('region');
  if (regions.length > 0) {
    const rows = await db.selectFrom('region').selectAll().where('code', 'in', regions).execute();
    for (const r of rows) {
      found.set(`region:${r.code}`, {
        kind: 'region',
        code: r.code,
        regionCode: r.code,
        districtCode: null,
        mahallaCode: null,
        names: names(r),
      });
    }
  }
  const districts = codes('district');
  if (districts.length > 0) {
    const rows = await db.selectFrom('district').selectAll().where('code', 'in', districts).execute();
    for (const d of rows) {
      found.set(`district:${d.code}`, {
        kind: 'district',
        code: d.code,
        regionCode: d.region_code,
        districtCode: d.code,
        mahallaCode: null,
        names: names(d),
      });
    }
  }
  const mahallas = codes('mahalla');
  if (mahallas.length > 0) {
    const rows = await db
      .selectFrom('mahalla as m')
      .innerJoin('district as d', 'd.code', 'm.district_code')
      .select([
        'm.code',
        'm.district_code',
        'd.region_code',
        'm.name_uz_latn',
        'm.name_uz_cyrl',
        'm.name_ru',
        'm.name_en',
      ])
      .where('m.code', 'in', mahallas)
      .execute();
    for (const m of rows) {
      found.set(`mahalla:${m.code}`, {
        kind: 'mahalla',
        code: m.code,
        regionCode: m.region_code,
        districtCode: m.district_code,
        mahallaCode: m.code,
        names: names(m),
      });
    }
  }
  return found;
}
