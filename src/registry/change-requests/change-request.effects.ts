import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import { DomainError } from '../../platform/errors.ts';
import { getMahalla } from '../../territory/territory.service.ts';
import { nameKey } from '../name-key.ts';
import { assertPinflAgrees, createPerson } from '../persons/person.service.ts';
import type { HouseholdRecord, MembershipRecord, PersonRecord } from './change-request.repository.ts';
import * as repository from './change-request.repository.ts';
import type {
  AddMemberPayload,
  ChangeHeadPayload,
  ChangeRequestPayload,
  ChangeResult,
  CorrectPersonalDataPayload,
  MergeHouseholdsPayload,
  Relationship,
  Relationships,
  RemoveMemberPayload,
  SplitHouseholdPayload,
} from './change-request.schemas.ts';

/**
 * What each type of change request does to the registry. Every function validates against the state
 * inside the caller's transaction, throws a DomainError before or while writing (the caller's rollback
 * then undoes any partial write), and records what it did.
 *
 * Membership history is append-only: a change ends the open period (valid_to = effective date) and
 * starts a new one. Changes are applied in date order: a change may not take effect before the latest
 * recorded start or end of a period of the households and persons it touches, so "who lived here on
 * day D" never needs rewriting.
 */

export interface EffectContext {
  trx: Kysely<DB>;
  changeRequestId: string;
  source: string;
}

export interface Applied {
  result: ChangeResult;
  /** The person the request is about once applied (a newly registered member has an id only now). */
  personId: string | null;
}

/** The household and person a request names, for the change_request columns and list filters. */
export function subjectOf(payload: ChangeRequestPayload): {
  householdId: string | null;
  personId: string | null;
} {
  switch (payload.type) {
    case 'add_member':
      return {
        householdId: payload.householdId,
        personId: 'personId' in payload.person ? payload.person.personId : null,
      };
    case 'remove_member':
      return { householdId: payload.householdId, personId: payload.personId };
    case 'change_head':
      return { householdId: payload.householdId, personId: payload.newHeadPersonId };
    case 'split_household':
    case 'merge_households':
      return { householdId: payload.householdId, personId: null };
    case 'correct_personal_data':
      return { householdId: null, personId: payload.personId };
  }
}

export async function applyChange(ctx: EffectContext, payload: ChangeRequestPayload): Promise<Applied> {
  switch (payload.type) {
    case 'add_member':
      return addMember(ctx, payload);
    case 'remove_member':
      return removeMember(ctx, payload);
    case 'change_head':
      return changeHead(ctx, payload);
    case 'split_household':
      return splitHousehold(ctx, payload);
    case 'merge_households':
      return mergeHouseholds(ctx, payload);
    case 'correct_personal_data':
      return correctPersonalData(ctx, payload);
  }
}

// ---------------------------------------------------------------------------------------------------
// The six types

async function addMember(ctx: EffectContext, p: AddMemberPayload): Promise<Applied> {
  const { trx } = ctx;
  const date = p.effectiveDate;
  const [household] = await lockHouseholds(trx, [p.householdId]);
  assertOpenOn(household, date);

  const newPerson = 'personId' in p.person ? undefined : p.person;
  let existing: PersonRecord | undefined;
  if ('personId' in p.person) {
    existing = await lockPerson(trx, p.person.personId);
    assertCanJoin(existing, date);
    assertBornBy(existing.birthDate, date);
    const overlapping = await repository.membershipsOverlapping(trx, existing.id, date);
    const elsewhere = overlapping.find((m) => m.householdId !== household.id);
    if (elsewhere) {
      // Neither the other household nor its dates are named: it may lie outside the caller's areas.
      throw new DomainError('PERSON_IN_OTHER_HOUSEHOLD', { personId: existing.id });
    }
    if (overlapping.length > 0) {
      throw new DomainError('PERSON_ALREADY_MEMBER', { personId: existing.id, householdId: household.id });
    }
  } else {
    assertBornBy(p.person.birthDate, date);
    if (p.person.id && (await repository.personExists(trx, p.person.id))) {
      throw new DomainError('PERSON_ID_TAKEN', { personId: p.person.id });
    }
  }
  await assertInDateOrder(trx, date, [household], existing ? [existing.id] : []);

  const members = await repository.openMemberships(trx, household.id);
  if (members.length === 0 && p.relationship !== 'head') {
    throw new DomainError('HOUSEHOLD_HEAD_REQUIRED', { householdId: household.id });
  }
  if (members.length > 0 && p.relationship === 'head') {
    throw new DomainError('HEAD_ALREADY_SET', { householdId: household.id });
  }

  const writer = new Writer(ctx);
  let personId = existing?.id;
  if (newPerson) {
    personId = (await createPerson(trx, newPerson)).id;
    writer.result.personsCreated.push(personId);
  }
  if (personId === undefined) throw new Error('add_member names neither an existing nor a new person');
  await writer.start(household.id, personId, p.relationship, date);
  return { result: writer.result, personId };
}

