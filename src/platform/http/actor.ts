import type { FastifyRequest } from 'fastify';

/**
 * Who is acting, for the record of who submitted or decided something: a stable id of the signed-in
 * actor (`staff:<username>`, `citizen:<pinfl>`, `machine:<client_id>`), set by the authentication hook
 * (src/identity). Nobody else can name themselves: an anonymous request is 'anonymous' (and the access
 * rules keep such requests away from every route that records an actor).
 */
export function actorOf(request: FastifyRequest): string {
  const actor = request.actor as FastifyRequest['actor'] | undefined;
  if (actor?.kind === 'staff') return `staff:${actor.username}`;
  if (actor?.kind === 'citizen') return `citizen:${actor.pinfl}`;
  if (actor?.kind === 'machine') return `machine:${actor.id}`;
  return 'anonymous';
}
