import type { FastifyError, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { scopeFor } from '../access/access.plugin.ts';
import { mayEver } from '../access/policies.ts';
import { auditActorOf } from '../audit/audit.service.ts';
import { clientCallbacksOf } from '../identity/machine.service.ts';
import { readDbOf } from '../platform/context.ts';
import { inputErrorOf } from '../platform/db/pg-error.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { type OutboundPolicy, outboundPolicyOf } from '../platform/http/outbound-url.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { DciError, errorAck, httpErrorBody, syncErrorBody } from './dci.envelope.ts';
import { SearchEnvelope, SubscribeEnvelope, TxnStatusEnvelope, UnsubscribeEnvelope } from './dci.schemas.ts';
import { type DciCaller, startAsyncSearch, syncSearch } from './dci.search.service.ts';
import { verifyMessageSignature } from './dci.signature.ts';
import { dciSignerFor } from './dci.signing-key.ts';
import { subscribe, unsubscribe } from './dci.subscription.service.ts';
import { asyncTxnStatus, syncTxnStatus } from './dci.txn-status.service.ts';

/**
 * A schema problem as text. The message is one of two shapes (the action's message or an encrypted one),
 * so zod reports a union failure: its first branch, the plain message, says what is wrong in it.
 */
function describeIssue(v: { instancePath?: string; message?: string; keyword?: string; params?: unknown }) {
  const at = v.instancePath && v.instancePath !== '/' ? v.instancePath : '';
  const branches = (v.params as { errors?: unknown } | undefined)?.errors;
  if (v.keyword === 'invalid_union' && Array.isArray(branches) && Array.isArray(branches[0])) {
    return (branches[0] as { path?: PropertyKey[]; message?: string }[]).map(
      (issue) => `${at}/${(issue.path ?? []).map(String).join('/')}: ${issue.message ?? 'invalid'}`,
    );
  }
  return [`${at || '/'}: ${v.message ?? 'invalid'}`];
}

type DciAction = 'dci.search' | 'dci.subscribe';

/**
 * The machine client of a DCI request and the households its action reaches (the client's area, from the
 * scope the route admitted it with: `dci.search` or `dci.subscribe`, never `registry.read`).
 */
async function callerOf(
  request: FastifyRequest,
  db: Kysely<DB>,
  action: DciAction,
  policy: OutboundPolicy,
): Promise<DciCaller> {
  const actor = request.actor;
  if (actor.kind !== 'machine') throw new DomainError('ACTOR_KIND_NOT_ALLOWED', { allowed: ['machine'] });
  return {
    clientId: actor.id,
    scope: await scopeFor(request, db, action),
    auditActor: auditActorOf(request),
    policy,
  };
}

/**
 * A client that registered a signing key must sign every message: checked on the body as the client sent
 * it (before the schema drops or defaults anything), else the standard's err.signature.missing /
 * err.signature.invalid. A body that is not an envelope at all is left to the schema (err.request.bad).
 */
async function checkSignature(request: FastifyRequest, db: Kysely<DB>): Promise<void> {
  const actor = request.actor;
  if (actor.kind !== 'machine') return;
  const body = request.body as { signature?: unknown; header?: unknown; message?: unknown } | null;
  if (!body || typeof body !== 'object' || !body.header || typeof body.header !== 'object') return;
  const { signingJwk } = await clientCallbacksOf(db, actor.id);
  if (!signingJwk) return;
  if (typeof body.signature !== 'string' || body.signature.trim() === '') {
    throw new DciError(401, 'err.signature.missing', 'this client signs its messages: signature is required');
  }
  const check = verifyMessageSignature(
    { signature: body.signature, header: body.header, message: body.message },
    signingJwk,
  );
  if (!check.ok) throw new DciError(401, 'err.signature.invalid', check.reason);
}

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
export const dciRoutes: HttpPlugin = async (app, ctx) => {
  const { config, database, jobs, logger } = ctx;
  const db = database.db;
  // Sync searches read the registry from the replica when there is one; their transaction and audit rows
  // are written on the primary.
  const readDb = readDbOf(ctx);
  const policy = outboundPolicyOf(config);
  const signer = dciSignerFor(db, config.DCI_SIGNING_KEY);

  // Himoya's public signing key, for partners to verify its answers, callbacks and notifications.
  app.get(
    '/dci/.well-known/jwks.json',
    {
      schema: { tags: ['dci'], summary: 'The public key(s) Himoya signs its DCI messages with (JWKS)' },
      config: { access: { public: true } },
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(await signer.jwks()),
  );

  await app.register(
    async (plain) => {
      const scope = plain.withTypeProvider<ZodTypeProvider>();

      // After the access rules (the route's scope), before the schema: a client with a registered key must sign.
      scope.addHook('preValidation', async (request) => checkSignature(request, db));

      scope.setErrorHandler(async (error: FastifyError, request, reply) => {
        // Sync endpoints answer in their callback envelope (signed); async ones with the ERR acknowledgement.
        const url = request.routeOptions.url ?? '';
        const syncAction = url.endsWith('/sync/search')
          ? 'on-search'
          : url.endsWith('/sync/txn/status')
            ? 'txn-on-status'
            : undefined;
        const refuse = async (e: DciError) => {
          if (syncAction) {
            const body = syncErrorBody(syncAction, e.code, e.message, e.headerReason);
            // A refusal carries no registry data: if it cannot be signed (no key yet, database down),
            // it still goes out, unsigned, rather than turning a caller's mistake into a 500.
            const signed = await signer.sign(body).catch((cause: unknown) => {
              logger.warn({ err: cause, reqId: request.id }, 'dci refusal sent unsigned');
              return body;
            });
            return reply.status(e.status).send(signed);
          }
          // 401 / 403 are the standard's HttpErrorResponse (`errors`); the ack says the same.
          const body =
            e.status === 401 || e.status === 403
              ? httpErrorBody(e.code, e.message)
              : errorAck(e.code, e.message);
          return reply.status(e.status).send(body);
        };
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
        if (error instanceof DomainError && error.code === 'VALIDATION_FAILED') {
          // The boundary rule for text (src/platform/http/text-boundary.ts), in the standard's words.
          const issues = JSON.stringify(error.details?.issues ?? []).slice(0, 500);
          return refuse(new DciError(400, 'err.request.bad', `not a valid DCI message: ${issues}`));
        }
        // Access refusals and the like: the parent handler answers them in the catalogue's shape.
        if (error instanceof DomainError) throw error;
        if (hasZodFastifySchemaValidationErrors(error)) {
          const issues = error.validation.flatMap(describeIssue).slice(0, 5).join('; ');
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
          const result = await syncSearch(
            db,
            await callerOf(request, db, 'dci.search', policy),
            request.body,
            readDb,
          );
          return reply.status(result.status).send(await signer.sign(result.body));
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
            await callerOf(request, db, 'dci.search', policy),
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
            await callerOf(request, db, statusAction(request), policy),
            request.body,
          );
          return reply.status(result.status).send(await signer.sign(result.body));
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
            await callerOf(request, db, statusAction(request), policy),
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
            await callerOf(request, db, 'dci.subscribe', policy),
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
            await callerOf(request, db, 'dci.subscribe', policy),
            request.body,
          );
          return reply.status(result.status).send(result.body);
        },
      );
    },
    { prefix: '/dci' },
  );
};
