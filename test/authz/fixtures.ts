import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { RoleGrant } from '../../src/access/actor.ts';
import { MACHINE_SCOPES } from '../../src/access/policies.ts';
import { submitAppeal } from '../../src/casework/appeal.service.ts';
import { submitApplication } from '../../src/casework/application.service.ts';
import { approveOverride, createOverride } from '../../src/casework/override.service.ts';
import { createMachineClient } from '../../src/identity/machine.service.ts';
import { openCase } from '../../src/proactive/proactive.repository.ts';
import { submitChangeRequest } from '../../src/registry/change-requests/change-request.service.ts';
import { createHousehold } from '../../src/registry/households/household.service.ts';
import type { TestApp } from '../support/app.ts';
import { KHOREZM, signInCitizen } from '../support/auth.ts';
import { Factory } from '../support/factories.ts';

/**
 * The world the authorisation matrix runs in: households inside and outside each actor's areas, each with
 * one record of every kind (a decision, a pending change, an override, an appeal, an application, a
 * duplicate pair), and one signed-in actor per role.
 */

export const MONTH = '2026-03';
/** A region that is not Khorezm, with one district and mahalla of our own making. */
const OTHER_REGION = '1703';
const OTHER_DISTRICT = '1703299';
const OTHER_MAHALLA = '1703299001';

export interface Case {
  mahallaCode: string;
  householdId: string;
  headId: string;
  headPinfl: string;
  childId: string;
  decisionId: number;
  changeRequestId: string;
  pendingOverrideId: string;
  appealId: string;
  applicationId: string;
  duplicateId: number;
  caseId: string;
}

export interface World {
  /** In the social worker's mahalla, the district officer's district, the region; the citizen's own. */
  inside: Case;
  /** Same region, another district: outside the mahalla and district roles and the citizen. */
  otherDistrict: Case;
  /** Another region: outside every Khorezm role. */
  otherRegion: Case;
  mahallaA: string;
  districtA: string;
  actors: Record<string, Record<string, string>>;
  evaluationRunId: number;
}

/** People: anonymous, a citizen and every staff role. */
export const PEOPLE = [
  'anonymous',
  'citizen',
  'social_worker',
  'district_officer',
  'disability_assessor',
  'commission_member',
  'youth_officer',
  'regional_admin',
  'auditor',
  'vendor',
  'finance',
] as const;
/** Machine clients: one per OAuth2 scope, each holding that scope only, bound to the Khorezm region. */
export const MACHINES = MACHINE_SCOPES.map((scope) => `machine:${scope}` as const);
export const ROLE_NAMES = [...PEOPLE, ...MACHINES] as const;
export type RoleName = (typeof ROLE_NAMES)[number];
/** The callback address the matrix's machine clients are registered with. */
export const MATRIX_CALLBACK = 'http://127.0.0.1:9/matrix';

