import { type ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/support/app.ts';
import type { AppContext } from '../platform/context.ts';
import { seedPopulation } from '../synthetic/seed.ts';
import { EVALUATE_MONTH_JOB, recoverDeadRuns } from './decision.jobs.ts';
import { evaluateMonth } from './decision.service.ts';
import { failRunOnInterrupt, type ProcessLike } from './run-interruption.ts';

/**
 * Issue 10, finding 8: a run whose process died (killed server, interrupted CLI) must not stay 'running'
 * and hold its month. Runs write a heartbeat while they work; one without a heartbeat for a minute is
 * failed (at start-up, every minute, and before a month is queued); the CLI fails its own run when it is
 * interrupted.
 */
describe('evaluation runs whose process died', () => {
  let t: TestApp;
  let ctx: AppContext;
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);

  beforeAll(async () => {
    t = await createTestApp();
    await seedPopulation(t.database, {
      households: 40,
      seed: 2,
      scope: 'khorezm',
      progress: false,
      referenceDate: '2026-03-01',
    });
    await t.jobs.start({ work: false });
    ctx = { config: t.config, database: t.database, jobs: t.jobs, logger: pino({ level: 'silent' }) };
  }, 120_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  /** A run as a killed server leaves it: 'running', its job still live in pg-boss, a heartbeat of then. */
  async function leftRunning(month: string, heartbeatAt: Date | null, withJob = true) {
    const run = await t.database.db
      .insertInto('evaluation_run')
      .values({
        month,
        trigger: 'manual',
        status: 'running',
        started_at: minutesAgo(5),
        heartbeat_at: heartbeatAt,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(run.id);
    let jobId: string | null = null;
    if (withJob) {
      jobId = await t.jobs.send(EVALUATE_MONTH_JOB, { month, runId: id });
      await t.database.db.updateTable('evaluation_run').set({ job_id: jobId }).where('id', '=', id).execute();
    }
    return { id, jobId };
  }
  const runOf = async (id: number) =>
    (await t.api({ method: 'GET', url: `/api/evaluations/${id}` })).json<{ status: string; error: string }>();
  const queue = async (month: string) => {
    const reply = await t.api({ method: 'POST', url: '/api/evaluations', payload: { month } });
    expect(reply.statusCode).toBe(202);
    return reply.json<{ runId: number }>().runId;
  };

  it('a run without a heartbeat for over a minute no longer holds its month: a request starts a new run', async () => {
    const dead = await leftRunning('2026-06', minutesAgo(2));
    const runId = await queue('2026-06');
    expect(runId).not.toBe(dead.id);
    expect(await runOf(dead.id)).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/^no heartbeat since .*: the process running it stopped$/),
    });
    // pg-boss will not start the dead run's job again on its own, beside the new run.
    expect((await t.jobs.status(EVALUATE_MONTH_JOB, dead.jobId ?? ''))?.state).toBe('cancelled');
  });

  it('a run with a recent heartbeat still holds its month', async () => {
    const alive = await leftRunning('2026-07', new Date(Date.now() - 10_000));
    expect(await queue('2026-07')).toBe(alive.id);
    expect((await runOf(alive.id)).status).toBe('running');
  });

  it('the start-up sweep fails a CLI run left running (no job), also one from before heartbeats', async () => {
    const cli = await leftRunning('2026-08', minutesAgo(3), false);
    const older = await leftRunning('2026-09', null, false);
    const live = await leftRunning('2026-10', new Date(), false);
    expect(await recoverDeadRuns(ctx)).toBe(2);
    expect((await runOf(cli.id)).status).toBe('failed');
    expect((await runOf(older.id)).status).toBe('failed');
    expect((await runOf(live.id)).status).toBe('running');
  });

  it('a new run after a dead one completes the month, and running it again writes nothing', async () => {
    await leftRunning('2026-03', minutesAgo(2), false);
    await recoverDeadRuns(ctx);
    const first = await evaluateMonth(t.database.db, '2026-03', { trigger: 'manual' });
    expect(first.decisionsWritten).toBeGreaterThan(0);
    const run = await t.database.db
      .selectFrom('evaluation_run')
      .select(['status', 'heartbeat_at'])
      .where('id', '=', first.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe('finished');
    expect(run.heartbeat_at).toBeInstanceOf(Date);
    const again = await evaluateMonth(t.database.db, '2026-03', { trigger: 'manual' });
    expect(again.decisionsWritten).toBe(0);
  });

  /** A stand-in for `process`: signals are emitted by the test, exit is recorded. */
  function fakeProcess() {
    const emitter = new EventEmitter();
    let exited: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolveExit) => {
      exited = resolveExit;
    });
    const proc: ProcessLike = {
      once: (event, listener) => emitter.once(event, listener),
      removeListener: (event, listener) => emitter.removeListener(event, listener),
      exit: (code) => exited(code),
    };
    return { proc, emit: (event: string, arg?: unknown) => emitter.emit(event, arg), exit };
  }

  it('the CLI marks its run failed when interrupted or crashing, and exits with the usual code', async () => {
    for (const [event, code, reason] of [
      ['SIGTERM', 143, 'interrupted by SIGTERM'],
      ['SIGINT', 130, 'interrupted by SIGINT'],
      ['uncaughtException', 1, 'crashed: out of luck'],
    ] as const) {
      const run = await leftRunning('2026-11', new Date(), false);
      const fake = fakeProcess();
      failRunOnInterrupt(
        t.database.db,
        () => run.id,
        fake.proc,
        () => undefined,
      );
      fake.emit(event, new Error('out of luck'));
      expect(await fake.exit).toBe(code);
      expect(await runOf(run.id)).toMatchObject({ status: 'failed', error: reason });
    }
    // A signal after the run finished changes nothing.
    const done = await evaluateMonth(t.database.db, '2026-03', { trigger: 'manual' });
    const fake = fakeProcess();
    failRunOnInterrupt(
      t.database.db,
      () => done.runId,
      fake.proc,
      () => undefined,
    );
    fake.emit('SIGINT');
    expect(await fake.exit).toBe(130);
    expect((await runOf(done.runId)).status).toBe('finished');
  });

  // Only PostgreSQL lets the test hold the evaluation still from outside (a table lock), so that the signal
  // arrives while the run works whatever the machine's speed; PGlite's folder is the command's alone.
  it.runIf(process.env.DATABASE_URL)(
    '`himoya evaluate` killed with SIGTERM while it works leaves its run failed, not running',
    async () => {
      const url = process.env.DATABASE_URL ?? '';
      const blocker = new pg.Client({ connectionString: url });
      await blocker.connect();
      let child: ChildProcess | undefined;
      try {
        // The evaluation will wait on the registry until this transaction ends.
        await blocker.query('begin');
        await blocker.query(`lock table ${t.schema}.household in access exclusive mode`);
        child = spawn(process.execPath, ['bin/himoya.js', 'evaluate', '--month', '2026-04'], {
          cwd: resolve(import.meta.dirname, '../..'),
          env: {
            ...process.env,
            DATABASE_URL: url,
            DATABASE_SCHEMA: t.schema,
            NODE_ENV: 'test',
            LOG_LEVEL: 'silent',
            TZ: 'UTC',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const proc = child;
        const runId = await new Promise<number>((resolveRun, reject) => {
          let out = '';
          proc.stdout?.on('data', (chunk: Buffer) => {
            out += chunk.toString();
            const match = /Evaluating 2026-04 as run (\d+)/.exec(out);
            if (match?.[1]) resolveRun(Number(match[1]));
          });
          proc.once('exit', (code) => reject(new Error(`exited ${code} before starting: ${out}`)));
        });
        const exited = new Promise<number | null>((resolveExit) => proc.once('exit', resolveExit));
        proc.kill('SIGTERM');
        expect(await exited).toBe(143);
        expect(await runOf(runId)).toMatchObject({ status: 'failed', error: 'interrupted by SIGTERM' });
      } finally {
        child?.kill('SIGKILL');
        await blocker.query('rollback').catch(() => undefined);
        await blocker.end();
      }
    },
    90_000,
  );
});
