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

const Base = {
  id: z.string().regex(RECORD_ID),
  pinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
};

/**
 * Pension fund: formal employment (contributions start and stop with a job) and pensions paid. A job's
 * start or end sets the person's employment (with a person_history row); a pension is a month of income.
 */
export const PensionRecord = z.discriminatedUnion('type', [
  z.object({
    ...Base,
    type: z.literal('employment_start'),
    date: CivilDate,
    sector: z.enum(['public', 'private', 'security']),
  }),
  z.object({ ...Base, type: z.literal('employment_end'), date: CivilDate }),
  z.object({
    ...Base,
    type: z.literal('pension'),
    month: z.string().regex(/^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$/, 'YYYY-MM'),
    amount: z.number().int().min(0).max(1_000_000_000),
  }),
]);
export type PensionRecord = z.infer<typeof PensionRecord>;

export const pensionAdapter: AgencyAdapter<PensionRecord> = {
  agency: 'pension_fund',
  description: 'Pension fund: formal employment start and end, pensions paid',
  schema: PensionRecord,
  parse: (raw) => parseWith(PensionRecord, raw),
  key: (r) => r.id,
  stage: {
    table: 'stage_pension',
    columns: ['pinfl', 'type', 'on_date', 'amount', 'sector'],
    row: (r) =>
      r.type === 'pension'
        ? `${r.pinfl}\tpension\t${r.month}-01\t${r.amount}\t\\N`
        : `${r.pinfl}\t${r.type}\t${r.date}\t\\N\t${copyText(r.type === 'employment_start' ? r.sector : null)}`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.record_id, s.type, s.on_date, s.amount, s.sector, p.id as person_id,
                 p.employment as old_employment, p.employment_sector as old_sector,
                 case when p.id is null then 'unknown PINFL' end as problem
               from stage_pension s ${PERSON_BY_PINFL('s.pinfl')} where s.batch_id = $1`,
      writes: {
        pensions: `insert into income (person_id, kind, monthly_amount, valid_from, valid_to, source)
          select s.person_id, 'pension', s.amount, s.on_date, (s.on_date + interval '1 month')::date, 'pension_fund'
          from s join fresh using (record_id) where s.type = 'pension' returning 1`,
        jobs: `select distinct on (s.person_id) s.person_id, s.old_employment, s.old_sector,
            case s.type when 'employment_start' then 'employed_formal' else 'unemployed' end as employment,
            case s.type when 'employment_start' then s.sector end as sector
          from s join fresh using (record_id) where s.type <> 'pension'
          order by s.person_id, s.on_date desc, s.type desc`,
        job_updates: `update person p set employment = j.employment, employment_sector = j.sector, updated_at = now()
          from jobs j where p.id = j.person_id
            and (p.employment is distinct from j.employment or p.employment_sector is distinct from j.sector)
          returning 1`,
        job_history: `insert into person_history (person_id, field, old_value, new_value, source)
          select person_id, 'employment', old_employment, employment, 'pension_fund' from jobs
          where old_employment is distinct from employment returning 1`,
      },
    }),
  lifeEvent: (r) =>
    r.type === 'pension'
      ? undefined
      : {
          kind: r.type === 'employment_start' ? 'new_job' : 'job_ended',
          occurredOn: r.date,
          pinfls: [r.pinfl],
        },
};