async function removeMember(ctx: EffectContext, p: RemoveMemberPayload): Promise<Applied> {
  const { trx } = ctx;
  const date = p.effectiveDate;
  if (p.reason !== 'died' && p.deathDate !== undefined) {
    throw invalid('deathDate is only given when the reason is died', { field: 'deathDate' });
  }
  const [household] = await lockHouseholds(trx, [p.householdId]);
  assertOpenOn(household, date);
  const members = await repository.openMemberships(trx, household.id);
  const leaving = memberOf(members, p.personId, household.id);
  const others = members.filter((m) => m.personId !== p.personId);
  const headLeaves = leaving.relationship === 'head';
  let newHead: MembershipRecord | undefined;
  if (p.newHeadPersonId !== undefined) {
    if (!headLeaves) {
      throw invalid('newHeadPersonId is only given when the head leaves', { field: 'newHeadPersonId' });
    }
    newHead = memberOf(others, p.newHeadPersonId, household.id);
  } else if (headLeaves && others.length > 0) {
    throw new DomainError('HEAD_REMOVAL_REQUIRES_NEW_HEAD', {
      householdId: household.id,
      remaining: others.map((m) => m.personId),
    });
  }
  await assertInDateOrder(trx, date, [household], [p.personId]);
  const persons = await lockPersons(trx, [p.personId, ...(newHead ? [newHead.personId] : [])]);
  if (newHead) assertCanJoin(required(persons, newHead.personId), date);

  let deathDate: string | undefined;
  const person = required(persons, p.personId);
  if (p.reason === 'died') {
    deathDate = p.deathDate ?? date;
    if (deathDate > date) throw invalid('deathDate is after the effective date', { field: 'deathDate' });
    if (deathDate < person.birthDate) {
      throw invalid('deathDate is before the birth date', { field: 'deathDate' });
    }
  }

  const writer = new Writer(ctx);
  await writer.end(leaving, date);
  if (newHead) {
    await writer.end(newHead, date);
    await writer.start(household.id, newHead.personId, 'head', date);
  }
  if (others.length === 0) await writer.dissolve(household.id, date);
  if (deathDate !== undefined && person.deathDate !== deathDate) {
    await writer.changePerson(person.id, { death_date: deathDate }, [
      { field: 'death_date', oldValue: person.deathDate, newValue: deathDate },
    ]);
  }
  return { result: writer.result, personId: p.personId };
}

