import { z } from 'zod';
import {
  type AgencyAdapter,
  applyStaged,
  type Parsed,
  PERSON_BY_PINFL,
  parseWith,
  pinflChecks,
  RECORD_ID,
} from './adapter.ts';

/** Tax committee: declared income by month per PINFL (wages from employers, business income). */
export const TaxRecord = z.object({
  id: z.string().regex(RECORD_ID),
  pinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
  month: z.string().regex(/^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
  kind: z.enum(['wage', 'business']),
  amount: z.number().int().min(0).max(10_000_000_000),
});
export type TaxRecord = z.infer<typeof TaxRecord>;

const MONTH = /^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$/;

/**
 * The hand-written equivalent of `TaxRecord` for the bulk path (measured in bench/ingest.bench.ts: it
 * does the same checks several times faster than zod). Anything it does not accept is given to zod,
 * whose message becomes the quarantine reason, so both always agree on what is valid.
 */
function parseTax(raw: unknown): Parsed<TaxRecord> {
  if (typeof raw === 'object' && raw !== null) {
    const r = raw as Record<string, unknown>;
    const { id, pinfl, month, kind, amount } = r;
    if (
      typeof id === 'string' &&
      typeof pinfl === 'string' &&
      typeof month === 'string' &&
      (kind === 'wage' || kind === 'business') &&
      typeof amount === 'number' &&
      Number.isInteger(amount) &&
      amount >= 0 &&
      amount <= 10_000_000_000 &&
      RECORD_ID.test(id) &&
      pinflChecks(pinfl) &&
      MONTH.test(month)
    ) {
      // Unknown extra fields are ignored, as zod's object does: only these five are staged.
      return { ok: true, record: r as TaxRecord };
    }
  }
  return parseWith(TaxRecord, raw);
}

export const taxAdapter: AgencyAdapter<TaxRecord> = {
  agency: 'tax',
  description: 'Tax committee: monthly income (wage, business) per PINFL',
  schema: TaxRecord,
  parse: parseTax,
  key: (r) => r.id,
  stage: {
    table: 'stage_tax',
    columns: ['pinfl', 'kind', 'amount', 'month'],
    row: (r) => `${r.pinfl}\t${r.kind}\t${r.amount}\t${r.month}-01`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.record_id, s.kind, s.amount, s.month, p.id as person_id,
                 case when p.id is null then 'unknown PINFL' end as problem
               from stage_tax s ${PERSON_BY_PINFL('s.pinfl')} where s.batch_id = $1`,
      writes: {
        income_rows: `insert into income (person_id, kind, monthly_amount, valid_from, valid_to, source)
          select s.person_id, s.kind, s.amount, s.month, (s.month + interval '1 month')::date, 'tax'
          from s join fresh using (record_id) returning 1`,
      },
    }),
};
