import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { startSealing } from './audit.sealer.ts';
import { appendAudit, unsealedEntries, verifyAuditChain } from './audit.service.ts';

const entry = (requestId: string) => ({
  actorKind: 'system' as const,
  actorId: 'monthly-evaluation',
  action: 'read',
  resourceType: 'household',
  requestId,
});

/** Waits (bounded) until `done` holds: the sealer runs on its own timer. */
async function eventually(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2400; i += 1) {
    if (await done()) return;
    await sleep(50);
  }
  throw new Error('never happened');
}

describe('the sealing timer', { timeout: 180_000 }, () => {
  const test = useTestDatabase({ territory: false });
  let db: Kysely<DB>;
  const logger = pino({ level: 'silent' });

  beforeAll(() => {
    db = test.db;
  });

  it('seals appended entries on its own, and seals nothing once stopped', async () => {
    await appendAudit(db, [entry('before-start')]);
    const stop = startSealing(db, logger, 10);
    try {
      await eventually(async () => (await unsealedEntries(db)) === 0);
    } finally {
      stop();
    }
    const sealed = await verifyAuditChain(db);
    expect(sealed).toMatchObject({ ok: true, entries: 1, unsealed: 0 });
    // A pass that was already running when stop() was called may still finish: let it.
    await sleep(100);
    const batches = (await verifyAuditChain(db)).batches;
    await appendAudit(db, [entry('after-stop')]);
    await sleep(100);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, batches, unsealed: 1 });
  });

  it('lets several timers run at once (two processes): one seals at a time, the chain stays whole', async () => {
    const stops = [startSealing(db, logger, 5), startSealing(db, logger, 7)];
    try {
      for (let i = 0; i < 5; i += 1) {
        await appendAudit(db, [entry(`round-${i}`), entry(`round-${i}-b`)]);
        await sleep(10);
      }
      await eventually(async () => (await unsealedEntries(db)) === 0);
    } finally {
      for (const stop of stops) stop();
    }
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 12, unsealed: 0 });
  });
});
