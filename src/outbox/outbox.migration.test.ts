import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFamily } from '../notifications/test-support.ts';
import { type Database, openDatabase } from '../platform/db/database.ts';
import { listMigrations, migrate } from '../platform/db/migrate.ts';
import { buildTerritory } from '../territory/territory.builder.ts';
import { installTerritory } from '../territory/territory.repository.ts';

/** Migration 018 carries what the earlier delivery mechanisms still had to send into the outbox. */
describe('migration 018', () => {
  let database: Database;

  beforeAll(async () => {
    // PGlite only: the point is the data migration, which is the same SQL on PostgreSQL.
    database = await openDatabase({});
    await migrate(
      database,
      listMigrations().filter((m) => m.version < 18),
    );
    await installTerritory(database.db, buildTerritory('khorezm'));
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it('moves pending SMS and DCI deliveries into the outbox, and leaves settled ones', async () => {
    const family = await makeFamily(database.db);
    const queued = randomUUID();
    const delivered = randomUUID();
    for (const [id, status] of [
      [queued, 'queued'],
      [delivered, 'delivered'],
    ] as const) {
      await sql`insert into notification (id, person_id, channel, template, params, language, body, phone,
          status, attempts, next_attempt_at, dedupe_key)
        values (${id}, ${family.personId}, 'sms', 'offer.granted', '{}', 'uz-Latn', 'Salom', '+998901112233',
          ${status}, 2, now(), ${`test:${id}`})`.execute(database.db);
    }
    const dci = await sql<{
      id: string;
    }>`insert into dci_outbox (kind, client_id, url, body, dedupe_key, attempts)
      values ('on-search', 'spmis', 'https://spmis.example/dci/registry/on-search', '{}', 'on-search:x', 1)
      returning id`.execute(database.db);
    const dciId = Number(dci.rows[0]?.id);

    await migrate(database);

    const rows = await database.db
      .selectFrom('outbox_message')
      .select(['kind', 'payload', 'target', 'idempotency_key', 'attempts', 'status'])
      .orderBy('kind')
      .execute();
    expect(rows).toEqual([
      {
        kind: 'dci_callback',
        payload: { dciOutboxId: dciId },
        target: 'https://spmis.example/dci/registry/on-search',
        idempotency_key: `dci:${dciId}`,
        attempts: 1,
        status: 'pending',
      },
      {
        kind: 'sms',
        payload: { notificationId: queued },
        target: '+998901112233',
        idempotency_key: `sms:${queued}`,
        attempts: 2,
        status: 'pending',
      },
    ]);
  });
});
