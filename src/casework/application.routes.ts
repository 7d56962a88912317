import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Action } from '../access/policies.ts';
import { authorizeHouseholdGrant } from '../access/record-grant.ts';
import { AllowedActions } from '../access/screen-access.ts';
import { auditFromRequest, uniqueHouseholds } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { actorOf } from '../platform/http/actor.ts';
import { CountAnswer, PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { ProgrammeId } from '../programs/programme.schema.ts';
import { withHouseholdReferences } from '../registry/households/household.service.ts';
import { CivilDate } from '../shared/date-schemas.ts';
import * as applications from './application.service.ts';
import { authorizeHouseholdAny, scopeForAny, screenActionsOn } from './casework.access.ts';

const TAGS = ['casework'];
const Status = z.enum(['submitted', 'questionnaire_done', 'mahalla_opinion', 'decided']);
const Programme = ProgrammeId();
const IsoDate = CivilDate;
const IdParams = z.object({ id: z.uuid() });

export const SubmitApplication = z.object({
  id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
  householdId: z.uuid(),
  programme: ProgrammeId('applications'),
  channel: z.enum(['portal', 'social_worker', 'mygov', 'centre']),
  submittedOn: IsoDate.describe('By the cut-off day (16th) decided that month, later the next'),
});
export type SubmitApplication = z.infer<typeof SubmitApplication>;

const StepBody = z
  .object({ on: IsoDate.optional().describe('Date of the step; today when absent') })
  .nullish();
const OpinionBody = z.object({ supports: z.boolean(), on: IsoDate.optional() });

const Outcome = z.object({ entitled: z.boolean(), category: z.string(), amount: z.number() });
export const ApplicationView = z.object({
  id: z.uuid(),
  reference: z.string().describe('Short human reference, A-<year>-<number>; shown instead of the id'),
  householdId: z.uuid(),
  householdReference: z
    .string()
    .nullable()
    .optional()
    .describe("The household's reference, H-<year>-<number>; in lists"),
  programme: Programme,
  channel: z.string(),
  submittedOn: z.string(),
  submittedBy: z.string(),
  decisionMonth: z.string(),
  status: Status,
  precheck: z.object({ entitled: z.boolean(), category: z.string() }).describe('The engine at submission'),
  questionnaire: z.object({ by: z.string(), on: z.string() }).nullable(),
  mahallaOpinion: z.object({ supports: z.boolean(), by: z.string(), on: z.string() }).nullable(),
  dueOn: z.string().nullable().describe('Final assessment due (3 working days after the mahalla opinion)'),
  overdue: z.boolean(),
  decidedOn: z.string().nullable(),
  outcome: Outcome.nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ApplicationView = z.infer<typeof ApplicationView>;

/** Who reads applications: those who process, decide or submitted them (a citizen: their own). */
const READERS: readonly Action[] = ['applications.process', 'applications.decide', 'applications.submit'];

type Step = 'questionnaire' | 'mahalla_opinion' | 'decision';

/**
 * One step of an application: the area check of `action` on its household, the step, then its audit entry
 * (in the step's transaction, or after it when the step commits on its own: the decision).
 */
async function takeStep(
  db: Kysely<DB>,
  request: FastifyRequest,
  id: string,
  action: Action,
  field: Step,
  run: (db: Kysely<DB>) => Promise<ApplicationView>,
  inTransaction = true,
): Promise<ApplicationView> {
  const householdId = await applications.applicationHousehold(db, id);
  const { grant } = await authorizeHouseholdGrant(request, db, action, householdId);
  const audited = async (conn: Kysely<DB>) => {
    const application = await run(conn);
    await applications.announceStep(conn, application);
    await auditFromRequest(
      conn,
      request,
      {
        action: 'update',
        resourceType: 'application',
        resourceId: application.id,
        subjectHouseholdIds: [householdId],
        fields: ['status', field],
      },
      { grant },
    );
    return application;
  };
  return inTransaction ? db.transaction().execute(audited) : audited(db);
}

const Flag = z
  .enum(['true', 'false'])
  .optional()
  .transform((v) => v === 'true');
const ApplicationFilterFields = z.object({
  status: Status.optional(),
  open: Flag.describe('`true`: only applications not decided yet'),
  overdue: Flag,
});
const ApplicationFilter = PageQuery.extend(ApplicationFilterFields.shape);

export const applicationRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/applications',
    {
      config: { access: { action: 'applications.submit' } },
      schema: {
        tags: TAGS,
        summary: 'Apply (families not found proactively): recorded with the engine pre-check',
        body: SubmitApplication,
        response: { 200: ApplicationView, 201: ApplicationView },
      },
    },
    async (request, reply) => {
      const { householdId } = request.body;
      const { grant } = await authorizeHouseholdGrant(request, db, 'applications.submit', householdId);
      const { application, created } = await db.transaction().execute(async (trx) => {
        const result = await applications.submitApplication(trx, request.body, actorOf(request));
        if (result.created) {
          await auditFromRequest(
            trx,
            request,
            {
              action: 'create',
              resourceType: 'application',
              resourceId: result.application.id,
              subjectHouseholdIds: [householdId],
              fields: ['application'],
            },
            { grant },
          );
        }
        return result;
      });
      return reply.status(created ? 201 : 200).send(application);
    },
  );

  app.post(
    '/api/applications/:id/questionnaire',
    {
      config: { access: { action: 'applications.process' } },
      schema: {
        tags: TAGS,
        summary: "The social worker's household questionnaire is done",
        params: IdParams,
        body: StepBody,
        response: { 200: ApplicationView },
      },
    },
    async (request) =>
      takeStep(db, request, request.params.id, 'applications.process', 'questionnaire', (conn) =>
        applications.recordQuestionnaire(conn, request.params.id, actorOf(request), request.body?.on),
      ),
  );

  app.post(
    '/api/applications/:id/mahalla-opinion',
    {
      config: { access: { action: 'applications.process' } },
      schema: {
        tags: TAGS,
        summary: "The mahalla committee's opinion; the final assessment falls due",
        params: IdParams,
        body: OpinionBody,
        response: { 200: ApplicationView },
      },
    },
    async (request) =>
      takeStep(db, request, request.params.id, 'applications.process', 'mahalla_opinion', (conn) =>
        applications.recordMahallaOpinion(
          conn,
          request.params.id,
          request.body.supports,
          actorOf(request),
          request.body.on,
        ),
      ),
  );

  app.post(
    '/api/applications/:id/decide',
    {
      config: { access: { action: 'applications.decide' } },
      schema: {
        tags: TAGS,
        summary: 'Final assessment by the engine for the decision month',
        params: IdParams,
        body: StepBody,
        response: { 200: ApplicationView },
      },
    },
    // Not in a transaction: the evaluation commits its own batches; the entry follows the decision.
    async (request) =>
      takeStep(
        db,
        request,
        request.params.id,
        'applications.decide',
        'decision',
        (conn) => applications.decideApplication(conn, request.params.id, request.body?.on),
        false,
      ),
  );

  app.get(
    '/api/applications/count',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'How many applications the list would show (same filters, same areas)',
        querystring: ApplicationFilterFields,
        response: { 200: CountAnswer },
      },
    },
    async (request) => {
      const scope = await scopeForAny(request, db, READERS);
      return { total: await applications.countApplications(db, request.query, scope) };
    },
  );

  app.get(
    '/api/applications/:id',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'An application',
        params: IdParams,
        response: { 200: ApplicationView.extend({ allowedActions: AllowedActions }) },
      },
    },
    async (request) => {
      const householdId = await applications.applicationHousehold(db, request.params.id);
      const grant = await authorizeHouseholdAny(request, db, READERS, householdId);
      const application = await applications.getApplication(db, request.params.id);
      await auditFromRequest(
        db,
        request,
        {
          action: 'read',
          resourceType: 'application',
          resourceId: application.id,
          subjectHouseholdIds: [householdId],
          fields: ['application'],
        },
        { grant },
      );
      return {
        ...application,
        allowedActions: await screenActionsOn(request, db, 'application', householdId),
      };
    },
  );

  app.get(
    '/api/applications',
    {
      config: { access: { anyOf: READERS } },
      schema: {
        tags: TAGS,
        summary: 'Applications; `overdue=true`: awaiting a final assessment past its due date',
        querystring: ApplicationFilter,
        response: { 200: pageOf(ApplicationView) },
      },
    },
    async (request) => {
      const { page, pageSize, status, open, overdue } = request.query;
      const scope = await scopeForAny(request, db, READERS);
      const result = await applications.listApplications(
        db,
        { status, open, overdue },
        { page, pageSize },
        scope,
      );
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'application',
        subjectHouseholdIds: uniqueHouseholds(result.items),
        fields: ['list'],
      });
      return { ...result, items: await withHouseholdReferences(db, result.items), page, pageSize };
    },
  );
};
