import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findPlaceOfHousehold } from '../access/access.service.ts';
import type { ScreenAction } from '../access/allowed-actions.ts';
import type { Action } from '../access/policies.ts';
import { authorizeHouseholdGrant } from '../access/record-grant.ts';
import { AllowedActions, allowedActionsFor } from '../access/screen-access.ts';
import { auditFromRequest, uniqueHouseholds } from '../audit/audit.service.ts';
import { ActorDisplaySchema, viewerOf, withActorDisplays } from '../identity/actor-display.ts';
import { actorOf } from '../platform/http/actor.ts';
import { CountAnswer, PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { ProgrammeId } from '../programs/programme.schema.ts';
import { CalendarMonth } from '../shared/date-schemas.ts';
import { authorizeHouseholdAny, scopeForAny } from './casework.access.ts';
import * as overrides from './override.service.ts';

const TAGS = ['casework'];
const Programme = ProgrammeId();
const Status = z.enum(['pending', 'approved', 'rejected']);
const IdParams = z.object({ id: z.uuid() });
const Text = z.string().trim().min(1).max(2000);

export const CreateOverride = z
  .object({
    id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
    householdId: z.uuid(),
    programme: ProgrammeId('overrides'),
    month: CalendarMonth.describe("Month 'YYYY-MM' the override decides"),
    untilMonth: CalendarMonth.optional().describe(
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
  requestedByDisplay: ActorDisplaySchema.nullable().optional(),
  reviewedByDisplay: ActorDisplaySchema.nullable().optional(),
  reviewNote: z.string().nullable(),
  decisionId: z.number().int().nullable().describe('The decision the approval wrote'),
  createdAt: z.date(),
  reviewedAt: z.date().nullable(),
});
export type OverrideView = z.infer<typeof OverrideView>;

/** An override as a reader's screen shows it: with what the reader may do with it (four eyes included). */
const OverrideItem = OverrideView.extend({ allowedActions: AllowedActions });

/** Who reads overrides: the officers who propose them and those who approve them. */
const READERS: readonly Action[] = ['overrides.propose', 'overrides.approve'];

const OverrideFilterFields = z.object({
  status: Status.optional(),
  householdId: z.uuid().optional(),
});
const OverrideFilter = PageQuery.extend(OverrideFilterFields.shape);

export const overrideRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  /** What the reader may do with an override: the policy of the routes below, four eyes included. */
  const actionsOn = async (
    request: FastifyRequest,
    o: { householdId: string; requestedBy: string },
  ): Promise<ScreenAction[]> => {
    const place = await findPlaceOfHousehold(db, o.householdId);
    if (!place) return [];
    return allowedActionsFor(request, db, { kind: 'override', ...o, place });
  };

  app.post(
    '/api/overrides',
    {
      config: { access: { action: 'overrides.propose' } },
      schema: {
        tags: TAGS,
        summary: 'Propose a manual override of a decision (pending until another officer approves it)',
        description:
          "The proposer is the signed-in officer, who needs `overrides.propose` in the household's area. " +
          'Nothing changes until a different officer approves it. ' +
          'A retry with the same id and content returns the stored override (200); the same id with other ' +
          'content is 409 OVERRIDE_ID_REUSED.',
        body: CreateOverride,
        response: { 200: OverrideView, 201: OverrideView },
      },
    },
    async (request, reply) => {
      const { householdId } = request.body;
      const { grant } = await authorizeHouseholdGrant(request, db, 'overrides.propose', householdId);
      const { override, created } = await db.transaction().execute(async (trx) => {
        const result = await overrides.createOverride(trx, request.body, actorOf(request));
        if (result.created) {
          await auditFromRequest(
            trx,
            request,
            {
              action: 'create',
              resourceType: 'override',
              resourceId: result.override.id,
              subjectHouseholdIds: [householdId],
              fields: ['override'],
            },
            { grant },
          );
        }
        return result;
      });
      return reply.status(created ? 201 : 200).send(override);
    },
  );

  app.post(
    '/api/overrides/:id/approve',
    {
      config: { access: { action: 'overrides.approve' } },
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
    async (request) => {
      const { householdId } = await overrides.getOverride(db, request.params.id);
      const { grant } = await authorizeHouseholdGrant(request, db, 'overrides.approve', householdId);
      return db.transaction().execute(async (trx) => {
        const o = await overrides.approveOverride(
          trx,
          request.params.id,
          actorOf(request),
          request.body?.note ?? null,
        );
        await auditFromRequest(
          trx,
          request,
          {
            action: 'update',
            resourceType: 'override',
            resourceId: o.id,
            subjectHouseholdIds: [householdId],
            fields: ['status', 'decision', 'entitlement'],
          },
          { grant },
        );
        return o;
      });
    },
  );

  app.post(
    '/api/overrides/:id/reject',
    {
      config: { access: { action: 'overrides.approve' } },
      schema: {
        tags: TAGS,
        summary: 'Reject (or, by its proposer, withdraw) a pending override',
        params: IdParams,
        body: ReviewOverride.nullish(),
        response: { 200: OverrideView },
      },
    },
    async (request) => {
      const { householdId } = await overrides.getOverride(db, request.params.id);
      const { grant } = await authorizeHouseholdGrant(request, db, 'overrides.approve', householdId);
      return db.transaction().execute(async (trx) => {
        const o = await overrides.rejectOverride(
          trx,
          request.params.id,
          actorOf(request),
          request.body?.note ?? null,
        );
        await auditFromRequest(
          trx,
          request,
          {
            action: 'update',
            resourceType: 'override',
            resourceId: o.id,
            subjectHouseholdIds: [householdId],
            fields: ['status'],
          },
          { grant },
        );
        return o;
      });
    },
  );

  app.get(
    '/api/overrides/count',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'How many overrides the list would show (same filters, same areas)',
        querystring: OverrideFilterFields,
        response: { 200: CountAnswer },
      },
    },
    async (request) => {
      const scope = await scopeForAny(request, db, READERS);
      return { total: await overrides.countOverrides(db, request.query, scope) };
    },
  );

  app.get(
    '/api/overrides/:id',
    {
      config: { access: { anyOf: READERS } },
      schema: { tags: TAGS, summary: 'An override', params: IdParams, response: { 200: OverrideItem } },
    },
    async (request) => {
      const override = await overrides.getOverride(db, request.params.id);
      const grant = await authorizeHouseholdAny(request, db, READERS, override.householdId);
      await auditFromRequest(
        db,
        request,
        {
          action: 'read',
          resourceType: 'override',
          resourceId: override.id,
          subjectHouseholdIds: [override.householdId],
          fields: ['override'],
        },
        { grant },
      );
      const [shown] = await withActorDisplays(
        db,
        viewerOf(request),
        [override],
        ['requestedBy', 'reviewedBy'],
      );
      return { ...(shown ?? override), allowedActions: await actionsOn(request, override) };
    },
  );

  app.get(
    '/api/overrides',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'Overrides, oldest first (`status=pending` is the approvers’ worklist)',
        querystring: OverrideFilter,
        response: { 200: pageOf(OverrideItem) },
      },
    },
    async (request) => {
      const { page, pageSize, status, householdId } = request.query;
      const scope = await scopeForAny(request, db, READERS);
      const result = await overrides.listOverrides(db, { status, householdId }, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'override',
        subjectHouseholdIds: uniqueHouseholds(result.items),
        fields: ['list'],
      });
      const items = await withActorDisplays(db, viewerOf(request), result.items, [
        'requestedBy',
        'reviewedBy',
      ]);
      const withActions = [];
      for (const item of items) withActions.push({ ...item, allowedActions: await actionsOn(request, item) });
      return { ...result, items: withActions, page, pageSize };
    },
  );
};
