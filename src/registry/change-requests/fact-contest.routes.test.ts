import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/app.ts';
import { signInCitizen } from '../../../test/support/auth.ts';
import type { DB } from '../../platform/db/schema.ts';
import { createFactory, type Factory, type MadeHousehold } from './test-factory.ts';

const URL = '/api/change-requests/fact-contests';
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

let t: TestApp;
let db: Kysely<DB>;
let make: Factory;
let family: MadeHousehold;
let other: MadeHousehold;
let citizen: Record<string, string>;
let district: string;
let otherDistrict: string;

beforeAll(async () => {
  t = await createTestApp();
  db = t.database.db;
  make = createFactory(db);
  family = await make.household();
  other = await make.household();
  district = (await make.someMahalla()).district_code;
  const another = await db
    .selectFrom('district')
    .select('code')
    .where('code', '!=', district)
    .where('code', 'like', '1733%')
    .orderBy('code')
    .executeTakeFirstOrThrow();
  otherDistrict = another.code;
  // The head's wage from the tax committee; the spouse's income noted by a social worker.
  await db
    .insertInto('income')
    .values([
      {
        person_id: family.headId,
        kind: 'wage',
        monthly_amount: 2_400_000,
        valid_from: '2024-01-01',
        valid_to: null,
        source: 'tax',
      },
      {
        person_id: family.memberIds[1] ?? '',
        kind: 'other',
        monthly_amount: 300_000,
        valid_from: '2024-01-01',
        valid_to: null,
        source: 'social_worker',
      },
    ])
    .execute();
  await db
    .insertInto('vehicle')
    .values({
      owner_person_id: family.headId,
      plate: '90A123BC',
      make: 'Cobalt',
      model_year: 2021,
      source: 'vehicle_registry',
    })
    .execute();
  citizen = (await signInCitizen(db, t.config, family.headId)).headers;
}, 120_000);
afterAll(async () => {
  await t?.cleanup();
});

const contest = (payload: Record<string, unknown>, headers = citizen) =>
  t.app.inject({ method: 'POST', url: URL, headers, payload });

const officer = (name: string, code: string) =>
  t.staff(name, [{ role: 'district_officer', area: { kind: 'district', code }, organisation: 'Hokimiyat' }]);

const income = () => ({
  id: randomUUID(),
  householdId: family.id,
  fact: 'income',
  personId: family.headId,
  shownValue: "2 400 000 so'm a month",
  comment: 'I left that job in March; I earn nothing now.',
});

describe('a citizen contests a fact of their own household', () => {
  it('stores a pending contest naming the fact, the member and the agency; a retry is the same request', async () => {
    const body = income();
    const first = await contest(body);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({
      id: body.id,
      type: 'contest_fact',
      status: 'pending',
      householdId: family.id,
      personId: family.headId,
      contest: {
        fact: 'income',
        sourceAgency: 'tax',
        comment: body.comment,
        memberPersonId: family.headId,
        shownValue: body.shownValue,
        decisionId: null,
        documentIds: [],
      },
    });
    const again = await contest(body);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    const changed = await contest({ ...body, comment: 'Something else' });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('CHANGE_REQUEST_CONFLICT');
    const stored = await db
      .selectFrom('change_request')
      .select(['fact', 'source_agency', 'comment'])
      .where('id', '=', body.id)
      .execute();
    expect(stored).toEqual([{ fact: 'income', source_agency: 'tax', comment: body.comment }]);
  });

  it('names the agency the stored rows come from, spelt as the registry stores it', async () => {
    const vehicle = await contest({
      id: randomUUID(),
      householdId: family.id,
      fact: 'vehicle',
      personId: family.headId,
      comment: 'I sold this car in 2023.',
    });
    expect(vehicle.json().contest.sourceAgency).toBe('vehicles');
    const dwelling = await contest({
      id: randomUUID(),
      householdId: family.id,
      fact: 'dwelling',
      comment: 'We own no flat; we rent.',
    });
    // No dwelling row: the fact's owner, the cadastre.
    expect(dwelling.json().contest).toMatchObject({ fact: 'dwelling', sourceAgency: 'cadastre' });
  });

  it("refuses another family's household with 403 naming nothing of it", async () => {
    const response = await contest({ ...income(), householdId: other.id, personId: other.headId });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
    expect(response.body).not.toContain(other.id);
    expect(response.body).not.toContain(other.headId);
    // The citizen's own person id does not open another family's household either.
    const own = await contest({ ...income(), householdId: other.id });
    expect(own.statusCode).toBe(403);
    const count = await db
      .selectFrom('change_request')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('household_id', '=', other.id)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('refuses an unknown fact (422), a member of no household of theirs (422), NUL and oversized comments (400)', async () => {
    const unknown = await contest({ ...income(), fact: 'salary' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: 'FACT_UNKNOWN', message: expect.any(String) });
    const stranger = await contest({ ...income(), personId: other.headId });
    expect(stranger.statusCode).toBe(422);
    expect(stranger.json().error.code).toBe('PERSON_NOT_MEMBER');
    const nul = await contest({ ...income(), comment: 'wrong\u0000value' });
    expect(nul.statusCode).toBe(400);
    const long = await contest({ ...income(), comment: 'x'.repeat(2001) });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('VALIDATION_FAILED');
    const empty = await contest({ ...income(), comment: '   ' });
    expect(empty.statusCode).toBe(400);
    const decision = await contest({ ...income(), decisionId: 987654 });
    expect(decision.statusCode).toBe(404);
    expect(decision.json().error.code).toBe('DECISION_NOT_FOUND');
  });

  it("attaches the family's uploaded documents, never another family's", async () => {
    const documentId = randomUUID();
    const uploaded = await t.app.inject({
      method: 'POST',
      url: '/api/me/documents',
      headers: citizen,
      payload: {
        id: documentId,
        filename: 'dismissal.png',
        contentType: 'image/png',
        dataBase64: PNG.toString('base64'),
      },
    });
    expect(uploaded.statusCode).toBe(201);
    const response = await contest({ ...income(), documentIds: [documentId] });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().contest.documentIds).toEqual([documentId]);
    const linked = await db
      .selectFrom('document')
      .select('change_request_id')
      .where('id', '=', documentId)
      .executeTakeFirstOrThrow();
    expect(linked.change_request_id).toBe(response.json().id);

    const otherCitizen = (await signInCitizen(db, t.config, other.headId)).headers;
    const theirs = await contest(
      {
        id: randomUUID(),
        householdId: other.id,
        fact: 'income',
        comment: 'Not ours',
        documentIds: [documentId],
      },
      otherCitizen,
    );
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().error.code).toBe('DOCUMENT_NOT_FOUND');
    expect(theirs.body).not.toContain(family.id);
  });
});

