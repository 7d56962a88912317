import type { Kysely } from 'kysely';
import { z } from 'zod';
import { authorizeHousehold, mayOnHousehold, ownHouseholdIds, scopeFor } from '../access/access.plugin.ts';
import { findGoverningHouseholdOfPerson, findPlaceOfHousehold } from '../access/access.service.ts';
import { auditFromRequest } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as repo from './proactive.repository.ts';

const TAGS = ['proactive'];

const CaseView = z.object({
  id: z.uuid(),
  eventId: z.string(),
  source: z.string(),
  kind: z.string(),
  occurredOn: z.string(),
  householdIds: z.array(z.uuid()),
  personIds: z.array(z.uuid()),
  status: z.enum(['open', 'done', 'failed']),
  createdAt: z.date(),
  finishedAt: z.date().nullable(),
});
const CaseDetail = CaseView.extend({
  steps: z.array(
    z.object({
      step: z.string(),
      status: z.enum(['done', 'skipped', 'failed']),
      detail: z.unknown(),
      at: z.date(),
    }),
  ),
});
const CaseFilter = PageQuery.extend({
  householdId: z.uuid().optional(),
  kind: z.string().max(40).optional(),
});

/** The persons of a case whose record lives in one of the households the actor may read. */
async function personsLivingIn(
  db: Kysely<DB>,
  personIds: string[],
  householdIds: string[],
): Promise<string[]> {
  const kept: string[] = [];
  for (const personId of personIds) {
    const householdId = await findGoverningHouseholdOfPerson(db, personId);
    if (householdId && householdIds.includes(householdId)) kept.push(personId);
  }
  return kept;
}

export const proactiveRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/cases',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: TAGS,
        summary: 'Cases of life events (composite services) within your areas, newest first',
        querystring: CaseFilter,
        response: { 200: pageOf(CaseView) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const scope = await scopeFor(request, db, 'decisions.read');
      const { items, total } = await repo.listCases(db, filters, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'service_case',
        subjectHouseholdIds: [...new Set(items.flatMap((c) => c.householdIds))],
        fields: ['list'],
      });
      return { items, total, page, pageSize };
    },
  );

  app.get(
    '/api/cases/:id',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: TAGS,
        summary: 'A case with each step the event started: registry, programmes, messages, agencies',
        params: z.object({ id: z.uuid() }),
        response: { 200: CaseDetail },
      },
    },
    async (request) => {
      const found = await repo.findCase(db, request.params.id);
      if (!found) throw new DomainError('NOT_FOUND', { id: request.params.id });
      const first = found.householdIds[0];
      if (!first) throw new DomainError('NOT_FOUND', { id: request.params.id });
      // A case may span households (up to ten): the actor sees it through those it may read, and sees
      // nothing of the others, not even their ids.
      const reachable = [];
      for (const householdId of found.householdIds) {
        const place = await findPlaceOfHousehold(db, householdId);
        if (place && (await mayOnHousehold(request, db, 'decisions.read', householdId, place))) {
          reachable.push(householdId);
        }
      }
      if (reachable.length === 0) await authorizeHousehold(request, db, 'decisions.read', first);
      const personIds =
        reachable.length === found.householdIds.length
          ? found.personIds
          : await personsLivingIn(db, found.personIds, reachable);
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'service_case',
        resourceId: found.id,
        subjectHouseholdIds: reachable,
        subjectPersonIds: personIds,
        fields: ['case'],
      });
      return { ...found, householdIds: reachable, personIds, steps: await repo.listSteps(db, found.id) };
    },
  );

  app.get(
    '/api/me/cases',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: "My family's cases: what a birth or another event started, step by step",
        querystring: PageQuery,
        response: { 200: pageOf(CaseView) },
      },
    },
    async (request) => {
      const { page, pageSize } = request.query;
      const own = await ownHouseholdIds(request, db);
      const { items, total } = await repo.listCases(
        db,
        {},
        { page, pageSize },
        { kind: 'households', ids: own },
      );
      return { items, total, page, pageSize };
    },
  );
};
