import type { FastifyRequest } from 'fastify';

/**
 * Who is acting, for the record of who submitted or decided something. Until sign-in exists
 * (identity and access issue) this is the `x-himoya-actor` header, or 'anonymous'; every write
 * already stores it, so the audit trail has a place to land.
 */
export function actorOf(request: FastifyRequest): string {
  const header = request.headers['x-himoya-actor'];
  return typeof header === 'string' && /^[\w.@:-]{1,100}$/.test(header) ? header : 'anonymous';
}
