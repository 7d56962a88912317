import { z } from 'zod';
import { authorizeHousehold, scopeFor } from '../../access/access.plugin.ts';
import { findGoverningHouseholdOfPerson } from '../../access/access.service.ts';
import { auditFromRequest } from '../../audit/audit.service.ts';
import { DomainError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { CountAnswer, PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { today } from '../households/household.service.ts';
import {
  countCandidates,
  DUPLICATE_SCAN_JOB,
  getCandidatePersons,
  listCandidates,
  reviewCandidate,
} from './duplicate.service.ts';

const Side = z.object({
  personId: z.uuid(),
  pinfl: z.string().nullable(),
  lastName: z.string(),
  firstName: z.string(),
  patronymic: z.string().nullable(),
  birthDate: z.string(),
  source: z.string(),
});
const Candidate = z.object({
  id: z.number().int(),
  reason: z.string(),
  score: z.number(),
  status: z.enum(['pending', 'duplicate', 'distinct']),
  detectedAt: z.string(),
  reviewedBy: z.string().nullable(),
  reviewedAt: z.string().nullable(),
  note: z.string().nullable(),
  personA: Side,
  personB: Side,
});

const QueueFilter = z.object({
  status: z.enum(['pending', 'duplicate', 'distinct']).default('pending'),
  mahallaCode: z
    .string()
    .regex(/^[0-9]{10}$/)
    .optional(),
});

export const duplicateRoutes: HttpPlugin = (app, { database, jobs }) => {
  const { db } = database;
  app.get(
    '/api/duplicates/count',
    {
      config: { access: { action: 'duplicates.review' } },
      schema: {
        tags: ['duplicates'],
        summary: 'How many pairs the review queue would show (same filters, same areas)',
        querystring: QueueFilter,
        response: { 200: CountAnswer },
      },
    },
    async (request) => {
      const scope = await scopeFor(request, db, 'duplicates.review');
      return { total: await countCandidates(db, request.query, scope) };
    },
  );

  app.get(
    '/api/duplicates',
    {
      config: { access: { action: 'duplicates.review' } },
      schema: {
        tags: ['duplicates'],
        summary: 'The duplicate review queue (pairs with a person in your areas)',
        querystring: PageQuery.extend(QueueFilter.shape),
        response: { 200: pageOf(Candidate) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const scope = await scopeFor(request, db, 'duplicates.review');
      const result = await listCandidates(db, filters, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'duplicate_candidate',
        subjectPersonIds: result.items.flatMap((c) => [c.personA.personId, c.personB.personId]),
        fields: ['list'],
      });
      return result;
    },
  );

  app.post(
    '/api/duplicates/scan',
    {
      // The scan reads the whole registry: region-wide reviewers only.
      config: { access: { action: 'duplicates.review' } },
      schema: {
        tags: ['duplicates'],
        summary: 'Queue a scan for new duplicate candidates (a durable job; region-wide reviewers)',
        response: { 202: z.object({ jobId: z.string().nullable(), queued: z.boolean() }) },
      },
    },
    async (request, reply) => {
      const scope = await scopeFor(request, db, 'duplicates.review');
      if (scope.kind !== 'all' && !(scope.kind === 'areas' && scope.regions.length > 0)) {
        throw new DomainError('FORBIDDEN', { reason: 'the scan covers the whole region' });
      }
      // One scan at a time: while one is queued or running, another request joins it.
      const jobId = await jobs.send(DUPLICATE_SCAN_JOB, {}, { singletonKey: 'scan' });
      return reply.status(202).send({ jobId, queued: jobId !== null });
    },
  );

  app.get(
    '/api/duplicates/scans/:jobId',
    {
      config: { access: { action: 'duplicates.review' } },
      schema: {
        tags: ['duplicates'],
        summary: 'State of a duplicate scan',
        params: z.object({ jobId: z.uuid() }),
        response: {
          200: z.object({ jobId: z.string(), state: z.string(), completedOn: z.string().nullable() }),
        },
      },
    },
    async (request) => {
      const status = await jobs.status(DUPLICATE_SCAN_JOB, request.params.jobId);
      if (!status) throw new DomainError('JOB_UNKNOWN', { jobId: request.params.jobId });
      return {
        jobId: status.id,
        state: status.state,
        completedOn: status.completedOn ? new Date(status.completedOn).toISOString() : null,
      };
    },
  );

  app.post(
    '/api/duplicates/:id/review',
    {
      config: { access: { action: 'duplicates.review' } },
      schema: {
        tags: ['duplicates'],
        summary: 'Decide a candidate pair: the same person (merge) or two people (both within your areas)',
        params: z.object({ id: z.coerce.number().int().positive() }),
        body: z.object({
          decision: z.enum(['duplicate', 'distinct']),
          keepPersonId: z.uuid().optional(),
          note: z.string().max(1000).optional(),
        }),
        response: {
          200: z.object({
            id: z.number().int(),
            status: z.enum(['duplicate', 'distinct']),
            merged: z.object({ kept: z.uuid(), merged: z.uuid() }).optional(),
          }),
        },
      },
    },
    async (request) => {
      const persons = await getCandidatePersons(db, request.params.id);
      const households: string[] = [];
      for (const personId of persons) {
        const householdId = await findGoverningHouseholdOfPerson(db, personId);
        if (householdId) {
          await authorizeHousehold(request, db, 'duplicates.review', householdId, personId);
          households.push(householdId);
        } else if ((await scopeFor(request, db, 'duplicates.review')).kind !== 'all') {
          throw new DomainError('FORBIDDEN');
        }
      }
      const result = await reviewCandidate(
        db,
        request.params.id,
        { ...request.body, date: today() },
        actorOf(request),
      );
      await auditFromRequest(db, request, {
        action: 'update',
        resourceType: 'duplicate_candidate',
        resourceId: String(request.params.id),
        subjectPersonIds: persons,
        subjectHouseholdIds: households,
        fields: [result.status],
      });
      return result;
    },
  );
};
