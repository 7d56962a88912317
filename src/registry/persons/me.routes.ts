import { sql } from 'kysely';
import { z } from 'zod';
import { actorIn, ownHouseholdIds } from '../../access/access.plugin.ts';
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

  const me = async (personId: string, householdId: string | null) => {
    const person = await persons.getPersonView(db, personId);
    const language = await sql<{ preferred_language: string }>`
      select preferred_language from person where id = ${personId}`.execute(db);
    const preferred = Language.safeParse(language.rows[0]?.preferred_language);
    return {
      personId,
      pinfl: person.pinfl,
      firstName: person.firstName,
      lastName: person.lastName,
      preferredLanguage: preferred.success ? preferred.data : ('uz-Latn' as const),
      householdId,
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
      const [householdId] = await ownHouseholdIds(request, db);
      return me(actor.personId, householdId ?? null);
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
      const [householdId] = await ownHouseholdIds(request, db);
      return me(actor.personId, householdId ?? null);
    },
  );
};