async function changeHead(ctx: EffectContext, p: ChangeHeadPayload): Promise<Applied> {
  const { trx } = ctx;
  const date = p.effectiveDate;
  const [household] = await lockHouseholds(trx, [p.householdId]);
  assertOpenOn(household, date);
  const members = await repository.openMemberships(trx, household.id);
  const newHead = memberOf(members, p.newHeadPersonId, household.id);
  if (newHead.relationship === 'head') {
    throw invalid('this person is already the head', { field: 'newHeadPersonId' });
  }
  const formerHead = members.find((m) => m.relationship === 'head');
  const restated = restatements(
    members,
    p.relationships,
    [newHead.personId, formerHead?.personId],
    household.id,
  );
  await assertInDateOrder(trx, date, [household], []);
  const persons = await lockPersons(trx, [newHead.personId, ...restated.map((r) => r.row.personId)]);
  assertCanJoin(required(persons, newHead.personId), date);
  for (const { row } of restated) assertCanJoin(required(persons, row.personId), date);

  const writer = new Writer(ctx);
  const moves: Move[] = [
    ...(formerHead ? [{ row: formerHead, relationship: p.formerHeadRelationship }] : []),
    { row: newHead, relationship: 'head' },
    ...restated,
  ];
  await writer.restate(moves, household.id, date);
  return { result: writer.result, personId: newHead.personId };
}

async function splitHousehold(ctx: EffectContext, p: SplitHouseholdPayload): Promise<Applied> {
  const { trx } = ctx;
  const date = p.effectiveDate;
  if (new Set(p.personIds).size !== p.personIds.length) {
    throw invalid('personIds repeat a person', { field: 'personIds' });
  }
  if (!p.personIds.includes(p.newHeadPersonId)) {
    throw invalid('newHeadPersonId must be one of personIds', { field: 'newHeadPersonId' });
  }
  if (p.newHouseholdId === p.householdId) {
    throw invalid('newHouseholdId is the existing household', { field: 'newHouseholdId' });
  }
  const [household] = await lockHouseholds(trx, [p.householdId]);
  assertOpenOn(household, date);
  if (await repository.householdExists(trx, p.newHouseholdId)) {
    throw new DomainError('HOUSEHOLD_ID_TAKEN', { householdId: p.newHouseholdId });
  }
  const mahalla = await getMahalla(trx, p.mahallaCode);

  const members = await repository.openMemberships(trx, household.id);
  const leaving = p.personIds.map((id) => memberOf(members, id, household.id));
  const staying = members.filter((m) => !p.personIds.includes(m.personId));
  const formerHead = members.find((m) => m.relationship === 'head');
  const headLeaves = formerHead !== undefined && p.personIds.includes(formerHead.personId);
  let remainingHead: MembershipRecord | undefined;
  if (p.remainingHeadPersonId !== undefined) {
    if (!headLeaves) {
      throw invalid('remainingHeadPersonId is only given when the head leaves', {
        field: 'remainingHeadPersonId',
      });
    }
    remainingHead = memberOf(staying, p.remainingHeadPersonId, household.id);
  } else if (headLeaves && staying.length > 0) {
    throw new DomainError('HEAD_REMOVAL_REQUIRES_NEW_HEAD', {
      householdId: household.id,
      remaining: staying.map((m) => m.personId),
    });
  }
  const fixedHeads = [
    p.newHeadPersonId,
    remainingHead?.personId,
    headLeaves ? undefined : formerHead?.personId,
  ];
  const restated = restatements(members, p.relationships, fixedHeads, household.id);
  await assertInDateOrder(trx, date, [household], []);
  const persons = await lockPersons(trx, [
    ...p.personIds,
    ...(remainingHead ? [remainingHead.personId] : []),
  ]);
  for (const person of persons) assertCanJoin(person, date);

  const relationshipOf = (row: MembershipRecord): Relationship => {
    if (row.personId === p.newHeadPersonId) return 'head';
    return p.relationships?.[row.personId] ?? (row.relationship === 'head' ? 'other' : row.relationship);
  };
  const writer = new Writer(ctx);
  await writer.createHousehold({
    id: p.newHouseholdId,
    districtCode: mahalla.districtCode,
    mahallaCode: mahalla.code,
    address: p.address,
    createdOn: date,
  });
  const stayingMoves: Move[] = [
    ...(remainingHead ? [{ row: remainingHead, relationship: 'head' as const }] : []),
    ...restated.filter((r) => !p.personIds.includes(r.row.personId)),
  ];
  // End every period first, then start the new ones: the head constraints hold statement by statement.
  for (const row of leaving) await writer.end(row, date);
  for (const move of stayingMoves) await writer.end(move.row, date);
  for (const row of leaving) await writer.start(p.newHouseholdId, row.personId, relationshipOf(row), date);
  for (const move of stayingMoves) {
    await writer.start(household.id, move.row.personId, move.relationship, date);
  }
  if (staying.length === 0) await writer.dissolve(household.id, date);
  return { result: writer.result, personId: null };
}

