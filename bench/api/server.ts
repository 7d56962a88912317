import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../../src/platform/server-flags.ts';

/** The `himoya` command of this checkout. */
const HIMOYA = fileURLToPath(new URL('../../bin/himoya.js', import.meta.url));

export interface RunningServer {
  baseUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** A port the system says is free now (the server binds it a moment later). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/**
 * The real server in a process of its own (`himoya serve`), as production runs it: NODE_ENV=production (no
 * demo data, accounts or identity provider), warnings only in the log, and no job workers in the web
 * process (a worker process runs them). It reads the bench's schema; the load generator stays in this
 * process, so the two compete for the machine's cores as they would not in production: figures are a floor.
 */
export async function startServer(databaseUrl: string, schema: string): Promise<RunningServer> {
  const port = await freePort();
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    PORT: String(port),
    HOST: '127.0.0.1',
    JOBS: 'false',
    EVALUATE_SCHEDULE: 'off',
    SEED_HOUSEHOLDS: '0',
  };
  // Settings a comparison may change, passed through: e.g. SESSION_MEMORY_SECONDS=0 (ADR 015 off).
  for (const name of ['SESSION_MEMORY_SECONDS']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  // Profiling the server: e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=prof".
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // As `npm start` runs it (src/platform/server-flags.ts).
  const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...nodeArgs, HIMOYA, 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child);
  return {
    baseUrl,
    env,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

async function waitForHealth(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseUrl}/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the server did not answer /health within 3 minutes');
}
