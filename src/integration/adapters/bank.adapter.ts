import { z } from 'zod';
import { CivilDate } from '../../shared/date-schemas.ts';
import {
  type AgencyAdapter,
  applyStaged,
  copyText,
  PERSON_BY_PINFL,
  parseWith,
  pinflChecks,
  RECORD_ID,
} from './adapter.ts';

/** Banks: a person's deposit total at one bank on a date. */
export const BankRecord = z.object({
  id: z.string().regex(RECORD_ID),
  pinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
  bank: z.string().regex(/^[a-z0-9_]{2,30}$/, 'a bank code'),
  balance: z.number().int().min(0).max(1e14),
  asOf: CivilDate,
});
export type BankRecord = z.infer<typeof BankRecord>;

export const bankAdapter: AgencyAdapter<BankRecord> = {
  agency: 'banks',
  description: 'Banks: deposit totals per person, as of a date',
  schema: BankRecord,
  parse: (raw) => parseWith(BankRecord, raw),
  key: (r) => r.id,
  stage: {
    table: 'stage_bank',
    columns: ['pinfl', 'balance', 'as_of', 'bank'],
    row: (r) => `${r.pinfl}\t${r.balance}\t${r.asOf}\t${copyText(r.bank)}`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.*, p.id as person_id, case when p.id is null then 'unknown PINFL' end as problem
               from stage_bank s ${PERSON_BY_PINFL('s.pinfl')} where s.batch_id = $1`,
      writes: {
        deposits: `insert into bank_deposit (person_id, balance, as_of, source)
          select s.person_id, s.balance, s.as_of, 'banks:' || s.bank from s join fresh using (record_id) returning 1`,
      },
    }),
};
