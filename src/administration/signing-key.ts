import { calculateJwkThumbprint, type JWK } from 'jose';
import { parseSigningJwk, type SigningJwk } from '../identity/signing-jwk.ts';
import { DomainError } from '../platform/errors.ts';

/**
 * A machine client's signing key, as registered at onboarding: the PUBLIC half of its DCI message-signing
 * key, as a JWK, of the one kind the DCI signatures use (Ed25519, src/identity/signing-jwk.ts). A JWK that
 * carries private parameters is refused with its own error (and never stored or echoed): whoever pasted it
 * has leaked the private key and must make a new pair. Symmetric keys ('oct') count as private: a shared
 * secret would let Himoya forge the client's signatures.
 */

/** Members that only private (or symmetric) keys have (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** Members kept: the public key itself and its labels; anything else is dropped. */
const PUBLIC_MEMBERS = ['kty', 'crv', 'x', 'kid', 'alg', 'use'] as const;

export interface PublicSigningKey {
  jwk: SigningJwk;
  /** RFC 7638 thumbprint: how people compare the key with the one the agency holds. */
  thumbprint: string;
}

/** The public JWK, checked (an Ed25519 public key) and reduced to its public members. */
export async function checkPublicJwk(input: Record<string, unknown>): Promise<PublicSigningKey> {
  const leaked = PRIVATE_MEMBERS.filter((m) => Object.hasOwn(input, m));
  // The names of the members only: their values are secrets.
  if (leaked.length > 0) throw new DomainError('SIGNING_KEY_PRIVATE', { members: leaked });
  const kept: Record<string, unknown> = {};
  for (const m of PUBLIC_MEMBERS) if (Object.hasOwn(input, m)) kept[m] = input[m];
  const parsed = parseSigningJwk(kept);
  if ('problem' in parsed) throw new DomainError('SIGNING_KEY_INVALID', { reason: parsed.problem });
  return { jwk: parsed.jwk, thumbprint: await calculateJwkThumbprint(parsed.jwk as JWK) };
}
