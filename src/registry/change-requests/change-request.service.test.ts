import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import type { DB } from '../../platform/db/schema.ts';
import type { ErrorCode } from '../../platform/errors.ts';
import type { PersonalDataChanges, SubmitChangeRequestInput } from './change-request.schemas.ts';
import {
  applyChangeRequest,
  getChangeRequest,
  listChangeRequests,
  membersOn,
  rejectChangeRequest,
  submitChangeRequest,
} from './change-request.service.ts';
import { createFactory, type Factory, snapshot } from './test-factory.ts';

let testDb: TestDatabase;
let db: Kysely<DB>;
let make: Factory;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.database.db;
  make = createFactory(db);
});
afterAll(async () => {
  await testDb?.cleanup();
});

const submit = (input: SubmitChangeRequestInput, actor = 'worker-1') => submitChangeRequest(db, input, actor);
type WithoutEnvelope<T> = T extends unknown ? Omit<T, 'id' | 'apply'> : never;
const applyNow = async (input: WithoutEnvelope<SubmitChangeRequestInput>) =>
  (await submit({ ...input, id: randomUUID(), apply: true })).request;

/** Asserts the action fails with `code` and that no row of the registry changed. */
async function expectRefused(code: ErrorCode, action: () => Promise<unknown>): Promise<void> {
  const before = await snapshot(db);
  await expect(action()).rejects.toMatchObject({ code });
  expect(await snapshot(db)).toEqual(before);
}

const who = async (householdId: string, date: string) =>
  (await membersOn(db, householdId, date)).map((m) => `${m.personId}:${m.relationship}`).sort();

const householdRow = (id: string) =>
  db.selectFrom('household').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const personRow = (id: string) =>
  db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const membershipsOf = (personId: string) =>
  db.selectFrom('membership').selectAll().where('person_id', '=', personId).orderBy('valid_from').execute();