async function installOtherRegion(t: TestApp): Promise<void> {
  const names = { name_uz_latn: 'Sinov', name_uz_cyrl: 'Синов', name_ru: 'Тест', name_en: 'Test' };
  await t.database.db
    .insertInto('district')
    .values({ code: OTHER_DISTRICT, region_code: OTHER_REGION, kind: 'district', population: 1000, ...names })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await t.database.db
    .insertInto('mahalla')
    .values({ code: OTHER_MAHALLA, district_code: OTHER_DISTRICT, population: 1000, ...names })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function makeCase(t: TestApp, factory: Factory, mahallaCode: string): Promise<Case> {
  const db = t.database.db;
  const head = factory.person({ birthDate: '1980-05-05', sex: 'M' });
  const householdId = randomUUID();
  await createHousehold(db, {
    id: householdId,
    mahallaCode,
    address: 'Test street 1',
    createdOn: '2020-01-01',
    head,
    source: 'social_worker',
  });
  const headId = head.id ?? '';
  const child = factory.person({ birthDate: '2015-02-02', sex: 'F', pinfl: null, lastName: head.lastName });
  await submitChangeRequest(
    db,
    {
      id: randomUUID(),
      type: 'add_member',
      apply: true,
      householdId,
      person: child,
      relationship: 'child',
      effectiveDate: '2020-01-01',
    },
    'setup',
  );
  const childId = child.id ?? '';
  const { request: pending } = await submitChangeRequest(
    db,
    {
      id: randomUUID(),
      type: 'correct_personal_data',
      personId: headId,
      changes: { phone: '+998901234567' },
      effectiveDate: '2026-01-01',
    },
    'setup',
  );
  // A decision of the household: an approved override writes one, whatever the rules would say.
  const approved = randomUUID();
  await createOverride(
    db,
    {
      id: approved,
      householdId,
      programme: 'material_assistance',
      month: MONTH,
      amount: 380_000,
      reason: 'setup',
      legalBasis: 'setup',
    },
    'staff:setup-a',
  );
  const decided = await db.transaction().execute((trx) => approveOverride(trx, approved, 'staff:setup-b'));
  const pendingOverrideId = randomUUID();
  await createOverride(
    db,
    {
      id: pendingOverrideId,
      householdId,
      programme: 'child_allowance',
      month: MONTH,
      amount: 100_000,
      reason: 'setup',
      legalBasis: 'setup',
    },
    'staff:setup-a',
  );
  const { appeal } = await submitAppeal(
    db,
    { id: randomUUID(), decisionId: decided.decisionId ?? 0, grounds: 'setup' },
    'setup',
  );
  const { application } = await submitApplication(
    db,
    {
      id: randomUUID(),
      householdId,
      programme: 'social_registry',
      channel: 'portal',
      submittedOn: '2026-03-05',
    },
    'setup',
  );
  const [a, b] = [headId, childId].sort();
  const duplicate = await db
    .insertInto('duplicate_candidate')
    .values({ person_a: a ?? '', person_b: b ?? '', reason: 'setup', score: 0.5 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { case: kase } = await openCase(db, randomUUID(), {
    eventId: `matrix-${householdId}`,
    source: 'civil_registry',
    kind: 'birth',
    occurredOn: '2026-03-02',
    householdIds: [householdId],
    personIds: [childId],
  });
  return {
    caseId: kase.id,
    mahallaCode,
    householdId,
    headId,
    headPinfl: head.pinfl ?? '',
    childId,
    decisionId: decided.decisionId ?? 0,
    changeRequestId: pending.id,
    pendingOverrideId,
    appealId: appeal.id,
    applicationId: application.id,
    duplicateId: Number(duplicate.id),
  };
}

export async function buildWorld(t: TestApp): Promise<World> {
  const db = t.database.db;
  await installOtherRegion(t);
  const districts = await db
    .selectFrom('mahalla')
    .select(['code', 'district_code'])
    .where('district_code', 'like', `${KHOREZM}%`)
    .orderBy('code')
    .execute();
  const first = districts[0];
  const other = districts.find((m) => m.district_code !== first?.district_code);
  if (!first || !other) throw new Error('the Khorezm territory is not installed');
  const factory = new Factory(99);
  const inside = await makeCase(t, factory, first.code);
  const otherDistrict = await makeCase(t, factory, other.code);
  const otherRegion = await makeCase(t, factory, OTHER_MAHALLA);
  const run = await sql<{ id: number }>`
    insert into evaluation_run (month, trigger, status) values (${MONTH}, 'manual', 'queued') returning id`.execute(
    db,
  );

  const mahalla = (code: string): RoleGrant['area'] => ({ kind: 'mahalla', code });
  const district = (code: string): RoleGrant['area'] => ({ kind: 'district', code });
  const region: RoleGrant['area'] = { kind: 'region', code: KHOREZM };
  const grant = (role: RoleGrant['role'], area: RoleGrant['area']): RoleGrant[] => [
    { role, area, organisation: 'Test office' },
  ];
  const staffGrants: Record<string, RoleGrant[]> = {
    social_worker: grant('social_worker', mahalla(first.code)),
    district_officer: grant('district_officer', district(first.district_code)),
    disability_assessor: grant('disability_assessor', district(first.district_code)),
    commission_member: grant('commission_member', region),
    youth_officer: grant('youth_officer', district(first.district_code)),
    regional_admin: grant('regional_admin', region),
    auditor: grant('auditor', region),
    vendor: grant('vendor', null),
    finance: grant('finance', region),
  };
  const actors: Record<string, Record<string, string>> = { anonymous: {} };
  for (const [role, grants] of Object.entries(staffGrants))
    actors[role] = await t.staff(`matrix-${role}`, grants);
  actors.citizen = (await signInCitizen(db, t.config, inside.headId)).headers;
  for (const scope of MACHINE_SCOPES) {
    const clientId = `matrix-${scope.replace(/[^a-z]/g, '-')}`;
    await createMachineClient(
      db,
      {
        clientId,
        secret: `${clientId}-secret`,
        agency: 'tax',
        scopes: [scope],
        area: region,
        callbackUris: [MATRIX_CALLBACK],
      },
      { httpsOnly: false },
    );
    const token = await t.app.inject({
      method: 'POST',
      url: '/auth/token',
      payload: { grant_type: 'client_credentials', client_id: clientId, client_secret: `${clientId}-secret` },
    });
    actors[`machine:${scope}`] = {
      authorization: `Bearer ${token.json<{ access_token: string }>().access_token}`,
    };
  }
  return {
    inside,
    otherDistrict,
    otherRegion,
    mahallaA: first.code,
    districtA: first.district_code,
    actors,
    evaluationRunId: Number(run.rows[0]?.id ?? 0),
  };
}
