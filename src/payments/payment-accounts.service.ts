import { type Kysely, sql } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DEMO_BANK_CODES } from './banks.ts';

/**
 * The accounts families are paid to. A real deployment receives them from the banks (social cards are
 * issued to every recipient); the demo population gets them here, derived from each household's id so the
 * same seed gives the same accounts: about 97 % of households, a card (8600 …) for most, an account
 * (20 digits) for the rest, held by the head of the household.
 */
export async function giveDemoAccounts(db: Kysely<DB>): Promise<number> {
  const banks = [...DEMO_BANK_CODES];
  const { rows } = await sql<{ n: number }>`with given as (
      insert into payment_account (id, household_id, holder_person_id, kind, bank_code, number, source)
      select md5('payment-account:' || h.id::text)::uuid, h.id, m.person_id, k.kind,
        (${banks}::text[])[1 + get_byte(k.digest, 1) % ${banks.length}],
        case when k.kind = 'card'
          then '8600' || lpad(((('x' || substr(md5(h.id::text || ':card'), 1, 12))::bit(48)::bigint) % 1000000000000)::text, 12, '0')
          else '2020' || lpad(((('x' || substr(md5(h.id::text || ':account'), 1, 12))::bit(48)::bigint) % 10000000000000000)::text, 16, '0')
        end,
        'demo'
      from household h
      join membership m on m.household_id = h.id and m.valid_to is null and m.relationship = 'head'
      cross join lateral (
        select decode(md5(h.id::text), 'hex') as digest,
          case when get_byte(decode(md5(h.id::text), 'hex'), 0) < 200 then 'card' else 'account' end as kind
      ) k
      where h.dissolved_on is null and get_byte(k.digest, 2) >= 8
        and not exists (select 1 from payment_account a where a.household_id = h.id and a.closed_at is null)
      returning 1
    )
    select count(*)::int as n from given`.execute(db);
  return rows[0]?.n ?? 0;
}
