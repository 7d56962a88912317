import { setImmediate as nextTurn } from 'node:timers/promises';
import { giveDemoAccounts } from '../payments/payment-accounts.service.ts';
import type { Database } from '../platform/db/database.ts';
import { resumeMemberNames, suspendMemberNames } from '../registry/search/member-name.repository.ts';
import { buildTerritory } from '../territory/territory.builder.ts';
import { installTerritory } from '../territory/territory.repository.ts';
import {
  abortBulkLoad,
  allEmpty,
  type BulkLoadPlan,
  finishBulkLoad,
  prepareBulkLoad,
  restoreForeignKeys,
  restoreTable,
} from './bulk-load.ts';
import { firstOfThisMonth } from './calendar.ts';
import { ChunkQueue } from './chunk-queue.ts';
import { COPY_COLUMNS, emptyRecord, PopulationGenerator, SEED_TABLES, type SeedTable } from './generator.ts';
import { Progress } from './progress.ts';

export interface SeedOptions {
  households: number;
  seed: number;
  scope: 'khorezm' | 'uzbekistan';
  progress: boolean;
  /** YYYY-MM-DD; default: first day of the current month (UTC). */
  referenceDate?: string;
}

export interface SeedReport {
  households: number;
  persons: number;
  rows: Record<string, number>;
  seconds: number;
  rowsPerSecond: number;
  personsPerSecond: number;
  database: 'pglite' | 'postgres';
}

/** Households generated between two turns of the event loop (so the COPY streams keep flowing). */
const BATCH_HOUSEHOLDS = 200;

/**
 * COPY streams per table on PostgreSQL. Membership rows carry the two GiST exclusion constraints, the
 * costliest work of the load (about 20 us a row here); three streams spread it over both cores and give
 * it a fair share of them against the generator and the other tables. Ten streams in all: the default
 * pool size. (A smaller pool still works: a stream waiting for a connection does not hold up the others.)
 */
const POSTGRES_STREAMS: Record<SeedTable, number> = { ...emptyRecord(() => 1), membership: 3 };

/**
 * Characters queued per stream before the generator waits. Membership may fall behind the generator
 * (its GiST work is slower than generating): its queue is allowed to hold all of it (about 110 bytes a
 * person) so that the other tables keep loading meanwhile.
 */
const HIGH_WATER = { default: 8_000_000, membership: 1_000_000_000 } as const;

/**
 * Generates a synthetic population and loads it with COPY into an empty registry, after installing the
 * territory of the scope. Deterministic: the same options give the same rows.
 */