describe("the contest in the district's worklist, decided by an officer", () => {
  it('is listed for the officer of the household’s district with its agency, not for another district', async () => {
    const body = income();
    expect((await contest(body)).statusCode).toBe(201);
    const list = (headers: Record<string, string>) =>
      t.app.inject({
        method: 'GET',
        url: '/api/change-requests?status=pending&type=contest_fact&pageSize=100',
        headers,
      });
    const mine = await list(await officer('officer-here', district));
    expect(mine.statusCode).toBe(200);
    const found = mine.json().items.find((r: { id: string }) => r.id === body.id);
    expect(found).toMatchObject({ contest: { fact: 'income', sourceAgency: 'tax', comment: body.comment } });
    const theirs = await list(await officer('officer-there', otherDistrict));
    expect(theirs.statusCode).toBe(200);
    expect(theirs.json().items.map((r: { id: string }) => r.id)).not.toContain(body.id);
  });

  it("accepting sends an agency's fact for verification; the registry's own fact is accepted", async () => {
    const headers = await officer('officer-decides', district);
    const taxed = income();
    await contest(taxed);
    const accepted = await t.app.inject({
      method: 'POST',
      url: `/api/change-requests/${taxed.id}/apply`,
      headers,
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'verifying', contest: { sourceAgency: 'tax' } });
    // The agency's fact is not edited.
    const wage = await db
      .selectFrom('income')
      .select('monthly_amount')
      .where('person_id', '=', family.headId)
      .executeTakeFirstOrThrow();
    expect(Number(wage.monthly_amount)).toBe(2_400_000);

    const noted = { ...income(), personId: family.memberIds[1], comment: 'She stopped working.' };
    expect((await contest(noted)).json().contest.sourceAgency).toBe('social_worker');
    const ok = await t.app.inject({ method: 'POST', url: `/api/change-requests/${noted.id}/apply`, headers });
    expect(ok.json().status).toBe('accepted');

    const again = await t.app.inject({
      method: 'POST',
      url: `/api/change-requests/${noted.id}/apply`,
      headers,
    });
    expect(again.statusCode).toBe(409);
  });

  it('a rejection carries a reason the citizen reads on their own request; the citizen cannot decide', async () => {
    const headers = await officer('officer-rejects', district);
    const body = income();
    await contest(body);
    const byCitizen = await t.app.inject({
      method: 'POST',
      url: `/api/change-requests/${body.id}/reject`,
      headers: citizen,
      payload: { reason: 'no' },
    });
    expect(byCitizen.statusCode).toBe(403);
    const reason = 'The tax committee confirms your wage for March; send us the dismissal order.';
    const rejected = await t.app.inject({
      method: 'POST',
      url: `/api/change-requests/${body.id}/reject`,
      headers,
      payload: { reason },
    });
    expect(rejected.statusCode).toBe(200);
    const seen = await t.app.inject({
      method: 'GET',
      url: `/api/change-requests/${body.id}`,
      headers: citizen,
    });
    expect(seen.statusCode).toBe(200);
    expect(seen.json()).toMatchObject({
      status: 'rejected',
      decisionNote: reason,
      contest: { fact: 'income' },
    });
    const mine = await t.app.inject({
      method: 'GET',
      url: `/api/change-requests?householdId=${family.id}&type=contest_fact`,
      headers: citizen,
    });
    expect(mine.json().items.map((r: { id: string }) => r.id)).toContain(body.id);
  });
});

describe('a contested disability is health data', () => {
  it("keeps the family's words from the officer without health access, not from the family", async () => {
    const body = {
      id: randomUUID(),
      householdId: family.id,
      fact: 'disability',
      personId: family.headId,
      shownValue: 'Group II',
      comment: 'My group was changed to III at the last review.',
    };
    const created = await contest(body);
    expect(created.statusCode).toBe(201);
    expect(created.json().contest).toMatchObject({ sourceAgency: 'medical', comment: body.comment });
    const headers = await officer('officer-health', district);
    const read = await t.app.inject({ method: 'GET', url: `/api/change-requests/${body.id}`, headers });
    expect(read.statusCode).toBe(200);
    expect(read.json().contest).toMatchObject({ fact: 'disability', sourceAgency: 'medical', comment: null });
    expect(read.body).not.toContain('group was changed');
    const listed = await t.app.inject({
      method: 'GET',
      url: '/api/change-requests?type=contest_fact&pageSize=100',
      headers,
    });
    expect(listed.body).not.toContain('group was changed');
    const own = await t.app.inject({
      method: 'GET',
      url: `/api/change-requests/${body.id}`,
      headers: citizen,
    });
    expect(own.json().contest.comment).toBe(body.comment);
  });
});
