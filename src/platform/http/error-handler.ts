import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { EXCLUSION_VIOLATION, inputErrorOf, pgErrorOf, UNIQUE_VIOLATION } from '../db/pg-error.ts';
import { DomainError, type ErrorCode, languageFromHeader, messageFor } from '../errors.ts';
import { withoutForeignIdentifiers } from './error-details.ts';

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details?: Record<string, unknown> };
}

function send(
  request: FastifyRequest,
  reply: FastifyReply,
  code: ErrorCode,
  status: number,
  details?: Record<string, unknown>,
) {
  if (details) {
    const checked = withoutForeignIdentifiers(request, details);
    if (checked.dropped.length > 0) {
      request.log.warn(
        { code, dropped: checked.dropped },
        'error details named identifiers the request did not',
      );
    }
    details = checked.details;
  }
  const body: ErrorBody = {
    error: {
      code,
      message: messageFor(code, languageFromHeader(request.headers['accept-language'])),
      requestId: request.id,
      ...(details ? { details } : {}),
    },
  };
  return reply.status(status).type('application/json').send(body);
}

/**
 * Errors Fastify meets before any route or hook (its `frameworkErrors` option): a path whose percent-escapes
 * do not decode to UTF-8, a path parameter over the router's length limit. Answered in the catalogue's
 * shape like every other refusal, rather than in Fastify's own.
 */
const FRAMEWORK_REASONS: Readonly<Record<string, string>> = {
  FST_ERR_BAD_URL: 'the path is not valid percent-encoded UTF-8',
  FST_ERR_MAX_PARAM_LENGTH: 'a path parameter is too long',
};

export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const reason = Object.hasOwn(FRAMEWORK_REASONS, error.code) ? FRAMEWORK_REASONS[error.code] : undefined;
  if (reason) {
    return send(request, reply, 'VALIDATION_FAILED', 400, {
      issues: [{ where: 'params', path: '/', message: reason }],
    });
  }
  request.log.error({ err: error }, 'framework error');
  return send(request, reply, 'INTERNAL', 500);
}

/** Maps every failure to the catalogue: a stable code, a status and a human message; never a stack. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) return send(request, reply, error.code, error.status, error.details);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        where: error.validationContext ?? 'body',
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      return send(request, reply, 'VALIDATION_FAILED', 400, { issues });
    }
    if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(request, reply, 'PAYLOAD_TOO_LARGE', 413);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own client errors: malformed JSON, unsupported media type, empty body.
      return send(request, reply, 'VALIDATION_FAILED', 400, { reason: error.message });
    }
    const pg = pgErrorOf(error);
    if (pg?.code === UNIQUE_VIOLATION || pg?.code === EXCLUSION_VIOLATION) {
      // A constraint caught what a concurrent writer slipped past the service's checks: the transaction
      // has rolled back, so nothing was half-written; the caller may retry.
      request.log.warn({ constraint: pg.constraint }, 'constraint conflict');
      return send(request, reply, 'CONFLICT', 409, pg.constraint ? { constraint: pg.constraint } : undefined);
    }
    const input = inputErrorOf(error);
    if (input) {
      // A value the boundary rules and schemas should have refused reached SQL: the caller's mistake, but
      // worth a warning, since a schema somewhere is missing a bound.
      request.log.warn({ err: error, condition: input }, 'database refused a value of the request');
      return send(request, reply, 'VALIDATION_FAILED', 400, { reason: input });
    }
    request.log.error({ err: error }, 'unhandled error');
    return send(request, reply, 'INTERNAL', 500);
  });
  app.setNotFoundHandler((request, reply) => send(request, reply, 'NOT_FOUND', 404, { path: request.url }));
}
