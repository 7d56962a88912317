import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningApp, startApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { dropSchema } from '../../src/platform/db/database.ts';

export interface TestServer {
  running: RunningApp;
  baseUrl: string;
  /** Stops the server; the data stays until `destroy`. */
  stop(): Promise<void>;
  /** Starts the same configuration again (same data folder or schema). */
  restart(): Promise<TestServer>;
  destroy(): Promise<void>;
}

/**
 * The real server as `npm start` runs it, on a free port, over its own data: a temporary PGlite folder,
 * or a schema of its own on PostgreSQL when DATABASE_URL is set.
 */
/** A port free right now (the kernel's ephemeral range, which browsers do not block as unsafe). */
async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}

export async function startTestServer(options: {
  households: number;
  /** PUBLIC_URL's host name instead of 127.0.0.1 (the first-start test browses 127.0.0.1 with 'localhost'). */
  publicHost?: string;
  /** Prefix of the PostgreSQL schema (default `t_`). */
  schemaPrefix?: string;
  /** More configuration (e.g. DATABASE_READ_URL). */
  env?: Record<string, string>;
}): Promise<TestServer> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'himoya-test-'));
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `${options.schemaPrefix ?? 't_'}${randomBytes(6).toString('hex')}` : undefined;
  const env: Record<string, string> = {
    // A known port, not 0, and the address the tests browse: the server's own address goes into sign-in
    // redirects (OneID), and cookies set on one host name are not sent to another.
    PORT: String(port),
    PUBLIC_URL: `http://${options.publicHost ?? '127.0.0.1'}:${port}`,
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_HOUSEHOLDS: String(options.households),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
    DEMO: 'true',
    ...(url ? { DATABASE_URL: url } : {}),
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const launch = async (): Promise<TestServer> => {
    const running = await startApp(config);
    return {
      running,
      baseUrl: running.url.replace('0.0.0.0', '127.0.0.1'),
      stop: () => running.stop(),
      restart: launch,
      async destroy() {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
        if (url && schema) {
          await dropSchema(url, schema);
          await dropSchema(url, `${schema}_jobs`);
        }
      },
    };
  };
  return launch();
}
