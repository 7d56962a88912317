import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { ConnectionLock, PGliteDialect } from './pglite-dialect.ts';
import { prepareMarkedStatements } from './prepared-statements.ts';
import type { DB } from './schema.ts';

export type DatabaseKind = 'pglite' | 'postgres';

/** Raw access for the few places that need it: migrations, COPY, the job runner. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  /** Runs one or more parameterless statements. */
  exec(statements: string): Promise<void>;
  /** Runs one parameterised statement outside Kysely (pg-boss uses this). */
  query<R = Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
  /** Bulk-loads text-format COPY data (tab-separated, \N for null) produced chunk by chunk. */
  copyIn(
    table: string,
    columns: readonly string[],
    chunks: AsyncIterable<string> | Iterable<string>,
  ): Promise<void>;
  /**
   * Runs `fn` while holding a session-level advisory lock named `name` (in this schema): processes started
   * together on one PostgreSQL database take turns (seeding, first-start work). PGlite has one process.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /**
   * Listens on a notification channel (NOTIFY) on a connection of its own until the returned function is
   * called. `onState(false)` says notices may be lost (the connection dropped; it reconnects by itself),
   * `onState(true)` that it listens again: a listener must not trust what it could not hear about between.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onState: (listening: boolean) => void,
  ): Promise<() => Promise<void>>;
  /** PGlite only: a dump of the whole data folder, to start other instances from (test templates). */
  dumpDataDir(): Promise<Blob>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string | undefined;
  /**
   * Where the listening connection (`listen`) goes when `url` is a transaction-pooling proxy, which does not
   * carry LISTEN: the primary directly, or a session-mode pool. Default `url`.
   */
  listenUrl?: string | undefined;
  /** PGlite folder; absent = in memory. */
  dataDir?: string | undefined;
  /** A schema of its own (tests): created if missing and put first on the search path. */
  schema?: string | undefined;
  poolSize?: number;
  /** PGlite only: start from this data-folder dump (made by `dumpDataDir`) instead of an empty cluster. */
  template?: Blob | undefined;
}

// Dates stay 'YYYY-MM-DD' strings (no time-zone drift); int8 counts and so'm amounts fit a double.
const DATE_OID = 1082;
const INT8_OID = 20;
const NUMERIC_OID = 1700;
pg.types.setTypeParser(DATE_OID, (v: string) => v);
pg.types.setTypeParser(INT8_OID, (v: string) => Number(v));
pg.types.setTypeParser(NUMERIC_OID, (v: string) => Number(v));

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Runs `copy (<query>) to stdout with (format binary)` and hands the bytes over chunk by chunk, in order
 * (chunks end anywhere, not on row boundaries). Bulk readers use it to build typed columns without one
 * JavaScript object per row.
 */
export type BinaryCopyOut = (query: string, onChunk: (chunk: Uint8Array) => void) => Promise<void>;

// Keyed by the Kysely instance a service is given: services hold a Kysely, not the Database around it.
const binaryCopies = new WeakMap<Kysely<DB>, BinaryCopyOut>();

/** The binary COPY reader of a database opened by `openDatabase`; undefined for a transaction or another Kysely. */
export function binaryCopyOf(db: Kysely<DB>): BinaryCopyOut | undefined {
  return binaryCopies.get(db);
}

export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.schema !== undefined && !SCHEMA_NAME.test(options.schema)) {
    throw new Error(`Invalid schema name: ${options.schema}`);
  }
  return options.url ? openPostgres(options.url, options) : openPGlite(options);
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  const schema = options.schema;
  if (schema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`create schema if not exists ${schema}`);
    } finally {
      await admin.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema},public` } : {}),
  });
  pool.on('error', () => {
    // An idle client died (server restart); the pool replaces it on next use.
  });
  prepareMarkedStatements(pool);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  binaryCopies.set(db, async (query, onChunk) => {
    const client = await pool.connect();
    try {
      const stream = client.query(copyTo(`copy (${query}) to stdout with (format binary)`));
      for await (const chunk of stream) onChunk(chunk as Buffer);
    } finally {
      client.release();
    }
  });
  return {
    kind: 'postgres',
    db,
    async exec(statements) {
      await pool.query(statements);
    },
    async query<R>(text: string, values: unknown[] = []) {
      const result = await pool.query(text, values);
      return { rows: result.rows as R[] };
    },
    async copyIn(table, columns, chunks) {
      const client = await pool.connect();
      try {
        const stream = client.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin`));
        await pipeline(Readable.from(chunks), stream);
      } finally {
        client.release();
      }
    },
    async withLock(name, fn) {
      // A connection of its own holds the lock; `fn` keeps using the pool.
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock(hashtext(current_schema() || $1))', [`:${name}`]);
        try {
          return await fn();
        } finally {
          await client.query('select pg_advisory_unlock(hashtext(current_schema() || $1))', [`:${name}`]);
        }
      } finally {
        client.release();
      }
    },
    listen: (channel, onPayload, onState) =>
      listenPostgres(options.listenUrl ?? url, schema, channel, onPayload, onState),
    async dumpDataDir() {
      throw new Error('dumpDataDir is only available on PGlite');
    },
    async close() {
      await db.destroy();
    },
  };
}

