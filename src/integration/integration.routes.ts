import { z } from 'zod';
import { authorizeAgencyPush } from '../access/access.plugin.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { AGENCIES, type AgencyName } from './adapters/adapter.ts';
import { adapterOf, receivePushedEvents } from './inbound/inbound.service.ts';
import { agencyStatuses } from './inbound/pull.ts';
import { lifeEventHook, PULL_JOB, pullSettingsOf } from './integration.jobs.ts';
import { listQuarantine } from './integration.repository.ts';

const TAGS = ['integration'];

const AgencyParams = z.object({ agency: z.string().min(1).max(40) });

const EventStatus = z.object({
  recordId: z.string().nullable(),
  status: z.enum(['applied', 'duplicate', 'quarantined']),
  reason: z.string().optional(),
  reacted: z.boolean().optional().describe('For life events: whether the proactive services took it'),
});

function agencyOf(name: string): AgencyName {
  if (!adapterOf(name)) throw new DomainError('AGENCY_UNKNOWN', { agency: name, agencies: AGENCIES });
  return name as AgencyName;
}

export const integrationRoutes: HttpPlugin = (app, ctx) => {
  const { database } = ctx;
  const onLifeEvent = lifeEventHook(ctx);

  app.post(
    '/integration/events/:agency',
    {
      // 'events.push' for the client's own agency (its `agency` names the one in the path); 'events.push:any'
      // for an exchange bus relaying several agencies.
      config: { access: { anyOf: ['events.push', 'events.push:any'] } },
      schema: {
        tags: TAGS,
        summary: "An agency pushes change events (machine client, scope 'events.push')",
        description:
          'Each event is validated, stored and applied in one transaction; bad events are quarantined, ' +
          'repeated ones (same event id) reported as duplicates. Life events (a birth, a death, a new job) ' +
          'are handed to the proactive services after the commit and before this reply.',
        params: AgencyParams,
        body: z.object({ events: z.array(z.unknown()).min(1).max(1000) }),
        response: {
          200: z.object({
            agency: z.string(),
            received: z.number().int(),
            applied: z.number().int(),
            duplicates: z.number().int(),
            quarantined: z.number().int(),
            results: z.array(EventStatus),
          }),
        },
      },
    },
    async (request) => {
      const agency = agencyOf(request.params.agency);
      // A tax office must not report births: a client pushes its own agency's events, unless it is a relay.
      authorizeAgencyPush(request, agency);
      return receivePushedEvents(database, agency, request.body.events, {
        onLifeEvent,
        logger: request.log,
      });
    },
  );

  app.get(
    '/api/integration/quarantine',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'Inbound records refused (invalid, or not applicable), newest first',
        querystring: z.object({
          agency: z.enum(AGENCIES).optional(),
          limit: z.coerce.number().int().min(1).max(500).default(100),
          before: z.coerce.number().int().min(1).optional().describe('Entries with a smaller id (paging)'),
        }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.number().int(),
                agency: z.string(),
                recordId: z.string().nullable(),
                channel: z.string(),
                reason: z.string(),
                details: z.unknown(),
                payload: z.unknown(),
                receivedAt: z.date(),
                lastSeenAt: z.date(),
                timesSeen: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await listQuarantine(database.db, request.query) }),
  );

  app.get(
    '/api/integration/status',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'Per agency: pull cursor, last pull, circuit breaker, counts',
        response: {
          200: z.object({
            pullConfigured: z.boolean(),
            agencies: z.array(
              z.object({
                agency: z.string(),
                description: z.string(),
                cursor: z.string().nullable(),
                lastPullAt: z.date().nullable(),
                lastSuccessAt: z.date().nullable(),
                lastError: z.string().nullable(),
                consecutiveFailures: z.number().int(),
                breaker: z.enum(['closed', 'open', 'half_open']),
                breakerOpenedAt: z.date().nullable(),
                recordsApplied: z.number(),
                recordsDuplicate: z.number(),
                recordsQuarantined: z.number(),
                inLedger: z.number(),
                inQuarantine: z.number(),
              }),
            ),
          }),
        },
      },
    },
    async () => ({
      pullConfigured: pullSettingsOf(ctx.config) !== undefined,
      agencies: await agencyStatuses(database),
    }),
  );

  app.post(
    '/api/integration/pulls/:agency',
    {
      config: { access: { action: 'evaluations.run' } },
      schema: {
        tags: TAGS,
        summary: "Pull an agency now ('all' for every agency), as a durable job",
        params: AgencyParams,
        response: { 202: z.object({ jobId: z.string().nullable(), agency: z.string() }) },
      },
    },
    async (request, reply) => {
      const name = request.params.agency;
      const agency = name === 'all' ? 'all' : agencyOf(name);
      if (!pullSettingsOf(ctx.config)) throw new DomainError('INTEGRATION_PULL_NOT_CONFIGURED');
      const jobId = await ctx.jobs.send(PULL_JOB, { agency }, { singletonKey: `pull:${agency}` });
      return reply.status(202).send({ jobId, agency });
    },
  );
};