describe('add_member', () => {
  it('adds an existing person and records the period', async () => {
    const h = await make.household();
    const p = await make.person();
    const request = await applyNow({
      type: 'add_member',
      householdId: h.id,
      person: { personId: p },
      relationship: 'parent',
      effectiveDate: '2023-03-01',
    });
    expect(request).toMatchObject({ status: 'applied', type: 'add_member', householdId: h.id, personId: p });
    expect(request.submittedBy).toBe('worker-1');
    expect(request.decidedBy).toBe('worker-1');
    expect(request.result?.membershipsCreated).toEqual([
      expect.objectContaining({ householdId: h.id, personId: p, relationship: 'parent', date: '2023-03-01' }),
    ]);
    expect(await who(h.id, '2023-02-28')).not.toContain(`${p}:parent`);
    expect(await who(h.id, '2023-03-01')).toContain(`${p}:parent`);
    const rows = await membershipsOf(p);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.change_request_id).toBe(request.id);
  });

  it('registers a new person in the same transaction', async () => {
    const h = await make.household();
    const pinfl = make.pinfl('2023-02-10', 'F');
    const request = await applyNow({
      type: 'add_member',
      householdId: h.id,
      person: { lastName: 'Karimova', firstName: 'Oysha', sex: 'F', birthDate: '2023-02-10', pinfl },
      relationship: 'grandchild',
      effectiveDate: '2023-02-10',
    });
    const [created] = request.result?.personsCreated ?? [];
    expect(created).toBeDefined();
    expect(request.personId).toBe(created);
    const person = await personRow(created ?? '');
    expect(person).toMatchObject({ pinfl, first_name: 'Oysha', birth_date: '2023-02-10' });
  });

  it('refuses a malformed or disagreeing PINFL and a PINFL already taken, changing nothing', async () => {
    const h = await make.household();
    const newPerson = {
      lastName: 'Karimova',
      firstName: 'Oysha',
      sex: 'F' as const,
      birthDate: '2023-02-10',
    };
    const base = { type: 'add_member' as const, householdId: h.id, relationship: 'child' as const };
    const good = make.pinfl('2023-02-10', 'F');
    const badCheckDigit = `${good.slice(0, 13)}${(Number(good[13]) + 1) % 10}`;
    await expectRefused('PINFL_INVALID', () =>
      applyNow({ ...base, person: { ...newPerson, pinfl: badCheckDigit }, effectiveDate: '2023-02-10' }),
    );
    await expectRefused('VALIDATION_FAILED', () =>
      applyNow({ ...base, person: { ...newPerson, pinfl: '1234' }, effectiveDate: '2023-02-10' }),
    );
    await expectRefused('PINFL_MISMATCH', () =>
      applyNow({
        ...base,
        person: { ...newPerson, pinfl: make.pinfl('2023-02-11', 'F') },
        effectiveDate: '2023-02-10',
      }),
    );
    const holder = await personRow(h.headId);
    await expectRefused('PINFL_TAKEN', () =>
      applyNow({
        ...base,
        person: { ...newPerson, birthDate: holder.birth_date, sex: holder.sex, pinfl: holder.pinfl ?? '' },
        effectiveDate: '2023-02-10',
      }),
    );
  });

  it('refuses a person who lives in another household on that date', async () => {
    const h1 = await make.household();
    const h2 = await make.household();
    const movingChild = h2.memberIds[2] ?? '';
    await expectRefused('PERSON_IN_OTHER_HOUSEHOLD', () =>
      applyNow({
        type: 'add_member',
        householdId: h1.id,
        person: { personId: movingChild },
        relationship: 'child',
        effectiveDate: '2024-01-01',
      }),
    );
    // Also when the other period has ended, but only after the date asked for.
    await applyNow({
      type: 'remove_member',
      householdId: h2.id,
      personId: movingChild,
      reason: 'moved',
      effectiveDate: '2024-06-01',
    });
    await expectRefused('PERSON_IN_OTHER_HOUSEHOLD', () =>
      applyNow({
        type: 'add_member',
        householdId: h1.id,
        person: { personId: movingChild },
        relationship: 'child',
        effectiveDate: '2024-05-01',
      }),
    );
    await applyNow({
      type: 'add_member',
      householdId: h1.id,
      person: { personId: movingChild },
      relationship: 'grandchild',
      effectiveDate: '2024-06-01',
    });
    expect(await who(h2.id, '2024-05-31')).toContain(`${movingChild}:child`);
    expect(await who(h1.id, '2024-05-31')).not.toContain(`${movingChild}:grandchild`);
    expect(await who(h1.id, '2024-06-01')).toContain(`${movingChild}:grandchild`);
    expect(await who(h2.id, '2024-06-01')).not.toContain(`${movingChild}:child`);
  });

  it('refuses a second head, an existing member, a deceased person, a dissolved household and old dates', async () => {
    const h = await make.household();
    const p = await make.person();
    const add = (
      overrides: Partial<{ personId: string; relationship: 'head' | 'child'; effectiveDate: string }>,
    ) =>
      applyNow({
        type: 'add_member',
        householdId: h.id,
        person: { personId: overrides.personId ?? p },
        relationship: overrides.relationship ?? 'child',
        effectiveDate: overrides.effectiveDate ?? '2024-01-01',
      });
    await expectRefused('HEAD_ALREADY_SET', () => add({ relationship: 'head' }));
    await expectRefused('PERSON_ALREADY_MEMBER', () => add({ personId: h.memberIds[1] ?? '' }));
    const dead = await make.person({ deathDate: '2021-01-01' });
    await expectRefused('PERSON_DECEASED', () => add({ personId: dead }));
    await expectRefused('EFFECTIVE_DATE_BEFORE_HISTORY', () => add({ effectiveDate: '2019-12-31' }));
    await expectRefused('PERSON_NOT_FOUND', () => add({ personId: randomUUID() }));
    await expectRefused('HOUSEHOLD_NOT_FOUND', () =>
      applyNow({
        type: 'add_member',
        householdId: randomUUID(),
        person: { personId: p },
        relationship: 'child',
        effectiveDate: '2024-01-01',
      }),
    );

    const single = await make.household({ members: ['head'] });
    await applyNow({
      type: 'remove_member',
      householdId: single.id,
      personId: single.headId,
      reason: 'moved',
      effectiveDate: '2022-01-01',
    });
    expect((await householdRow(single.id)).dissolved_on).toBe('2022-01-01');
    await expectRefused('HOUSEHOLD_DISSOLVED', () =>
      applyNow({
        type: 'add_member',
        householdId: single.id,
        person: { personId: p },
        relationship: 'head',
        effectiveDate: '2022-02-01',
      }),
    );
  });
});

