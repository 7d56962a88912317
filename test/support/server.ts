import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
export async function startTestServer(options: { households: number }): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'himoya-test-'));
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const env: Record<string, string> = {
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    SEED_HOUSEHOLDS: String(options.households),
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    NODE_ENV: 'test',
    DEMO: 'true',
    ...(url ? { DATABASE_URL: url } : {}),
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
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