async function openPGlite(options: OpenOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const pglite = await PGlite.create({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.template ? { loadDataDir: options.template } : {}),
    extensions: { btree_gist, pg_trgm },
    parsers: {
      [DATE_OID]: (v: string) => v,
      [INT8_OID]: (v: string) => Number(v),
      [NUMERIC_OID]: (v: string) => Number(v),
    },
  });
  if (options.schema) {
    await pglite.exec(
      `create schema if not exists ${options.schema}; set search_path = ${options.schema}, public;`,
    );
  }
  const lock = new ConnectionLock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, lock) });
  // PGlite writes COPY TO output into a Blob: one chunk, the whole result.
  binaryCopies.set(db, async (query, onChunk) => {
    const result = await lock.run(() => pglite.query(`copy (${query}) to '/dev/blob' with (format binary)`));
    if (result.blob) onChunk(new Uint8Array(await result.blob.arrayBuffer()));
  });
  return {
    kind: 'pglite',
    db,
    exec: (statements) => lock.run(async () => void (await pglite.exec(statements))),
    query: <R>(text: string, values: unknown[] = []) =>
      lock.run(async () => {
        // Parameterless multi-statement SQL (pg-boss's schema) must go through exec.
        if (values.length === 0 && text.includes(';')) {
          const results = await pglite.exec(text);
          return { rows: (results.at(-1)?.rows ?? []) as R[] };
        }
        const result = await pglite.query<R>(text, values);
        return { rows: result.rows };
      }),
    async copyIn(table, columns, chunks) {
      // PGlite reads COPY data from a Blob; feeding it in slices keeps memory flat for big loads.
      let parts: string[] = [];
      let size = 0;
      const flush = async () => {
        if (size === 0) return;
        const blob = new Blob(parts);
        parts = [];
        size = 0;
        await lock.run(() =>
          pglite.query(`copy ${table} (${columns.join(', ')}) from '/dev/blob'`, [], { blob }),
        );
      };
      for await (const chunk of chunks) {
        parts.push(chunk);
        size += chunk.length;
        if (size > 8 * 1024 * 1024) await flush();
      }
      await flush();
    },
    withLock: (_name, fn) => fn(),
    async listen(channel, onPayload, onState) {
      // One process: notices are delivered as the statement that sent them commits.
      const stop = await lock.run(() => pglite.listen(channel, onPayload));
      onState(true);
      return async () => {
        onState(false);
        await lock.run(() => stop());
      };
    },
    dumpDataDir: () => lock.run(async () => pglite.dumpDataDir('none')),
    async close() {
      await db.destroy();
      await lock.run(() => pglite.close());
    },
  };
}

const CHANNEL_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** A connection that only listens, reconnecting (with a growing pause) until it is stopped. */
async function listenPostgres(
  url: string,
  schema: string | undefined,
  channel: string,
  onPayload: (payload: string) => void,
  onState: (listening: boolean) => void,
): Promise<() => Promise<void>> {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`Invalid channel name: ${channel}`);
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let pause = 100;
  const lost = (dead: pg.Client) => {
    if (client !== dead) return;
    client = undefined;
    onState(false);
    dead.end().catch(() => undefined);
    if (!stopped) retry = setTimeout(() => void connect(), pause);
    pause = Math.min(pause * 2, 5_000);
  };
  const connect = async (): Promise<void> => {
    const next = new pg.Client({
      connectionString: url,
      // Named, so an operator (or a test) can tell the listeners among the connections.
      application_name: `himoya-listen-${channel}`,
      ...(schema ? { options: `-c search_path=${schema},public` } : {}),
    });
    client = next;
    next.on('error', () => lost(next));
    next.on('end', () => lost(next));
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) onPayload(message.payload);
    });
    try {
      await next.connect();
      await next.query(`listen ${channel}`);
    } catch {
      lost(next);
      return;
    }
    if (stopped || client !== next) return;
    pause = 100;
    onState(true);
  };
  await connect();
  return async () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    const last = client;
    client = undefined;
    onState(false);
    await last?.end().catch(() => undefined);
  };
}

/** Drops a test schema and everything in it (PostgreSQL only; PGlite test databases live in memory). */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`Invalid schema name: ${schema}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

export { sql };
