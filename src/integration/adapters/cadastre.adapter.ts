import { z } from 'zod';
import {
  type AgencyAdapter,
  applyStaged,
  copyText,
  HOUSEHOLD_ON,
  PERSON_BY_PINFL,
  parseWith,
  pinflChecks,
  RECORD_ID,
} from './adapter.ts';

/**
 * Cadastre: dwellings and other property, by cadastre number, with the owner's PINFL. The property is
 * put on the owner's current household; a new record for a known cadastre number (a sale) moves it.
 */
export const CadastreRecord = z.object({
  id: z.string().regex(RECORD_ID),
  cadastreNumber: z.string().regex(/^[0-9]{2}:[0-9]{2,3}:[0-9]{2,4}:[0-9A-Za-z:-]{1,20}$/, 'NN:NN:NN:...'),
  ownerPinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
  kind: z.enum(['residential', 'non_residential']),
  areaM2: z.number().positive().max(100_000),
});
export type CadastreRecord = z.infer<typeof CadastreRecord>;

export const cadastreAdapter: AgencyAdapter<CadastreRecord> = {
  agency: 'cadastre',
  description: 'Cadastre: dwellings and other property, per owner and household',
  schema: CadastreRecord,
  parse: (raw) => parseWith(CadastreRecord, raw),
  key: (r) => r.id,
  stage: {
    table: 'stage_cadastre',
    columns: ['cadastre_number', 'owner_pinfl', 'kind', 'area_m2'],
    row: (r) =>
      `${copyText(r.cadastreNumber)}\t${r.ownerPinfl}\t${r.kind}\t${Math.round(r.areaM2 * 10) / 10}`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.*, p.id as person_id, h.household_id,
                 case when p.id is null then 'unknown PINFL'
                      when h.household_id is null then 'owner has no current household' end as problem
               from stage_cadastre s ${PERSON_BY_PINFL('s.owner_pinfl')}
               left join lateral (select ${HOUSEHOLD_ON('p.id', 'current_date')} as household_id) h on true
               where s.batch_id = $1`,
      writes: {
        dwellings: `insert into dwelling (household_id, owner_person_id, cadastre_number, kind, area_m2, source)
          select distinct on (s.cadastre_number) s.household_id, s.person_id, s.cadastre_number, s.kind, s.area_m2, 'cadastre'
          from s join fresh using (record_id) order by s.cadastre_number, s.record_id desc
          on conflict (cadastre_number) do update set household_id = excluded.household_id,
            owner_person_id = excluded.owner_person_id, kind = excluded.kind, area_m2 = excluded.area_m2,
            source = excluded.source
          returning 1`,
      },
    }),
  lifeEvent: (r) => ({
    kind: 'property_change',
    occurredOn: new Date().toISOString().slice(0, 10),
    pinfls: [r.ownerPinfl],
  }),
};
