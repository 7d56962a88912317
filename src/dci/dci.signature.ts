import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { canonicalJson } from './dci.envelope.ts';

/**
 * DCI message signatures. The standard's `signature` is a "Signature of {header}+{message} body verified
 * using sender's signing public key", in the form of its example:
 *
 *   Signature: namespace="spdci", kidId="{sender_id}|{unique_key_id}|{algorithm}", algorithm="ed25519",
 *     created="1606970629", expires="1607030629", headers="(created) (expires) digest",
 *     signature="Base64(signing content)"
 *
 * The signing content is the three lines the `headers` parameter names (as HTTP signatures build theirs):
 *
 *   (created): 1606970629
 *   (expires): 1607030629
 *   digest: BLAKE-512=<base64 of BLAKE2b-512 over JCS(header) + JCS(message)>
 *
 * JCS is the JSON canonicalisation of RFC 8785 (keys sorted, no whitespace), so the signature survives
 * any re-serialisation of the JSON; a message that is absent contributes nothing. Ed25519 only.
 */

export const SIGNATURE_NAMESPACE = 'spdci';
export const SIGNATURE_ALGORITHM = 'ed25519';
export const SIGNED_HEADERS = '(created) (expires) digest';
/** How long a signature Himoya makes stays valid. */
export const SIGNATURE_LIFETIME_SECONDS = 3600;
/** Clocks of two systems disagree a little: a signature "created" up to this far ahead is accepted. */
export const CLOCK_SKEW_SECONDS = 300;

/** The digest line's value over what is signed: the header and the message. */
export function messageDigest(header: unknown, message: unknown): string {
  const content = canonicalJson(header) + (message === undefined ? '' : canonicalJson(message));
  return `BLAKE-512=${createHash('blake2b512').update(content, 'utf8').digest('base64')}`;
}

export function signingContent(created: number, expires: number, digest: string): string {
  return `(created): ${created}\n(expires): ${expires}\ndigest: ${digest}`;
}

/** The `signature` field for a message Himoya sends. */
export function signMessage(
  envelope: { header: unknown; message?: unknown },
  key: { privateKey: KeyObject; keyId: string; senderId: string },
  now: Date = new Date(),
): string {
  const created = Math.floor(now.getTime() / 1000);
  const expires = created + SIGNATURE_LIFETIME_SECONDS;
  const content = signingContent(created, expires, messageDigest(envelope.header, envelope.message));
  const signature = sign(null, Buffer.from(content, 'utf8'), key.privateKey).toString('base64');
  const kidId = `${key.senderId}|${key.keyId}|${SIGNATURE_ALGORITHM}`;
  return (
    `Signature: namespace="${SIGNATURE_NAMESPACE}", kidId="${kidId}", algorithm="${SIGNATURE_ALGORITHM}", ` +
    `created="${created}", expires="${expires}", headers="${SIGNED_HEADERS}", signature="${signature}"`
  );
}

export interface SignatureParameters {
  namespace?: string;
  kidId: string;
  algorithm: string;
  created: number;
  expires: number;
  headers: string;
  signature: string;
}

/** The parameters of a `signature` field, or undefined when it is not in the standard's form. */
export function parseSignature(value: string): SignatureParameters | undefined {
  const text = value.replace(/^\s*Signature:\s*/i, '');
  const params = new Map<string, string>();
  for (const match of text.matchAll(/([A-Za-z]+)="([^"]*)"/g)) {
    const [, name, content] = match;
    if (name && content !== undefined && !params.has(name)) params.set(name, content);
  }
  const kidId = params.get('kidId');
  const algorithm = params.get('algorithm');
  const headers = params.get('headers');
  const signature = params.get('signature');
  const created = Number(params.get('created'));
  const expires = Number(params.get('expires'));
  if (!kidId || !algorithm || !headers || !signature) return undefined;
  if (!Number.isSafeInteger(created) || !Number.isSafeInteger(expires)) return undefined;
  const namespace = params.get('namespace');
  return {
    ...(namespace !== undefined ? { namespace } : {}),
    kidId,
    algorithm,
    created,
    expires,
    headers,
    signature,
  };
}

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * Checks a message's signature against the sender's registered public key: the standard's form, the
 * sender and key named in kidId, the time window, and the Ed25519 signature over the signing content.
 */
export function verifyMessageSignature(
  envelope: { signature: string; header: { sender_id?: unknown }; message?: unknown },
  jwk: Record<string, unknown>,
  now: Date = new Date(),
): SignatureCheck {
  const params = parseSignature(envelope.signature);
  if (!params) return { ok: false, reason: 'signature is not in the standard’s Signature form' };
  if (params.algorithm.toLowerCase() !== SIGNATURE_ALGORITHM) {
    return { ok: false, reason: `algorithm must be ${SIGNATURE_ALGORITHM}` };
  }
  if (params.headers.trim().replace(/\s+/g, ' ') !== SIGNED_HEADERS) {
    return { ok: false, reason: `headers must be "${SIGNED_HEADERS}"` };
  }
  const [senderId, keyId, kidAlgorithm, ...rest] = params.kidId.split('|');
  if (rest.length > 0 || kidAlgorithm?.toLowerCase() !== SIGNATURE_ALGORITHM) {
    return { ok: false, reason: 'kidId must be "{sender_id}|{key id}|ed25519"' };
  }
  if (senderId !== envelope.header.sender_id) {
    return { ok: false, reason: 'the kidId names another sender than header.sender_id' };
  }
  if (typeof jwk.kid === 'string' && keyId !== jwk.kid) {
    return { ok: false, reason: 'the kidId names a key not registered for this client' };
  }
  const seconds = Math.floor(now.getTime() / 1000);
  if (params.created > seconds + CLOCK_SKEW_SECONDS) return { ok: false, reason: 'created is in the future' };
  if (params.expires <= params.created) return { ok: false, reason: 'expires is not after created' };
  if (params.expires < seconds - CLOCK_SKEW_SECONDS)
    return { ok: false, reason: 'the signature has expired' };
  let key: KeyObject;
  try {
    key = createPublicKey({ key: { ...jwk }, format: 'jwk' });
  } catch {
    return { ok: false, reason: 'the key registered for this client is not usable' };
  }
  const content = signingContent(
    params.created,
    params.expires,
    messageDigest(envelope.header, envelope.message),
  );
  let valid = false;
  try {
    valid = verify(null, Buffer.from(content, 'utf8'), key, Buffer.from(params.signature, 'base64'));
  } catch {
    valid = false;
  }
  return valid ? { ok: true } : { ok: false, reason: 'the signature does not match the header and message' };
}