async function mergeHouseholds(ctx: EffectContext, p: MergeHouseholdsPayload): Promise<Applied> {
  const { trx } = ctx;
  const date = p.effectiveDate;
  if (p.householdId === p.sourceHouseholdId) {
    throw invalid('a household cannot be merged into itself', { field: 'sourceHouseholdId' });
  }
  const locked = await lockHouseholds(trx, [p.householdId, p.sourceHouseholdId]);
  const target = required(locked, p.householdId);
  const source = required(locked, p.sourceHouseholdId);
  assertOpenOn(target, date);
  assertOpenOn(source, date);
  const targetMembers = await repository.openMemberships(trx, target.id);
  if (targetMembers.length === 0) {
    throw new DomainError('HOUSEHOLD_HEAD_REQUIRED', { householdId: target.id });
  }
  const sourceMembers = await repository.openMemberships(trx, source.id);
  for (const personId of Object.keys(p.relationships ?? {})) memberOf(sourceMembers, personId, source.id);
  await assertInDateOrder(trx, date, [target, source], []);
  const persons = await lockPersons(
    trx,
    sourceMembers.map((m) => m.personId),
  );
  for (const person of persons) assertCanJoin(person, date);

  const writer = new Writer(ctx);
  for (const row of sourceMembers) await writer.end(row, date);
  for (const row of sourceMembers) {
    const relationship =
      p.relationships?.[row.personId] ?? (row.relationship === 'head' ? 'other' : row.relationship);
    await writer.start(target.id, row.personId, relationship, date);
  }
  await writer.dissolve(source.id, date);
  return { result: writer.result, personId: null };
}

async function correctPersonalData(ctx: EffectContext, p: CorrectPersonalDataPayload): Promise<Applied> {
  const { trx } = ctx;
  const person = await lockPerson(trx, p.personId);
  if (person.mergedInto !== null) {
    throw new DomainError('PERSON_MERGED', { personId: person.id, mergedInto: person.mergedInto });
  }
  await assertInDateOrder(trx, p.effectiveDate, [], [person.id]);
  const c = p.changes;
  const next = {
    lastName: c.lastName ?? person.lastName,
    firstName: c.firstName ?? person.firstName,
    patronymic: c.patronymic === undefined ? person.patronymic : c.patronymic,
    birthDate: c.birthDate ?? person.birthDate,
    sex: c.sex ?? person.sex,
    phone: c.phone === undefined ? person.phone : c.phone,
    pinfl: c.pinfl ?? person.pinfl,
  };
  const update: repository.PersonUpdate = {};
  const history: HistoryEntry[] = [];
  const compare = <K extends keyof typeof next>(key: K, column: keyof repository.PersonUpdate) => {
    if (next[key] === person[key]) return;
    history.push({ field: column, oldValue: person[key], newValue: next[key] });
    Object.assign(update, { [column]: next[key] });
  };
  compare('lastName', 'last_name');
  compare('firstName', 'first_name');
  compare('patronymic', 'patronymic');
  compare('birthDate', 'birth_date');
  compare('sex', 'sex');
  compare('phone', 'phone');
  compare('pinfl', 'pinfl');

  const changed = new Set(history.map((h) => h.field));
  if (changed.has('birth_date')) {
    if (next.birthDate > today()) throw invalid('birth date is in the future', { field: 'birthDate' });
    if (person.deathDate !== null && person.deathDate < next.birthDate) {
      throw invalid('birth date is after the death date', { field: 'birthDate' });
    }
  }
  // The identity facts are checked together whenever one of them changes; a name fix leaves them alone.
  if (next.pinfl !== null && (changed.has('pinfl') || changed.has('birth_date') || changed.has('sex'))) {
    assertPinflAgrees(next.pinfl, next);
  }
  if (next.pinfl !== null && changed.has('pinfl')) {
    const holder = await repository.findPersonIdByPinfl(trx, next.pinfl);
    // The holder is not named: they may live outside the caller's areas.
    if (holder !== undefined && holder !== person.id)
      throw new DomainError('PINFL_TAKEN', { field: 'pinfl' });
  }
  if (changed.has('last_name') || changed.has('first_name') || changed.has('patronymic')) {
    update.name_key = nameKey(next.lastName, next.firstName, next.patronymic);
  }

  const writer = new Writer(ctx);
  if (history.length > 0) await writer.changePerson(person.id, update, history);
  return { result: writer.result, personId: person.id };
}