describe('remove_member', () => {
  it('ends the period of a member who moves out, keeping history', async () => {
    const h = await make.household();
    const child = h.memberIds[2] ?? '';
    const request = await applyNow({
      type: 'remove_member',
      householdId: h.id,
      personId: child,
      reason: 'moved',
      effectiveDate: '2024-09-01',
    });
    expect(request.result?.membershipsEnded).toEqual([
      expect.objectContaining({ personId: child, householdId: h.id, date: '2024-09-01' }),
    ]);
    const rows = await membershipsOf(child);
    expect(rows).toMatchObject([{ valid_from: '2020-01-01', valid_to: '2024-09-01' }]);
    expect(await who(h.id, '2024-08-31')).toHaveLength(3);
    expect(await who(h.id, '2024-09-01')).toHaveLength(2);
  });

  it('refuses to remove the head while others remain unless a new head is named', async () => {
    const h = await make.household();
    await expectRefused('HEAD_REMOVAL_REQUIRES_NEW_HEAD', () =>
      applyNow({
        type: 'remove_member',
        householdId: h.id,
        personId: h.headId,
        reason: 'moved',
        effectiveDate: '2024-01-01',
      }),
    );
    await expectRefused('PERSON_NOT_MEMBER', () =>
      applyNow({
        type: 'remove_member',
        householdId: h.id,
        personId: h.headId,
        reason: 'moved',
        effectiveDate: '2024-01-01',
        newHeadPersonId: randomUUID(),
      }),
    );
    const spouse = h.memberIds[1] ?? '';
    await applyNow({
      type: 'remove_member',
      householdId: h.id,
      personId: h.headId,
      reason: 'moved',
      effectiveDate: '2024-01-01',
      newHeadPersonId: spouse,
    });
    expect(await who(h.id, '2023-12-31')).toEqual(
      [`${h.headId}:head`, `${spouse}:spouse`, `${h.memberIds[2]}:child`].sort(),
    );
    expect(await who(h.id, '2024-01-01')).toEqual([`${spouse}:head`, `${h.memberIds[2]}:child`].sort());
  });

  it('records a death and dissolves the household when the last member leaves', async () => {
    const h = await make.household({ members: ['head'] });
    const request = await applyNow({
      type: 'remove_member',
      householdId: h.id,
      personId: h.headId,
      reason: 'died',
      deathDate: '2024-02-03',
      effectiveDate: '2024-02-05',
    });
    expect(request.result?.householdsDissolved).toEqual([h.id]);
    expect((await householdRow(h.id)).dissolved_on).toBe('2024-02-05');
    expect((await personRow(h.headId)).death_date).toBe('2024-02-03');
    const history = await db
      .selectFrom('person_history')
      .selectAll()
      .where('person_id', '=', h.headId)
      .execute();
    expect(history).toMatchObject([
      { field: 'death_date', old_value: null, new_value: '2024-02-03', change_request_id: request.id },
    ]);
    expect(await who(h.id, '2024-02-05')).toEqual([]);
  });

  it('refuses non-members, a removal on the day the period began, and a death date after the effective date', async () => {
    const h = await make.household();
    const stranger = await make.person();
    await expectRefused('PERSON_NOT_MEMBER', () =>
      applyNow({
        type: 'remove_member',
        householdId: h.id,
        personId: stranger,
        reason: 'moved',
        effectiveDate: '2024-01-01',
      }),
    );
    await expectRefused('MEMBERSHIP_PERIOD_EMPTY', () =>
      applyNow({
        type: 'remove_member',
        householdId: h.id,
        personId: h.memberIds[2] ?? '',
        reason: 'moved',
        effectiveDate: '2020-01-01',
      }),
    );
    await expectRefused('VALIDATION_FAILED', () =>
      applyNow({
        type: 'remove_member',
        householdId: h.id,
        personId: h.memberIds[2] ?? '',
        reason: 'died',
        deathDate: '2024-01-02',
        effectiveDate: '2024-01-01',
      }),
    );
  });
});

