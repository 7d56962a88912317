import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { householdRowInScope } from '../../access/scope.sql.ts';
import { PREPARED } from '../../platform/db/prepared-statements.ts';
import type { DB } from '../../platform/db/schema.ts';
import { offsetOf, type PageQuery } from '../../platform/http/pagination.ts';
import type { SearchTerms } from './search-terms.ts';

/**
 * The staff search: households whose current members, vehicles, dwellings, applications or own reference
 * match the text. Every reading of the text gives candidate households with a rank (0 an exact identifier,
 * 1 the full name or its beginning, 2 every typed word inside the name, 3 only similar) and a similarity;
 * candidates outside the actor's areas are dropped in the same statement, before anything is counted.
 *
 * Indexes (migration 022): person.pinfl (unique), person_passport_key (migration 024), person_phone_idx, vehicle_plate_search_idx on
 * search_plate(plate), dwelling_cadastre_search_idx, household/application reference (unique), and the
 * GIN trigram index person_search_name_trgm on the folded name (person.search_name) for LIKE '%part%' and
 * the word-similarity operator <% (parts of 3 letters or more), and the b-tree person_search_name_prefix_idx
 * (text_pattern_ops, migration 024) for the name's beginning and for texts of shorter parts only. A search
 * confined to a few mahallas reads names from member_name (migration 030) and its index member_name_search_idx
 * (mahalla_code, search_name) instead.
 */

/** Folded words longer than this are cut: a name part is never this long, and it bounds the work. */
const MAX_WORD = 40;
const MAX_WORDS = 6;

export interface SearchFilters {
  districtCode?: string | undefined;
  mahallaCode?: string | undefined;
  includeDissolved?: boolean | undefined;
}

/**
 * Each reading contributes at most this many candidates, taken inside the actor's area and filters: a
 * common name part ("ov", "karim") matches tens of thousands of people, and ranking them all would cost
 * seconds for a page of 25. The total is then "at least" (capped at the sum of the caps). Similar-only
 * names (rank 3, misspellings) are looked for only when the other readings found nothing at all.
 */
export const CANDIDATES_PER_READING = 200;

export async function searchHouseholds(
  db: Kysely<DB>,
  terms: SearchTerms,
  filters: SearchFilters,
  page: PageQuery,
  scope: Scope,
) {
  const folded = terms.name ? await foldName(db, terms.text) : '';
  const exact = await searchOnce(db, terms, folded, filters, page, scope, false);
  // Similar-only names (misspellings) only when nothing matched as typed: a name that matches gets its
  // matches, not a second statement padding them with look-alikes.
  if (!terms.name || exact.total > 0) return exact;
  return searchOnce(db, terms, folded, filters, page, scope, true);
}

/**
 * The mahallas a search is confined to, when that is all it may reach: a social worker's mahalla, or a
 * search filtered to one mahalla. Undefined for a district, a region or the country.
 */
function mahallasOnly(scope: Scope, filters: SearchFilters): string[] | undefined {
  if (filters.mahallaCode) return [filters.mahallaCode];
  if (scope.kind !== 'areas' || scope.regions.length > 0 || scope.districts.length > 0) return undefined;
  return scope.mahallas.length > 0 ? scope.mahallas : undefined;
}

