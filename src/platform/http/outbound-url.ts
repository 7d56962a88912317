/**
 * Addresses a partner gives Himoya to POST to (DCI callbacks and notifications, my.gov.uz status callbacks).
 * A partner registers its callback URIs at onboarding; a message may then name any URL under one of them.
 * Comparing raw strings let `/cb/../../escaped`, `/cbx` and `http://127.0.0.1:x@0.0.0.0:4999/` pass a
 * prefix check, and following redirects let a partner send the body anywhere. So an address is parsed
 * with the WHATWG URL parser, normalised, compared by origin and path segments, and called without
 * following redirects. The URL that is checked is the URL that is called (the normalised one).
 */

/** What the deployment allows: in production only https. */
export interface OutboundPolicy {
  httpsOnly: boolean;
}

export const outboundPolicyOf = (config: { NODE_ENV: string }): OutboundPolicy => ({
  httpsOnly: config.NODE_ENV === 'production',
});

export type OutboundUrlProblem =
  | 'not_a_url'
  | 'scheme'
  | 'https_required'
  | 'credentials'
  | 'encoded_separator'
  | 'dot_segment'
  | 'too_long';

const PROBLEMS: Readonly<Record<OutboundUrlProblem, string>> = {
  not_a_url: 'is not an absolute URL',
  scheme: 'must be an http or https URL',
  https_required: 'must be an https URL',
  credentials: 'must not carry a user name or password',
  encoded_separator: 'must not contain an encoded slash or backslash',
  dot_segment: 'must not contain dot segments',
  too_long: 'is longer than 2000 characters',
};

export class OutboundUrlError extends Error {
  constructor(readonly problem: OutboundUrlProblem) {
    super(PROBLEMS[problem]);
    this.name = 'OutboundUrlError';
  }
}

export const MAX_URL_LENGTH = 2000;

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** RFC 3986 §6.2.2: escapes of unreserved characters decoded, other escapes in upper case. */
function normaliseEscapes(text: string): string {
  return text.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
}

/**
 * The normalised URL, or an OutboundUrlError: http(s) only (https only under `httpsOnly`), no user info,
 * host in lower case without a trailing dot, default port dropped, dot segments (also `%2e%2e`) resolved,
 * duplicate slashes collapsed, escapes normalised, no fragment. A path that still holds an encoded slash
 * or backslash, or a dot segment hidden behind `;` parameters (`..;`), is refused: a receiving server may
 * decode it into a path outside the one that was checked.
 */
export function parseOutboundUrl(input: string, policy: OutboundPolicy): URL {
  if (input.length > MAX_URL_LENGTH) throw new OutboundUrlError('too_long');
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new OutboundUrlError('not_a_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundUrlError('scheme');
  if (policy.httpsOnly && url.protocol !== 'https:') throw new OutboundUrlError('https_required');
  if (url.username !== '' || url.password !== '') throw new OutboundUrlError('credentials');
  if (url.hostname.endsWith('.')) url.hostname = url.hostname.replace(/\.+$/, '');
  url.hash = '';
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(normaliseEscapes);
  for (const segment of segments) {
    if (/%(2f|5c)/i.test(segment)) throw new OutboundUrlError('encoded_separator');
    const bare = (segment.split(';')[0] ?? '').replace(/%2e/gi, '.');
    if (bare === '.' || bare === '..') throw new OutboundUrlError('dot_segment');
  }
  const trailing = url.pathname.length > 1 && url.pathname.endsWith('/') ? '/' : '';
  url.pathname = `/${segments.join('/')}${segments.length > 0 ? trailing : ''}`;
  return url;
}

/** parseOutboundUrl's href. */
export function normaliseOutboundUrl(input: string, policy: OutboundPolicy): string {
  return parseOutboundUrl(input, policy).href;
}

const ANY_SCHEME: OutboundPolicy = { httpsOnly: false };

function pathSegments(url: URL): string[] {
  return url.pathname.split('/').filter((s) => s !== '');
}

/**
 * Whether `requested` is under the registered callback URI: the same origin (scheme, host, port) and the
 * registered path's segments a prefix of the requested path's segments (`/cb` covers `/cb` and `/cb/x`,
 * not `/cbx`). Queries are not compared. Anything that does not parse matches nothing.
 */
export function callbackUriMatches(registered: string, requested: string): boolean {
  let base: URL;
  let target: URL;
  try {
    base = parseOutboundUrl(registered, ANY_SCHEME);
    target = parseOutboundUrl(requested, ANY_SCHEME);
  } catch {
    return false;
  }
  if (base.origin !== target.origin) return false;
  const prefix = pathSegments(base);
  const path = pathSegments(target);
  return prefix.length <= path.length && prefix.every((segment, i) => segment === path[i]);
}

/** Whether the URL is under any of the registered callback URIs. */
export function isRegisteredCallback(requested: string, registered: readonly string[]): boolean {
  return registered.some((uri) => callbackUriMatches(uri, requested));
}

export type PostOutcome =
  | { ok: true; status: number }
  | {
      ok: false;
      /** What went wrong: the address refused, a redirect (never followed), another status, no answer. */
      kind: 'refused' | 'redirect' | 'status' | 'timeout' | 'network';
      error: string;
      status?: number;
    };

/**
 * POSTs a body to a partner's address, never following a redirect: a 3xx is a failed attempt (its
 * Location is reported, never called). The address is checked again here, so a row queued before a rule
 * changed cannot be sent somewhere the rules now refuse.
 */
export async function postToPartner(
  address: string,
  body: string,
  options: {
    policy: OutboundPolicy;
    timeoutMs: number;
    headers?: Record<string, string>;
    fetch?: typeof fetch;
  },
): Promise<PostOutcome> {
  let url: string;
  try {
    url = normaliseOutboundUrl(address, options.policy);
  } catch (error) {
    return { ok: false, kind: 'refused', error: `refused: the address ${(error as Error).message}` };
  }
  const doFetch = options.fetch ?? fetch;
  try {
    const response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
      redirect: 'manual',
    });
    // The body is not needed; reading it frees the connection.
    await response.arrayBuffer().catch(() => undefined);
    if (response.status >= 300 && response.status < 400) {
      const location = (response.headers.get('location') ?? '').slice(0, 300);
      return {
        ok: false,
        kind: 'redirect',
        status: response.status,
        error: `redirect refused: HTTP ${response.status}${location ? ` to ${location}` : ''}`,
      };
    }
    if (!response.ok) {
      return { ok: false, kind: 'status', status: response.status, error: `HTTP ${response.status}` };
    }
    return { ok: true, status: response.status };
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TimeoutError') return { ok: false, kind: 'timeout', error: 'timeout' };
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, kind: 'network', error: `network: ${message}` };
  }
}
