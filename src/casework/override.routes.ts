import { z } from 'zod';
import { actorOf } from '../platform/http/actor.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as overrides from './override.service.ts';

const TAGS = ['casework'];
const Programme = z.enum(['social_registry', 'child_allowance', 'material_assistance']);
const Status = z.enum(['pending', 'approved', 'rejected']);
const IdParams = z.object({ id: z.uuid() });
const Text = z.string().trim().min(1).max(2000);

export const CreateOverride = z
  .object({
    id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
    householdId: z.uuid(),
    programme: Programme,
    month: z
      .string()
      .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'month is YYYY-MM')
      .describe("Month 'YYYY-MM' the override decides"),
    untilMonth: z
      .string()
      .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'untilMonth is YYYY-MM')
      .optional()
      .describe(
        'Last month the override holds; monthly evaluations keep its outcome until then. ' +
          "Default: the Social Registry's re-assessment period (six months) from `month`",
      ),
    amount: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe("So'm a month; for the Social Registry the benefit share in per mille (0.75 = 750)"),
    category: z
      .enum(['none', 'state_supported', 'poor', 'borderline'])
      .optional()
      .describe('The Social Registry category the household is set to'),
    reason: Text.describe('Why the engine result is set aside'),
    legalBasis: Text.describe('The act and article the override rests on'),
  })
  .refine((o) => o.amount !== undefined || o.category !== undefined, {
    message: 'an amount or a category is required',
    path: ['amount'],
  })
  .refine((o) => o.untilMonth === undefined || o.untilMonth >= o.month, {
    message: 'untilMonth is not before month',
    path: ['untilMonth'],
  });
export type CreateOverride = z.infer<typeof CreateOverride>;

export const ReviewOverride = z.object({ note: z.string().trim().max(2000).optional() });
export type ReviewOverride = z.infer<typeof ReviewOverride>;

export const OverrideView = z.object({
  id: z.uuid(),
  householdId: z.uuid(),
  programme: Programme,
  month: z.string(),
  untilMonth: z.string(),
  amount: z.number().int().nullable(),
  category: z.string().nullable(),
  reason: z.string(),
  legalBasis: z.string(),
  status: Status,
  requestedBy: z.string(),
  reviewedBy: z.string().nullable(),
  reviewNote: z.string().nullable(),
  decisionId: z.number().int().nullable().describe('The decision the approval wrote'),
  createdAt: z.date(),
  reviewedAt: z.date().nullable(),
});
export type OverrideView = z.infer<typeof OverrideView>;

const OverrideFilter = PageQuery.extend({
  status: Status.optional(),
  householdId: z.uuid().optional(),
});

export const overrideRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/overrides',
    {
      schema: {
        tags: TAGS,
        summary: 'Propose a manual override of a decision (pending until another officer approves it)',
        description:
          'The proposer is the `x-himoya-actor`. Nothing changes until a different officer approves it. ' +
          'A retry with the same id and content returns the stored override (200); the same id with other ' +
          'content is 409 OVERRIDE_ID_REUSED.',
        body: CreateOverride,
        response: { 200: OverrideView, 201: OverrideView },
      },
    },
    async (request, reply) => {
      const { override, created } = await overrides.createOverride(db, request.body, actorOf(request));
      return reply.status(created ? 201 : 200).send(override);
    },
  );

  app.post(
    '/api/overrides/:id/approve',
    {
      schema: {
        tags: TAGS,
        summary: 'Approve a pending override and apply it (four eyes)',
        description:
          'Writes the decision and changes the entitlement, in one transaction. Approval by the proposer is ' +
          '403 OVERRIDE_SAME_APPROVER; an override already decided is 409 OVERRIDE_NOT_PENDING.',
        params: IdParams,
        body: ReviewOverride.nullish(),
        response: { 200: OverrideView },
      },
    },
    async (request) =>
      db
        .transaction()
        .execute((trx) =>
          overrides.approveOverride(trx, request.params.id, actorOf(request), request.body?.note ?? null),
        ),
  );

  app.post(
    '/api/overrides/:id/reject',
    {
      schema: {
        tags: TAGS,
        summary: 'Reject (or, by its proposer, withdraw) a pending override',
        params: IdParams,
        body: ReviewOverride.nullish(),
        response: { 200: OverrideView },
      },
    },
    async (request) =>
      db
        .transaction()
        .execute((trx) =>
          overrides.rejectOverride(trx, request.params.id, actorOf(request), request.body?.note ?? null),
        ),
  );

  app.get(
    '/api/overrides/:id',
    { schema: { tags: TAGS, summary: 'An override', params: IdParams, response: { 200: OverrideView } } },
    async (request) => overrides.getOverride(db, request.params.id),
  );

  app.get(
    '/api/overrides',
    {
      schema: {
        tags: TAGS,
        summary: 'Overrides, oldest first (`status=pending` is the approvers’ worklist)',
        querystring: OverrideFilter,
        response: { 200: pageOf(OverrideView) },
      },
    },
    async (request) => {
      const { page, pageSize, status, householdId } = request.query;
      const result = await overrides.listOverrides(db, { status, householdId }, { page, pageSize });
      return { ...result, page, pageSize };
    },
  );
};
