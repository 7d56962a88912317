import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from '../../app.ts';
import { type CliCommand, CliUsageError } from '../../cli/command.ts';
import type { Database } from '../../platform/db/database.ts';
import {
  FAULTS,
  type Fault,
  PUSHING_AGENCIES,
  type SimulatedAgencies,
  startSimulatedAgencies,
} from './simulator.ts';
import { openSimulatorClients, type SimulatorClients } from './simulator-clients.ts';

const USAGE = `himoya agencies [--port 4100] [--host 127.0.0.1] [--himoya http://localhost:3000] [--rate 60]
                [--faults slow,timeout,error500,malformed,duplicate] [--fault-rate 0.1]
                [--client-id ID --client-secret SECRET] [--seed S]

Starts the simulated agencies: a separate HTTP server serving the agencies' records (drawn from the
registry in the configured database: DATABASE_URL, else the PGlite in DATA_DIR, which Himoya must not
hold open at the same time) at GET /agencies/:agency/records?cursor=&limit=, and pushing change events
(births, deaths, new jobs, car purchases) to Himoya's POST /integration/events/:agency.

  --host H           interface to listen on (default 127.0.0.1: the records are personal data)
  --rate N           events per minute (0 = none; POST /events emits one on demand)
  --faults LIST      faults switched on (POST /faults {"faults":[...],"rate":0.2} changes them at runtime)
  --fault-rate P     chance a fault hits a request (default 0.1)
  --client-id/--client-secret  a machine client registered for the simulator (a relay with scope
                     events.push:any). Without them, in DEMO mode only, a temporary client per agency
                     (civil_registry, pension_fund, vehicles: scope events.push, area Khorezm) is made at
                     start with a random secret, printed once, and retired when the simulator stops
                     (after a crash it expires within two minutes)`;

export interface AgenciesOptions {
  port: number;
  /** Default 127.0.0.1: the agencies' records are personal data, for this machine only. */
  host?: string | undefined;
  himoyaUrl: string;
  rate: number;
  faults: Fault[];
  faultRate: number;
  seed: number;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  log: (message: string, details?: object) => void;
}

/**
 * The simulator with its machine clients: temporary ones of its own unless a client is given. Stopping
 * it retires them.
 */
export async function startAgencies(
  database: Database,
  options: AgenciesOptions,
): Promise<{ running: SimulatedAgencies; temporary: SimulatorClients | undefined; stop(): Promise<void> }> {
  const given =
    options.clientId && options.clientSecret
      ? { clientId: options.clientId, clientSecret: options.clientSecret }
      : undefined;
  const temporary = given
    ? undefined
    : await openSimulatorClients(database.db, {
        agencies: PUSHING_AGENCIES,
        autoRenew: true,
        onRenewFailed: (error) =>
          options.log('renewing the simulator clients failed', { error: String(error) }),
      });
  try {
    const running = await startSimulatedAgencies({
      database,
      port: options.port,
      host: options.host ?? '127.0.0.1',
      himoyaUrl: options.himoyaUrl,
      ...(temporary ? { clients: temporary.clients } : given),
      rate: options.rate,
      faults: options.faults,
      faultRate: options.faultRate,
      seed: options.seed,
      log: options.log,
    });
    return {
      running,
      temporary,
      async stop() {
        await running.stop();
        await temporary?.retire();
      },
    };
  } catch (error) {
    await temporary?.retire();
    throw error;
  }
}

export const agenciesCommand: CliCommand = {
  name: 'agencies',
  summary: 'Start the simulated agencies (paged agency APIs, pushed change events, faults on demand)',
  usage: USAGE,
  async run(args, config) {
    let values: Record<string, string | boolean | undefined>;
    try {
      values = parseArgs({
        args,
        strict: true,
        options: {
          port: { type: 'string' },
          host: { type: 'string' },
          himoya: { type: 'string' },
          rate: { type: 'string' },
          faults: { type: 'string' },
          'fault-rate': { type: 'string' },
          'client-id': { type: 'string' },
          'client-secret': { type: 'string' },
          seed: { type: 'string' },
        },
      }).values;
    } catch (error) {
      throw new CliUsageError(error instanceof Error ? error.message : String(error));
    }
    const port = Number(values.port ?? '4100');
    const rate = Number(values.rate ?? '60');
    const faultRate = Number(values['fault-rate'] ?? '0.1');
    const faults = String(values.faults ?? '')
      .split(',')
      .map((f) => f.trim())
      .filter((f) => f.length > 0);
    const unknown = faults.filter((f) => !FAULTS.includes(f as Fault));
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliUsageError('--port must be a port');
    if (!Number.isFinite(rate) || rate < 0) throw new CliUsageError('--rate must be a number >= 0');
    if (!(faultRate >= 0 && faultRate <= 1)) throw new CliUsageError('--fault-rate must be between 0 and 1');
    if (unknown.length > 0) throw new CliUsageError(`unknown faults: ${unknown.join(', ')}`);
    const clientId = values['client-id'] as string | undefined;
    const clientSecret = values['client-secret'] as string | undefined;
    if ((!clientId || !clientSecret) && !config.DEMO) {
      throw new CliUsageError('--client-id and --client-secret are needed outside DEMO mode');
    }
    const log = (message: string, details?: object) => console.log(JSON.stringify({ message, ...details }));
    const database = await openConfiguredDatabase(config);
    const started = await startAgencies(database, {
      port,
      host: values.host as string | undefined,
      himoyaUrl: String(values.himoya ?? `http://localhost:${config.PORT}`).replace(/\/$/, ''),
      rate,
      faults: faults as Fault[],
      faultRate,
      seed: Number(values.seed ?? config.SEED),
      clientId,
      clientSecret,
      log,
    });
    console.log(
      `Simulated agencies listening at ${started.running.url} (faults: ${faults.join(',') || 'none'})`,
    );
    for (const client of Object.values(started.temporary?.clients ?? {})) {
      // Printed this once; the database keeps only its hash, and the client ends with this process.
      console.log(`Temporary machine client ${client.clientId}, secret ${client.clientSecret}`);
    }
    const shutdown = () => {
      started
        .stop()
        .then(() => database.close())
        .finally(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return -1;
  },
};