describe('change_head', () => {
  it('makes another member the head and restates relationships', async () => {
    const h = await make.household({ members: ['head', 'spouse', 'child', 'child_in_law'] });
    const [oldHead, spouse, son, daughterInLaw] = h.memberIds;
    const request = await applyNow({
      type: 'change_head',
      householdId: h.id,
      newHeadPersonId: son ?? '',
      formerHeadRelationship: 'parent',
      relationships: { [spouse ?? '']: 'parent', [daughterInLaw ?? '']: 'spouse' },
      effectiveDate: '2024-04-01',
    });
    expect(request.result?.membershipsEnded).toHaveLength(4);
    expect(await who(h.id, '2024-03-31')).toEqual(
      [`${oldHead}:head`, `${spouse}:spouse`, `${son}:child`, `${daughterInLaw}:child_in_law`].sort(),
    );
    expect(await who(h.id, '2024-04-01')).toEqual(
      [`${oldHead}:parent`, `${spouse}:parent`, `${son}:head`, `${daughterInLaw}:spouse`].sort(),
    );
  });

  it('refuses a new head who is not a member, and a restatement of a head', async () => {
    const h = await make.household();
    const other = await make.household();
    await expectRefused('PERSON_NOT_MEMBER', () =>
      applyNow({
        type: 'change_head',
        householdId: h.id,
        newHeadPersonId: other.memberIds[1] ?? '',
        formerHeadRelationship: 'spouse',
        effectiveDate: '2024-01-01',
      }),
    );
    await expectRefused('VALIDATION_FAILED', () =>
      applyNow({
        type: 'change_head',
        householdId: h.id,
        newHeadPersonId: h.memberIds[1] ?? '',
        formerHeadRelationship: 'spouse',
        relationships: { [h.headId]: 'other' },
        effectiveDate: '2024-01-01',
      }),
    );
  });
});

describe('split_household', () => {
  it('creates the new household and moves the members', async () => {
    const h = await make.household({ members: ['head', 'spouse', 'child', 'child_in_law'] });
    const [head, spouse, son, wife] = h.memberIds;
    const mahalla = await make.someMahalla();
    const newHouseholdId = randomUUID();
    const request = await applyNow({
      type: 'split_household',
      householdId: h.id,
      newHouseholdId,
      personIds: [son ?? '', wife ?? ''],
      newHeadPersonId: son ?? '',
      relationships: { [wife ?? '']: 'spouse' },
      mahallaCode: mahalla.code,
      address: 'Al-Xorazmiy ko`chasi 12',
      effectiveDate: '2024-05-01',
    });
    expect(request.result?.householdsCreated).toEqual([newHouseholdId]);
    expect(await householdRow(newHouseholdId)).toMatchObject({
      created_on: '2024-05-01',
      mahalla_code: mahalla.code,
      district_code: mahalla.district_code,
      dissolved_on: null,
    });
    expect(await who(h.id, '2024-05-01')).toEqual([`${head}:head`, `${spouse}:spouse`].sort());
    expect(await who(newHouseholdId, '2024-05-01')).toEqual([`${son}:head`, `${wife}:spouse`].sort());
    expect(await who(newHouseholdId, '2024-04-30')).toEqual([]);
    expect(await who(h.id, '2024-04-30')).toHaveLength(4);
  });

  it('needs a remaining head when the head leaves, and a known mahalla', async () => {
    const h = await make.household();
    const [head, spouse, child] = h.memberIds;
    const mahalla = await make.someMahalla();
    const split = {
      type: 'split_household' as const,
      householdId: h.id,
      newHouseholdId: randomUUID(),
      personIds: [head ?? '', spouse ?? ''],
      newHeadPersonId: head ?? '',
      mahallaCode: mahalla.code,
      address: 'Gurlan, Navoiy 3',
      effectiveDate: '2024-05-01',
    };
    await expectRefused('HEAD_REMOVAL_REQUIRES_NEW_HEAD', () => applyNow(split));
    await expectRefused('MAHALLA_UNKNOWN', () =>
      applyNow({ ...split, mahallaCode: '1733999999', remainingHeadPersonId: child }),
    );
    const taken = await make.household();
    await expectRefused('HOUSEHOLD_ID_TAKEN', () =>
      applyNow({ ...split, newHouseholdId: taken.id, remainingHeadPersonId: child }),
    );
    await applyNow({ ...split, remainingHeadPersonId: child });
    expect(await who(h.id, '2024-05-01')).toEqual([`${child}:head`]);
    expect(await who(split.newHouseholdId, '2024-05-01')).toEqual(
      [`${head}:head`, `${spouse}:spouse`].sort(),
    );
  });
});

