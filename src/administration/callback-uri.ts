import { z } from 'zod';

/**
 * Where Himoya may call a machine client back, as an administrator registers it. The shared outbound-URL
 * module of the DCI work (parse, normalise, compare by origin and path segments) replaces this once merged;
 * until then these rules hold: an absolute http(s) URL, https only in production, no user name or password,
 * no query and no fragment, no dot segments; stored normalised (lower-case host, no default port).
 */

export type CallbackUriProblem = 'not_a_url' | 'scheme' | 'https_required' | 'credentials' | 'query' | 'path';

export function parseCallbackUri(
  input: string,
  options: { httpsOnly: boolean },
): { uri: string } | { problem: CallbackUriProblem } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { problem: 'not_a_url' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { problem: 'scheme' };
  if (options.httpsOnly && url.protocol !== 'https:') return { problem: 'https_required' };
  if (url.username !== '' || url.password !== '') return { problem: 'credentials' };
  // `new URL` drops an empty '?' or '#': the raw text decides.
  if (input.includes('?') || input.includes('#')) return { problem: 'query' };
  // The parser resolves '..' silently; a registered address must say what it means.
  const raw = input.replace(/^[a-z]+:\/\/[^/]*/i, '');
  if (/(^|\/)\.{1,2}(\/|$)|%2e|%2f|%5c|\\/i.test(raw)) return { problem: 'path' };
  return { uri: url.href };
}

const segments = (url: URL) => url.pathname.split('/').filter((s) => s !== '');

/** Whether `uri` is `registered` or under it: same origin, and the registered path's segments a prefix. */
export function isUnder(uri: string, registered: string): boolean {
  let a: URL;
  let b: URL;
  try {
    a = new URL(uri);
    b = new URL(registered);
  } catch {
    return false;
  }
  if (a.origin !== b.origin) return false;
  const path = segments(a);
  const prefix = segments(b);
  return prefix.length <= path.length && prefix.every((s, i) => s === path[i]);
}

const MESSAGES: Record<CallbackUriProblem, string> = {
  not_a_url: 'is not an absolute URL',
  scheme: 'must be an http or https URL',
  https_required: 'must be an https URL',
  credentials: 'must not carry a user name or password',
  query: 'must not have a query or a fragment',
  path: 'must not contain dot segments or encoded slashes',
};

/** The zod schema of one callback URI, normalised. */
export function CallbackUri(options: { httpsOnly: boolean }) {
  return z
    .string()
    .max(2000)
    .transform((input, ctx) => {
      const result = parseCallbackUri(input.trim(), options);
      if ('uri' in result) return result.uri;
      ctx.addIssue({ code: 'custom', message: `the callback URI ${MESSAGES[result.problem]}` });
      return z.NEVER;
    });
}
