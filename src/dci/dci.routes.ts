import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { scopeFor } from '../access/access.plugin.ts';
import { mayEver } from '../access/policies.ts';
import { auditActorOf } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { DciError, errorAck, httpErrorBody, syncErrorBody } from './dci.envelope.ts';
import { SearchEnvelope, SubscribeEnvelope, TxnStatusEnvelope, UnsubscribeEnvelope } from './dci.schemas.ts';
import {
  asyncTxnStatus,
  type DciCaller,
  startAsyncSearch,
  syncSearch,
  syncTxnStatus,
} from './dci.search.service.ts';
import { subscribe, unsubscribe } from './dci.subscription.service.ts';

/**
 * The machine client of a DCI request and the households its action reaches (the client's area, from the
 * scope the route admitted it with: `dci.search` or `dci.subscribe`, never `registry.read`).
 */
async function callerOf(request: FastifyRequest, db: Kysely<DB>, action: DciAction): Promise<DciCaller> {
  const actor = request.actor;
  if (actor.kind !== 'machine') throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: ['machine'] });
  return {
    clientId: actor.id,
    scope: await scopeFor(request, db, action),
    auditActor: auditActorOf(request),
  };
}

type DciAction = 'dci.search' | 'dci.subscribe';
const statusAction = (request: FastifyRequest): DciAction =>
  mayEver(request.actor, 'dci.search') ? 'dci.search' : 'dci.subscribe';
const search = { access: { action: 'dci.search' as const } };
const subscriptions = { access: { action: 'dci.subscribe' as const } };
/** A transaction's status: of a search or of a subscription, whichever the client may make. */
const status = { access: { anyOf: ['dci.search', 'dci.subscribe'] as const } };
const tags = ['dci'];

/**
 * The DCI Social Registry API under /dci, for agencies' systems only (a bearer token of a machine client
 * with the route's scope). Bodies that are not the standard's envelope are answered with its ERR
 * acknowledgement; refusals of Himoya's access rules keep the catalogue's shape.
 */
export const dciRoutes: HttpPlugin = async (app, { database, jobs, logger }) => {
  const db = database.db;
  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>();

      scope.setErrorHandler((error: FastifyError, request, reply) => {
        // Sync endpoints answer in their callback envelope; async ones with the ERR acknowledgement.
        const url = request.routeOptions.url ?? '';
        const syncAction = url.endsWith('/sync/search')
          ? 'on-search'
          : url.endsWith('/sync/txn/status')
            ? 'txn-on-status'
            : undefined;
        const refuse = (e: DciError) =>
          reply
            .status(e.status)
            .send(
              syncAction
                ? syncErrorBody(syncAction, e.code, e.message, e.headerReason)
                : errorAck(e.code, e.message),
            );
        if (error instanceof DciError) return refuse(error);
        // A machine client whose token lacks the route's scope: the standard's 403. Staff, citizens and
        // anonymous callers, and other domain errors: the parent handler answers in the catalogue's shape.
        if (error instanceof DomainError && error.code === 'FORBIDDEN' && request.actor?.kind === 'machine') {
          return reply
            .status(403)
            .send(
              httpErrorBody('err.request.forbidden', 'the access token lacks the scope this route needs'),
            );
        }
        if (error instanceof DomainError) throw error;
        if (hasZodFastifySchemaValidationErrors(error)) {
          const issues = error.validation
            .slice(0, 5)
            .map((v) => `${v.instancePath || '/'}: ${v.message ?? 'invalid'}`)
            .join('; ');
          return refuse(new DciError(400, 'err.request.bad', `not a valid DCI message: ${issues}`));
        }
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          const status = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE' ? 413 : 400;
          return refuse(new DciError(status, 'err.request.bad', `not a valid DCI message: ${error.message}`));
        }
        logger.error({ err: error, reqId: request.id }, 'dci request failed');
        return reply
          .status(500)
          .send(httpErrorBody('err.service.unavailable', 'the registry could not answer'));
      });

      scope.post(
        '/registry/sync/search',
        {
          schema: { body: SearchEnvelope, tags, summary: 'DCI sync search (answered at once)' },
          config: search,
        },
        async (request, reply) => {
          const result = await syncSearch(db, await callerOf(request, db, 'dci.search'), request.body);
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/search',
        {
          schema: { body: SearchEnvelope, tags, summary: 'DCI async search (ack, then on-search)' },
          config: search,
        },
        async (request, reply) => {
          const result = await startAsyncSearch(
            db,
            jobs,
            await callerOf(request, db, 'dci.search'),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/sync/txn/status',
        {
          schema: { body: TxnStatusEnvelope, tags, summary: 'DCI transaction status (sync)' },
          config: status,
        },
        async (request, reply) => {
          const result = await syncTxnStatus(
            db,
            await callerOf(request, db, statusAction(request)),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/txn/status',
        {
          schema: { body: TxnStatusEnvelope, tags, summary: 'DCI transaction status (async)' },
          config: status,
        },
        async (request, reply) => {
          const result = await asyncTxnStatus(
            db,
            jobs,
            await callerOf(request, db, statusAction(request)),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/subscribe',
        {
          schema: { body: SubscribeEnvelope, tags, summary: 'DCI subscribe to registry events' },
          config: subscriptions,
        },
        async (request, reply) => {
          const result = await subscribe(
            db,
            jobs,
            await callerOf(request, db, 'dci.subscribe'),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/unsubscribe',
        { schema: { body: UnsubscribeEnvelope, tags, summary: 'DCI unsubscribe' }, config: subscriptions },
        async (request, reply) => {
          const result = await unsubscribe(
            db,
            jobs,
            await callerOf(request, db, 'dci.subscribe'),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
    },
    { prefix: '/dci' },
  );
};
