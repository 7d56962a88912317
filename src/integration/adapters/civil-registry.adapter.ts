import { randomUUID } from 'node:crypto';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { DB, Relationship } from '../../platform/db/schema.ts';
import { nameKey } from '../../registry/name-key.ts';
import { checkPinflAgainst } from '../../registry/pinfl.ts';
import { CivilDate } from '../../shared/date-schemas.ts';
import {
  type AgencyAdapter,
  type AgencyLifeEvent,
  type ApplyResult,
  copyText,
  parseWith,
  pinflChecks,
  RECORD_ID,
  type Rejection,
} from './adapter.ts';

const Pinfl = z.string().refine(pinflChecks, 'not a valid PINFL');
const Name = z.string().trim().min(1).max(100);

/**
 * Civil registry (ZAGS) events, in the spirit of the DCI CRVS model: births, deaths, marriages and
 * divorces, each with the registry's event id. A birth adds the child (its PINFL must agree with the
 * birth date and sex) to the mother's household from the birth date; a death sets the death date and ends
 * the memberships; a marriage moves the wife into the husband's household; a divorce moves her out into a
 * household of her own at the same address.
 */
export const CivilEvent = z.discriminatedUnion('type', [
  z
    .object({
      id: z.string().regex(RECORD_ID),
      type: z.literal('birth'),
      date: CivilDate,
      child: z.object({
        pinfl: Pinfl,
        lastName: Name,
        firstName: Name,
        patronymic: Name.optional(),
        sex: z.enum(['M', 'F']),
      }),
      motherPinfl: Pinfl,
      fatherPinfl: Pinfl.optional(),
    })
    .superRefine((e, ctx) => {
      const agreement = checkPinflAgainst(e.child.pinfl, { birthDate: e.date, sex: e.child.sex });
      if (!agreement.ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['child', 'pinfl'],
          message: `does not agree with the birth (${agreement.problem})`,
        });
      }
    }),
  z.object({ id: z.string().regex(RECORD_ID), type: z.literal('death'), date: CivilDate, pinfl: Pinfl }),
  z.object({
    id: z.string().regex(RECORD_ID),
    type: z.literal('marriage'),
    date: CivilDate,
    husbandPinfl: Pinfl,
    wifePinfl: Pinfl,
  }),
  z.object({
    id: z.string().regex(RECORD_ID),
    type: z.literal('divorce'),
    date: CivilDate,
    husbandPinfl: Pinfl,
    wifePinfl: Pinfl,
  }),
]);
export type CivilEvent = z.infer<typeof CivilEvent>;

class Refused extends Error {}

interface Member {
  personId: string;
  membershipId: number;
  householdId: string;
  relationship: Relationship;
  validFrom: string;
}

async function personOf(trx: Kysely<DB>, pinfl: string) {
  return trx
    .selectFrom('person')
    .select(['id', 'birth_date', 'death_date'])
    .where('pinfl', '=', pinfl)
    .where('merged_into', 'is', null)
    .executeTakeFirst();
}

async function memberOn(trx: Kysely<DB>, personId: string, date: string): Promise<Member | undefined> {
  const row = await trx
    .selectFrom('membership')
    .select(['id', 'household_id', 'relationship', 'valid_from'])
    .where('person_id', '=', personId)
    .where('valid_from', '<=', date)
    .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', date)]))
    .executeTakeFirst();
  return row
    ? {
        personId,
        membershipId: row.id,
        householdId: row.household_id,
        relationship: row.relationship,
        validFrom: row.valid_from,
      }
    : undefined;
}

async function endMembership(trx: Kysely<DB>, member: Member, date: string): Promise<void> {
  if (member.validFrom >= date) throw new Refused('the membership starts on or after the event date');
  await trx.updateTable('membership').set({ valid_to: date }).where('id', '=', member.membershipId).execute();
}

