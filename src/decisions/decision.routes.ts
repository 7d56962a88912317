import { z } from 'zod';
import { mayOnHousehold, scopeFor } from '../access/access.plugin.ts';
import { authorizeHouseholdGrant } from '../access/record-grant.ts';
import { AllowedActions, allowedActionsFor } from '../access/screen-access.ts';
import { auditFromRequest, uniqueHouseholds } from '../audit/audit.service.ts';
import type { AppContext } from '../platform/context.ts';
import { DomainError } from '../platform/errors.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { ProgrammeId } from '../programs/programme.schema.ts';
import { CalendarMonth, CivilDate } from '../shared/date-schemas.ts';
import { EVALUATE_MONTH_JOB, type EvaluateMonthJob, recoverDeadRuns } from './decision.jobs.ts';
import * as repo from './decision.repository.ts';
import * as decisions from './decision.service.ts';
import { simulate } from './simulation.service.ts';

const Month = CalendarMonth;
const Programme = ProgrammeId();
const Kind = z.enum(['granted', 'amount_changed', 'ended']);
const Language = z.enum(['uz-Latn', 'uz-Cyrl', 'ru', 'en']);
const IdParam = z.object({ id: z.coerce.number().int().positive() });
const HouseholdParam = z.object({ id: z.uuid() });

export const EvaluationRun = z.object({
  id: z.number().int(),
  month: z.string(),
  trigger: z.enum(['nightly', 'manual', 'household']),
  status: z.enum(['queued', 'running', 'finished', 'failed']),
  jobId: z.string().nullable(),
  parametersDigest: z.string().nullable(),
  householdsEvaluated: z.number().int(),
  decisionsWritten: z.number().int(),
  error: z.string().nullable(),
  createdAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  heartbeatAt: z.date().nullable().describe('Last sign of life while running; none for a minute = failed'),
});

const EvaluationSummary = z.object({
  runId: z.number().int(),
  month: z.string(),
  householdsEvaluated: z.number().int(),
  decisionsWritten: z.number().int(),
  byKind: z.record(Kind, z.number().int()),
  byProgramme: z.record(Programme, z.number().int()),
  timings: z.object({ loadMs: z.number(), evaluateMs: z.number(), writeMs: z.number(), totalMs: z.number() }),
});

export const Decision = z.object({
  id: z.number().int(),
  householdId: z.uuid(),
  programme: Programme,
  month: z.string(),
  kind: Kind.describe('granted: a new entitlement (offered to the family); amount_changed; ended'),
  categoryBefore: z.string(),
  categoryAfter: z.string(),
  amountBefore: z.number().describe("So'm a month; Social Registry: benefit share in per mille"),
  amountAfter: z.number(),
  previousDecisionId: z.number().int().nullable(),
  traceId: z.number().int().describe('The stored trace, shared by the decisions of one evaluation'),
  parametersDigest: z.string(),
  runId: z.number().int(),
  createdAt: z.date(),
});

const LocalisedText = z.record(z.string(), z.string());
export const DecisionDetail = Decision.extend({
  language: Language,
  healthWithheld: z
    .boolean()
    .describe('True when the trace holds health data this reader may not see: named, values withheld'),
  summary: z
    .object({
      what: z
        .string()
        .describe('What the family gets: programme, amount a month or category, from which month'),
      why: z.string().describe('The one or two facts that decided it, with their values and source agency'),
      fix: z.string().describe('What to do if a fact is wrong'),
      facts: z.array(
        z.object({
          fact: z.string().nullable().describe('The fact to contest (income, vehicle, dwelling, ...)'),
          source: z.string().nullable().describe('The agency the fact comes from'),
          text: z.string(),
          reportLabel: z.string().nullable(),
          report: z.string().nullable().describe('Portal path of the report-a-mistake form for this fact'),
        }),
      ),
    })
    .describe('The three plain sentences a decision opens with'),
  explanation: z.string().describe('The trace in plain language (the programme of the decision only)'),
  parameters: z.array(
    z.object({
      name: z.string(),
      label: z.string().describe('The rule value in words, in the language asked'),
      value: z.union([z.number(), z.boolean()]),
      unit: z.string(),
      from: z.string().describe('Date the value took effect'),
      reference: z
        .object({ act: LocalisedText })
        .catchall(z.unknown())
        .describe('The legal act the value comes from'),
      unverified: z.boolean(),
    }),
  ),
  trace: z.record(z.string(), z.unknown()).describe("The engine's trace (himoya.trace/1)"),
});

