import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { OfferResponse } from './proactive.tables.ts';

/** All SQL of offers: the granted decisions of a household and the family's answers to them. */

export interface OfferRecord {
  decisionId: number;
  programme: string;
  month: string;
  amount: number;
  category: string;
  response: OfferResponse | null;
  respondedAt: Date | null;
}

export async function listOffers(db: Kysely<DB>, householdId: string): Promise<OfferRecord[]> {
  const rows = await db
    .selectFrom('decision as d')
    .leftJoin('offer_response as r', 'r.decision_id', 'd.id')
    .select([
      'd.id',
      'd.programme',
      'd.month',
      'd.amount_after',
      'd.category_after',
      'r.response',
      'r.responded_at',
    ])
    .where('d.household_id', '=', householdId)
    .where('d.kind', '=', 'granted')
    .orderBy('d.id', 'desc')
    .execute();
  return rows.map((r) => ({
    decisionId: Number(r.id),
    programme: r.programme,
    month: r.month,
    amount: Number(r.amount_after),
    category: r.category_after,
    response: r.response ?? null,
    respondedAt: r.responded_at ? new Date(r.responded_at) : null,
  }));
}

export async function findOfferHousehold(db: Kysely<DB>, decisionId: number) {
  return db
    .selectFrom('decision')
    .select(['household_id', 'kind', 'programme'])
    .where('id', '=', decisionId)
    .executeTakeFirst();
}

/** The latest answer counts: a family may change its mind. */
export async function saveResponse(
  db: Kysely<DB>,
  decisionId: number,
  personId: string,
  response: OfferResponse,
  channel: string,
): Promise<{ response: OfferResponse; respondedAt: Date }> {
  const row = await db
    .insertInto('offer_response')
    .values({ decision_id: decisionId, person_id: personId, response, channel })
    .onConflict((oc) =>
      oc.column('decision_id').doUpdateSet((eb) => ({
        response: eb.ref('excluded.response'),
        person_id: eb.ref('excluded.person_id'),
        channel: eb.ref('excluded.channel'),
        // A repeated identical answer keeps its first time (a retry is not a new answer).
        responded_at: eb
          .case()
          .when('offer_response.response', '=', eb.ref('excluded.response'))
          .then(eb.ref('offer_response.responded_at'))
          .else(eb.ref('excluded.responded_at'))
          .end(),
      })),
    )
    .returning(['response', 'responded_at'])
    .executeTakeFirstOrThrow();
  return { response: row.response, respondedAt: new Date(row.responded_at) };
}
