import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { listMigrations } from './migrate.ts';

/** Migration 019: rows that named a citizen by PINFL name them by person id, like consent and the audit log. */
describe('migration 019: citizen actor ids', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase({ territory: false });
  });
  afterAll(async () => t.cleanup());

  it('rewrites citizen:<PINFL> to citizen:<person id>, and leaves staff, machines and unknown PINFLs alone', async () => {
    const person = randomUUID();
    const pinfl = '31234567890123';
    await t.database.query(
      `insert into person (id, pinfl, last_name, first_name, name_key, sex, birth_date, source)
       values ($1, $2, 'Karimova', 'Dilnoza', 'karimova dilnoza', 'F', '1990-01-01', 'test')`,
      [person, pinfl],
    );
    const insert = (submittedBy: string, decidedBy: string | null) =>
      t.database.query(
        `insert into change_request (id, type, person_id, payload, payload_hash, effective_date, submitted_by,
           source, decided_by) values ($1, 'correct_personal_data', $2, '{}', 'h', '2026-01-01', $3, 'test', $4)
         returning id`,
        [randomUUID(), person, submittedBy, decidedBy],
      );
    const citizen = (await insert(`citizen:${pinfl}`, 'staff:aziz')).rows[0]?.id;
    const unknown = (await insert('citizen:40000000000000', `citizen:${pinfl}`)).rows[0]?.id;

    const migration = listMigrations().find((m) => m.version === 19);
    if (!migration) throw new Error('migration 019 missing');
    await t.database.exec(migration.sql);

    const rows = await t.database.query<{ id: string; submitted_by: string; decided_by: string | null }>(
      'select id, submitted_by, decided_by from change_request',
    );
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    expect(byId.get(String(citizen))).toMatchObject({
      submitted_by: `citizen:${person}`,
      decided_by: 'staff:aziz',
    });
    expect(byId.get(String(unknown))).toMatchObject({
      submitted_by: 'citizen:40000000000000',
      decided_by: `citizen:${person}`,
    });
  });
});