async function searchOnce(
  db: Kysely<DB>,
  terms: SearchTerms,
  folded: string,
  filters: SearchFilters,
  page: PageQuery,
  scope: Scope,
  similar: boolean,
) {
  const dissolved = filters.includeDissolved ? sql`true` : sql`h.dissolved_on is null`;
  const district = filters.districtCode ? sql`h.district_code = ${filters.districtCode}` : sql`true`;
  const mahalla = filters.mahallaCode ? sql`h.mahalla_code = ${filters.mahallaCode}` : sql`true`;
  const inArea = sql`${householdRowInScope(scope, 'h')} and ${dissolved} and ${district} and ${mahalla}`;
  /** One reading: candidate households (the area applied before the cap), a rank and a score. */
  const reading = (
    from: RawBuilder<unknown>,
    household: string,
    where: RawBuilder<unknown>,
    rank = sql`0`,
    score = sql`1.0::real`,
  ) =>
    sql`(select ${sql.ref(household)} as household_id, ${rank} as rank, ${score} as score
      from ${from} join household h on h.id = ${sql.ref(household)}
      where ${where} and ${inArea} limit ${CANDIDATES_PER_READING})`;
  /**
   * A name reading of member_name, already confined to the mahallas by its index: the household's other
   * conditions (the actor's areas, dissolved, district) are left to the final selection, which applies
   * them to every candidate anyway. Looking up each candidate's household here as well cost about 4 buffer
   * hits a row, most of a search's work. The cap then counts, rarely, a member of a dissolved household
   * (one is dissolved when its last member leaves) or of a mahalla outside the actor's areas (a mahalla
   * filter they may not read: then every candidate is dropped, and so is the answer, as before).
   */
  const memberReading = (where: RawBuilder<unknown>, rank: RawBuilder<unknown>, score: RawBuilder<unknown>) =>
    sql`(select p.household_id, ${rank} as rank, ${score} as score
      from member_name p where ${where} limit ${CANDIDATES_PER_READING})`;
  const personMember = sql`person p join membership m on m.person_id = p.id and m.valid_to is null`;

  const branches: RawBuilder<unknown>[] = [];
  if (terms.pinfl) branches.push(reading(personMember, 'm.household_id', sql`p.pinfl = ${terms.pinfl}`));
  if (terms.phone) branches.push(reading(personMember, 'm.household_id', sql`p.phone = ${terms.phone}`));
  if (terms.plate) {
    branches.push(
      reading(
        sql`vehicle v join membership m on m.person_id = v.owner_person_id and m.valid_to is null`,
        'm.household_id',
        sql`search_plate(v.plate) = search_plate(${terms.plate})`,
      ),
    );
  }
  if (terms.passport) {
    branches.push(reading(personMember, 'm.household_id', sql`p.passport = ${terms.passport}`));
  }
  if (terms.cadastre) {
    branches.push(
      reading(
        sql`dwelling d`,
        'd.household_id',
        sql`upper(replace(d.cadastre_number, ' ', '')) = ${terms.cadastre}`,
      ),
    );
  }
  if (terms.reference) {
    branches.push(reading(sql`household r`, 'r.id', sql`r.reference = ${terms.reference}`));
    branches.push(reading(sql`application a`, 'a.household_id', sql`a.reference = ${terms.reference}`));
  }
  // Names inside a few mahallas (a social worker's, or a mahalla filter) are read from member_name
  // (migration 030): the current, unmerged members' folded names under (mahalla_code, search_name), so a
  // name's beginning is one short range of that index and every looser reading scans only the mahallas' own
  // entries (a few thousand at most, from the index alone). The region's name indexes would have the planner
  // walk a common part's ("ra", "ov") matches far outside the area until the cap fills.
  const mahallas = mahallasOnly(scope, filters);
  const nameReading = (where: RawBuilder<unknown>, rank: RawBuilder<unknown>, score: RawBuilder<unknown>) =>
    mahallas
      ? memberReading(where, rank, score)
      : reading(personMember, 'm.household_id', where, rank, score);
  if (terms.name) {
    const words = folded
      .split(' ')
      .filter((w) => w.length > 0)
      .slice(0, MAX_WORDS)
      .map((w) => w.slice(0, MAX_WORD));
    if (words.length > 0) {
      const phrase = words.join(' ');
      const similarity = sql`word_similarity(${phrase}, p.search_name)`;
      // member_name holds no merged person; elsewhere they are left out here.
      const live = mahallas ? sql`p.mahalla_code = any(${mahallas}::text[])` : sql`p.merged_into is null`;
      // Folded words hold only a-z: nothing in them is a LIKE wildcard. Only parts of 3 letters or more have
      // trigrams: LIKE '%ov%' cannot use person_search_name_trgm and would read every person. Shorter parts
      // are word starts checked on the rows the longer parts found; a text of short parts only is a prefix
      // of the name, served by the b-tree person_search_name_prefix_idx (migration 024).
      const long = words.filter((w) => w.length >= 3);
      const short = words.filter((w) => w.length < 3);
      const wordStart = (w: string) =>
        sql`(p.search_name like ${`${w}%`} or p.search_name like ${`% ${w}%`})`;
      // 1: the full name or its beginning, in whole words: one prefix range of the b-tree, then checked.
      const full = sql`${prefixRange(phrase)} and p.search_name like ${`${phrase}%`}
        and (p.search_name = ${phrase} or p.search_name like ${`${phrase} %`})`;
      const byName = nameReading(sql`${live} and ${full}`, sql`1`, similarity);
      // Short parts only: the full name is hardly ever "ka", and its prefix range ("ka%") is long, so the
      // name's beginning (rank 2 below) is the one reading.
      if (long.length > 0) branches.push(byName);
      // The looser readings run only when the name readings of rank 1 did not fill their cap: their rows
      // would rank below a full page anyway, and a common part ("karimov") matches 100,000 people through the
      // trigram index. Uncorrelated, so PostgreSQL evaluates it once and skips the scan (a one-time filter).
      const unfilled = sql`(select count(*) from ${byName} as r1) < ${CANDIDATES_PER_READING}`;
      if (long.length > 0) {
        // 2: every word inside the name.
        const contains = sql.join(
          [
            ...long.map((w) => sql`p.search_name like ${`%${w}%`}`),
            ...short.filter((w) => w.length > 1).map(wordStart),
          ],
          sql` and `,
        );
        // Without the rows rank 1 found: the same person again would only be scored twice (the household
        // keeps its best rank and score either way), and the cap is left to people not found yet.
        branches.push(
          nameReading(sql`${live} and ${contains} and not (${full}) and ${unfilled}`, sql`2`, similarity),
        );
        if (similar) {
          const like = sql`${live} and ${phrase} <% p.search_name and ${unfilled}`;
          branches.push(nameReading(like, sql`3`, similarity));
        }
      } else {
        // 2: short parts only ("Ka", "Al B"): the name begins with the first, a later word with each other.
        const starts = sql`${prefixRange(words[0] ?? '')} and p.search_name like ${`${words[0]}%`} and ${sql.join(
          [sql`true`, ...words.slice(1).map(wordStart)],
          sql` and `,
        )}`;
        // A text of short parts has too few trigrams for word_similarity to tell names apart (it mostly counts
        // the letters around a part), and scoring every candidate with it was a third of the statement: the
        // score is the share of parts that begin a word of the name.
        const wordStarts = sql`(${sql.join(
          words.map((w) => sql`(${wordStart(w)})::int`),
          sql` + `,
        )})::real / ${words.length}`;
        const byStart = nameReading(sql`${live} and ${starts}`, sql`2`, wordStarts);
        branches.push(byStart);
        // 3: each part anywhere ("ov" finds Karimov), only when the word starts did not fill their cap. No
        // index serves it; it reads people until the cap is full, which a common part ("ov") does at once.
        const anywhere = sql.join(
          words.map((w) => sql`p.search_name like ${`%${w}%`}`),
          sql` and `,
        );
        const startsUnfilled = sql`(select count(*) from ${byStart} as r2) < ${CANDIDATES_PER_READING}`;
        // Without the word starts' rows, as for rank 2 above.
        branches.push(
          nameReading(
            sql`${live} and ${anywhere} and not (${starts}) and ${startsUnfilled}`,
            sql`3`,
            wordStarts,
          ),
        );
      }
    }
  }
  if (branches.length === 0) return { rows: [], total: 0 };

  // Sent as a named statement (planned once per connection) when the plan does not hang on the text: the
  // mahallas' names (index ranges given as bounds) and identifiers (equalities). Planning was 0.7-0.85 ms of
  // a search's 1-6 ms. The region's name readings stay planned per text (LIKE on the trigram index).
  const prepared = mahallas !== undefined || !terms.name ? PREPARED : sql``;
  const { rows } = await sql<SearchRow>`${prepared}
    with candidate as (${sql.join(branches, sql` union all `)}),
    best as (
      select c.household_id, min(c.rank) as rank, max(c.score) as score
      from candidate c group by c.household_id
    ),
    -- The page first (the total counted over every candidate before the limit), then the head and the
    -- member count of its rows only, not of every candidate.
    found as (
      select h.id, h.reference, h.district_code, h.mahalla_code, h.address, h.created_on, h.dissolved_on,
        best.rank, best.score, count(*) over () as total
      from best
      join household h on h.id = best.household_id
      where ${inArea}
      order by best.rank, best.score desc, h.reference
      limit ${page.pageSize} offset ${offsetOf(page)}
    )
    select f.id, f.reference, f.district_code, f.mahalla_code, f.address, f.created_on, f.dissolved_on,
      hp.id as head_id, hp.last_name as head_last_name, hp.first_name as head_first_name,
      (select count(*) from membership c where c.household_id = f.id and c.valid_to is null) as member_count,
      f.rank, f.total
    from found f
    left join membership head on head.household_id = f.id and head.relationship = 'head' and head.valid_to is null
    left join person hp on hp.id = head.person_id
    order by f.rank, f.score desc, f.reference`.execute(db);
  return { rows, total: Number(rows[0]?.total ?? 0) };
}

/**
 * `p.search_name` begins with `prefix`, as an index range of text_pattern_ops (byte order) given as two
 * bounds: a named statement's generic plan can use bounds it is handed, not a LIKE pattern's prefix, which
 * the planner reads only from a constant. Folded text holds a-z and spaces, so the next prefix is the last
 * letter's successor.
 */
function prefixRange(prefix: string): RawBuilder<unknown> {
  if (prefix.length === 0) return sql`true`;
  const next = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return sql`p.search_name ~>=~ ${prefix} and p.search_name ~<~ ${next}`;
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
  const { rows } = await sql<{
    folded: string | null;
  }>`${PREPARED} select search_fold(${text}) as folded`.execute(db);
  return rows[0]?.folded ?? '';
}
