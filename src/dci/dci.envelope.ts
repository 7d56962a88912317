import { createHash, randomUUID } from 'node:crypto';
import {
  isRegisteredCallback,
  normaliseOutboundUrl,
  type OutboundPolicy,
  OutboundUrlError,
} from '../platform/http/outbound-url.ts';
import type {
  DciAck,
  DciCallbackHeader,
  DciErrorCode,
  DciHeader,
  DciStatus,
  MsgHeaderStatusReasonCode,
} from './dci.schemas.ts';
import { DCI_VERSION } from './dci.schemas.ts';

/** How Himoya names itself in the headers it sends (sender_id of callbacks, receiver of requests). */
export const HIMOYA_DCI_ID = 'social-registry.himoya.uz';
/** reg_type of every record: the Social Registry. */
export const REG_TYPE = 'ns:uz:RegistryType:Social';

/**
 * A message Himoya cannot take: answered with the standard's acknowledgement `{message: {ack_status: ERR,
 * error: {code, message}}}` (and, for 401/403, also the HTTP-layer `errors` list of the standard).
 */
export class DciError extends Error {
  constructor(
    readonly status: number,
    readonly code: DciErrorCode,
    message: string,
    /** The header's reason code, for answers in the callback envelope (sync endpoints). */
    readonly headerReason?: MsgHeaderStatusReasonCode,
  ) {
    super(message);
    this.name = 'DciError';
  }
}

export const now = () => new Date().toISOString();
export const newCorrelationId = () => randomUUID();

export function ack(correlationId: string): DciAck {
  return { message: { ack_status: 'ACK', timestamp: now(), correlation_id: correlationId } };
}

export function errorAck(code: DciErrorCode, message: string, correlationId: string = newCorrelationId()) {
  const body: DciAck & { errors?: { code: string; message: string }[] } = {
    message: {
      ack_status: 'ERR',
      timestamp: now(),
      correlation_id: correlationId,
      error: { code, message: message.slice(0, 999) },
    },
  };
  return body;
}

/**
 * A sync endpoint answers in the callback envelope even when it refuses: a header with status rjct (and the
 * header reason code when one fits), no message, and the error in the standard's HTTP `errors` list.
 */
export function syncErrorBody(
  action: string,
  code: DciErrorCode,
  message: string,
  reason?: MsgHeaderStatusReasonCode,
) {
  return {
    header: callbackHeader(action, 'rjct', undefined, {
      ...(reason ? { status_reason_code: reason } : {}),
      status_reason_message: `${code}: ${message}`.slice(0, 999),
    }),
    errors: [{ code, message: message.slice(0, 999) }],
  };
}

/** Transport refusals (401, 403) in both of the standard's shapes: the HTTP `errors` list and the ack. */
export function httpErrorBody(code: DciErrorCode, message: string) {
  return { errors: [{ code, message }], ...errorAck(code, message) };
}

export function callbackHeader(
  action: string,
  status: DciStatus,
  receiverId: string | undefined,
  extra: Partial<DciCallbackHeader> = {},
): DciCallbackHeader {
  return {
    version: DCI_VERSION,
    message_id: randomUUID(),
    message_ts: now(),
    action,
    status,
    sender_id: HIMOYA_DCI_ID,
    ...(receiverId ? { receiver_id: receiverId } : {}),
    is_msg_encrypted: false,
    ...extra,
  };
}

/** A request header as Himoya sends it (on-subscribe and on-unsubscribe use MsgHeader, not the callback one). */
export function requestHeader(action: string, totalCount: number, receiverId: string | undefined) {
  return {
    version: DCI_VERSION,
    message_id: randomUUID(),
    message_ts: now(),
    action,
    sender_id: HIMOYA_DCI_ID,
    ...(receiverId ? { receiver_id: receiverId } : {}),
    total_count: totalCount,
    is_msg_encrypted: false,
  };
}

/** Checks of the header every action shares: version, action, timestamp, no encryption. */
export function checkEnvelope(header: DciHeader, message: object, action: string): void {
  if (!/^1\.\d+(\.\d+)?$/.test(header.version)) {
    throw new DciError(
      400,
      'err.version.not_supported',
      `version ${header.version} is not supported; use 1.0.0`,
      'rjct.version.invalid',
    );
  }
  if (header.action !== action) {
    throw new DciError(
      400,
      'err.request.bad',
      `header.action must be '${action}' here`,
      'rjct.action.invalid',
    );
  }
  if (!isTimestamp(header.message_ts)) {
    throw new DciError(
      400,
      'err.request.bad',
      'header.message_ts is not an ISO 8601 date-time',
      'rjct.message_ts.invalid',
    );
  }
  if (header.is_msg_encrypted === true || 'ciphertext' in message) {
    throw new DciError(
      400,
      'err.encryption.invalid',
      'encrypted messages are not supported by this registry',
    );
  }
}

/** What Himoya knows of a client's callbacks (src/identity: machine_client.callback_uris, default). */
export interface CallbackRegistration {
  callbackUris: readonly string[];
  defaultCallbackUri: string | null;
}

/**
 * Where the callbacks of an async message go: `header.sender_uri`, or when it is absent the client's default
 * callback URI (the standard's "default uri configured as part of onboarding"). The address is normalised,
 * and every callback it leads to (`paths`, e.g. 'registry/on-search') must be under a callback URI
 * registered for the client, compared by origin and path segments: the server never calls an address a
 * message alone names. Else 400 err.sender_uri.invalid.
 */
export function callbackBaseOf(
  header: DciHeader,
  client: CallbackRegistration,
  policy: OutboundPolicy,
  paths: readonly string[],
): string {
  const given = header.sender_uri ?? client.defaultCallbackUri;
  if (!given) {
    throw new DciError(
      400,
      'err.sender_uri.invalid',
      'header.sender_uri is absent and no default callback URI is registered for this client',
    );
  }
  let base: string;
  try {
    base = normaliseOutboundUrl(given, policy);
  } catch (error) {
    if (!(error instanceof OutboundUrlError)) throw error;
    throw new DciError(400, 'err.sender_uri.invalid', `header.sender_uri ${error.message}`);
  }
  for (const path of paths) {
    if (!isRegisteredCallback(callbackUrl(base, path), client.callbackUris)) {
      throw new DciError(
        400,
        'err.sender_uri.invalid',
        `header.sender_uri is not under a callback address registered for this client (${path})`,
      );
    }
  }
  return base;
}

/**
 * Where a callback goes. `sender_uri` is the base of the caller's DCI endpoints (`https://spmis.example/dci`)
 * or any URL under its `/registry/` (`https://spmis.example/dci/registry/on-search`): the callback's path
 * (`registry/on-search`, `registry/notify`, `registry/txn/on-status`) replaces what follows `/registry/`.
 */
export function callbackUrl(senderUri: string, path: string): string {
  const url = new URL(senderUri);
  const at = url.pathname.indexOf('/registry/');
  const base = at >= 0 ? url.pathname.slice(0, at) : url.pathname.replace(/\/+$/, '');
  url.pathname = `${base}/${path}`;
  url.search = '';
  url.hash = '';
  return url.toString();
}

export function isTimestamp(value: string): boolean {
  return (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value) &&
    !Number.isNaN(Date.parse(value))
  );
}

/** sha256 of a canonical JSON (keys sorted): the same message in another key order is the same message. */
export function digestOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** JSON with keys sorted and no whitespace (RFC 8785's JCS for the values JSON.parse gives). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
