import { z } from 'zod';
import { CivilDate } from '../../shared/date-schemas.ts';

export const IsoDate = CivilDate;
export const Pinfl = z
  .string()
  .regex(/^[0-9]{14}$/, 'PINFL is 14 digits')
  .describe('PINFL (JShShIR), 14 digits');
export const PersonName = z.string().trim().min(1).max(100);
export const Phone = z
  .string()
  .regex(/^\+998[0-9]{9}$/, 'phone is +998 followed by 9 digits')
  .describe('Mobile phone, +998XXXXXXXXX');

/** A person as entered by a social worker or received from an agency. */
export const NewPersonInput = z.object({
  id: z.uuid().optional().describe('Client-made id; a retry with the same id and data is idempotent'),
  pinfl: Pinfl.nullable().optional(),
  lastName: PersonName,
  firstName: PersonName,
  patronymic: PersonName.nullable().optional(),
  sex: z.enum(['M', 'F']),
  birthDate: IsoDate,
  phone: Phone.nullable().optional(),
  education: z
    .enum(['none', 'preschool', 'school', 'vocational', 'college', 'university', 'graduated'])
    .optional(),
  employment: z
    .enum([
      'none',
      'child',
      'student',
      'employed_formal',
      'employed_informal',
      'self_employed',
      'unemployed',
      'retired',
      'homemaker',
      'military',
    ])
    .optional(),
  employmentSector: z.enum(['public', 'private', 'security']).nullable().optional(),
  source: z.string().min(1).max(40).default('social_worker').describe('Where the facts come from'),
});
export type NewPersonInput = z.infer<typeof NewPersonInput>;

/** Relationship of a household member to the household's head. */
export const Relationship = z.enum([
  'head',
  'spouse',
  'child',
  'parent',
  'sibling',
  'grandchild',
  'grandparent',
  'child_in_law',
  'other',
]);
export type Relationship = z.infer<typeof Relationship>;
