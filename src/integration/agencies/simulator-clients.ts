import type { Kysely } from 'kysely';
import type { Area } from '../../access/actor.ts';
import {
  registerTemporaryClient,
  renewTemporaryClient,
  retireTemporaryClient,
} from '../../identity/machine.service.ts';
import type { DB } from '../../platform/db/schema.ts';
import { KHOREZM_CODE } from '../../territory/territory.data.ts';
import type { AgencyName } from '../adapters/adapter.ts';
import type { ClientCredentials } from './simulator.ts';

/**
 * The machine clients the demo simulator pushes with: one per agency it simulates, with that agency's
 * `events.push` only and the Khorezm region as area, and a random secret made at start. They exist only
 * while the simulator runs: registered for `ttlMs`, renewed while it runs, retired when it stops, and
 * after a crash they expire by themselves (no token past their end, their tokens refused). A start
 * registers them again with new secrets, so nothing of an earlier run stays usable.
 */
export const SIMULATOR_CLIENT_PREFIX = 'agency-simulator.';
/** How long a client lives without renewal: what a crashed simulator leaves usable at most. */
export const SIMULATOR_CLIENT_TTL_MS = 2 * 60_000;
const KHOREZM: Area = { kind: 'region', code: KHOREZM_CODE };

export const simulatorClientId = (agency: AgencyName) => `${SIMULATOR_CLIENT_PREFIX}${agency}`;

export interface SimulatorClients {
  clients: Partial<Record<AgencyName, ClientCredentials>>;
  /** Renews every client now; false when one is gone (retired or expired meanwhile). */
  renew(now?: Date): Promise<boolean>;
  /** Stops the renewals and retires every client. */
  retire(): Promise<void>;
}

export async function openSimulatorClients(
  db: Kysely<DB>,
  options: {
    agencies: readonly AgencyName[];
    ttlMs?: number;
    /** Renew on a timer every ttl/4 (a running simulator); off for callers that renew themselves. */
    autoRenew?: boolean;
    onRenewFailed?: (error: unknown) => void;
    now?: Date;
  },
): Promise<SimulatorClients> {
  const ttlMs = options.ttlMs ?? SIMULATOR_CLIENT_TTL_MS;
  const clients: Partial<Record<AgencyName, ClientCredentials>> = {};
  for (const agency of options.agencies) {
    const clientId = simulatorClientId(agency);
    const clientSecret = await registerTemporaryClient(
      db,
      { clientId, agency, scopes: ['events.push'], area: KHOREZM },
      ttlMs,
      options.now,
    );
    clients[agency] = { clientId, clientSecret };
  }
  const ids = Object.values(clients).map((c) => c.clientId);
  const renew = async (now = new Date()) => {
    let all = true;
    for (const id of ids) all = (await renewTemporaryClient(db, id, ttlMs, now)) && all;
    return all;
  };
  let timer: NodeJS.Timeout | undefined;
  if (options.autoRenew) {
    timer = setInterval(() => {
      renew().then(
        (all) => {
          if (!all) options.onRenewFailed?.(new Error('a simulator client was retired or expired'));
        },
        (error: unknown) => options.onRenewFailed?.(error),
      );
    }, ttlMs / 4);
    timer.unref();
  }
  return {
    clients,
    renew,
    async retire() {
      if (timer) clearInterval(timer);
      for (const id of ids) await retireTemporaryClient(db, id);
    },
  };
}
