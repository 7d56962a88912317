import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { householdRowInScope } from '../../access/scope.sql.ts';
import type { DB } from '../../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../../platform/http/pagination.ts';
import type { SearchTerms } from './search-terms.ts';

/**
 * The staff search: households whose current members, vehicles, dwellings, applications or own reference
 * match the text. Every reading of the text gives candidate households with a rank (0 an exact identifier,
 * 1 the full name or its beginning, 2 every typed word inside the name, 3 only similar) and a similarity;
 * candidates outside the actor's areas are dropped in the same statement, before anything is counted.
 *
 * Indexes (migration 022): person.pinfl (unique), person_phone_idx, vehicle_plate_search_idx on
 * search_plate(plate), dwelling_cadastre_search_idx, household/application reference (unique), and the
 * GIN trigram index person_search_name_trgm on the folded name (person.search_name) for LIKE '%part%' and
 * the word-similarity operator <%.
 */

/** Folded words longer than this are cut: a name part is never this long, and it bounds the work. */
const MAX_WORD = 40;
const MAX_WORDS = 6;

export interface SearchFilters {
  districtCode?: string | undefined;
  mahallaCode?: string | undefined;
  includeDissolved?: boolean | undefined;
}

const member = (personColumn: string) =>
  sql`join membership m on m.person_id = ${sql.ref(personColumn)} and m.valid_to is null`;

export async function searchHouseholds(
  db: Kysely<DB>,
  terms: SearchTerms,
  filters: SearchFilters,
  page: PageQuery,
  scope: Scope,
) {
  const branches: RawBuilder<unknown>[] = [];
  if (terms.pinfl) {
    branches.push(sql`select m.household_id, 0 as rank, 1.0::real as score
      from person p ${member('p.id')} where p.pinfl = ${terms.pinfl}`);
  }
  if (terms.phone) {
    branches.push(sql`select m.household_id, 0 as rank, 1.0::real as score
      from person p ${member('p.id')} where p.phone = ${terms.phone}`);
  }
  if (terms.plate) {
    branches.push(sql`select m.household_id, 0 as rank, 1.0::real as score
      from vehicle v ${member('v.owner_person_id')} where search_plate(v.plate) = search_plate(${terms.plate})`);
  }
  if (terms.cadastre) {
    branches.push(sql`select d.household_id, 0 as rank, 1.0::real as score
      from dwelling d where upper(replace(d.cadastre_number, ' ', '')) = ${terms.cadastre}`);
  }
  if (terms.reference) {
    branches.push(sql`select h.id as household_id, 0 as rank, 1.0::real as score
      from household h where h.reference = ${terms.reference}
      union all
      select a.household_id, 0 as rank, 1.0::real as score
      from application a where a.reference = ${terms.reference}`);
  }
  if (terms.name) {
    const folded = await foldName(db, terms.text);
    const words = folded
      .split(' ')
      .filter((w) => w.length > 0)
      .slice(0, MAX_WORDS)
      .map((w) => w.slice(0, MAX_WORD));
    if (words.length > 0) {
      const phrase = words.join(' ');
      // Folded words hold only a-z: nothing in them is a LIKE wildcard.
      // One-letter words ("a" of "Karimov A") narrow nothing through the index; the phrase still ranks them.
      const narrowing = words.filter((w) => w.length > 1);
      const contains = sql.join(
        (narrowing.length > 0 ? narrowing : words).map((w) => sql`p.search_name like ${`%${w}%`}`),
        sql` and `,
      );
      branches.push(sql`select m.household_id,
          case when p.search_name = ${phrase} or p.search_name like ${`${phrase} %`} then 1
               when ${contains} then 2 else 3 end as rank,
          word_similarity(${phrase}, p.search_name) as score
        from person p ${member('p.id')}
        where p.merged_into is null and ((${contains}) or ${phrase} <% p.search_name)`);
    }
  }
  if (branches.length === 0) return { rows: [], total: 0 };

  const dissolved = filters.includeDissolved ? sql`true` : sql`h.dissolved_on is null`;
  const district = filters.districtCode ? sql`h.district_code = ${filters.districtCode}` : sql`true`;
  const mahalla = filters.mahallaCode ? sql`h.mahalla_code = ${filters.mahallaCode}` : sql`true`;
  const { rows } = await sql<SearchRow>`
    with candidate as (${sql.join(branches, sql` union all `)}),
    best as (
      select c.household_id, min(c.rank) as rank, max(c.score) as score
      from candidate c group by c.household_id
    )
    select h.id, h.reference, h.district_code, h.mahalla_code, h.address, h.created_on, h.dissolved_on,
      hp.id as head_id, hp.last_name as head_last_name, hp.first_name as head_first_name,
      (select count(*) from membership c where c.household_id = h.id and c.valid_to is null) as member_count,
      best.rank, count(*) over () as total
    from best
    join household h on h.id = best.household_id
    left join membership head on head.household_id = h.id and head.relationship = 'head' and head.valid_to is null
    left join person hp on hp.id = head.person_id
    where ${householdRowInScope(scope, 'h')} and ${dissolved} and ${district} and ${mahalla}
    order by best.rank, best.score desc, h.reference
    limit ${page.pageSize} offset ${offsetOf(page)}`.execute(db);
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

interface SearchRow {
  id: string;
  reference: string;
  district_code: string;
  mahalla_code: string;
  address: string;
  created_on: string;
  dissolved_on: string | null;
  head_id: string | null;
  head_last_name: string | null;
  head_first_name: string | null;
  member_count: number | string;
  rank: number;
  total: number | string;
}

/** The text folded as names are (search_fold): one definition, in SQL, for both sides. */
async function foldName(db: Kysely<DB>, text: string): Promise<string> {
  const { rows } = await sql<{ folded: string | null }>`select search_fold(${text}) as folded`.execute(db);
  return rows[0]?.folded ?? '';
}