// ---------------------------------------------------------------------------------------------------
// Checks

const today = () => new Date().toISOString().slice(0, 10);

function invalid(reason: string, details: Record<string, unknown> = {}): DomainError {
  return new DomainError('VALIDATION_FAILED', { reason, ...details });
}

function required<T extends { id: string }>(items: readonly T[], id: string): T {
  const item = items.find((i) => i.id === id);
  if (!item) throw new Error(`${id} was checked but not loaded`);
  return item;
}

/** Locks the households, in id order; any unknown id is a 404. */
async function lockHouseholds(
  trx: Kysely<DB>,
  ids: readonly [string, ...string[]],
): Promise<[HouseholdRecord, ...HouseholdRecord[]]> {
  const found = await repository.lockHouseholds(trx, ids);
  const missing = ids.find((id) => !found.some((h) => h.id === id));
  if (missing !== undefined) throw new DomainError('HOUSEHOLD_NOT_FOUND', { householdId: missing });
  return ids.map((id) => required(found, id)) as [HouseholdRecord, ...HouseholdRecord[]];
}

async function lockPersons(trx: Kysely<DB>, ids: readonly string[]): Promise<PersonRecord[]> {
  const found = await repository.lockPersons(trx, ids);
  const missing = ids.find((id) => !found.some((f) => f.id === id));
  if (missing !== undefined) throw new DomainError('PERSON_NOT_FOUND', { personId: missing });
  return found;
}

async function lockPerson(trx: Kysely<DB>, id: string): Promise<PersonRecord> {
  return required(await lockPersons(trx, [id]), id);
}

function assertOpenOn(household: HouseholdRecord, date: string): void {
  if (household.dissolvedOn !== null && household.dissolvedOn <= date) {
    throw new DomainError('HOUSEHOLD_DISSOLVED', {
      householdId: household.id,
      dissolvedOn: household.dissolvedOn,
    });
  }
}

/** A person who gains a membership period from `date`: a live record, not one merged into another. */
function assertCanJoin(person: PersonRecord, date: string): void {
  if (person.mergedInto !== null) {
    throw new DomainError('PERSON_MERGED', { personId: person.id, mergedInto: person.mergedInto });
  }
  if (person.deathDate !== null && person.deathDate <= date) {
    throw new DomainError('PERSON_DECEASED', { personId: person.id, deathDate: person.deathDate });
  }
}

function assertBornBy(birthDate: string, date: string): void {
  if (date < birthDate) {
    throw invalid('the effective date is before the birth date', { field: 'effectiveDate' });
  }
}

async function assertInDateOrder(
  trx: Kysely<DB>,
  date: string,
  households: readonly HouseholdRecord[],
  personIds: readonly string[],
): Promise<void> {
  const dates = households.flatMap((h) => [h.createdOn, h.dissolvedOn ?? h.createdOn]);
  const recorded = await repository.latestMembershipDate(trx, {
    householdIds: households.map((h) => h.id),
    personIds,
  });
  if (recorded !== null) dates.push(recorded);
  const latest = dates.reduce<string | null>((max, d) => (max === null || d > max ? d : max), null);
  if (latest !== null && date < latest) {
    throw new DomainError('EFFECTIVE_DATE_BEFORE_HISTORY', {
      effectiveDate: date,
      latestRecordedDate: latest,
    });
  }
}

