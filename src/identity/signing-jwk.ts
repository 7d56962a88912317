import { createPublicKey } from 'node:crypto';
import { z } from 'zod';

/**
 * A machine client's public signing key, as a JWK (RFC 8037): the key its DCI message signatures are
 * checked with. Ed25519 only, the algorithm of the standard's signature example. A private key (`d`) is
 * refused rather than stored: Himoya must never hold a partner's private key.
 */
export const SigningJwk = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'x is the 32-byte public key, base64url'),
  kid: z
    .string()
    .regex(/^[\x20-\x7e]{1,200}$/, 'kid is short printable text')
    .optional(),
  alg: z.enum(['EdDSA', 'Ed25519']).optional(),
  use: z.literal('sig').optional(),
});
export type SigningJwk = z.infer<typeof SigningJwk>;

/** The public key as Himoya keeps it, or the reason it is not one. */
export function parseSigningJwk(value: unknown): { jwk: SigningJwk } | { problem: string } {
  if (value && typeof value === 'object' && 'd' in value) {
    return { problem: 'a private key was given: register the public key only' };
  }
  const parsed = SigningJwk.safeParse(value);
  if (!parsed.success) {
    return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || '/'}: ${i.message}`).join('; ') };
  }
  try {
    createPublicKey({ key: { ...parsed.data }, format: 'jwk' });
  } catch {
    return { problem: 'not a usable Ed25519 public key' };
  }
  return { jwk: parsed.data };
}
