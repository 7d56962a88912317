import type { FastifyRequest } from 'fastify';
import type { Actor, Role, RoleGrant } from '../access/actor.ts';
import { DomainError } from '../platform/errors.ts';

/**
 * Small local checks for the audit and consent routes. They go when the central policy module
 * (src/access/policies.ts) lands; until then they are the one place these routes decide who may call them.
 */

type Citizen = Extract<Actor, { kind: 'citizen' }>;

/** Nobody signed in: 401; signed in as someone else than a citizen: 403. */
export function requireCitizen(request: FastifyRequest): Citizen {
  const actor = request.actor as Actor | undefined;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN', { reason: 'citizens only' });
  return actor;
}

const AUDIT_ROLES: readonly Role[] = ['auditor', 'regional_admin'];

/** Staff holding an auditor or regional administrator grant; returns that grant (recorded in the log). */
export function requireAuditor(request: FastifyRequest): { actor: Actor; grant: RoleGrant } {
  const actor = request.actor as Actor | undefined;
  if (!actor || actor.kind === 'anonymous') throw new DomainError('UNAUTHENTICATED');
  const grant = actor.kind === 'staff' ? actor.grants.find((g) => AUDIT_ROLES.includes(g.role)) : undefined;
  if (!grant) throw new DomainError('FORBIDDEN', { reason: 'auditor or regional_admin role required' });
  return { actor, grant };
}

/**
 * Route-level onRequest hooks: the caller is checked before the body is parsed and validated, so nobody
 * learns anything about a route (not even its validation messages) without being allowed to call it.
 */
export const citizenOnly = async (request: FastifyRequest): Promise<void> => {
  requireCitizen(request);
};

export const auditorOnly = async (request: FastifyRequest): Promise<void> => {
  requireAuditor(request);
};
