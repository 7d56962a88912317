import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';

/**
 * What other contexts hear when an application moves a step. Casework knows nothing of who listens: the
 * my.gov.uz intake registers its status callback here when the contexts are wired (src/contexts.ts), so
 * casework does not import intake and intake may import casework's service.
 */
export type ApplicationStepListener = (db: Kysely<DB>, applicationId: string) => Promise<unknown>;

const listeners = new Map<string, ApplicationStepListener>();

/** Registers (or replaces, so wiring twice is harmless) the listener called `name`. */
export function onApplicationStep(name: string, listener: ApplicationStepListener): void {
  listeners.set(name, listener);
}

/** Calls every listener in the caller's transaction, in registration order. */
export async function applicationStepped(db: Kysely<DB>, applicationId: string): Promise<void> {
  for (const listener of listeners.values()) await listener(db, applicationId);
}
