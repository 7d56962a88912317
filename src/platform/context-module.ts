import type { AppContext } from './context.ts';
import type { Database } from './db/database.ts';
import type { HttpPlugin } from './http/server.ts';

/**
 * What a bounded context tells the application about itself, in one object exported by
 * `src/<context>/<context>.module.ts` and listed once in `src/contexts.ts`. `src/app.ts` loops over that
 * list for every kind of wiring, so adding a context is adding its module to the list, and
 * `src/contexts.test.ts` holds the list, the source folders, docs/ARCHITECTURE.md and the migrations'
 * tables in step. The platform defines the shape; it imports no context.
 */
export interface ContextModule {
  /** The folder name under src/. */
  readonly name: string;
  /** One line: what the context is for (the list in docs/ARCHITECTURE.md says the same, at more length). */
  readonly docs: string;
  /** Its Fastify plugins, in registration order (after authentication and access, which come first). */
  readonly routes?: readonly HttpPlugin[];
  /**
   * Hooks it registers on other contexts (listeners of their events), called once per wiring before any
   * route or job: how a context hears of another's changes without the other importing it.
   */
  wire?(ctx: AppContext): void;
  /**
   * Reference rows it keeps in step with the code, after the migrations and before anything else runs
   * (the programme ids of the registry, which decisions and applications reference).
   */
  prepare?(database: Database): Promise<void>;
  /** Registers its durable job handlers (before the job runner starts). */
  registerJobs?(ctx: AppContext): void;
  /** Start-up recovery, after the job runner started, whether or not this process runs jobs. */
  recover?(ctx: AppContext): Promise<void>;
  /** Recurring jobs it schedules; called only in a process that runs jobs (`JOBS`). */
  schedules?(ctx: AppContext): Promise<void>;
  /**
   * Demo only (`DEMO` and `JOBS`): what a first start does so that the product shows itself, after the month's
   * first evaluation (the payroll of the month, built and waiting for approval). Idempotent across restarts.
   */
  demo?(ctx: AppContext): Promise<void>;
  /** Long-running loops (deliveries); only with `JOBS`. Returns the function that stops them. */
  start?(ctx: AppContext): Promise<() => void>;
  /**
   * Work still in flight when the process stops (audit entries waiting for their group commit), settled
   * after the last request's handler and before the database closes.
   */
  settle?(ctx: AppContext): Promise<void>;
  /** The tables of the migrations it owns (reads and writes through its repository); each has one owner. */
  readonly tables: readonly string[];
  /** The access actions (src/access/policies.ts `ACTIONS`) its routes define; each has one owner. */
  readonly actions: readonly string[];
}

/** A folder of src/ that is not a context (no routes, no jobs): platform, shared code, tools. */
export interface SupportingFolder {
  readonly name: string;
  readonly docs: string;
  /** Tables it owns, if any (the demo seed's record of its runs). */
  readonly tables?: readonly string[];
}
