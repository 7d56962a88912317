import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../errors.ts';

/**
 * The boundary rule for text: no text that PostgreSQL cannot hold, or that no person ever typed, enters the
 * server. PostgreSQL's text refuses NUL (a 500 from the driver, before this rule); the other C0 controls
 * (tab, line feed and carriage return aside) are stored but only ever serve to break logs, terminals and
 * exports; a lone UTF-16 surrogate is silently turned into U+FFFD on its way to the database, so what is
 * stored is not what was sent. All are refused with 400 VALIDATION_FAILED naming the field.
 *
 * Why one hook on the parsed request rather than a shared zod text type in every schema: the hook sees all
 * of it, keys included, whatever the route declares: routes without a zod schema (the OAuth2 token
 * endpoints, the demo identity provider, form posts), payloads a schema leaves open on purpose (DCI
 * queries, pushed agency events, `z.unknown()`, records), and every schema written tomorrow by someone who
 * would have had to remember the shared type. Headers that are read as data (the client id in HTTP Basic)
 * are checked where they are parsed, with the same `unsafeTextReason`.
 */

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const isHighSurrogate = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** Why a text may not enter the server, or undefined when it may. One pass over its UTF-16 code units. */
export function unsafeTextReason(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return 'text may not contain NUL characters';
    if (c < 0x20 && c !== TAB && c !== LINE_FEED && c !== CARRIAGE_RETURN) {
      return 'text may not contain control characters';
    }
    if (isHighSurrogate(c)) {
      if (!isLowSurrogate(text.charCodeAt(i + 1))) return 'text may not contain unpaired UTF-16 surrogates';
      i++;
    } else if (isLowSurrogate(c)) {
      return 'text may not contain unpaired UTF-16 surrogates';
    }
  }
  return undefined;
}

export interface UnsafeText {
  /** JSON pointer of the value (or of the object whose key is unsafe). */
  path: string;
  message: string;
}

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * The first unsafe text in a parsed value: its strings and its object keys. Iterative, so that a deeply
 * nested body (JSON.parse accepts thousands of levels) cannot overflow the stack.
 */
export function findUnsafeText(value: unknown): UnsafeText | undefined {
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const { value: current, path } = item;
    if (typeof current === 'string') {
      const message = unsafeTextReason(current);
      if (message) return { path: path || '/', message };
    } else if (Array.isArray(current)) {
      current.forEach((v, i) => {
        stack.push({ value: v, path: `${path}/${i}` });
      });
    } else if (ArrayBuffer.isView(current)) {
      // Bytes (a raw body parser's Buffer) are not text; their routes judge them.
    } else if (current !== null && typeof current === 'object') {
      for (const [key, v] of Object.entries(current)) {
        const message = unsafeTextReason(key);
        if (message) return { path: path || '/', message: `a key: ${message}` };
        stack.push({ value: v, path: `${path}/${escapePointer(key)}` });
      }
    }
  }
  return undefined;
}

type Where = 'querystring' | 'params' | 'body';

function refuseUnsafe(where: Where, value: unknown): void {
  const found = findUnsafeText(value);
  if (!found) return;
  // The same details as a failed zod validation, so clients handle one shape.
  throw new DomainError('VALIDATION_FAILED', {
    issues: [{ where, path: found.path, message: found.message }],
  });
}

/**
 * Installs the rule on the root instance, before any plugin: query and path parameters are checked when
 * the request arrives (before authentication, whose hooks may read them), the body once parsed and before
 * validation and the handler.
 */
export function installTextBoundary(app: FastifyInstance): void {
  app.addHook('onRequest', async (request: FastifyRequest) => {
    refuseUnsafe('querystring', request.query);
    refuseUnsafe('params', request.params);
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    refuseUnsafe('body', request.body);
  });
}
