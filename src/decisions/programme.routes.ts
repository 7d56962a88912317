import { z } from 'zod';
import type { HttpPlugin } from '../platform/http/server.ts';
import { CATALOGUE, listProgrammes } from '../programs/catalogue.ts';
import { PROGRAMME_LANGUAGES, type ProgrammeLanguage } from '../programs/description.ts';

const Language = z.enum(PROGRAMME_LANGUAGES as [ProgrammeLanguage, ...ProgrammeLanguage[]]);

export const ProgrammeListing = z.object({
  id: z.string().describe('The id decisions, applications and overrides name the programme by'),
  label: z.string().describe('Its name on the portal, in the language asked'),
  outcome: z
    .enum(['category', 'amount'])
    .describe("category: a status with a benefit share (per mille); amount: so'm a month"),
  channels: z.object({
    applications: z.boolean().describe('Citizens and social workers may apply for it'),
    overrides: z.boolean().describe('Officers may propose a manual override of it'),
    intake: z.boolean().describe('Partner portals may submit applications for it'),
  }),
  payment: z.object({ schedule: z.enum(['monthly', 'one_time', 'none']) }),
});

/** The programme registry, public: the portal builds its forms from it, partners learn the ids. */
export const programmeRoutes: HttpPlugin = (app) => {
  app.get(
    '/api/programmes',
    {
      config: { access: { public: true } },
      schema: {
        tags: ['decisions'],
        summary: 'The programmes households are decided for, with their names in one language',
        querystring: z.object({ lang: Language.default('uz-Latn') }),
        response: { 200: z.object({ items: z.array(ProgrammeListing) }) },
      },
    },
    async (request) => ({ items: listProgrammes(request.query.lang, CATALOGUE) }),
  );
};