function memberOf(
  members: readonly MembershipRecord[],
  personId: string,
  householdId: string,
): MembershipRecord {
  const row = members.find((m) => m.personId === personId);
  if (!row) throw new DomainError('PERSON_NOT_MEMBER', { personId, householdId });
  return row;
}

interface Move {
  row: MembershipRecord;
  relationship: Relationship;
}

/**
 * The restated relationships that actually change something. Heads (old or new) are named by their own
 * fields, not restated; everyone restated must be a current member.
 */
function restatements(
  members: readonly MembershipRecord[],
  relationships: Relationships | undefined,
  heads: readonly (string | undefined)[],
  householdId: string,
): Move[] {
  const moves: Move[] = [];
  for (const [personId, relationship] of Object.entries(relationships ?? {})) {
    const row = memberOf(members, personId, householdId);
    if (heads.includes(personId)) {
      throw invalid("a head's relationship is set by the head fields, not restated", {
        field: 'relationships',
        personId,
      });
    }
    if (row.relationship !== relationship) moves.push({ row, relationship });
  }
  return moves;
}

// ---------------------------------------------------------------------------------------------------
// Writes, recorded in the result

interface HistoryEntry {
  field: string;
  oldValue: string | null;
  newValue: string | null;
}

class Writer {
  readonly result: ChangeResult = {
    membershipsEnded: [],
    membershipsCreated: [],
    householdsCreated: [],
    householdsDissolved: [],
    personsCreated: [],
    personChanges: [],
  };

  constructor(private readonly ctx: EffectContext) {}

  async end(row: MembershipRecord, date: string): Promise<void> {
    // Ending a period on the day it began would leave an empty period: history would lose that day's record.
    if (row.validFrom >= date) {
      throw new DomainError('MEMBERSHIP_PERIOD_EMPTY', { personId: row.personId, validFrom: row.validFrom });
    }
    await repository.endMembership(this.ctx.trx, row.id, date);
    this.result.membershipsEnded.push({
      membershipId: row.id,
      householdId: row.householdId,
      personId: row.personId,
      relationship: row.relationship,
      date,
    });
  }

  async start(
    householdId: string,
    personId: string,
    relationship: Relationship,
    date: string,
  ): Promise<void> {
    const membershipId = await repository.insertMembership(this.ctx.trx, {
      householdId,
      personId,
      relationship,
      validFrom: date,
      source: this.ctx.source,
      changeRequestId: this.ctx.changeRequestId,
    });
    this.result.membershipsCreated.push({ membershipId, householdId, personId, relationship, date });
  }

  /** Ends and restarts each period with its new relationship; ends first so one head at a time holds. */
  async restate(moves: readonly Move[], householdId: string, date: string): Promise<void> {
    for (const move of moves) await this.end(move.row, date);
    for (const move of moves) await this.start(householdId, move.row.personId, move.relationship, date);
  }

  async createHousehold(household: {
    id: string;
    districtCode: string;
    mahallaCode: string;
    address: string;
    createdOn: string;
  }): Promise<void> {
    await repository.insertHousehold(this.ctx.trx, {
      ...household,
      source: this.ctx.source,
      sourceRef: `change_request:${this.ctx.changeRequestId}`,
    });
    this.result.householdsCreated.push(household.id);
  }

  async dissolve(householdId: string, date: string): Promise<void> {
    await repository.dissolveHousehold(this.ctx.trx, householdId, date);
    this.result.householdsDissolved.push(householdId);
  }

  async changePerson(
    personId: string,
    update: repository.PersonUpdate,
    history: HistoryEntry[],
  ): Promise<void> {
    await repository.updatePerson(this.ctx.trx, personId, update);
    await repository.insertPersonHistory(
      this.ctx.trx,
      history.map((h) => ({
        ...h,
        personId,
        changeRequestId: this.ctx.changeRequestId,
        source: this.ctx.source,
      })),
    );
    for (const h of history) this.result.personChanges.push({ personId, ...h });
  }
}