describe('merge_households', () => {
  it('moves every member of the source and dissolves it', async () => {
    const target = await make.household({ members: ['head', 'spouse'] });
    const source = await make.household({ members: ['head', 'child'] });
    const [sourceHead, sourceChild] = source.memberIds;
    const request = await applyNow({
      type: 'merge_households',
      householdId: target.id,
      sourceHouseholdId: source.id,
      relationships: { [sourceChild ?? '']: 'grandchild' },
      effectiveDate: '2024-07-01',
    });
    expect(request.result?.householdsDissolved).toEqual([source.id]);
    expect((await householdRow(source.id)).dissolved_on).toBe('2024-07-01');
    expect(await who(target.id, '2024-07-01')).toEqual(
      [
        `${target.headId}:head`,
        `${target.memberIds[1]}:spouse`,
        `${sourceHead}:other`,
        `${sourceChild}:grandchild`,
      ].sort(),
    );
    expect(await who(source.id, '2024-06-30')).toHaveLength(2);
    expect(await who(source.id, '2024-07-01')).toEqual([]);
  });

  it('refuses merging a household into itself or into a dissolved one', async () => {
    const h = await make.household();
    await expectRefused('VALIDATION_FAILED', () =>
      applyNow({
        type: 'merge_households',
        householdId: h.id,
        sourceHouseholdId: h.id,
        effectiveDate: '2024-01-01',
      }),
    );
    const gone = await make.household({ members: ['head'] });
    await applyNow({
      type: 'remove_member',
      householdId: gone.id,
      personId: gone.headId,
      reason: 'moved',
      effectiveDate: '2023-01-01',
    });
    await expectRefused('HOUSEHOLD_DISSOLVED', () =>
      applyNow({
        type: 'merge_households',
        householdId: gone.id,
        sourceHouseholdId: h.id,
        effectiveDate: '2024-01-01',
      }),
    );
  });
});

describe('correct_personal_data', () => {
  it('writes one history row per changed field and recomputes the name key', async () => {
    const p = await make.person({
      lastName: 'Karimov',
      firstName: 'Alisher',
      sex: 'M',
      birthDate: '1980-03-04',
    });
    const before = await personRow(p);
    const request = await applyNow({
      type: 'correct_personal_data',
      personId: p,
      changes: { lastName: 'Rahimov', firstName: 'Alisher', phone: '+998901234567' },
      effectiveDate: '2024-01-01',
    });
    const after = await personRow(p);
    expect(after).toMatchObject({ last_name: 'Rahimov', phone: '+998901234567' });
    expect(after.name_key).not.toBe(before.name_key);
    const history = await db
      .selectFrom('person_history')
      .select(['field', 'old_value', 'new_value', 'change_request_id', 'source'])
      .where('person_id', '=', p)
      .orderBy('field')
      .execute();
    expect(history).toEqual([
      {
        field: 'last_name',
        old_value: 'Karimov',
        new_value: 'Rahimov',
        change_request_id: request.id,
        source: 'social_worker',
      },
      {
        field: 'phone',
        old_value: null,
        new_value: '+998901234567',
        change_request_id: request.id,
        source: 'social_worker',
      },
    ]);
  });

  it('corrects birth date and PINFL together, and refuses disagreeing or taken PINFLs', async () => {
    const p = await make.person({ sex: 'F', birthDate: '1990-01-01' });
    const other = await personRow(await make.person());
    const fixed = make.pinfl('1990-01-02', 'F');
    const correct = (changes: PersonalDataChanges) =>
      applyNow({ type: 'correct_personal_data', personId: p, changes, effectiveDate: '2024-01-01' });
    await expectRefused('PINFL_MISMATCH', () => correct({ pinfl: fixed }));
    await expectRefused('PINFL_MISMATCH', () => correct({ birthDate: '1990-01-03' }));
    await expectRefused('PINFL_INVALID', () =>
      correct({ birthDate: '1990-01-02', pinfl: `${fixed.slice(0, 13)}${(Number(fixed[13]) + 1) % 10}` }),
    );
    await expectRefused('VALIDATION_FAILED', () => correct({ pinfl: '12345' }));
    await expectRefused('PINFL_TAKEN', () =>
      correct({ pinfl: other.pinfl ?? '', birthDate: other.birth_date, sex: other.sex }),
    );
    await correct({ birthDate: '1990-01-02', pinfl: fixed });
    expect(await personRow(p)).toMatchObject({ birth_date: '1990-01-02', pinfl: fixed });
  });
});

