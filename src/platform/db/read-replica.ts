import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresDriver,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import type { DB } from './schema.ts';

/**
 * The read pool: a second Kysely over a streaming replica (`DATABASE_READ_URL`) for reads that tolerate a
 * few seconds of staleness (lists, search, counts; docs/DEPLOYMENT.md names the routes). Writes, audit rows
 * and reads that must see a write just made stay on the primary (`database.db`).
 *
 * A replica that cannot be reached never fails a request: the query runs on the primary instead, a warning
 * is logged, and the replica is left alone for `retryMs` before it is tried again (so a dead replica costs
 * one failed connection attempt per back-off, not one per request). Only connection failures fall back; a
 * query the replica refuses for any other reason (bad SQL, a constraint) fails as it would on the primary.
 */
export interface ReadPool {
  readonly db: Kysely<DB>;
  /** Queries answered by each side since start: what the routing test observes (never exposed over HTTP). */
  counts(): { replica: number; primary: number };
  close(): Promise<void>;
}

/** No replica configured: reads go to the primary's own Kysely. */
export function primaryOnly(primary: Kysely<DB>): ReadPool {
  return { db: primary, counts: () => ({ replica: 0, primary: 0 }), close: async () => {} };
}

// Errors that mean "the server is not there" rather than "the query is wrong": socket errors, the server
// shutting down or not accepting connections yet (57P0x), connection exceptions (08xxx).
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
]);
export function isConnectionFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || /^(08|57P0)/.test(code))) return true;
  return /Connection terminated|connection timeout|timeout exceeded when trying to connect/i.test(
    error.message,
  );
}

class Routing {
  private downUntil = 0;
  replica = 0;
  primary = 0;

  constructor(
    readonly primaryDb: Kysely<DB>,
    private readonly logger: Logger,
    private readonly retryMs: number,
  ) {}

  get replicaUp(): boolean {
    return Date.now() >= this.downUntil;
  }

  down(error: unknown): void {
    if (this.replicaUp) {
      this.logger.warn(
        { err: error, retryInSeconds: this.retryMs / 1000 },
        'read replica unreachable: reads go to the primary',
      );
    }
    this.downUntil = Date.now() + this.retryMs;
  }

  async onPrimary<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    this.primary++;
    return this.primaryDb.executeQuery<R>(query);
  }
}

/** A connection to the primary for one query at a time (reads take no transactions). */
class PrimaryConnection implements DatabaseConnection {
  constructor(private readonly routing: Routing) {}
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.routing.onPrimary<R>(query);
  }
  // biome-ignore lint/correctness/useYield: streaming is not offered on the read pool
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the read pool does not stream');
  }
}

class ReplicaConnection implements DatabaseConnection {
  constructor(
    readonly inner: DatabaseConnection,
    private readonly routing: Routing,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    try {
      const result = await this.inner.executeQuery<R>(query);
      this.routing.replica++;
      return result;
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      this.routing.down(error);
      return this.routing.onPrimary<R>(query);
    }
  }
  // biome-ignore lint/correctness/useYield: streaming is not offered on the read pool
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the read pool does not stream');
  }
}

class ReadRoutingDriver implements Driver {
  constructor(
    private readonly replica: PostgresDriver,
    private readonly routing: Routing,
  ) {}
  async init(): Promise<void> {
    await this.replica.init();
  }
  async acquireConnection(): Promise<DatabaseConnection> {
    if (this.routing.replicaUp) {
      try {
        return new ReplicaConnection(await this.replica.acquireConnection(), this.routing);
      } catch (error) {
        if (!isConnectionFailure(error)) throw error;
        this.routing.down(error);
      }
    }
    return new PrimaryConnection(this.routing);
  }
  async beginTransaction(): Promise<void> {
    // A transaction belongs on the primary: it is a write, or a read that must be consistent with one.
    throw new Error('the read pool takes no transactions; use the primary');
  }
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    if (connection instanceof ReplicaConnection) {
      await this.replica.releaseConnection(
        connection.inner as Parameters<PostgresDriver['releaseConnection']>[0],
      );
    }
  }
  async destroy(): Promise<void> {
    await this.replica.destroy();
  }
}

export function openReadReplica(options: {
  url: string;
  schema?: string | undefined;
  primary: Kysely<DB>;
  logger: Logger;
  retryMs: number;
  poolSize?: number;
}): ReadPool {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    // An unreachable replica must fail fast: the request then goes to the primary.
    connectionTimeoutMillis: 2000,
    ...(options.schema ? { options: `-c search_path=${options.schema},public` } : {}),
  });
  pool.on('error', () => {
    // An idle connection died (the replica stopped): the next acquire fails and falls back, or reconnects.
  });
  const routing = new Routing(options.primary, options.logger, options.retryMs);
  const driver = new ReadRoutingDriver(new PostgresDriver({ pool }), routing);
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    db,
    counts: () => ({ replica: routing.replica, primary: routing.primary }),
    close: () => db.destroy(),
  };
}
