import { z } from 'zod';
import { REPORT_FACTS } from '../../shared/report-facts.ts';

/**
 * The body of POST /api/change-requests/fact-contests. `fact` is any short text here and checked by the
 * service, so that an unknown fact is the catalogue's 422 FACT_UNKNOWN (with the allowed list), not a
 * schema failure.
 */
export const ContestFact = z.object({
  id: z.uuid().describe('Client-made id: a retry with the same id and content is the same request'),
  householdId: z.uuid().describe('Your household (a citizen contests only their own family’s facts)'),
  fact: z
    .string()
    .min(1)
    .max(40)
    .describe(`The fact that is wrong: one of ${REPORT_FACTS.join(', ')}`),
  personId: z.uuid().optional().describe('The member the fact is about (income, vehicle, deposits, ...)'),
  shownValue: z.string().trim().max(300).optional().describe('The value as it was shown'),
  comment: z.string().trim().min(1).max(2000).describe('What is wrong and what is right, in your words'),
  decisionId: z
    .number()
    .int()
    .positive()
    .max(2_147_483_647)
    .optional()
    .describe('The decision whose explanation led here'),
  documentIds: z
    .array(z.uuid())
    .max(5)
    .default([])
    .describe('Documents uploaded first (POST /api/me/documents) that support the comment'),
});
export type ContestFact = z.infer<typeof ContestFact>;
export type ContestFactInput = z.input<typeof ContestFact>;
