import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { requireActor } from '../identity/authenticate.ts';
import { DomainError } from '../platform/errors.ts';

/**
 * Routes for partners' systems: a route-level `onRequest` hook (it runs after authentication and the
 * access plugin, and before the body is parsed) that admits a machine client holding `scope`. Anyone
 * else: 401 anonymous, 403 ACTOR_KIND_NOT_ALLOWED for people, 403 FORBIDDEN for a client without it.
 */
export function requireScope(
  scope: string,
  options: { secretHeader?: string; secret?: () => string | undefined } = {},
) {
  return async (request: FastifyRequest): Promise<void> => {
    if (options.secretHeader && options.secret) {
      const expected = options.secret();
      const given = request.headers[options.secretHeader];
      if (expected && typeof given === 'string' && sameSecret(given, expected)) return;
    }
    const actor = requireActor(request, ['machine']);
    if (!actor.scopes.includes(scope)) throw new DomainError('FORBIDDEN', { requiredScope: scope });
  };
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
