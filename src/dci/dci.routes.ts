import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { scopeFor } from '../access/access.plugin.ts';
import { auditActorOf } from '../audit/audit.service.ts';
import { inputErrorOf } from '../platform/db/pg-error.ts';
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

/** The OAuth2 scopes of machine clients that open the DCI endpoints. */
export type DciScope = 'dci.search' | 'dci.subscribe';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope a machine client's token must hold for a /dci route. */
    dciScope?: DciScope;
  }
}

async function callerOf(request: FastifyRequest, db: Kysely<DB>): Promise<DciCaller> {
  const actor = request.actor;
  if (actor.kind !== 'machine') throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: ['machine'] });
  return {
    clientId: actor.id,
    scope: await scopeFor(request, db, 'registry.read'),
    auditActor: auditActorOf(request),
  };
}

const search = { access: { action: 'registry.read' as const }, dciScope: 'dci.search' as const };
const subscriptions = { access: { action: 'registry.read' as const }, dciScope: 'dci.subscribe' as const };
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

      // After authentication and the access plugin (root hooks run first): machines only, with the scope.
      scope.addHook('onRequest', async (request, reply) => {
        const actor = request.actor;
        if (actor.kind !== 'machine')
          throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: ['machine'] });
        const needed = request.routeOptions.config.dciScope;
        if (needed && !actor.scopes.includes(needed)) {
          return reply
            .status(403)
            .send(httpErrorBody('err.request.forbidden', `the access token lacks the scope ${needed}`));
        }
      });

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
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
          // The boundary rule for text (src/platform/http/text-boundary.ts), in the standard's words.
          const issues = JSON.stringify(error.details?.issues ?? []).slice(0, 500);
          return refuse(new DciError(400, 'err.request.bad', `not a valid DCI message: ${issues}`));
        }
        // Access refusals and the like: the parent handler answers them in the catalogue's shape.
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
        const input = inputErrorOf(error);
        if (input) {
          logger.warn(
            { err: error, reqId: request.id, condition: input },
            'database refused a value of a DCI request',
          );
          return refuse(new DciError(400, 'err.request.bad', `not a valid DCI message: ${input}`));
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
          const result = await syncSearch(db, await callerOf(request, db), request.body);
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
          const result = await startAsyncSearch(db, jobs, await callerOf(request, db), request.body);
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/sync/txn/status',
        {
          schema: { body: TxnStatusEnvelope, tags, summary: 'DCI transaction status (sync)' },
          config: search,
        },
        async (request, reply) => {
          const result = await syncTxnStatus(db, await callerOf(request, db), request.body);
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/txn/status',
        {
          schema: { body: TxnStatusEnvelope, tags, summary: 'DCI transaction status (async)' },
          config: search,
        },
        async (request, reply) => {
          const result = await asyncTxnStatus(db, jobs, await callerOf(request, db), request.body);
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
          const result = await subscribe(db, jobs, await callerOf(request, db), request.body);
          return reply.status(result.status).send(result.body);
        },
      );
      scope.post(
        '/registry/unsubscribe',
        { schema: { body: UnsubscribeEnvelope, tags, summary: 'DCI unsubscribe' }, config: subscriptions },
        async (request, reply) => {
          const result = await unsubscribe(db, jobs, await callerOf(request, db), request.body);
          return reply.status(result.status).send(result.body);
        },
      );
    },
    { prefix: '/dci' },
  );
};