const Entitlement = z.object({
  householdId: z.uuid(),
  programme: Programme,
  category: z.string(),
  amount: z.number(),
  fromMonth: z.string(),
  toMonth: z.string().nullable().describe('Last month entitled; null while it runs'),
  decidedMonth: z.string(),
  lastDecisionId: z.number().int(),
});

const SimulationChange = z
  .object({
    parameter: z.string().min(1).max(200).describe("Parameter name, e.g. 'common.mce'"),
    // Amounts in so'm, shares and counts: a trillion is beyond any of them, and keeps results finite.
    value: z.union([z.number().min(-1e12).max(1e12), z.boolean()]).optional(),
    factor: z.number().positive().max(1000).optional().describe('Multiply the value in force'),
    from: CivilDate.optional(),
  })
  .strict();
const SimulationRequest = z.object({
  month: Month,
  changes: z.array(SimulationChange).min(1).max(50),
  fresh: z
    .boolean()
    .optional()
    .describe('Read the registry again instead of reusing the month an earlier simulation loaded'),
});
const Totals = z.object({
  households: z.number().int(),
  gained: z.number().int(),
  lost: z.number().int(),
  changed: z.number().int(),
  baselineCost: z.number(),
  scenarioCost: z.number(),
  costDifference: z.number(),
});
const SimulationResult = z.object({
  month: z.string(),
  changes: z.array(
    z.object({ parameter: z.string(), value: z.union([z.number(), z.boolean()]), from: z.string() }),
  ),
  dataAsOf: z.date().describe('When the registry data of this simulation was read'),
  reusedLoadedData: z
    .boolean()
    .describe('True when the month loaded by an earlier simulation (at most 10 minutes old) was reused'),
  baselineDigest: z.string(),
  scenarioDigest: z.string(),
  total: Totals,
  byDistrict: z.array(Totals.extend({ district: z.string() })),
  byCategory: z.array(
    z.object({
      category: z.string(),
      baselineHouseholds: z.number().int(),
      scenarioHouseholds: z.number().int(),
      baselineCost: z.number(),
      scenarioCost: z.number(),
      costDifference: z.number(),
    }),
  ),
  timings: z.object({ loadMs: z.number(), evaluateMs: z.number(), totalMs: z.number() }),
});

const LIVE_JOB_STATES = new Set(['created', 'retry', 'active']);

/** Queues a month's evaluation; a run already queued or running for that month is returned instead. */
async function queueMonth(ctx: AppContext, month: string) {
  const db = ctx.database.db;
  // A run whose process died (no heartbeat for a minute) is failed first: it no longer holds the month.
  await recoverDeadRuns(ctx);
  // Refused now rather than queued to fail: a month before the rules took effect cannot be evaluated.
  decisions.checkMonth(month);
  const open = await repo.findOpenMonthRun(db, month);
  if (open?.jobId) {
    const job = await ctx.jobs.status(EVALUATE_MONTH_JOB, open.jobId);
    if (job && LIVE_JOB_STATES.has(job.state)) return open;
    // The job is gone or gave up without the run hearing of it (a crash after the last retry).
    await repo.failRun(db, open.id, `job ${job?.state ?? 'missing'}`);
  }
  const runId = await repo.createRun(db, { month, trigger: 'manual', status: 'queued' });
  let jobId: string | null;
  try {
    jobId = await ctx.jobs.send(EVALUATE_MONTH_JOB, { month, runId } satisfies EvaluateMonthJob, {
      singletonKey: month,
    });
  } catch (error) {
    await repo.failRun(db, runId, error instanceof Error ? error.message : String(error));
    throw error;
  }
  if (jobId === null) {
    // Another request queued the month between our check and our send.
    await repo.deleteQueuedRun(db, runId);
    const other = await repo.findOpenMonthRun(db, month);
    if (other) return other;
    throw new DomainError('CONFLICT', { month });
  }
  await repo.setRunJob(db, runId, jobId);
  return decisions.getRun(db, runId);
}

