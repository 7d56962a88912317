import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { AppContext } from '../context.ts';
import { answerFrameworkError, installErrorHandling } from './error-handler.ts';
import { trackHandlers } from './in-flight.ts';
import { DOCS_POLICY, installSecurityHeaders } from './security-headers.ts';
import { installTextBoundary } from './text-boundary.ts';

/** The Fastify instance every context registers its routes on: zod schemas type requests and replies. */
export type ZodApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
export type HttpPlugin = (app: ZodApp, ctx: AppContext) => void | Promise<void>;

export type App = FastifyInstance;

/** TRUST_PROXY for Fastify, whose types take a hop count only as a function. */
function trustProxyOption(trust: boolean | number | string[]) {
  return typeof trust === 'number' ? (_address: string, hop: number) => hop < trust : trust;
}

export async function buildServer(ctx: AppContext, plugins: HttpPlugin[]): Promise<App> {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // Which X-Forwarded-* headers to believe (request.ip, request.protocol): only a configured proxy's.
    trustProxy: trustProxyOption(ctx.config.TRUST_PROXY),
    frameworkErrors: answerFrameworkError,
  });
  // First: every route registered below is counted while its handler runs (a stopping process waits).
  trackHandlers(app);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // Before any route (the API documentation's included), so that every answer carries them.
  installSecurityHeaders(app);
  // Before every plugin and route: no NUL, control character or lone surrogate reaches a handler or SQL.
  installTextBoundary(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Himoya API',
        description:
          'Social Registry and proactive social protection services of the Khorezm region. ' +
          'Errors always have the shape {"error":{"code","message","requestId","details"}}.',
        version: '0.1.0',
      },
      tags: [
        { name: 'platform', description: 'Health and service information' },
        { name: 'territory', description: 'Regions, districts, cities and mahallas' },
        { name: 'registry', description: 'Persons, households and their history' },
        { name: 'change-requests', description: 'Validated changes to households and persons' },
        { name: 'duplicates', description: 'Possible duplicate persons awaiting review' },
        { name: 'decisions', description: 'Monthly evaluations, decisions with their traces, entitlements' },
        { name: 'simulations', description: 'What-if runs of the rules with changed parameters' },
        { name: 'casework', description: 'Manual overrides under the four-eyes rule, appeals, applications' },
        { name: 'identity', description: 'Sign-in: staff sessions, citizens through OneID, machine tokens' },
        { name: 'audit', description: 'The tamper-evident audit trail and who accessed a citizen’s data' },
        { name: 'consent', description: 'Consent to data sharing and to proactive offers, with withdrawal' },
        { name: 'documents', description: 'Documents families upload for their applications' },
        {
          name: 'administration',
          description: 'Staff accounts and machine clients; four eyes for registry-wide reach',
        },
        { name: 'outbox', description: 'Messages that could not be delivered, and sending them again' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: DOCS_POLICY });
  app.get('/openapi.json', { schema: { hide: true }, config: { access: { public: true } } }, async () =>
    app.swagger(),
  );

  const typed = app.withTypeProvider<ZodTypeProvider>();
  for (const plugin of plugins) await plugin(typed, ctx);
  return app;
}
