import { z } from 'zod';
import { authorizeHousehold, ownHouseholdIds, scopeFor } from '../access/access.plugin.ts';
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
      await authorizeHousehold(request, db, 'decisions.read', first);
      return { ...found, steps: await repo.listSteps(db, found.id) };
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
