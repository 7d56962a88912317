import type { Kysely, RawBuilder } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import { loadedPlaceOf, type PlaceColumns } from '../../access/record-place.sql.ts';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import type { PageQuery } from '../../platform/http/pagination.ts';
import { getMahalla } from '../../territory/territory.service.ts';
import type { NewPersonInput } from '../persons/person.schemas.ts';
import { createPerson, getPerson } from '../persons/person.service.ts';
import { searchHouseholds } from '../search/search.repository.ts';
import { readSearchTerms } from '../search/search-terms.ts';
import * as repository from './household.repository.ts';

export const today = () => new Date().toISOString().slice(0, 10);

export async function listHouseholds(
  db: Kysely<DB>,
  filters: repository.HouseholdFilters,
  page: PageQuery,
  scope: Scope,
) {
  const { q, ...rest } = filters;
  const { rows, total } = q
    ? await searchHouseholds(db, readSearchTerms(q), rest, page, scope)
    : await repository.listHouseholds(db, rest, page, scope);
  return {
    items: rows.map((r) => ({
      id: r.id,
      reference: r.reference,
      districtCode: r.district_code,
      mahallaCode: r.mahalla_code,
      address: r.address,
      createdOn: r.created_on,
      dissolvedOn: r.dissolved_on,
      memberCount: Number(r.member_count ?? 0),
      head: r.head_id
        ? { personId: r.head_id, lastName: r.head_last_name, firstName: r.head_first_name }
        : null,
    })),
    page: page.page,
    pageSize: page.pageSize,
    total,
  };
}

/**
 * The household as a social worker sees it: members on a date (today by default), the full membership
 * history, and every fact received from agencies, each with the source it came from.
 */
export async function getHouseholdView(db: Kysely<DB>, id: string, date: string = today()) {
  const loaded = await loadHouseholdView(db, id, date);
  if (!loaded) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: id });
  return loaded.view;
}

/**
 * The view and where the household is, in one statement, for a handler that authorises the household it
 * has loaded (`authorizeLoadedHousehold`): `placeColumns` is access's `recordPlaceColumns`; `health: false`
 * leaves the members' disabilities unread (a reader who may never see health data). Undefined for
 * no such household.
 */
export async function loadHouseholdView(
  db: Kysely<DB>,
  id: string,
  date: string = today(),
  options: { placeColumns?: RawBuilder<unknown>; health?: boolean } = {},
) {
  const household = await repository.findHouseholdRecord(db, id, date, {
    extra: options.placeColumns,
    health: options.health,
  });
  if (!household) return undefined;
  const place =
    household.place_district_code === undefined ? undefined : loadedPlaceOf(household as PlaceColumns);
  return { view: householdViewOf(household, date), place };
}

function householdViewOf(household: repository.HouseholdRecordRow, date: string) {
  const periods = household.periods;
  const current = periods.filter((p) => p.current);
  return {
    id: household.id,
    reference: household.reference,
    districtCode: household.district_code,
    mahallaCode: household.mahalla_code,
    address: household.address,
    createdOn: household.created_on,
    dissolvedOn: household.dissolved_on,
    source: household.source,
    asOf: date,
    members: current.map((p) => ({
      personId: p.person_id,
      relationship: p.relationship,
      since: p.valid_from,
      pinfl: p.pinfl,
      lastName: p.last_name,
      firstName: p.first_name,
      patronymic: p.patronymic,
      sex: p.sex,
      birthDate: p.birth_date,
      deathDate: p.death_date,
      education: p.education,
      employment: p.employment,
      source: p.person_source,
      membershipSource: p.source,
    })),
    history: periods.map((p) => ({
      personId: p.person_id,
      name: `${p.last_name} ${p.first_name}`,
      relationship: p.relationship,
      validFrom: p.valid_from,
      validTo: p.valid_to,
      source: p.source,
      changeRequestId: p.change_request_id,
    })),
    facts: {
      incomes: household.incomes.map((f) => ({
        personId: f.person_id,
        kind: f.kind,
        monthlyAmount: f.monthly_amount,
        validFrom: f.valid_from,
        validTo: f.valid_to,
        source: f.source,
      })),
      dwellings: household.dwellings.map((f) => ({
        ownerPersonId: f.owner_person_id,
        cadastreNumber: f.cadastre_number,
        kind: f.kind,
        areaM2: Number(f.area_m2),
        source: f.source,
      })),
      vehicles: household.vehicles.map((f) => ({
        ownerPersonId: f.owner_person_id,
        plate: f.plate,
        make: f.make,
        modelYear: f.model_year,
        source: f.source,
      })),
      bankDeposits: household.deposits.map((f) => ({
        personId: f.person_id,
        balance: f.balance,
        asOf: f.as_of,
        source: f.source,
      })),
      disabilities: household.disabilities.map((f) => ({
        personId: f.person_id,
        group: f.disability_group,
        validFrom: f.valid_from,
        validTo: f.valid_to,
        source: f.source,
      })),
    },
  };
}