async function applyEvent(trx: Kysely<DB>, e: CivilEvent): Promise<void> {
  switch (e.type) {
    case 'birth': {
      const mother = await personOf(trx, e.motherPinfl);
      if (!mother) throw new Refused('unknown mother PINFL');
      const home = await memberOn(trx, mother.id, e.date);
      if (!home) throw new Refused('the mother has no household on the birth date');
      if (await personOf(trx, e.child.pinfl)) throw new Refused('the child PINFL is already registered');
      const childId = randomUUID();
      await trx
        .insertInto('person')
        .values({
          id: childId,
          pinfl: e.child.pinfl,
          last_name: e.child.lastName,
          first_name: e.child.firstName,
          patronymic: e.child.patronymic ?? null,
          name_key: nameKey(e.child.lastName, e.child.firstName, e.child.patronymic),
          sex: e.child.sex,
          birth_date: e.date,
          death_date: null,
          phone: null,
          employment: 'child',
          employment_sector: null,
          merged_into: null,
          source: 'civil_registry',
          source_ref: e.id,
          updated_at: new Date(),
        })
        .execute();
      const relationship: Relationship =
        home.relationship === 'head' || home.relationship === 'spouse'
          ? 'child'
          : home.relationship === 'child' || home.relationship === 'child_in_law'
            ? 'grandchild'
            : 'other';
      await trx
        .insertInto('membership')
        .values({
          household_id: home.householdId,
          person_id: childId,
          relationship,
          valid_from: e.date,
          valid_to: null,
          source: 'civil_registry',
          change_request_id: null,
        })
        .execute();
      return;
    }
    case 'death': {
      const person = await personOf(trx, e.pinfl);
      if (!person) throw new Refused('unknown PINFL');
      if (person.death_date !== null) return;
      if (e.date < person.birth_date) throw new Refused('the death date is before the birth date');
      await trx
        .updateTable('person')
        .set({ death_date: e.date, updated_at: new Date() })
        .where('id', '=', person.id)
        .execute();
      await trx
        .insertInto('person_history')
        .values({
          person_id: person.id,
          field: 'death_date',
          old_value: null,
          new_value: e.date,
          change_request_id: null,
          source: 'civil_registry',
        })
        .execute();
      // Memberships end on the day of death (a later start is closed one day after it begins).
      await sql`update membership set valid_to = greatest(${e.date}::date, valid_from + 1)
        where person_id = ${person.id} and (valid_to is null or valid_to > ${e.date}::date)`.execute(trx);
      return;
    }
    case 'marriage':
    case 'divorce': {
      const husband = await personOf(trx, e.husbandPinfl);
      const wife = await personOf(trx, e.wifePinfl);
      if (!husband || !wife) throw new Refused('unknown PINFL');
      const his = await memberOn(trx, husband.id, e.date);
      const hers = await memberOn(trx, wife.id, e.date);
      if (e.type === 'marriage') {
        // Already together, or she heads her own household: the registry keeps the households as they are.
        if (!his || !hers || his.householdId === hers.householdId || hers.relationship === 'head') return;
        await endMembership(trx, hers, e.date);
        const relationship: Relationship =
          his.relationship === 'head' ? 'spouse' : his.relationship === 'child' ? 'child_in_law' : 'other';
        await trx
          .insertInto('membership')
          .values({
            household_id: his.householdId,
            person_id: wife.id,
            relationship,
            valid_from: e.date,
            valid_to: null,
            source: 'civil_registry',
            change_request_id: null,
          })
          .execute();
        return;
      }
      // Divorce: she leaves the shared household and heads one of her own at the same address.
      if (!his || !hers || his.householdId !== hers.householdId || hers.relationship === 'head') return;
      const old = await trx
        .selectFrom('household')
        .select(['district_code', 'mahalla_code', 'address'])
        .where('id', '=', hers.householdId)
        .executeTakeFirstOrThrow();
      await endMembership(trx, hers, e.date);
      const householdId = randomUUID();
      await trx
        .insertInto('household')
        .values({
          id: householdId,
          district_code: old.district_code,
          mahalla_code: old.mahalla_code,
          address: old.address,
          created_on: e.date,
          dissolved_on: null,
          source: 'civil_registry',
          source_ref: e.id,
        })
        .execute();
      await trx
        .insertInto('membership')
        .values({
          household_id: householdId,
          person_id: wife.id,
          relationship: 'head',
          valid_from: e.date,
          valid_to: null,
          source: 'civil_registry',
          change_request_id: null,
        })
        .execute();
      return;
    }
  }
}

export const civilRegistryAdapter: AgencyAdapter<CivilEvent> = {
  agency: 'civil_registry',
  description: 'Civil registry: births, deaths, marriages, divorces (events)',
  schema: CivilEvent,
  parse: (raw) => parseWith(CivilEvent, raw),
  key: (e) => e.id,
  eventFeed: true,
  stage: {
    table: 'stage_civil',
    columns: ['type', 'on_date', 'payload'],
    row: (e) => `${e.type}\t${e.date}\t${copyText(JSON.stringify(e))}`,
  },
  /**
   * Events are few and each touches several tables under the registry's invariants (one household at a
   * time, one head), so they are applied one by one, each under a savepoint: an event the registry
   * refuses is rolled back alone, quarantined, and its ledger row removed so a corrected resend can apply.
   */
  async apply(trx, batch): Promise<ApplyResult> {
    const fresh = await trx.executeQuery<{ record_id: string }>(
      CompiledQuery.raw(
        `insert into inbound_record (agency, record_id, batch_id, channel, received_at, payload)
         select $2, record_id, $1, $3, $4, payload from stage_civil where batch_id = $1
         on conflict do nothing returning record_id`,
        [batch.batchId, batch.agency, batch.channel, batch.receivedAt],
      ),
    );
    const freshIds = new Set(fresh.rows.map((r) => r.record_id));
    const events = batch.records
      .filter((e) => freshIds.has(e.id))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const appliedIds: string[] = [];
    const rejected: Rejection[] = [];
    for (const event of events) {
      await sql`savepoint civil_event`.execute(trx);
      try {
        await applyEvent(trx, event);
        await sql`release savepoint civil_event`.execute(trx);
        appliedIds.push(event.id);
      } catch (error) {
        await sql`rollback to savepoint civil_event`.execute(trx);
        if (!(error instanceof Refused) && !isConstraintError(error)) throw error;
        await trx
          .deleteFrom('inbound_record')
          .where('agency', '=', batch.agency)
          .where('record_id', '=', event.id)
          .execute();
        rejected.push({ recordId: event.id, reason: error instanceof Error ? error.message : String(error) });
      }
    }
    return { applied: appliedIds.length, ...(batch.detail ? { appliedIds } : {}), rejected };
  },
  lifeEvent(e): AgencyLifeEvent {
    switch (e.type) {
      case 'birth':
        return { kind: 'birth', occurredOn: e.date, pinfls: [e.child.pinfl] };
      case 'death':
        return { kind: 'death', occurredOn: e.date, pinfls: [e.pinfl] };
      case 'marriage':
        return { kind: 'marriage', occurredOn: e.date, pinfls: [e.husbandPinfl, e.wifePinfl] };
      case 'divorce':
        return { kind: 'divorce', occurredOn: e.date, pinfls: [e.wifePinfl, e.husbandPinfl] };
    }
  },
};

/** Integrity violations (class 23: exclusion, unique, check, foreign key) refuse one event, not the batch. */
function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('23');
}
