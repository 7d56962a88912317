import type { Kysely } from 'kysely';
import type { DB } from '../../platform/db/schema.ts';
import type { ReportFact } from '../../shared/report-facts.ts';

/**
 * The `source` codes of the rows that hold a fact of a household today (of one member when given): what
 * decides the agency a contest is sent to. Facts kept on no row of their own (employment, mahalla
 * hardship) have none; the caller falls back to the fact's owner.
 */
export async function sourcesOfFact(
  db: Kysely<DB>,
  householdId: string,
  fact: ReportFact,
  memberIds: readonly string[],
  today: string,
): Promise<string[]> {
  const open = <T extends 'valid_to'>(column: T) => [column, 'is', null] as const;
  const distinct = (rows: { source: string }[]) => [...new Set(rows.map((r) => r.source))].sort();
  if (fact === 'dwelling') {
    return distinct(
      await db.selectFrom('dwelling').select('source').where('household_id', '=', householdId).execute(),
    );
  }
  if (fact === 'membership') {
    return distinct(
      await db
        .selectFrom('membership')
        .select('source')
        .where('household_id', '=', householdId)
        .where(...open('valid_to'))
        .execute(),
    );
  }
  if (memberIds.length === 0) return [];
  const ids = [...memberIds];
  switch (fact) {
    case 'income':
      return distinct(
        await db
          .selectFrom('income')
          .select('source')
          .where('person_id', 'in', ids)
          .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', today)]))
          .execute(),
      );
    case 'vehicle':
      return distinct(
        await db.selectFrom('vehicle').select('source').where('owner_person_id', 'in', ids).execute(),
      );
    case 'deposits':
      return distinct(
        await db.selectFrom('bank_deposit').select('source').where('person_id', 'in', ids).execute(),
      );
    case 'disability':
      return distinct(
        await db
          .selectFrom('disability')
          .select('source')
          .where('person_id', 'in', ids)
          .where((eb) => eb.or([eb('valid_to', 'is', null), eb('valid_to', '>', today)]))
          .execute(),
      );
    default:
      return [];
  }
}
