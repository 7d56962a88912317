import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Scope } from '../../access/policies.ts';
import type { DB, PersonRow } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { khorezmToday } from '../../shared/khorezm-clock.ts';
import { nameKey } from '../name-key.ts';
import { checkPinflAgainst } from '../pinfl.ts';
import * as repository from './person.repository.ts';
import type { NewPersonInput } from './person.schemas.ts';

/** Throws PINFL_INVALID / PINFL_MISMATCH unless the PINFL is valid and agrees with birth date and sex. */
export function assertPinflAgrees(pinfl: string, person: { birthDate: string; sex: 'M' | 'F' }): void {
  const check = checkPinflAgainst(pinfl, person);
  if (check.ok) return;
  const mismatch = check.problem === 'birth_date' || check.problem === 'sex';
  throw new DomainError(mismatch ? 'PINFL_MISMATCH' : 'PINFL_INVALID', { problem: check.problem });
}

export async function getPerson(db: Kysely<DB>, id: string): Promise<PersonRow> {
  const person = await repository.findPerson(db, id);
  if (!person) throw new DomainError('PERSON_NOT_FOUND', { personId: id });
  return person;
}

export const findPerson = repository.findPerson;
/** The person with this PINFL, if any (other contexts find people through this service, not the repository). */
export const findPersonByPinfl = repository.findPersonByPinfl;

/**
 * Validates and inserts a new person inside the caller's transaction. A taken PINFL is a conflict,
 * reported before the database constraint would turn it into an opaque failure.
 */
export async function createPerson(
  trx: Kysely<DB>,
  input: NewPersonInput,
  sourceRef?: string,
): Promise<PersonRow> {
  // The Khorezm calendar decides what "in the future" means (it is a day ahead of UTC each evening).
  if (input.birthDate > khorezmToday()) {
    throw new DomainError('VALIDATION_FAILED', { field: 'birthDate', reason: 'birth date is in the future' });
  }
  if (input.pinfl) {
    assertPinflAgrees(input.pinfl, input);
    const holder = await repository.findPersonByPinfl(trx, input.pinfl);
    // Who holds the PINFL is not said: that person may live outside the caller's areas.
    if (holder) throw new DomainError('PINFL_TAKEN', { field: 'pinfl' });
  }
  const id = input.id ?? randomUUID();
  await repository.insertPerson(trx, {
    id,
    pinfl: input.pinfl ?? null,
    last_name: input.lastName,
    first_name: input.firstName,
    patronymic: input.patronymic ?? null,
    name_key: nameKey(input.lastName, input.firstName, input.patronymic),
    sex: input.sex,
    birth_date: input.birthDate,
    phone: input.phone ?? null,
    education: input.education ?? 'none',
    employment: input.employment ?? 'none',
    employment_sector: input.employmentSector ?? null,
    merged_into: null,
    source: input.source,
    source_ref: sourceRef ?? null,
    updated_at: new Date(),
  });
  return getPerson(trx, id);
}

const toPerson = (p: PersonRow) => ({
  id: p.id,
  pinfl: p.pinfl,
  lastName: p.last_name,
  firstName: p.first_name,
  patronymic: p.patronymic,
  sex: p.sex,
  birthDate: p.birth_date,
  deathDate: p.death_date,
  phone: p.phone,
  education: p.education,
  employment: p.employment,
  employmentSector: p.employment_sector,
  source: p.source,
});

export async function listPersons(
  db: Kysely<DB>,
  filters: repository.PersonFilters,
  page: { page: number; pageSize: number },
  scope: Scope,
) {
  const key = filters.name ? nameKey(filters.name) : undefined;
  const { rows, total } = await repository.listPersons(
    db,
    filters,
    key,
    page.pageSize,
    (page.page - 1) * page.pageSize,
    scope,
  );
  return { items: rows.map(toPerson), page: page.page, pageSize: page.pageSize, total };
}

/** The person with where they lived (dated periods) and every correction made to their data. */
export async function getPersonView(db: Kysely<DB>, id: string) {
  const person = await getPerson(db, id);
  const [memberships, history] = await Promise.all([
    repository.listPersonMemberships(db, id),
    repository.listPersonHistory(db, id),
  ]);
  return {
    ...toPerson(person),
    mergedInto: person.merged_into,
    memberships: memberships.map((m) => ({
      householdId: m.household_id,
      mahallaCode: m.mahalla_code,
      relationship: m.relationship,
      validFrom: m.valid_from,
      validTo: m.valid_to,
      source: m.source,
    })),
    history: history.map((h) => ({
      field: h.field,
      oldValue: h.old_value,
      newValue: h.new_value,
      changeRequestId: h.change_request_id,
      source: h.source,
      changedAt: h.changed_at.toISOString(),
    })),
  };
}

/** The signed-in citizen's summary (name, PINFL, language, household today); 404 for an unknown person. */
export async function getCitizenSummary(db: Kysely<DB>, personId: string) {
  const row = await repository.findCitizenSummary(db, personId);
  if (!row) throw new DomainError('PERSON_NOT_FOUND', { personId });
  return {
    pinfl: row.pinfl,
    firstName: row.first_name,
    lastName: row.last_name,
    preferredLanguage: row.preferred_language,
    householdId: row.household_id,
  };
}
