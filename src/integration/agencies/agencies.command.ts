import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from '../../app.ts';
import { type CliCommand, CliUsageError } from '../../cli/command.ts';
import { createMachineClient } from '../../identity/machine.service.ts';
import { FAULTS, type Fault, startSimulatedAgencies } from './simulator.ts';

const USAGE = `himoya agencies [--port 4100] [--himoya http://localhost:3000] [--rate 60]
                [--faults slow,timeout,error500,malformed,duplicate] [--fault-rate 0.1]
                [--client-id ID --client-secret SECRET] [--seed S]

Starts the simulated agencies: a separate HTTP server serving the agencies' records (drawn from the
registry in the configured database: DATABASE_URL, else the PGlite in DATA_DIR, which Himoya must not
hold open at the same time) at GET /agencies/:agency/records?cursor=&limit=, and pushing change events
(births, deaths, new jobs, car purchases) to Himoya's POST /integration/events/:agency.

  --rate N           events per minute (0 = none; POST /events emits one on demand)
  --faults LIST      faults switched on (POST /faults {"faults":[...],"rate":0.2} changes them at runtime)
  --fault-rate P     chance a fault hits a request (default 0.1)
  --client-id/--client-secret  machine client with scope events.push:any (it pushes for every agency); in DEMO mode the client
                     'agency-simulator' (secret 'himoya-simulator-secret') is created when missing`;

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
    const database = await openConfiguredDatabase(config);
    let clientId = values['client-id'] as string | undefined;
    let clientSecret = values['client-secret'] as string | undefined;
    if (!clientId || !clientSecret) {
      if (!config.DEMO)
        throw new CliUsageError('--client-id and --client-secret are needed outside DEMO mode');
      clientId = 'agency-simulator';
      clientSecret = 'himoya-simulator-secret';
      await createMachineClient(database.db, {
        clientId,
        secret: clientSecret,
        agency: 'simulator',
        scopes: ['events.push:any'],
        area: null,
      });
    }
    const running = await startSimulatedAgencies({
      database,
      port,
      host: '0.0.0.0',
      himoyaUrl: String(values.himoya ?? `http://localhost:${config.PORT}`).replace(/\/$/, ''),
      clientId,
      clientSecret,
      rate,
      faults: faults as Fault[],
      faultRate,
      seed: Number(values.seed ?? config.SEED),
      log: (message, details) => console.log(JSON.stringify({ message, ...details })),
    });
    console.log(`Simulated agencies listening at ${running.url} (faults: ${faults.join(',') || 'none'})`);
    const shutdown = () => {
      running
        .stop()
        .then(() => database.close())
        .finally(() => process.exit(0));
    };
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
    return -1;
  },
};