export const decisionRoutes: HttpPlugin = async (app, ctx) => {
  const db = ctx.database.db;

  app.post(
    '/api/evaluations',
    {
      config: { access: { action: 'evaluations.run' } },
      schema: {
        tags: ['decisions'],
        summary: "Queue the evaluation of a month's decisions (one at a time per month)",
        body: z.object({ month: Month }),
        response: {
          202: z.object({ runId: z.number().int(), jobId: z.string().nullable(), status: z.string() }),
        },
      },
    },
    async (request, reply) => {
      const run = await queueMonth(ctx, request.body.month);
      return reply.status(202).send({ runId: run.id, jobId: run.jobId, status: run.status });
    },
  );

  app.get(
    '/api/evaluations/:id',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: ['decisions'],
        summary: 'An evaluation run: status, households evaluated, decisions written',
        params: IdParam,
        response: { 200: EvaluationRun },
      },
    },
    async (request) => decisions.getRun(db, request.params.id),
  );

  app.post(
    '/api/households/:id/evaluate',
    {
      config: { access: { action: 'evaluations.household' } },
      schema: {
        tags: ['decisions'],
        summary: 'Re-evaluate one household now (after its data changed) and record any change',
        params: HouseholdParam,
        body: z.object({ month: Month.optional() }).default({}),
        response: { 200: EvaluationSummary },
      },
    },
    async (request) => {
      const householdId = request.params.id;
      const { grant } = await authorizeHouseholdGrant(request, db, 'evaluations.household', householdId);
      const summary = await decisions.evaluateHousehold(
        db,
        householdId,
        request.body.month ?? decisions.currentMonth(),
      );
      await auditFromRequest(
        db,
        request,
        {
          action: 'create',
          resourceType: 'evaluation',
          resourceId: String(summary.runId),
          subjectHouseholdIds: [householdId],
          fields: ['decisions', 'entitlements'],
        },
        { grant },
      );
      return summary;
    },
  );

  app.get(
    '/api/households/:id/entitlements',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: ['decisions'],
        summary: "A household's entitlements (current and ended)",
        params: HouseholdParam,
        response: { 200: z.object({ householdId: z.uuid(), items: z.array(Entitlement) }) },
      },
    },
    async (request) => {
      const householdId = request.params.id;
      const { grant } = await authorizeHouseholdGrant(request, db, 'decisions.read', householdId);
      const items = await decisions.householdEntitlements(db, householdId);
      await auditFromRequest(
        db,
        request,
        {
          action: 'read',
          resourceType: 'entitlement',
          resourceId: householdId,
          subjectHouseholdIds: [householdId],
          fields: ['entitlements'],
        },
        { grant },
      );
      return { householdId, items };
    },
  );

  app.get(
    '/api/decisions',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: ['decisions'],
        summary: 'Decisions, newest first',
        querystring: PageQuery.extend({
          householdId: z.uuid().optional(),
          programme: Programme.optional(),
          month: Month.optional(),
          kind: Kind.optional(),
        }),
        response: { 200: pageOf(Decision) },
      },
    },
    async (request) => {
      const { page, pageSize, ...filters } = request.query;
      const scope = await scopeFor(request, db, 'decisions.read');
      const result = await decisions.listDecisions(db, filters, { page, pageSize }, scope);
      await auditFromRequest(db, request, {
        action: 'search',
        resourceType: 'decision',
        subjectHouseholdIds: uniqueHouseholds(result.items),
        fields: ['list'],
      });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    '/api/decisions/:id',
    {
      config: { access: { action: 'decisions.read' } },
      schema: {
        tags: ['decisions'],
        summary: 'A decision with its trace and its explanation in plain language',
        params: IdParam,
        querystring: z.object({ lang: Language.default('uz-Latn') }),
        response: { 200: DecisionDetail.extend({ allowedActions: AllowedActions }) },
      },
    },
    async (request) => {
      const householdId = await decisions.decisionHousehold(db, request.params.id);
      const { grant, place } = await authorizeHouseholdGrant(request, db, 'decisions.read', householdId);
      // A citizen sees the family's decision but not the family's health data; staff need a disability role.
      const health =
        request.actor.kind !== 'citizen' &&
        (await mayOnHousehold(request, db, 'health.read', householdId, place));
      const detail = await decisions.getDecision(db, request.params.id, request.query.lang, {
        withholdHealth: !health,
        audience: request.actor.kind === 'citizen' ? 'citizen' : 'staff',
      });
      await auditFromRequest(
        db,
        request,
        {
          action: 'read',
          resourceType: 'decision',
          resourceId: String(detail.id),
          subjectHouseholdIds: [householdId],
          fields: health ? ['decision', 'trace', 'disability'] : ['decision', 'trace'],
        },
        { grant },
      );
      const allowedActions = await allowedActionsFor(request, db, { kind: 'decision', householdId, place });
      return { ...detail, trace: detail.trace as unknown as Record<string, unknown>, allowedActions };
    },
  );

  app.post(
    '/api/simulations',
    {
      config: { access: { action: 'simulations.run' } },
      schema: {
        tags: ['simulations'],
        summary: "What-if: a month evaluated with changed parameters, against that month's baseline",
        body: SimulationRequest,
        response: { 200: SimulationResult },
      },
    },
    async (request) => simulate(db, request.body),
  );
};
