import { z } from 'zod';
import { actorOf } from '../platform/http/actor.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as applications from './application.service.ts';

const TAGS = ['casework'];
const Status = z.enum(['submitted', 'questionnaire_done', 'mahalla_opinion', 'decided']);
const Programme = z.enum(['social_registry', 'child_allowance', 'material_assistance']);
const IsoDate = z.iso.date();
const IdParams = z.object({ id: z.uuid() });

export const SubmitApplication = z.object({
  id: z.uuid().describe('Made by the client: a retry with the same id and content changes nothing'),
  householdId: z.uuid(),
  programme: Programme,
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
  householdId: z.uuid(),
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

const ApplicationFilter = PageQuery.extend({
  status: Status.optional(),
  overdue: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const applicationRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.post(
    '/api/applications',
    {
      schema: {
        tags: TAGS,
        summary: 'Apply (families not found proactively): recorded with the engine pre-check',
        body: SubmitApplication,
        response: { 200: ApplicationView, 201: ApplicationView },
      },
    },
    async (request, reply) => {
      const { application, created } = await applications.submitApplication(
        db,
        request.body,
        actorOf(request),
      );
      return reply.status(created ? 201 : 200).send(application);
    },
  );

  app.post(
    '/api/applications/:id/questionnaire',
    {
      schema: {
        tags: TAGS,
        summary: "The social worker's household questionnaire is done",
        params: IdParams,
        body: StepBody,
        response: { 200: ApplicationView },
      },
    },
    async (request) =>
      applications.recordQuestionnaire(db, request.params.id, actorOf(request), request.body?.on),
  );

  app.post(
    '/api/applications/:id/mahalla-opinion',
    {
      schema: {
        tags: TAGS,
        summary: "The mahalla committee's opinion; the final assessment falls due",
        params: IdParams,
        body: OpinionBody,
        response: { 200: ApplicationView },
      },
    },
    async (request) =>
      applications.recordMahallaOpinion(
        db,
        request.params.id,
        request.body.supports,
        actorOf(request),
        request.body.on,
      ),
  );

  app.post(
    '/api/applications/:id/decide',
    {
      schema: {
        tags: TAGS,
        summary: 'Final assessment by the engine for the decision month',
        params: IdParams,
        body: StepBody,
        response: { 200: ApplicationView },
      },
    },
    async (request) => applications.decideApplication(db, request.params.id, request.body?.on),
  );

  app.get(
    '/api/applications/:id',
    {
      schema: { tags: TAGS, summary: 'An application', params: IdParams, response: { 200: ApplicationView } },
    },
    async (request) => applications.getApplication(db, request.params.id),
  );

  app.get(
    '/api/applications',
    {
      schema: {
        tags: TAGS,
        summary: 'Applications; `overdue=true`: awaiting a final assessment past its due date',
        querystring: ApplicationFilter,
        response: { 200: pageOf(ApplicationView) },
      },
    },
    async (request) => {
      const { page, pageSize, status, overdue } = request.query;
      const result = await applications.listApplications(db, { status, overdue }, { page, pageSize });
      return { ...result, page, pageSize };
    },
  );
};
