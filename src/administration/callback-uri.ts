import { z } from 'zod';
import {
  callbackUriMatches,
  normaliseOutboundUrl,
  type OutboundPolicy,
  OutboundUrlError,
  type OutboundUrlProblem,
} from '../platform/http/outbound-url.ts';

/**
 * Where Himoya may call a machine client back, as an administrator registers it: an outbound URL by the
 * shared rules (src/platform/http/outbound-url.ts: http(s), https only in production, no user info, no dot
 * segments or encoded slashes, normalised), and, since a registered URI names a base that callbacks go
 * under, no query and no fragment either.
 */

export type CallbackUriProblem = OutboundUrlProblem | 'query';

export function parseCallbackUri(
  input: string,
  policy: OutboundPolicy,
): { uri: string } | { problem: CallbackUriProblem } {
  // The URL parser drops an empty '?' or '#', and resolves '..' silently: the raw text decides, so that a
  // registered address says what it means.
  if (input.includes('?') || input.includes('#')) return { problem: 'query' };
  const path = input.replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (/(^|\/)(\.|%2e){1,2}(\/|$)/i.test(path)) return { problem: 'dot_segment' };
  try {
    return { uri: normaliseOutboundUrl(input, policy) };
  } catch (error) {
    if (error instanceof OutboundUrlError) return { problem: error.problem };
    throw error;
  }
}

/** Whether `uri` is `registered` or under it: same origin, and the registered path's segments a prefix. */
export const isUnder = (uri: string, registered: string): boolean => callbackUriMatches(registered, uri);

/** The zod schema of one callback URI, normalised. */
export function CallbackUri(policy: OutboundPolicy) {
  return z
    .string()
    .max(2000)
    .transform((input, ctx) => {
      const result = parseCallbackUri(input.trim(), policy);
      if ('uri' in result) return result.uri;
      const why = result.problem === 'query' ? 'must not have a query or a fragment' : result.problem;
      ctx.addIssue({ code: 'custom', message: `the callback URI ${why}` });
      return z.NEVER;
    });
}
