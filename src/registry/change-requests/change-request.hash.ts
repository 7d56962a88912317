import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so that the same request sent by two clients that
 * order their keys differently hashes the same. Undefined members are dropped, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return `[${value.map((item) => canonicalJson(item === undefined ? null : item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The identity of a request's content: a retry with the same id must carry the same hash. */
export function payloadHash(type: string, payload: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson({ type, payload })).digest('hex');
}
