import type { FastifyRequest } from 'fastify';

/**
 * The last line of the rule "errors never name another family's identifiers". Services are written to put
 * in an error's details only what the caller sent; this keeps a slip from becoming a leak: any identifier
 * (a UUID or a 14-digit PINFL) in the details that the request itself did not carry, in its URL or body,
 * is dropped before the answer leaves, and the slip is logged for the developers to fix at its cause.
 */

const IDENTIFIER =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9])[0-9]{14}(?![0-9])/gi;

export function withoutForeignIdentifiers(
  request: FastifyRequest,
  details: Record<string, unknown>,
): { details: Record<string, unknown>; dropped: string[] } {
  const given = requestText(request).toLowerCase();
  const dropped: string[] = [];
  const foreign = (text: string) =>
    (text.match(IDENTIFIER) ?? []).some((id) => !given.includes(id.toLowerCase()));
  const clean = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      if (!foreign(value)) return value;
      dropped.push(path);
      return undefined;
    }
    if (Array.isArray(value)) {
      return value.map((v, i) => clean(v, `${path}[${i}]`)).filter((v) => v !== undefined);
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, v] of Object.entries(value)) {
        const cleaned = clean(v, path ? `${path}.${key}` : key);
        if (cleaned !== undefined) out[key] = cleaned;
      }
      return out;
    }
    return value;
  };
  return { details: clean(details, '') as Record<string, unknown>, dropped };
}

function requestText(request: FastifyRequest): string {
  let body = '';
  try {
    body = typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? '');
  } catch {
    // A body that cannot be serialised carries nothing to compare against.
  }
  return `${request.url}\n${body}`;
}
