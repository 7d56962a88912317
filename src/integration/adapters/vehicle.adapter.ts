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

/** Vehicle registry: cars by plate, with the owner's PINFL and the model year; a re-registration moves it. */
export const VehicleRecord = z.object({
  id: z.string().regex(RECORD_ID),
  plate: z.string().regex(/^[0-9]{2}[A-Z0-9 ]{4,8}$/, 'a plate such as 90A123BC'),
  ownerPinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
  make: z.string().trim().min(1).max(60),
  modelYear: z.number().int().min(1950).max(2100),
  registeredOn: CivilDate.optional(),
});
export type VehicleRecord = z.infer<typeof VehicleRecord>;

export const vehicleAdapter: AgencyAdapter<VehicleRecord> = {
  agency: 'vehicles',
  description: 'Vehicle registry: cars and their model year, per owner',
  schema: VehicleRecord,
  parse: (raw) => parseWith(VehicleRecord, raw),
  key: (r) => r.id,
  stage: {
    table: 'stage_vehicle',
    columns: ['plate', 'owner_pinfl', 'make', 'model_year'],
    row: (r) => `${copyText(r.plate)}\t${r.ownerPinfl}\t${copyText(r.make)}\t${r.modelYear}`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.*, p.id as person_id, case when p.id is null then 'unknown PINFL' end as problem
               from stage_vehicle s ${PERSON_BY_PINFL('s.owner_pinfl')} where s.batch_id = $1`,
      writes: {
        vehicles: `insert into vehicle (owner_person_id, plate, make, model_year, source)
          select distinct on (s.plate) s.person_id, s.plate, s.make, s.model_year, 'vehicles'
          from s join fresh using (record_id) order by s.plate, s.record_id desc
          on conflict (plate) do update set owner_person_id = excluded.owner_person_id, make = excluded.make,
            model_year = excluded.model_year, source = excluded.source
          returning 1`,
      },
    }),
  lifeEvent: (r) => ({
    kind: 'car_purchase',
    occurredOn: r.registeredOn ?? new Date().toISOString().slice(0, 10),
    pinfls: [r.ownerPinfl],
  }),
};