export async function seedPopulation(database: Database, options: SeedOptions): Promise<SeedReport> {
  const started = performance.now();
  if (!Number.isInteger(options.households) || options.households < 1) {
    throw new RangeError('households must be a positive integer');
  }
  if (!Number.isInteger(options.seed)) throw new RangeError('seed must be an integer');
  const referenceDate = options.referenceDate ?? firstOfThisMonth();
  const territory = buildTerritory(options.scope);
  const generator = new PopulationGenerator({
    households: options.households,
    seed: options.seed,
    referenceDate,
    territory,
  });
  await installTerritory(database.db, territory);

  const tables = [...SEED_TABLES];
  if (!(await allEmpty(database, tables))) {
    throw new Error('The registry already holds people or households; seed only into an empty registry.');
  }
  const progress = options.progress ? new Progress(options.households, 'households') : undefined;
  // The COPY streams of the tables run independently, so a membership may arrive before its person:
  // bulk-load mode (foreign keys off while loading, checked afterwards) is what makes that possible.
  const plan = await prepareBulkLoad(database, tables);
  // Ctrl-C or a stop request while the constraints are off: stop loading, then put them back.
  const interrupted = new AbortController();
  const interrupt = () =>
    interrupted.abort(new Error('Seeding was interrupted; the registry was left empty.'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let result: { rows: Record<SeedTable, number>; persons: number };
  try {
    // Tables derived from the registry by triggers are filled once after the load instead (fillDerived).
    await suspendMemberNames(database);
    result = await copyPopulation(database, generator, plan, progress, interrupted.signal);
    await finishBulkLoad(database, plan, tables);
    await fillDerived(database);
    // The demo families are paid to accounts their banks would report (src/payments).
    await giveDemoAccounts(database.db);
  } catch (error) {
    progress?.finish();
    await abortBulkLoad(database, plan, tables).catch((cleanup: unknown) => {
      console.error('Could not restore the registry constraints after a failed seed run:', cleanup);
    });
    await resumeMemberNames(database).catch((cleanup: unknown) => {
      console.error('Could not switch the member_name triggers back on after a failed seed run:', cleanup);
    });
    throw error;
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  }

  const seconds = (performance.now() - started) / 1000;
  await database.db
    .insertInto('seed_run')
    .values({
      seed: options.seed,
      households: options.households,
      persons: result.persons,
      scope: options.scope,
      reference_date: referenceDate,
      seconds,
    })
    .execute();
  const totalRows = Object.values(result.rows).reduce((a, b) => a + b, 0);
  return {
    households: options.households,
    persons: result.persons,
    rows: { ...result.rows },
    seconds,
    rowsPerSecond: totalRows / seconds,
    personsPerSecond: result.persons / seconds,
    database: database.kind,
  };
}

/**
 * Fills the derived tables whose triggers were off during the load (member_name, migration 030): one
 * insert ... select into the table without its indexes, which are then built from the full table, and a
 * vacuum so that the searches' index-only scans need not visit the heap.
 */
async function fillDerived(database: Database): Promise<void> {
  const derived = ['member_name'];
  const plan = await prepareBulkLoad(database, derived);
  try {
    await resumeMemberNames(database);
  } finally {
    await finishBulkLoad(database, plan, derived);
  }
  await database.exec('vacuum member_name');
}

/**
 * Rebuild tasks run side by side with the COPY streams, two at a time: one is too few to finish the
 * other tables before membership does, more only wait for each other's locks.
 */
const RESTORE_CONCURRENCY = 2;

/** Runs async tasks with at most `limit` at a time; waiting tasks start biggest `weight` first. */
class TaskQueue {
  private running = 0;
  private readonly waiting: { weight: number; start: () => void }[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(weight: number, task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      await new Promise<void>((start) => {
        const at = this.waiting.findIndex((w) => w.weight < weight);
        this.waiting.splice(at === -1 ? this.waiting.length : at, 0, { weight, start });
      });
    }
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.start();
    }
  }
}

interface Stream {
  table: SeedTable;
  queue: ChunkQueue;
  done: Promise<void>;
}

/**
 * Runs the generator and the COPY streams side by side: one or more streams per table, each fed from its
 * own queue. When a table's streams are done its keys and indexes are rebuilt while the others load.
 */
async function copyPopulation(
  database: Database,
  generator: PopulationGenerator,
  plan: BulkLoadPlan,
  progress: Progress | undefined,
  signal: AbortSignal,
): Promise<{ rows: Record<SeedTable, number>; persons: number }> {
  const rows = emptyRecord(() => 0);
  let failure: Error | undefined;
  const streams: Stream[] = [];
  const byTable = emptyRecord((): Stream[] => []);
  for (const table of SEED_TABLES) {
    const count = database.kind === 'postgres' ? POSTGRES_STREAMS[table] : 1;
    for (let i = 0; i < count; i++) {
      const queue = new ChunkQueue(table === 'membership' ? HIGH_WATER.membership : HIGH_WATER.default);
      const stream: Stream = { table, queue, done: database.copyIn(table, COPY_COLUMNS[table], queue) };
      streams.push(stream);
      byTable[table].push(stream);
    }
  }
  const fail = (error: unknown) => {
    failure ??= error instanceof Error ? error : new Error(String(error));
    for (const s of streams) s.queue.fail(failure);
  };
  // A table's keys and indexes are rebuilt as soon as its own streams have finished, and its foreign
  // keys are checked as soon as the tables they join are back, while membership is still loading.
  const tasks = new TaskQueue(RESTORE_CONCURRENCY);
  const restored = new Map<string, Promise<void>>();
  for (const table of SEED_TABLES) {
    const copied = Promise.all(byTable[table].map((s) => s.done));
    restored.set(
      table,
      // The biggest tables first: person's keys are what most foreign keys wait for.
      copied.then(() =>
        tasks.run(rows[table], () => (failure ? Promise.resolve() : restoreTable(database, plan, table))),
      ),
    );
  }
  const foreignKeys = [...plan.foreignKeys].map(([table, group]) =>
    Promise.all([...group.after].map((t) => restored.get(t))).then(() =>
      tasks.run(0, () => (failure ? Promise.resolve() : restoreForeignKeys(database, plan, table))),
    ),
  );
  const restores = [...restored.values(), ...foreignKeys].map((p) => p.catch(fail));
  const onAbort = () => fail(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });

  let persons = 0;
  let households = 0;
  try {
    for (const batch of generator.batches(BATCH_HOUSEHOLDS)) {
      for (const table of SEED_TABLES) {
        const targets = byTable[table];
        rows[table] += batch.rows[table];
        for (const part of batch.text[table]) {
          let target = targets[0];
          for (const s of targets) if (target && s.queue.length < target.queue.length) target = s;
          const wait = target?.queue.push(part);
          if (wait) await wait;
          if (failure) throw failure;
        }
      }
      persons += batch.persons;
      households += batch.households;
      progress?.update(households);
      await nextTurn();
      if (failure) throw failure;
    }
  } catch (error) {
    fail(error);
  }
  for (const s of streams) s.queue.close();
  if (!failure) {
    progress?.finish();
    progress?.note('Generated; finishing COPY and rebuilding keys, indexes and foreign keys...');
  }
  await Promise.allSettled(streams.map((s) => s.done));
  await Promise.all(restores);
  signal.removeEventListener('abort', onAbort);
  if (failure) throw failure;
  return { rows, persons };
}
