import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from '../app.ts';
import { type CliCommand, CliUsageError } from '../cli/command.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { dayOf } from './calendar.ts';
import { type SeedOptions, type SeedReport, seedPopulation } from './seed.ts';

/** The registry tables `--reset` empties (with whatever references them: truncate ... cascade). */
export const REGISTRY_TABLES = [
  'person',
  'household',
  'membership',
  'income',
  'dwelling',
  'vehicle',
  'bank_deposit',
  'disability',
  'person_history',
  'change_request',
  'duplicate_candidate',
] as const;

const USAGE = `himoya seed [--households N] [--seed S] [--region khorezm|uzbekistan] [--reset] [--reference-date YYYY-MM-DD]

Generates a synthetic population (deterministic for a seed and reference date) and loads it into an
empty registry of the configured database (DATABASE_URL, else the embedded PGlite in DATA_DIR).

  --households N        households to generate (default 20000; 420000 is Khorezm scale, ~2 million people)
  --seed S              random seed, an integer (default 2026)
  --region R            khorezm (default) or uzbekistan (territory of the whole country)
  --reference-date D    the "today" of the data, YYYY-MM-DD (default: first day of the current month)
  --reset               empty the registry first (truncate ... cascade); without it a registry that
                        already holds households is left alone`;

const MAX_HOUSEHOLDS = 20_000_000;

export interface SeedCommandOptions extends Omit<SeedOptions, 'progress'> {
  reset: boolean;
}

/** Parses the command line; throws CliUsageError for anything it cannot use. */
export function parseSeedArgs(args: string[]): SeedCommandOptions {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  const households = integer(values.households ?? '20000', '--households');
  if (households < 1 || households > MAX_HOUSEHOLDS) {
    throw new CliUsageError(`--households must be between 1 and ${MAX_HOUSEHOLDS.toLocaleString('en')}`);
  }
  const seed = integer(values.seed ?? '2026', '--seed');
  if (seed < -2147483648 || seed > 2147483647) throw new CliUsageError('--seed must fit in 32 bits');
  const region = values.region ?? 'khorezm';
  if (region !== 'khorezm' && region !== 'uzbekistan') {
    throw new CliUsageError(`--region must be khorezm or uzbekistan, not '${region}'`);
  }
  const referenceDate = values['reference-date'];
  if (referenceDate !== undefined) {
    try {
      dayOf(referenceDate);
    } catch {
      throw new CliUsageError(`--reference-date must be a date written YYYY-MM-DD, not '${referenceDate}'`);
    }
  }
  return {
    households,
    seed,
    scope: region,
    reset: values.reset === true,
    ...(referenceDate === undefined ? {} : { referenceDate }),
  };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      households: { type: 'string' },
      seed: { type: 'string' },
      region: { type: 'string' },
      'reference-date': { type: 'string' },
      reset: { type: 'boolean' },
    },
  });
}

function integer(text: string, flag: string): number {
  if (!/^-?\d+$/.test(text.trim())) throw new CliUsageError(`${flag} must be an integer, not '${text}'`);
  return Number(text);
}

async function registryCounts(database: Database): Promise<{ households: number; persons: number }> {
  const result = await database.query<{ households: number; persons: number }>(
    'select (select count(*) from household)::int as households, (select count(*) from person)::int as persons',
  );
  return result.rows[0] ?? { households: 0, persons: 0 };
}

export function formatReport(report: SeedReport): string {
  const n = (value: number) => Math.round(value).toLocaleString('en');
  const total = Object.values(report.rows).reduce((a, b) => a + b, 0);
  const lines = Object.entries(report.rows).map(
    ([table, rows]) => `  ${table.padEnd(14)} ${n(rows).padStart(11)}`,
  );
  return [
    `Seeded ${n(report.households)} households, ${n(report.persons)} persons into ${report.database} in ${report.seconds.toFixed(1)} s`,
    ...lines,
    `  ${'total'.padEnd(14)} ${n(total).padStart(11)} rows`,
    `  ${n(report.rowsPerSecond)} rows/s, ${n(report.personsPerSecond)} persons/s`,
  ].join('\n');
}

export const seedCommand: CliCommand = {
  name: 'seed',
  summary: 'Generate and load a synthetic population (Khorezm by default)',
  usage: USAGE,
  async run(args, config) {
    const options = parseSeedArgs(args);
    const database = await openConfiguredDatabase(config);
    try {
      await migrate(database);
      const existing = await registryCounts(database);
      if (existing.households > 0 || existing.persons > 0) {
        if (!options.reset) {
          console.error(
            `The registry already holds ${existing.households.toLocaleString('en')} households and ${existing.persons.toLocaleString('en')} persons; nothing was changed.\n` +
              'Run again with --reset to delete them (and everything that refers to them) and seed afresh.',
          );
          return 1;
        }
        await database.exec(`truncate ${REGISTRY_TABLES.join(', ')} cascade`);
        console.error('Registry emptied (--reset).');
      }
      const { reset: _reset, ...seedOptions } = options;
      const report = await seedPopulation(database, { ...seedOptions, progress: true });
      console.log(formatReport(report));
      return 0;
    } finally {
      await database.close();
    }
  },
};