export interface NewHouseholdInput {
  id: string;
  mahallaCode: string;
  address: string;
  createdOn: string;
  head: { personId: string } | NewPersonInput;
  source: string;
}

/**
 * Registers a new household with its head, in one transaction. Retrying with the same id and the same
 * content returns the household already made (the client-made id is the idempotency key); the same id with
 * other content is 409 HOUSEHOLD_ID_TAKEN, so a caller never receives a household it did not describe.
 */
export async function createHousehold(db: Kysely<DB>, input: NewHouseholdInput) {
  return db.transaction().execute(async (trx) => {
    const existing = await repository.findHousehold(trx, input.id);
    if (existing) {
      if (!(await sameHousehold(trx, existing, input))) {
        throw new DomainError('HOUSEHOLD_ID_TAKEN', { householdId: input.id });
      }
      return { created: false, id: existing.id };
    }
    const mahalla = await getMahalla(trx, input.mahallaCode);
    const head =
      'personId' in input.head
        ? await getPerson(trx, input.head.personId)
        : await createPerson(trx, input.head);
    if (head.death_date && head.death_date <= input.createdOn)
      throw new DomainError('PERSON_DECEASED', { personId: head.id });
    const clash = await repository.findMembershipsReaching(trx, head.id, input.createdOn);
    // The other household is not named: it may lie outside the caller's areas.
    if (clash.length > 0) throw new DomainError('PERSON_IN_OTHER_HOUSEHOLD', { personId: head.id });
    await repository.insertHousehold(trx, {
      id: input.id,
      district_code: mahalla.districtCode,
      mahalla_code: mahalla.code,
      address: input.address,
      created_on: input.createdOn,
      source: input.source,
    });
    await repository.insertMembership(trx, {
      household_id: input.id,
      person_id: head.id,
      relationship: 'head',
      valid_from: input.createdOn,
      source: input.source,
    });
    return { created: true, id: input.id };
  });
}

/** Whether a stored household is the one the input describes: its place, address, date and founding head. */
async function sameHousehold(
  trx: Kysely<DB>,
  stored: NonNullable<Awaited<ReturnType<typeof repository.findHousehold>>>,
  input: NewHouseholdInput,
): Promise<boolean> {
  if (
    stored.mahalla_code !== input.mahallaCode ||
    stored.address !== input.address ||
    stored.created_on !== input.createdOn
  ) {
    return false;
  }
  const headId = await repository.findFoundingHead(trx, stored.id, stored.created_on);
  if (!headId) return false;
  if ('personId' in input.head) return headId === input.head.personId;
  const wanted = input.head;
  if (wanted.id !== undefined) return headId === wanted.id;
  const head = await getPerson(trx, headId);
  return (
    (wanted.pinfl ?? null) === head.pinfl &&
    wanted.lastName === head.last_name &&
    wanted.firstName === head.first_name &&
    wanted.sex === head.sex &&
    wanted.birthDate === head.birth_date
  );
}

export const registrySummary = repository.registrySummary;

/** The head of the household today, for messages to the family; undefined for a household without one. */
export const currentHeadOf = repository.findCurrentHead;
/**
 * Lists of other records (applications, appeals, change requests) name a household by its reference
 * (H-…), never by its id: adds `householdReference` to each item, in one read.
 */
export async function withHouseholdReferences<T extends { householdId: string | null }>(
  db: Kysely<DB>,
  items: readonly T[],
): Promise<(T & { householdReference: string | null })[]> {
  const references = await repository.findReferences(
    db,
    items.flatMap((i) => (i.householdId ? [i.householdId] : [])),
  );
  return items.map((i) => ({
    ...i,
    householdReference: i.householdId ? (references.get(i.householdId) ?? null) : null,
  }));
}

/** The current heads of many households, in one read. */
export const currentHeadsOf = repository.findCurrentHeads;
