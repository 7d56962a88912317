import { sql } from 'kysely';
import { z } from 'zod';
import { actorIn } from '../../access/access.plugin.ts';
import { DomainError } from '../../platform/errors.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import * as persons from './person.service.ts';

const Language = z.enum(['uz-Latn', 'uz-Cyrl', 'ru', 'en']);
const Me = z.object({
  personId: z.uuid(),
  pinfl: z.string().nullable(),
  firstName: z.string(),
  lastName: z.string(),
  preferredLanguage: Language,
  householdId: z.uuid().nullable(),
});

/** The signed-in citizen: who they are, their household today, the language messages reach them in. */
export const meRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  /** One read: what every portal page asks first must not cost a query per field. */
  const me = async (personId: string) => {
    const summary = await persons.getCitizenSummary(db, personId);
    const preferred = Language.safeParse(summary.preferredLanguage);
    return {
      personId,
      pinfl: summary.pinfl,
      firstName: summary.firstName,
      lastName: summary.lastName,
      preferredLanguage: preferred.success ? preferred.data : ('uz-Latn' as const),
      householdId: summary.householdId,
    };
  };

  app.get(
    '/api/me',
    {
      config: { access: { citizen: true } },
      schema: { tags: ['registry'], summary: 'Who I am, and my household today', response: { 200: Me } },
    },
    async (request) => {
      const actor = actorIn(request);
      if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN');
      return me(actor.personId);
    },
  );

  app.put(
    '/api/me/language',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: ['registry'],
        summary: 'The language my SMS and portal messages are written in',
        body: z.object({ language: Language }),
        response: { 200: Me },
      },
    },
    async (request) => {
      const actor = actorIn(request);
      if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN');
      await sql`update person set preferred_language = ${request.body.language} where id = ${actor.personId}`.execute(
        db,
      );
      return me(actor.personId);
    },
  );
};
