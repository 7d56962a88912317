import { hash, verify } from '@node-rs/argon2';
import { newToken } from './tokens.ts';

/**
 * Passwords are hashed with argon2id (OWASP parameters: 19 MiB, 2 passes). @node-rs/argon2 ships its
 * binary in a per-platform package, so it works where npm runs no install scripts.
 */
// algorithm 2 is Argon2id (the package's const enum cannot be imported under verbatimModuleSyntax).
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    // A malformed stored hash is a failed sign-in, never a 500 that tells the account exists.
    return false;
  }
}

let dummy: Promise<string> | undefined;

/**
 * Spends the same time as checking a real password, for usernames that have no account: a sign-in for
 * an unknown name must not answer faster than one for a known name.
 */
export async function verifyDummyPassword(password: string): Promise<false> {
  dummy ??= hashPassword(newToken());
  await verifyPassword(await dummy, password);
  return false;
}
