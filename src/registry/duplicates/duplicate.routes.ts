import { z } from 'zod';
import { DomainError } from '../../platform/errors.ts';
import { actorOf } from '../../platform/http/actor.ts';
import { PageQuery, pageOf } from '../../platform/http/pagination.ts';
import type { HttpPlugin } from '../../platform/http/server.ts';
import { today } from '../households/household.service.ts';
import { DUPLICATE_SCAN_JOB, listCandidates, reviewCandidate } from './duplicate.service.ts';

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

export const duplicateRoutes: HttpPlugin = (app, { database, jobs }) => {
  const { db } = database;
  app.get(
    '/api/duplicates',
    {
      schema: {
        tags: ['duplicates'],
        summary: 'The duplicate review queue',
        querystring: PageQuery.extend({
          status: z.enum(['pending', 'duplicate', 'distinct']).default('pending'),
          mahallaCode: z
            .string()
            .regex(/^[0-9]{10}$/)
            .optional(),
        }),
        response: { 200: pageOf(Candidate) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      return listCandidates(db, filters, { page, pageSize });
    },
  );

  app.post(
    '/api/duplicates/scan',
    {
      schema: {
        tags: ['duplicates'],
        summary: 'Queue a scan for new duplicate candidates (a durable job)',
        response: { 202: z.object({ jobId: z.string().nullable(), queued: z.boolean() }) },
      },
    },
    async (_request, reply) => {
      // One scan at a time: while one is queued or running, another request joins it.
      const jobId = await jobs.send(DUPLICATE_SCAN_JOB, {}, { singletonKey: 'scan' });
      return reply.status(202).send({ jobId, queued: jobId !== null });
    },
  );

  app.get(
    '/api/duplicates/scans/:jobId',
    {
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
      schema: {
        tags: ['duplicates'],
        summary: 'Decide a candidate pair: the same person (merge) or two people',
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
    async (request) =>
      reviewCandidate(db, request.params.id, { ...request.body, date: today() }, actorOf(request)),
  );
};