describe('workflow', () => {
  it('stores a pending request, applies it once, then refuses a second decision', async () => {
    const h = await make.household();
    const p = await make.person();
    const id = randomUUID();
    const before = await snapshot(db);
    const { request, created } = await submit({
      id,
      type: 'add_member',
      householdId: h.id,
      person: { personId: p },
      relationship: 'sibling',
      effectiveDate: '2024-02-01',
    });
    expect(created).toBe(true);
    expect(request).toMatchObject({ status: 'pending', result: null, decidedBy: null });
    const after = await snapshot(db);
    expect(after.membership).toEqual(before.membership);
    expect(after.change_request).toHaveLength((before.change_request?.length ?? 0) + 1);

    const applied = await applyChangeRequest(db, id, 'supervisor');
    expect(applied).toMatchObject({ status: 'applied', decidedBy: 'supervisor', submittedBy: 'worker-1' });
    expect(await who(h.id, '2024-02-01')).toContain(`${p}:sibling`);
    await expectRefused('CHANGE_REQUEST_NOT_PENDING', () => applyChangeRequest(db, id, 'supervisor'));
    await expectRefused('CHANGE_REQUEST_NOT_PENDING', () =>
      rejectChangeRequest(db, id, 'late', 'supervisor'),
    );
    await expectRefused('CHANGE_REQUEST_NOT_FOUND', () => applyChangeRequest(db, randomUUID(), 'supervisor'));
  });

  it('refuses an invalid request at submission without storing it', async () => {
    const h = await make.household();
    await expectRefused('HEAD_REMOVAL_REQUIRES_NEW_HEAD', () =>
      submit({
        id: randomUUID(),
        type: 'remove_member',
        householdId: h.id,
        personId: h.headId,
        reason: 'moved',
        effectiveDate: '2024-01-01',
      }),
    );
  });

  it('re-validates on apply: a pending request overtaken by events stays pending and changes nothing', async () => {
    const h1 = await make.household();
    const h2 = await make.household();
    const p = await make.person();
    const id = randomUUID();
    await submit({
      id,
      type: 'add_member',
      householdId: h1.id,
      person: { personId: p },
      relationship: 'other',
      effectiveDate: '2024-03-01',
    });
    await applyNow({
      type: 'add_member',
      householdId: h2.id,
      person: { personId: p },
      relationship: 'other',
      effectiveDate: '2024-02-01',
    });
    await expectRefused('PERSON_IN_OTHER_HOUSEHOLD', () => applyChangeRequest(db, id, 'supervisor'));
    expect((await getChangeRequest(db, id)).status).toBe('pending');
    const rejected = await rejectChangeRequest(db, id, 'The person moved elsewhere', 'supervisor');
    expect(rejected).toMatchObject({
      status: 'rejected',
      decisionNote: 'The person moved elsewhere',
      decidedBy: 'supervisor',
    });
  });

  it('answers a retry with the stored request and refuses the same id with another payload', async () => {
    const h = await make.household();
    const p = await make.person();
    const body: SubmitChangeRequestInput = {
      id: randomUUID(),
      type: 'add_member',
      householdId: h.id,
      person: { personId: p },
      relationship: 'other',
      effectiveDate: '2024-02-01',
      apply: true,
    };
    const first = await submit(body);
    expect(first.created).toBe(true);
    const memberships = await db.selectFrom('membership').selectAll().execute();
    const retry = await submitChangeRequest(db, { ...body, source: 'social_worker' }, 'worker-2');
    expect(retry.created).toBe(false);
    expect(retry.request).toEqual(first.request);
    expect(await db.selectFrom('membership').selectAll().execute()).toEqual(memberships);
    await expectRefused('CHANGE_REQUEST_CONFLICT', () => submit({ ...body, relationship: 'sibling' }));
  });

  it('serialises concurrent submissions: twins of one id, and one person sent into two households', async () => {
    const h1 = await make.household();
    const h2 = await make.household();
    const p = await make.person();
    const body: SubmitChangeRequestInput = {
      id: randomUUID(),
      type: 'add_member',
      householdId: h1.id,
      person: { personId: p },
      relationship: 'other',
      effectiveDate: '2024-02-01',
      apply: true,
    };
    const twins = await Promise.all([submit(body), submit(body), submit(body)]);
    expect(twins.map((t) => t.created).sort()).toEqual([false, false, true]);
    expect(await membershipsOf(p)).toHaveLength(1);

    const q = await make.person();
    const race = await Promise.allSettled(
      [h1.id, h2.id].map((householdId) =>
        applyNow({
          type: 'add_member',
          householdId,
          person: { personId: q },
          relationship: 'other',
          effectiveDate: '2024-03-01',
        }),
      ),
    );
    expect(race.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = race.find((r) => r.status === 'rejected');
    expect(refused?.status === 'rejected' && refused.reason).toMatchObject({
      code: 'PERSON_IN_OTHER_HOUSEHOLD',
    });
    expect(await membershipsOf(q)).toHaveLength(1);
  });

  it('answers "who lived in household H on date D" after a sequence of changes', async () => {
    const h = await make.household({ members: ['head', 'spouse', 'child', 'child'] });
    const [father, mother, son, daughter] = h.memberIds;
    const grandma = await make.person({ sex: 'F', birthDate: '1950-01-01' });
    const mahalla = await make.someMahalla();
    const sonsHousehold = randomUUID();
    await applyNow({
      type: 'add_member',
      householdId: h.id,
      person: { personId: grandma },
      relationship: 'parent',
      effectiveDate: '2021-01-01',
    });
    await applyNow({
      type: 'remove_member',
      householdId: h.id,
      personId: daughter ?? '',
      reason: 'moved',
      effectiveDate: '2022-06-01',
    });
    await applyNow({
      type: 'split_household',
      householdId: h.id,
      newHouseholdId: sonsHousehold,
      personIds: [son ?? ''],
      newHeadPersonId: son ?? '',
      mahallaCode: mahalla.code,
      address: 'Urganch, Mustaqillik 7',
      effectiveDate: '2023-01-01',
    });
    await applyNow({
      type: 'remove_member',
      householdId: h.id,
      personId: father ?? '',
      reason: 'died',
      newHeadPersonId: mother,
      effectiveDate: '2023-08-15',
    });
    await applyNow({
      type: 'merge_households',
      householdId: sonsHousehold,
      sourceHouseholdId: h.id,
      relationships: { [mother ?? '']: 'parent', [grandma]: 'grandparent' },
      effectiveDate: '2024-01-01',
    });

    expect(await who(h.id, '2019-12-31')).toEqual([]);
    expect(await who(h.id, '2020-06-01')).toEqual(
      [`${father}:head`, `${mother}:spouse`, `${son}:child`, `${daughter}:child`].sort(),
    );
    expect(await who(h.id, '2021-01-01')).toHaveLength(5);
    expect(await who(h.id, '2022-06-01')).toEqual(
      [`${father}:head`, `${mother}:spouse`, `${son}:child`, `${grandma}:parent`].sort(),
    );
    expect(await who(h.id, '2023-01-01')).toEqual(
      [`${father}:head`, `${mother}:spouse`, `${grandma}:parent`].sort(),
    );
    expect(await who(h.id, '2023-08-15')).toEqual([`${mother}:head`, `${grandma}:parent`].sort());
    expect(await who(h.id, '2024-01-01')).toEqual([]);
    expect(await who(sonsHousehold, '2023-12-31')).toEqual([`${son}:head`]);
    expect(await who(sonsHousehold, '2024-01-01')).toEqual(
      [`${son}:head`, `${mother}:parent`, `${grandma}:grandparent`].sort(),
    );
    expect((await personRow(father ?? '')).death_date).toBe('2023-08-15');
    // Out of date order: nothing before the last recorded change is accepted.
    await expectRefused('EFFECTIVE_DATE_BEFORE_HISTORY', () =>
      applyNow({
        type: 'remove_member',
        householdId: sonsHousehold,
        personId: grandma,
        reason: 'moved',
        effectiveDate: '2023-12-31',
      }),
    );

    const page = await listChangeRequests(
      db,
      { householdId: h.id },
      { page: 1, pageSize: 2 },
      { kind: 'all' },
    );
    expect(page.total).toBe(5);
    expect(page.items).toHaveLength(2);
    const splits = await listChangeRequests(
      db,
      { type: 'split_household', status: 'applied', householdId: sonsHousehold },
      { page: 1, pageSize: 50 },
      { kind: 'all' },
    );
    expect(splits.total).toBe(1);
  });
});
