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

/** Medical records: diagnoses (ICD-10) and referrals (e.g. to the medical-social expert commission). */
export const MedicalRecord = z.object({
  id: z.string().regex(RECORD_ID),
  pinfl: z.string().refine(pinflChecks, 'not a valid PINFL'),
  kind: z.enum(['diagnosis', 'referral']),
  icd10: z.string().regex(/^[A-Z][0-9]{2}(\.[0-9]{1,2})?$/, 'an ICD-10 code such as G80.1'),
  description: z.string().max(500).optional(),
  referredTo: z.string().max(100).optional(),
  date: CivilDate,
});
export type MedicalRecord = z.infer<typeof MedicalRecord>;

export const medicalAdapter: AgencyAdapter<MedicalRecord> = {
  agency: 'medical',
  description: 'Medical records: diagnoses and referrals (health data: kept in medical_record)',
  schema: MedicalRecord,
  parse: (raw) => parseWith(MedicalRecord, raw),
  key: (r) => r.id,
  stage: {
    table: 'stage_medical',
    columns: ['pinfl', 'kind', 'icd10', 'description', 'referred_to', 'recorded_on'],
    row: (r) =>
      `${r.pinfl}\t${r.kind}\t${r.icd10}\t${copyText(r.description)}\t${copyText(r.referredTo)}\t${r.date}`,
  },
  apply: (trx, batch) =>
    applyStaged(trx, batch, {
      select: `select s.*, p.id as person_id, case when p.id is null then 'unknown PINFL' end as problem
               from stage_medical s ${PERSON_BY_PINFL('s.pinfl')} where s.batch_id = $1`,
      writes: {
        medical: `insert into medical_record
            (person_id, agency_record_id, kind, icd10, description, referred_to, recorded_on, source)
          select s.person_id, s.record_id, s.kind, s.icd10, s.description, s.referred_to, s.recorded_on, 'medical'
          from s join fresh using (record_id) on conflict (agency_record_id) do nothing returning 1`,
      },
    }),
};
