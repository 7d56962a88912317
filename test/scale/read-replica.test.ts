import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';

/**
 * Reads routed to a real streaming replica (`.ci/replica`): the household list answers from the replica
 * (with its replay paused, it still shows what the primary has since changed) while the same request's audit
 * row is written on the primary; with the replica stopped, the same read answers 200 from the primary.
 * Needs PostgreSQL and a replica of it: `.ci/run` starts one and sets TEST_DATABASE_READ_URL.
 */
const primaryUrl = process.env.DATABASE_URL || undefined;
const replicaUrl = process.env.TEST_DATABASE_READ_URL || undefined;
if (!primaryUrl || !replicaUrl) {
  console.warn(
    'read-replica: skipped, it needs DATABASE_URL and a streaming replica of it in TEST_DATABASE_READ_URL (.ci/replica start)',
  );
}
const SCRIPT = resolve(import.meta.dirname, '../../.ci/replica');
const replicaPort = replicaUrl ? new URL(replicaUrl).port : '';

describe.skipIf(!primaryUrl || !replicaUrl)('reads from a streaming replica', () => {
  let server: TestServer | undefined;
  let schema = '';
  let cookie = '';

  const sqlOn = async <R>(url: string | undefined, text: string, values: unknown[] = []) => {
    const client = new pg.Client({ connectionString: url, options: `-c search_path=${schema},public` });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as R[];
    } finally {
      await client.end();
    }
  };
  const householdsOn = async (url: string | undefined) =>
    Number((await sqlOn<{ n: string }>(url, 'select count(*) as n from household'))[0]?.n ?? 0);
  const list = async () => {
    if (!server) throw new Error('not started');
    const response = await fetch(`${server.baseUrl}/api/households?pageSize=5`, { headers: { cookie } });
    return {
      status: response.status,
      body: (await response.json()) as { items: { id: string; address: string }[] },
    };
  };

  beforeAll(async () => {
    server = await startTestServer({
      households: 40,
      schemaPrefix: 'scale_',
      env: { DATABASE_READ_URL: replicaUrl ?? '', READ_REPLICA_RETRY_SECONDS: '1' },
    });
    schema = server.running.ctx.config.DATABASE_SCHEMA ?? '';
    const login = await fetch(`${server.baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'himoya-demo' }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    // The seed, replayed on the replica.
    for (let i = 0; i < 240; i++) {
      const seen = await householdsOn(replicaUrl).catch(() => 0);
      if (seen === 40) break;
      await sleep(250);
    }
  });
  afterAll(async () => {
    await sqlOn(replicaUrl, 'select pg_wal_replay_resume()').catch(() => undefined);
    await server?.destroy();
    // The fallback test stopped it: leave it running for whoever started it.
    execFileSync(SCRIPT, ['start'], { env: { ...process.env, REPLICA_PORT: replicaPort }, stdio: 'ignore' });
  });

  it('answers a list from the replica and writes its audit row on the primary', async () => {
    if (!server) throw new Error('not started');
    expect(await householdsOn(replicaUrl)).toBe(40);
    expect((await sqlOn<{ r: boolean }>(replicaUrl, 'select pg_is_in_recovery() as r'))[0]?.r).toBe(true);
    const first = (await list()).body.items[0];
    if (!first) throw new Error('no household listed');

    // Replay paused: what the primary changes now is not on the replica until it resumes.
    await sqlOn(replicaUrl, 'select pg_wal_replay_pause()');
    await sqlOn(primaryUrl, "update household set address = 'Changed on the primary' where id = $1", [
      first.id,
    ]);
    const auditsBefore = await sqlOn<{ n: string }>(primaryUrl, 'select count(*) as n from audit_log');
    const before = server.running.readCounts();

    const stale = await list();
    expect(stale.status).toBe(200);
    expect(stale.body.items.find((h) => h.id === first.id)?.address).toBe(first.address);
    const after = server.running.readCounts();
    expect(after.replica).toBeGreaterThan(before.replica);
    expect(after.primary).toBe(before.primary);
    // The read's audit entry went to the primary (the replica, paused, has not seen it).
    const auditsAfter = await sqlOn<{ n: string }>(primaryUrl, 'select count(*) as n from audit_log');
    expect(Number(auditsAfter[0]?.n)).toBe(Number(auditsBefore[0]?.n) + 1);

    await sqlOn(replicaUrl, 'select pg_wal_replay_resume()');
    let address = '';
    for (let i = 0; i < 120 && address !== 'Changed on the primary'; i++) {
      await sleep(250);
      address = (await list()).body.items.find((h) => h.id === first.id)?.address ?? '';
    }
    expect(address).toBe('Changed on the primary');
  });

  it('answers the same read from the primary when the replica is stopped', async () => {
    if (!server) throw new Error('not started');
    execFileSync(SCRIPT, ['stop'], { env: { ...process.env, REPLICA_PORT: replicaPort }, stdio: 'ignore' });
    const before = server.running.readCounts();
    const fallback = await list();
    expect(fallback.status).toBe(200);
    expect(fallback.body.items).toHaveLength(5);
    const summary = await fetch(`${server.baseUrl}/api/registry/summary`, { headers: { cookie } });
    expect(summary.status).toBe(200);
    expect(((await summary.json()) as { households: number }).households).toBe(40);
    const after = server.running.readCounts();
    expect(after.primary).toBeGreaterThan(before.primary);
    expect(after.replica).toBe(before.replica);
  });
});
