import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.ts';
import { openDatabase } from '../platform/db/database.ts';
import type { DB } from '../platform/db/schema.ts';
import { canonicalEntry, entryHash, GENESIS_HASH } from './audit.chain.ts';
import {
  type AuditEntryInput,
  appendAudit,
  type BrokenReason,
  brokenReasonLabel,
  type ChainVerification,
  verifyAuditChain,
} from './audit.service.ts';

const PERSON = randomUUID();
const HOUSEHOLD = randomUUID();

const read = (i: number, extra: Partial<AuditEntryInput> = {}): AuditEntryInput => ({
  actorKind: 'staff',
  actorId: `account-${i % 7}`,
  role: 'social_worker',
  organisation: 'Inson centre, Urganch district',
  area: 'district:1733212',
  purpose: i % 3 === 0 ? 'casework' : null,
  action: 'read',
  resourceType: 'household',
  resourceId: HOUSEHOLD,
  subjectPersonIds: i % 2 === 0 ? [PERSON] : [],
  subjectHouseholdIds: [HOUSEHOLD],
  fields: ['incomes', 'disability'],
  requestId: `req-${i}`,
  ...extra,
});

class Rollback extends Error {
  constructor(readonly result: ChainVerification) {
    super('rollback');
  }
}

/** Tampers as a DBA could (triggers off for the session), verifies, and rolls everything back. */
async function verifyTampered(
  db: Kysely<DB>,
  tamper: (trx: Kysely<DB>) => Promise<void>,
): Promise<ChainVerification> {
  try {
    await db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await tamper(trx);
      throw new Rollback(await verifyAuditChain(trx, { pageSize: 64 }));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
  throw new Error('unreachable');
}

describe('canonical serialisation', () => {
  it('is a fixed-order array with the time in ISO 8601 UTC milliseconds', () => {
    const entry = {
      seq: 1,
      at: new Date('2026-03-01T10:00:00.123Z'),
      actorKind: 'staff' as const,
      actorId: 'a',
      role: null,
      organisation: null,
      area: null,
      purpose: null,
      action: 'read',
      resourceType: 'person',
      resourceId: null,
      subjectPersonIds: [],
      subjectHouseholdIds: [],
      fields: [],
      requestId: null,
    };
    expect(canonicalEntry(entry)).toBe(
      '["himoya-audit-v1",1,"2026-03-01T10:00:00.123Z","staff","a",null,null,null,null,"read","person",null,[],[],[],null]',
    );
    expect(entryHash(GENESIS_HASH, entry)).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash(GENESIS_HASH, { ...entry, action: 'export' })).not.toBe(entryHash(GENESIS_HASH, entry));
  });
});

