import { z } from 'zod';
import type { Action } from '../access/policies.ts';
import { authorizeHouseholdGrant } from '../access/record-grant.ts';
import { AllowedActions } from '../access/screen-access.ts';
import { auditFromRequest, uniqueHouseholds } from '../audit/audit.service.ts';
import { decisionHousehold } from '../decisions/decision.service.ts';
import { actorOf } from '../platform/http/actor.ts';
import { CountAnswer, PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { withHouseholdReferences } from '../registry/households/household.service.ts';
import { CivilDate } from '../shared/date-schemas.ts';
import * as appeals from './appeal.service.ts';
import { authorizeHouseholdAny, scopeForAny, screenActionsOn } from './casework.access.ts';

const TAGS = ['casework'];
const Status = z.enum(['submitted', 'under_review', 'upheld', 'overturned', 'withdrawn']);
const IsoDate = CivilDate;
const IdParams = z.object({ id: z.uuid() });

export const SubmitAppeal = z.object({
  id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
  decisionId: z.number().int().positive(),
  grounds: z.string().trim().min(1).max(4000),
  submittedOn: IsoDate.optional().describe('Date received; today when absent'),
});
export type SubmitAppeal = z.infer<typeof SubmitAppeal>;

export const TransitionAppeal = z
  .object({
    to: z.enum(['under_review', 'upheld', 'overturned', 'withdrawn']),
    note: z.string().trim().max(2000).optional(),
    remedy: z
      .object({
        amount: z.number().int().min(0).optional(),
        category: z.enum(['none', 'state_supported', 'poor', 'borderline']).optional(),
        legalBasis: z.string().trim().min(1).max(2000),
      })
      .refine((r) => r.amount !== undefined || r.category !== undefined, {
        message: 'an amount or a category is required',
      })
      .optional()
      .describe('Required to overturn: what the pending override will set'),
  })
  .refine((t) => t.to !== 'overturned' || t.remedy !== undefined, {
    message: 'overturning needs a remedy',
    path: ['remedy'],
  });
export type TransitionAppeal = z.infer<typeof TransitionAppeal>;

const AppealEvent = z.object({
  fromStatus: Status.nullable(),
  toStatus: Status,
  actor: z.string(),
  note: z.string().nullable(),
  at: z.date(),
});

const AppealSummary = z.object({
  id: z.uuid(),
  decisionId: z.number().int(),
  householdId: z.uuid(),
  householdReference: z
    .string()
    .nullable()
    .optional()
    .describe("The household's reference, H-<year>-<number>; in lists"),
  grounds: z.string(),
  status: Status,
  submittedBy: z.string(),
  submittedOn: z.string(),
  dueOn: z.string().describe('Working days (Mon-Fri, holidays not counted) after submission'),
  overdue: z.boolean(),
  overrideId: z.uuid().nullable().describe('The pending override an overturned appeal proposed'),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export const AppealView = AppealSummary.extend({ events: z.array(AppealEvent) });
export type AppealView = z.infer<typeof AppealView>;

/** Who reads appeals: the officers who decide them and those who submitted them (a citizen: their own). */
const READERS: readonly Action[] = ['appeals.decide', 'appeals.submit'];

const Flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');
const AppealFilterFields = z.object({
  status: Status.optional(),
  open: Flag.describe('`true`: only appeals still open (submitted or under review)'),
  overdue: Flag,
});
const AppealFilter = PageQuery.extend(AppealFilterFields.shape);

export const appealRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/appeals',
    {
      config: { access: { action: 'appeals.submit' } },
      schema: {
        tags: TAGS,
        summary: 'Appeal a decision (by the citizen, or an officer on their behalf)',
        description: `Due ${appeals.APPEAL_SLA_WORKING_DAYS} working days after submission (unverified figure).`,
        body: SubmitAppeal,
        response: { 200: AppealView, 201: AppealView },
      },
    },
    async (request, reply) => {
      const householdId = await decisionHousehold(db, request.body.decisionId);
      const { grant } = await authorizeHouseholdGrant(request, db, 'appeals.submit', householdId);
      const { appeal, created } = await db.transaction().execute(async (trx) => {
        const result = await appeals.submitAppeal(trx, request.body, actorOf(request));
        if (result.created) {
          await auditFromRequest(
            trx,
            request,
            {
              action: 'create',
              resourceType: 'appeal',
              resourceId: result.appeal.id,
              subjectHouseholdIds: [householdId],
              fields: ['appeal'],
            },
            { grant },
          );
        }
        return result;
      });
      return reply.status(created ? 201 : 200).send(appeal);
    },
  );

  app.post(
    '/api/appeals/:id/transition',
    {
      config: { access: { action: 'appeals.decide' } },
      schema: {
        tags: TAGS,
        summary: 'Move an appeal on: under_review, then upheld, overturned or withdrawn',
        description:
          'Overturning proposes a pending override (needs a remedy) that another officer must approve. ' +
          'A move the status does not allow is 409 APPEAL_TRANSITION_INVALID.',
        params: IdParams,
        body: TransitionAppeal,
        response: { 200: AppealView },
      },
    },
    async (request) => {
      const { to, note, remedy } = request.body;
      const householdId = await appeals.appealHousehold(db, request.params.id);
      const { grant } = await authorizeHouseholdGrant(request, db, 'appeals.decide', householdId);
      return db.transaction().execute(async (trx) => {
        const before = await appeals.getAppeal(trx, request.params.id);
        const appeal = await appeals.transitionAppeal(
          trx,
          request.params.id,
          to,
          actorOf(request),
          note ?? null,
          remedy,
        );
        if (appeal.status !== before.status) {
          const subject = { subjectHouseholdIds: [householdId] };
          await auditFromRequest(
            trx,
            request,
            [
              {
                action: 'update',
                resourceType: 'appeal',
                resourceId: appeal.id,
                fields: ['status'],
                ...subject,
              },
              // Overturning proposed an override in the same transaction.
              ...(appeal.overrideId && !before.overrideId
                ? [
                    {
                      action: 'create',
                      resourceType: 'override',
                      resourceId: appeal.overrideId,
                      fields: ['override'],
                      ...subject,
                    },
                  ]
                : []),
            ],
            { grant },
          );
        }
        return appeal;
      });
    },
  );

  app.get(
    '/api/appeals/count',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'How many appeals the list would show (same filters, same areas)',
        querystring: AppealFilterFields,
        response: { 200: CountAnswer },
      },
    },
    async (request) => {
      const scope = await scopeForAny(request, db, READERS);
      return { total: await appeals.countAppeals(db, request.query, scope) };
    },
  );

  app.get(
    '/api/appeals/:id',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'An appeal and its history',
        params: IdParams,
        response: { 200: AppealView.extend({ allowedActions: AllowedActions }) },
      },
    },
    async (request) => {
      const householdId = await appeals.appealHousehold(db, request.params.id);
      const grant = await authorizeHouseholdAny(request, db, READERS, householdId);
      const appeal = await appeals.getAppeal(db, request.params.id);
      await auditFromRequest(
        db,
        request,
        {
          action: 'read',
          resourceType: 'appeal',
          resourceId: appeal.id,
          subjectHouseholdIds: [householdId],
          fields: ['appeal'],
        },
        { grant },
      );
      return { ...appeal, allowedActions: await screenActionsOn(request, db, 'appeal', householdId) };
    },
  );

  app.get(
    '/api/appeals',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'Appeals, earliest due first; `overdue=true`: open appeals past their due date',
        querystring: AppealFilter,
        response: { 200: pageOf(AppealSummary) },
      },
    },
    async (request) => {
      const { page, pageSize, status, open, overdue } = request.query;
      const scope = await scopeForAny(request, db, READERS);
      const result = await appeals.listAppeals(db, { status, open, overdue }, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'appeal',
        subjectHouseholdIds: uniqueHouseholds(result.items),
        fields: ['list'],
      });
      return { ...result, items: await withHouseholdReferences(db, result.items), page, pageSize };
    },
  );
};
