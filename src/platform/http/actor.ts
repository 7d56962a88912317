import type { FastifyRequest } from 'fastify';

/**
 * Who is acting, for the record of who submitted or decided something: a stable id of the signed-in
 * actor (`staff:<username>`, `citizen:<person id>`, `machine:<client_id>`), set by the authentication hook
 * (src/identity). Nobody else can name themselves: an anonymous request is 'anonymous' (and the access
 * rules keep such requests away from every route that records an actor). A citizen is named by person id, as
 * consent and the audit log name them: a PINFL is personal data and is not repeated in every row that
 * records a step (migration 019 rewrote the older rows).
 */
export function actorOf(request: FastifyRequest): string {
  const actor = request.actor as FastifyRequest['actor'] | undefined;
  if (actor?.kind === 'staff') return `staff:${actor.username}`;
  if (actor?.kind === 'citizen') return `citizen:${actor.personId}`;
  if (actor?.kind === 'machine') return `machine:${actor.id}`;
  return 'anonymous';
}