describe('the audit hash chain', () => {
  let t: TestDatabase;
  let db: Kysely<DB>;
  const N = 250;

  beforeAll(async () => {
    t = await createTestDatabase({ territory: false });
    db = t.database.db;
  }, 120_000);

  afterAll(async () => {
    await t?.cleanup();
  });

  it('verifies an empty chain', async () => {
    expect(await verifyAuditChain(db)).toEqual({
      ok: true,
      entries: 0,
      head: { seq: 0, hash: GENESIS_HASH },
    });
  });

  it('appends batches with dense seq and verifies page by page', async () => {
    const first = await appendAudit(
      db,
      Array.from({ length: 100 }, (_, i) => read(i + 1)),
    );
    expect(first.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    await db.transaction().execute(async (trx) => {
      for (let i = 101; i <= N; i += 10) {
        await appendAudit(
          trx,
          Array.from({ length: 10 }, (_, k) => read(i + k)),
        );
      }
    });
    const result = await verifyAuditChain(db, { pageSize: 64 });
    expect(result.ok).toBe(true);
    expect(result.entries).toBe(N);
    expect(result.head.seq).toBe(N);
    const last = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', N)
      .executeTakeFirstOrThrow();
    expect(result.head.hash).toBe(last.hash);
  });

  it('stores sets in one spelling, so the hash does not depend on case or order', async () => {
    const [appended] = await appendAudit(db, [
      read(0, {
        subjectPersonIds: [PERSON.toUpperCase(), PERSON],
        fields: ['phone', 'incomes', 'phone'],
      }),
    ]);
    const row = await db
      .selectFrom('audit_log')
      .select(['subject_person_ids', 'fields'])
      .where('seq', '=', appended?.seq ?? 0)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ subject_person_ids: [PERSON], fields: ['incomes', 'phone'] });
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('rejects an entry that is not a uuid subject, before locking anything', async () => {
    await expect(appendAudit(db, [read(1, { subjectPersonIds: ['not-a-uuid'] })])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      appendAudit(db, [read(1, { purpose: 'curiosity' as unknown as AuditEntryInput['purpose'] })]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('rolls an entry back with the transaction it records: no gap', async () => {
    const before = await verifyAuditChain(db);
    await expect(
      db.transaction().execute(async (trx) => {
        await appendAudit(trx, [read(1)]);
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    const after = await verifyAuditChain(db);
    expect(after).toEqual(before);
    expect(after.ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE through ordinary SQL', async () => {
    await expect(sql`update audit_log set purpose = 'statistics' where seq = 5`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where seq = 5`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log cascade`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_chain_head`.execute(db)).rejects.toThrow(/append-only/);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('detects a changed field', async () => {
    const result = await verifyTampered(db, async (trx) => {
      await sql`update audit_log set purpose = 'statistics' where seq = 100`.execute(trx);
    });
    expect(result).toMatchObject({
      ok: false,
      entries: 99,
      firstBroken: { seq: 100, reason: 'hash mismatch' },
    });
  });

  it('detects a changed subject (whose data was read)', async () => {
    const result = await verifyTampered(db, async (trx) => {
      await sql`update audit_log set subject_person_ids = '{}' where seq = 2`.execute(trx);
    });
    expect(result.firstBroken).toEqual({ seq: 2, reason: 'hash mismatch' });
  });

  it('detects a deleted entry in the middle as a gap', async () => {
    const result = await verifyTampered(db, async (trx) => {
      await sql`delete from audit_log where seq = 50`.execute(trx);
    });
    expect(result).toMatchObject({
      ok: false,
      entries: 49,
      firstBroken: { seq: 50, reason: 'missing entry (gap)' },
    });
  });

  it('detects a deleted first entry', async () => {
    const result = await verifyTampered(db, async (trx) => {
      await sql`delete from audit_log where seq = 1`.execute(trx);
    });
    expect(result.firstBroken).toEqual({ seq: 1, reason: 'missing entry (gap)' });
  });

  it('detects deleted last entries by the chain head', async () => {
    const head = await verifyAuditChain(db);
    const result = await verifyTampered(db, async (trx) => {
      await sql`delete from audit_log where seq >= ${head.head.seq - 1}`.execute(trx);
    });
    expect(result.firstBroken).toEqual({ seq: head.head.seq - 1, reason: 'head mismatch' });
  });

  it('detects a changed entry whose hash was recomputed: the next entry no longer links to it', async () => {
    const result = await verifyTampered(db, async (trx) => {
      await rewrite(trx, 100, 'statistics');
    });
    expect(result).toMatchObject({
      ok: false,
      entries: 100,
      firstBroken: { seq: 101, reason: 'prev_hash mismatch' },
    });
  });

  it('detects a recomputed last entry by the chain head', async () => {
    const { head } = await verifyAuditChain(db);
    const result = await verifyTampered(db, async (trx) => {
      await rewrite(trx, head.seq, 'statistics');
    });
    expect(result.firstBroken).toEqual({ seq: head.seq, reason: 'head mismatch' });
  });

  it('is intact again once the tampering transactions rolled back', async () => {
    expect((await verifyAuditChain(db, { pageSize: 7 })).ok).toBe(true);
  });

  it('keeps a dense, valid chain under concurrent appending transactions', async () => {
    const before = (await verifyAuditChain(db)).head.seq;
    const writers = 12;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        db.transaction().execute(async (trx) => {
          // A domain write first, the audit entries last: the order appendAudit asks for.
          await sql`select pg_sleep(${(w % 3) / 100})`.execute(trx);
          return appendAudit(
            trx,
            Array.from({ length: 3 }, (_, k) => read(w * 10 + k, { requestId: `writer-${w}` })),
          );
        }),
      ),
    );
    const seqs = results
      .flat()
      .map((e) => e.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: writers * 3 }, (_, i) => before + 1 + i));
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: true, entries: before + writers * 3 });
  });

  // Two server processes are two connection pools: only PostgreSQL has them (PGlite is one connection).
  it.runIf(process.env.DATABASE_URL)('keeps the chain linear with two pools appending at once', async () => {
    const second = await openDatabase({ url: process.env.DATABASE_URL, schema: t.schema, poolSize: 4 });
    try {
      const before = (await verifyAuditChain(db)).head.seq;
      await Promise.all(
        Array.from({ length: 16 }, (_, w) =>
          (w % 2 === 0 ? db : second.db)
            .transaction()
            .execute((trx) => appendAudit(trx, [read(w, { requestId: `pool-${w % 2}` })])),
        ),
      );
      expect(await verifyAuditChain(second.db)).toMatchObject({ ok: true, entries: before + 16 });
    } finally {
      await second.close();
    }
  });
});

/** Changes an entry's purpose and recomputes its hash, as an attacker who knows the format could. */
async function rewrite(trx: Kysely<DB>, seq: number, purpose: string): Promise<void> {
  const row = await trx.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();
  const hash = entryHash(row.prev_hash, {
    seq: Number(row.seq),
    at: new Date(row.at),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    role: row.role,
    organisation: row.organisation,
    area: row.area,
    purpose,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    subjectPersonIds: row.subject_person_ids,
    subjectHouseholdIds: row.subject_household_ids,
    fields: row.fields,
    requestId: row.request_id,
  });
  await sql`update audit_log set purpose = ${purpose}, hash = ${hash} where seq = ${seq}`.execute(trx);
}

describe('why the chain broke, in people’s words', () => {
  it('words every reason in the four languages, never as its code', () => {
    const reasons: BrokenReason[] = [
      'hash mismatch',
      'missing entry (gap)',
      'prev_hash mismatch',
      'head mismatch',
    ];
    for (const reason of reasons) {
      const labels = (['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const).map((l) => brokenReasonLabel(reason, l));
      expect(new Set(labels).size).toBe(4);
      for (const label of labels) {
        expect(label).not.toContain(reason);
        expect(label).not.toMatch(/_/);
      }
      expect(labels[1]).toMatch(/[а-яўқғҳ]/);
      expect(labels[2]).toMatch(/[а-я]/);
    }
    expect(brokenReasonLabel('missing entry (gap)', 'ru')).toBe('запись отсутствует (пропуск в нумерации)');
  });
});
