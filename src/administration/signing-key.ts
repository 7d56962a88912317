import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { DomainError } from '../platform/errors.ts';

/**
 * A machine client's signing key, as registered at onboarding: the PUBLIC half of its DCI message-signing
 * key, as a JWK. A JWK that carries private parameters is refused (and never stored or echoed): whoever
 * pasted it has leaked the private key and must make a new pair. Symmetric keys ('oct') are refused too:
 * a shared secret would let Himoya forge the client's signatures.
 */

/** Members that only private (or symmetric) keys have (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Members kept: the public key itself and its labels; anything else is dropped. */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
  EC: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
  OKP: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
};

const ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];

function defaultAlgorithm(jwk: Record<string, unknown>): string | undefined {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC')
    return new Map([
      ['P-256', 'ES256'],
      ['P-384', 'ES384'],
      ['P-521', 'ES512'],
    ]).get(String(jwk.crv));
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return 'EdDSA';
  return undefined;
}

export interface PublicSigningKey {
  jwk: Record<string, unknown>;
  /** RFC 7638 thumbprint: how people compare the key with the one the agency holds. */
  thumbprint: string;
}

const invalid = (reason: string) => new DomainError('SIGNING_KEY_INVALID', { reason });

/** The public JWK, checked (it parses as a key of an accepted algorithm) and reduced to its public members. */
export async function checkPublicJwk(input: Record<string, unknown>): Promise<PublicSigningKey> {
  const leaked = PRIVATE_MEMBERS.filter((m) => Object.hasOwn(input, m));
  // The names of the members only: their values are secrets.
  if (leaked.length > 0) throw new DomainError('SIGNING_KEY_PRIVATE', { members: leaked });
  const kty = typeof input.kty === 'string' ? input.kty : '';
  // An own property only: 'constructor' or '__proto__' must not find Object's members.
  const members = Object.hasOwn(PUBLIC_MEMBERS, kty) ? PUBLIC_MEMBERS[kty] : undefined;
  if (!members) throw invalid('kty must be RSA, EC or OKP');
  const jwk: Record<string, unknown> = {};
  for (const m of members) if (Object.hasOwn(input, m)) jwk[m] = input[m];
  for (const m of Object.keys(jwk)) {
    // Printable ASCII only: base64url numbers and short labels (and nothing jsonb would refuse).
    if (typeof jwk[m] !== 'string' || !/^[\x20-\x7e]{1,2048}$/.test(String(jwk[m]))) {
      throw invalid(`${m} must be a short printable string`);
    }
  }
  if (jwk.use !== undefined && jwk.use !== 'sig') throw invalid("use must be 'sig'");
  const alg = typeof jwk.alg === 'string' ? jwk.alg : defaultAlgorithm(jwk);
  if (!alg || !ALGORITHMS.includes(alg)) throw invalid('no accepted signature algorithm for this key');
  try {
    await importJWK(jwk as JWK, alg);
  } catch {
    throw invalid('not a valid public key');
  }
  if (kty === 'RSA' && Buffer.from(String(jwk.n), 'base64url').length < 256) {
    throw invalid('RSA keys need at least 2048 bits');
  }
  return { jwk, thumbprint: await calculateJwkThumbprint(jwk as JWK) };
}
