import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema } from '../../src/platform/db/database.ts';

/**
 * Two real `himoya serve` processes on one PostgreSQL schema, as behind a load balancer: a session made on
 * one is good on the other, a sign-out on one ends it on both, start-up work (seed, first evaluation) is
 * done once, and a queued job runs in exactly one of them. Needs a database both processes share, so it
 * runs on PostgreSQL only (DATABASE_URL); on the embedded PGlite it is skipped, saying why.
 */
const url = process.env.DATABASE_URL || undefined;
if (!url) {
  console.warn('two-processes: skipped, it needs a shared PostgreSQL server (set DATABASE_URL)');
}

const BIN = resolve(import.meta.dirname, '../../bin/himoya.js');

interface Process {
  child: ChildProcess;
  base: string;
  /** pino's JSON lines so far. */
  logs: Record<string, unknown>[];
  /** The end of what it wrote to stderr, to say why it stopped. */
  errors: () => string;
}

async function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function serve(env: Record<string, string>, port: number): Process {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // Not a log line.
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4000);
  });
  return { child, base: `http://127.0.0.1:${port}`, logs, errors: () => stderr };
}

async function ready(p: Process): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (p.child.exitCode !== null) {
      const last = p.logs.slice(-3).map((l) => JSON.stringify(l));
      throw new Error(`the server exited with ${p.child.exitCode}: ${p.errors()} ${last.join('\n')}`);
    }
    const ok = await fetch(`${p.base}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`${p.base} did not start`);
}

async function stop(p: Process | undefined): Promise<void> {
  if (!p || p.child.exitCode !== null) return;
  const exited = new Promise((done) => p.child.once('exit', done));
  p.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (p.child.exitCode === null) p.child.kill('SIGKILL');
}

describe.skipIf(!url)('two server processes on one PostgreSQL database', () => {
  const schema = `scale_${randomBytes(5).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'himoya-scale-'));
  let a: Process | undefined;
  let b: Process | undefined;
  const count = async (query: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: string }>(query, values);
      return Number(rows[0]?.n ?? 0);
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const [portA, portB] = [await freePort(), await freePort()];
    const env = {
      // One public address, as behind a load balancer: the cookie and sign-in redirects name it.
      PUBLIC_URL: `http://127.0.0.1:${portA}`,
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      DATABASE_URL: url ?? '',
      DATABASE_SCHEMA: schema,
      SEED_HOUSEHOLDS: '60',
      NODE_ENV: 'test',
      DEMO: 'true',
      JOBS: 'true',
      LOG_LEVEL: 'info',
    };
    // Started together on an empty schema: they take turns to migrate, seed and make the demo accounts.
    a = serve(env, portA);
    b = serve(env, portB);
    await Promise.all([ready(a), ready(b)]);
  });
  afterAll(async () => {
    await Promise.all([stop(a), stop(b)]);
    rmSync(dataDir, { recursive: true, force: true });
    if (url) {
      await dropSchema(url, schema);
      await dropSchema(url, `${schema}_jobs`);
    }
  });

  it('did the start-up work once: one seed, one set of demo accounts, one first evaluation', async () => {
    expect(await count('select count(*) as n from household')).toBe(60);
    expect(await count("select count(*) as n from account where username = 'admin'")).toBe(1);
    expect(await count("select count(*) as n from evaluation_run where trigger = 'manual'")).toBe(1);
  });

  it('keeps a session made on one process good on the other until it signs out on either, held in memory or not', async () => {
    if (!a || !b) throw new Error('not started');
    const login = await fetch(`${a.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'himoya-demo' }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const summaryOn = (p: Process) => fetch(`${p.base}/api/registry/summary`, { headers: { cookie } });

    const onB = await summaryOn(b);
    expect(onB.status).toBe(200);
    expect(((await onB.json()) as { households: number }).households).toBe(60);
    // Both processes now keep the session in memory (ADR 015).
    expect((await summaryOn(a)).status).toBe(200);

    const logout = await fetch(`${b.base}/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(logout.status).toBe(204);
    expect((await summaryOn(b)).status).toBe(401);
    // A hears of it by the notice the sign-out's commit sent: within milliseconds, so within a second here.
    let onA = 200;
    for (let i = 0; i < 20 && onA === 200; i++) {
      onA = (await summaryOn(a)).status;
      if (onA === 200) await sleep(50);
    }
    expect(onA).toBe(401);
  });

  it('runs a queued job in exactly one process, though both work the queue', async () => {
    if (!a || !b) throw new Error('not started');
    const login = await fetch(`${b.base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'himoya-demo' }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const headers = {
      cookie: (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '',
      'x-csrf-token': csrfToken,
      'content-type': 'application/json',
    };
    const now = new Date();
    const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    const month = last.toISOString().slice(0, 7);
    const queued = await fetch(`${a.base}/api/evaluations`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ month }),
    });
    expect(queued.status).toBe(202);
    const { runId, jobId } = (await queued.json()) as { runId: number; jobId: string };
    let status = '';
    for (let i = 0; i < 480 && status !== 'finished' && status !== 'failed'; i++) {
      await sleep(250);
      const run = await fetch(`${b.base}/api/evaluations/${runId}`, { headers });
      status = ((await run.json()) as { status: string }).status;
    }
    expect(status).toBe('finished');
    const started = (p: Process) => p.logs.filter((l) => l.msg === 'job started' && l.job === jobId).length;
    expect(started(a) + started(b)).toBe(1);
    expect(await count('select count(*) as n from evaluation_run where month = $1', [month])).toBe(1);
  });
});
