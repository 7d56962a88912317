import { unsafeTextReason } from '../platform/http/text-boundary.ts';

/**
 * Client credentials in an `Authorization: Basic` header, as RFC 6749 section 2.3.1 sends them: base64 of
 * `id ":" secret`, each form-urlencoded first (Appendix B: `+` is a space, `%XX` a UTF-8 byte). One parser
 * for every endpoint that takes them, so that malformed input is one answer (invalid_client) everywhere.
 */

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/** Client ids and secrets are short; anything longer is an attack on the password hash or the logs. */
export const MAX_CLIENT_ID = 200;
export const MAX_CLIENT_SECRET = 1000;
/** Base64 of the longest pair, percent-encoded: a bound on the work done before refusing. */
const MAX_TOKEN = 8192;
const SCHEME = /^Basic(?:[ ]+(.*))?$/is;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether the header claims the Basic scheme (well formed or not). */
export const isBasicAuthorization = (header: string | undefined): header is string =>
  header !== undefined && SCHEME.test(header);

function formDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    // A percent-escape that does not decode to UTF-8 (`%E0%A4%A`, `%ED%A0%80`, a lone `%`).
    return undefined;
  }
}

/** The id and secret of a Basic header; undefined when the header is not Basic or is malformed in any way. */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  const token = header === undefined ? undefined : SCHEME.exec(header)?.[1]?.trim();
  if (!token || token.length > MAX_TOKEN || !BASE64.test(token)) return undefined;
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(token, 'base64'));
  } catch {
    return undefined;
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = formDecode(decoded.slice(0, colon));
  const clientSecret = formDecode(decoded.slice(colon + 1));
  if (clientId === undefined || clientSecret === undefined) return undefined;
  if (clientId.length === 0 || clientId.length > MAX_CLIENT_ID || clientSecret.length > MAX_CLIENT_SECRET)
    return undefined;
  if (unsafeTextReason(clientId) || unsafeTextReason(clientSecret)) return undefined;
  return { clientId, clientSecret };
}
