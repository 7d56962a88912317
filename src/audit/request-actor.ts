import type { FastifyRequest } from 'fastify';
import type { Actor, RoleGrant } from '../access/actor.ts';
import { grantsFor } from '../access/policies.ts';
import { DomainError } from '../platform/errors.ts';

/**
 * The actor of an audit or consent route, narrowed for its handler. Who may call these routes is decided
 * by their `config.access` (the access plugin answers 401/403 before the handler runs); these only give the
 * handler the citizen, or the grant the audit entry names.
 */

type Citizen = Extract<Actor, { kind: 'citizen' }>;

export function requireCitizen(request: FastifyRequest): Citizen {
  const actor = request.actor as Actor | undefined;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN', { reason: 'citizens only' });
  return actor;
}

/** The actor and the grant that allows reading the audit log (the policies' `audit.read`). */
export function requireAuditor(request: FastifyRequest): { actor: Actor; grant: RoleGrant } {
  const actor = request.actor as Actor | undefined;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  const grant = grantsFor(actor, 'audit.read')[0];
  if (!grant) throw new DomainError('FORBIDDEN');
  return { actor, grant };
}
