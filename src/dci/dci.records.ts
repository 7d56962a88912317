import type { Kysely } from 'kysely';
import type { Scope } from '../access/policies.ts';
import type { DB } from '../platform/db/schema.ts';
import { COMMON_PARAMETERS, P } from '../programs/common/parameters.ts';
import { ParameterSet } from '../rules/parameters.ts';
import type { Condition, Entity, SortKey } from './dci.query.ts';
import * as repo from './dci.repository.ts';
import type { DciGroup, DciIdentifier, DciMember, DciRecord } from './dci.schemas.ts';

/** The search itself and the Group / Member records of the DCI social extension, built from our rows. */

export const POVERTY_SCORE_TYPE = 'income-per-capita-to-mce';

const parameters = ParameterSet.fromFiles([COMMON_PARAMETERS]);

const pad = (n: number) => String(n).padStart(2, '0');

/** The day a search is for, and the three months and MCE its poverty score uses. */
export function searchDates(at = new Date()): repo.SearchDates {
  const y = at.getUTCFullYear();
  const m = at.getUTCMonth();
  const asOf = `${y}-${pad(m + 1)}-${pad(at.getUTCDate())}`;
  const monthStart = `${y}-${pad(m + 1)}-01`;
  const start = new Date(Date.UTC(y, m - 3, 1));
  const windowStart = `${start.getUTCFullYear()}-${pad(start.getUTCMonth() + 1)}-01`;
  return { asOf, windowStart, windowEnd: monthStart, mce: parameters.at(P.mce, monthStart).value };
}

const identifier = (type: string, value: string): DciIdentifier => ({
  '@type': 'Identifier',
  identifier_type: type,
  identifier_value: value,
});

function member(row: repo.MemberRow): DciMember {
  const ids = row.pinfl ? [identifier('PINFL', row.pinfl)] : [identifier('PersonID', row.id)];
  return {
    '@type': 'Member',
    '@id': `urn:himoya:person:${row.id}`,
    member_identifier: ids,
    demographic_info: {
      '@type': 'SRPerson',
      identifier: ids,
      name: {
        '@type': 'Name',
        surname: row.last_name,
        given_name: row.first_name,
        ...(row.patronymic ? { second_name: row.patronymic } : {}),
      },
      sex: row.sex === 'M' ? 'male' : 'female',
      birth_date: row.birth_date,
      ...(row.death_date ? { death_date: row.death_date } : {}),
    },
    relationship_head: row.relationship,
    employment_status: row.employment,
    education_level: row.education,
    registration_date: row.valid_from,
    group_identifier: [identifier('HouseholdID', row.household_id)],
  };
}

function group(row: repo.SearchRow, members: readonly repo.MemberRow[]): DciGroup {
  const list = members.map(member);
  const head = members.findIndex((m) => m.relationship === 'head');
  const headInfo = head >= 0 ? list[head] : undefined;
  return {
    '@type': 'Group',
    '@id': `urn:himoya:household:${row.household_id}`,
    group_identifier: [identifier('HouseholdID', row.household_id)],
    group_type: 'household',
    place: {
      '@type': 'Place',
      address: row.address,
      region_code: row.region_code,
      district_code: row.district_code,
      mahalla_code: row.mahalla_code,
    },
    poverty_score: row.poverty_score === null ? null : Number(row.poverty_score),
    poverty_score_type: POVERTY_SCORE_TYPE,
    ...(headInfo ? { group_head_info: headInfo } : {}),
    group_size: Number(row.group_size),
    member_list: list,
    registration_date: row.registration_date,
    additional_attributes: [{ name: 'social_registry_category', value: row.category }],
  };
}

export interface SearchResult {
  records: DciRecord[];
  total: number;
  householdIds: string[];
  personIds: string[];
}

/** Runs one parsed search within the scope and builds its records (members loaded for the page only). */
export async function runSearch(
  db: Kysely<DB>,
  input: {
    scope: Scope;
    entity: Entity;
    condition: Condition;
    sort: readonly SortKey[];
    pageSize: number;
    pageNumber: number;
    dates?: repo.SearchDates;
  },
): Promise<SearchResult> {
  const dates = input.dates ?? searchDates();
  const { rows, total } = await repo.searchPage(db, { ...input, dates });
  const householdIds = [...new Set(rows.map((r) => r.household_id))];
  if (input.entity === 'Member') {
    const personIds = rows.map((r) => r.person_id).filter((id): id is string => typeof id === 'string');
    const members = await repo.listMembers(db, householdIds, dates.asOf, personIds);
    const byId = new Map(members.map((m) => [m.id, m]));
    const records = personIds.map((id) => byId.get(id)).filter((m): m is repo.MemberRow => m !== undefined);
    return { records: records.map(member), total, householdIds, personIds };
  }
  const members = await repo.listMembers(db, householdIds, dates.asOf);
  const byHousehold = new Map<string, repo.MemberRow[]>();
  for (const m of members) byHousehold.set(m.household_id, [...(byHousehold.get(m.household_id) ?? []), m]);
  return {
    records: rows.map((r) => group(r, byHousehold.get(r.household_id) ?? [])),
    total,
    householdIds,
    personIds: members.map((m) => m.id),
  };
}
