import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Kysely, sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import type { DB } from '../platform/db/schema.ts';
import {
  batchHash,
  canonicalEntry,
  GENESIS_HASH,
  inclusionProof,
  leafHash,
  merkleRoot,
  rootFromProof,
} from './audit.chain.ts';
import { sealAudit } from './audit.sealer.ts';
import {
  type AuditEntryInput,
  appendAudit,
  BROKEN_REASONS,
  brokenReasonLabel,
  type ChainVerification,
  countEntriesByAction,
  highestSeq,
  sealAndVerify,
  unsealedEntries,
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
      throw new Rollback(await verifyAuditChain(trx, { pageSize: 16 }));
    });
  } catch (error) {
    if (error instanceof Rollback) return error.result;
    throw error;
  }
  throw new Error('unreachable');
}

/**
 * Seals until everything that has ended is sealed. The boundary is the oldest transaction running anywhere
 * in the cluster: on a shared PostgreSQL server another database's long transaction holds it back until it
 * ends, so this waits (up to SEAL_WAIT_MS) rather than failing.
 */
async function sealAll(db: Kysely<DB>): Promise<void> {
  const until = Date.now() + SEAL_WAIT_MS;
  do {
    await sealAudit(db);
    if ((await unsealedEntries(db)) === 0) return;
    await sleep(50);
  } while (Date.now() < until);
  throw new Error('entries stayed unsealed');
}
const SEAL_WAIT_MS = 240_000;
/** Tests that seal on PostgreSQL may wait for other sessions' transactions (see sealAll). */
const SEALING = { timeout: SEAL_WAIT_MS + 60_000 };

const sha = (...parts: (string | Uint8Array)[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

describe('canonical serialisation and the Merkle tree', () => {
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

  it('is a fixed-order array with the time in ISO 8601 UTC milliseconds', () => {
    expect(canonicalEntry(entry)).toBe(
      '["himoya-audit-v1",1,"2026-03-01T10:00:00.123Z","staff","a",null,null,null,null,"read","person",null,[],[],[],null]',
    );
    expect(leafHash(entry).toString('hex')).toBe(
      sha(Uint8Array.of(0), canonicalEntry(entry)).toString('hex'),
    );
    expect(leafHash({ ...entry, action: 'export' }).equals(leafHash(entry))).toBe(false);
  });

  it('builds the root as RFC 6962 does, and proves each leaf in it', () => {
    const leaves = Array.from({ length: 7 }, (_, i) => leafHash({ ...entry, seq: i + 1 }));
    const node = (a: Uint8Array, b: Uint8Array) => sha(Uint8Array.of(1), a, b);
    const [l0, l1, l2, l3, l4, l5, l6] = leaves as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
    // Seven leaves: a full tree of four, then (4,5) and 6 on the right.
    const expected = node(node(node(l0, l1), node(l2, l3)), node(node(l4, l5), l6));
    expect(merkleRoot(leaves)).toBe(expected.toString('hex'));
    expect(merkleRoot([l0])).toBe(l0.toString('hex'));
    for (let n = 1; n <= 9; n += 1) {
      const some = leaves.concat(leaves).slice(0, n);
      const root = merkleRoot(some);
      some.forEach((leaf, i) => {
        expect(rootFromProof(leaf, inclusionProof(some, i))).toBe(root);
      });
    }
    expect(rootFromProof(l1, inclusionProof(leaves, 0))).not.toBe(merkleRoot(leaves));
  });
});

describe('the sealed audit log', SEALING, () => {
  const test = useTestDatabase({ territory: false });
  let db: Kysely<DB>;
  const N = 250;

  beforeAll(() => {
    db = test.db;
  });

  it('verifies an empty log', async () => {
    await sealAll(db);
    expect(await verifyAuditChain(db)).toEqual({
      ok: true,
      entries: 0,
      batches: 0,
      unsealed: 0,
      head: { seq: 0, hash: GENESIS_HASH },
      lastBatch: null,
    });
  });

  it('appends without sealing, then seals what has ended into chained batches', async () => {
    const first = await appendAudit(
      db,
      Array.from({ length: 100 }, (_, i) => read(i + 1)),
    );
    const seqs = first.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(100);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, entries: 0, batches: 0, unsealed: 100 });

    await sealAll(db);
    await db.transaction().execute(async (trx) => {
      for (let i = 101; i <= N; i += 10) {
        await appendAudit(
          trx,
          Array.from({ length: 10 }, (_, k) => read(i + k)),
        );
      }
    });
    await sealAll(db);
    const result = await verifyAuditChain(db, { pageSize: 64 });
    expect(result).toMatchObject({ ok: true, entries: N, batches: 2, unsealed: 0 });
    const last = await db
      .selectFrom('audit_batch')
      .select(['batch', 'root', 'hash', 'last_seq'])
      .orderBy('batch', 'desc')
      .executeTakeFirstOrThrow();
    expect(result.lastBatch).toMatchObject({ batch: 2, root: last.root, hash: last.hash });
    expect(result.head).toEqual({ seq: Number(last.last_seq), hash: last.hash });
    // Nothing new: a pass seals no empty batch.
    expect(await sealAudit(db)).toEqual({ ran: true });
    expect((await verifyAuditChain(db)).batches).toBe(2);
  });

  it('stores sets in one spelling, so the leaf does not depend on case or order', async () => {
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
    await sealAll(db);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it('rejects an entry that is not a uuid subject or has an unknown purpose', async () => {
    await expect(appendAudit(db, [read(1, { subjectPersonIds: ['not-a-uuid'] })])).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      appendAudit(db, [read(1, { purpose: 'curiosity' as unknown as AuditEntryInput['purpose'] })]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('rolls an entry back with the transaction it records: no trace, a gap in seq, no break', async () => {
    const before = await verifyAuditChain(db);
    let lost = 0;
    await expect(
      db.transaction().execute(async (trx) => {
        const [appended] = await appendAudit(trx, [read(1, { requestId: 'rolled-back' })]);
        lost = appended?.seq ?? 0;
        throw new Error('the write failed');
      }),
    ).rejects.toThrow('the write failed');
    const [next] = await appendAudit(db, [read(2)]);
    expect(lost).toBeGreaterThan(0);
    expect(next?.seq).toBeGreaterThan(lost);
    const trace = await db
      .selectFrom('audit_log')
      .select('seq')
      .where('request_id', '=', 'rolled-back')
      .execute();
    expect(trace).toEqual([]);
    await sealAll(db);
    const after = await verifyAuditChain(db);
    expect(after).toMatchObject({ ok: true, entries: before.entries + 1, unsealed: 0 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of entries and batches through ordinary SQL', async () => {
    const [some] = await db.selectFrom('audit_log').select('seq').orderBy('seq').offset(4).limit(1).execute();
    const seq = some?.seq ?? 0;
    await expect(
      sql`update audit_log set purpose = 'statistics' where seq = ${seq}`.execute(db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where seq = ${seq}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log cascade`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_batch set root = 'x' where batch = 1`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_batch where batch = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_batch`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_chain_head`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_chain_head set last_batch = 0`.execute(db)).rejects.toThrow(
      /one batch forward/,
    );
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("gives every entry its writer's transaction id, whatever the insert says", async () => {
    const row = await sql<{ own: boolean }>`
      insert into audit_log (actor_kind, action, resource_type, xid) values ('staff', 'read', 'person', '3'::xid8)
      returning xid = pg_current_xact_id() as own`.execute(db);
    expect(row.rows[0]?.own).toBe(true);
    await sealAll(db);
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  describe('names what a DBA changed with the triggers off', () => {
    const seqAt = async (index: number) => {
      const row = await db
        .selectFrom('audit_log')
        .select('seq')
        .orderBy('seq')
        .offset(index)
        .limit(1)
        .execute();
      const seq = row[0]?.seq;
      if (seq === undefined) throw new Error('no such entry');
      return Number(seq);
    };
    const batchOf = async (seq: number) =>
      Number(
        (
          await db
            .selectFrom('audit_batch')
            .select('batch')
            .where(sql<boolean>`${seq} = any(seqs)`)
            .executeTakeFirstOrThrow()
        ).batch,
      );

    it('a changed field: hash mismatch at that entry', async () => {
      const seq = await seqAt(99);
      const result = await verifyTampered(db, async (trx) => {
        await sql`update audit_log set purpose = 'statistics' where seq = ${seq}`.execute(trx);
      });
      expect(result).toMatchObject({
        ok: false,
        entries: 99,
        firstBroken: { seq, batch: 1, reason: 'hash mismatch' },
      });
    });

    it('a changed subject (whose data was read) in a later batch', async () => {
      const seq = await seqAt(150);
      const result = await verifyTampered(db, async (trx) => {
        await sql`update audit_log set subject_household_ids = '{}' where seq = ${seq}`.execute(trx);
      });
      expect(result.firstBroken).toEqual({ seq, batch: await batchOf(seq), reason: 'hash mismatch' });
    });

    it('a deleted entry, in the middle or the first: missing entry at its seq', async () => {
      for (const index of [49, 0]) {
        const seq = await seqAt(index);
        const result = await verifyTampered(db, async (trx) => {
          await sql`delete from audit_log where seq = ${seq}`.execute(trx);
        });
        expect(result).toMatchObject({
          ok: false,
          entries: index,
          firstBroken: { seq, batch: 1, reason: 'missing entry' },
        });
      }
    });

    it('the last entry of the last batch deleted: missing entry', async () => {
      const { head } = await verifyAuditChain(db);
      const result = await verifyTampered(db, async (trx) => {
        await sql`delete from audit_log where seq = ${head.seq}`.execute(trx);
      });
      expect(result.firstBroken).toMatchObject({ seq: head.seq, reason: 'missing entry' });
    });

    it('an entry moved out of its batch (its transaction id changed): missing entry', async () => {
      const seq = await seqAt(10);
      const result = await verifyTampered(db, async (trx) => {
        await sql`update audit_log set xid = pg_current_xact_id() where seq = ${seq}`.execute(trx);
      });
      expect(result.firstBroken).toEqual({ seq, batch: 1, reason: 'missing entry' });
    });

    it('an entry inserted into a sealed range with a forged transaction id: extra entry', async () => {
      const sealedXid = await db
        .selectFrom('audit_log')
        .select(sql<string>`xid::text`.as('xid'))
        .where('seq', '=', await seqAt(20))
        .executeTakeFirstOrThrow();
      const result = await verifyTampered(db, async (trx) => {
        await sql`insert into audit_log (seq, actor_kind, action, resource_type, xid)
          values (1000000, 'staff', 'read', 'person', ${sealedXid.xid}::xid8)`.execute(trx);
      });
      expect(result.firstBroken).toEqual({ seq: 1_000_000, batch: 1, reason: 'extra entry' });
    });

    it('the head moved back to an earlier batch: head mismatch', async () => {
      const { head, lastBatch } = await verifyAuditChain(db);
      const result = await verifyTampered(db, async (trx) => {
        await sql`update audit_chain_head set last_batch = 1, last_hash = (select hash from audit_batch where batch = 1),
          last_seq = (select last_seq from audit_batch where batch = 1),
          boundary = (select xid_hi from audit_batch where batch = 1)`.execute(trx);
      });
      expect(result.firstBroken).toMatchObject({ batch: 1, reason: 'head mismatch' });
      expect(lastBatch?.batch).toBeGreaterThan(1);
      expect(head.seq).toBeGreaterThan(0);
    });

    it('a batch whose leaf was replaced, or its root: batch mismatch at the batch', async () => {
      const seq = await seqAt(3);
      const result = await verifyTampered(db, async (trx) => {
        await sql`update audit_log set purpose = 'statistics' where seq = ${seq}`.execute(trx);
        // The forger writes the new entry's leaf into the batch, but cannot fix the root without showing.
        const row = await trx
          .selectFrom('audit_log')
          .selectAll()
          .where('seq', '=', seq)
          .executeTakeFirstOrThrow();
        const leaf = leafHash(toEntry(row));
        await sql`update audit_batch set leaves = overlay(leaves placing ${leaf} from ${3 * 32 + 1} for 32)
          where batch = 1`.execute(trx);
      });
      expect(result.firstBroken).toEqual({ seq: await seqAt(0), batch: 1, reason: 'batch mismatch' });
    });

    it('a batch rewritten with its root and hash recomputed: the next batch no longer links to it', async () => {
      const result = await verifyTampered(db, async (trx) => {
        await rewriteBatch(trx, 1, (seqs) => seqs.slice(1));
      });
      expect(result.firstBroken).toMatchObject({ batch: 2, reason: 'prev_hash mismatch' });
    });

    it('the last batch rewritten, or deleted: head mismatch', async () => {
      const { lastBatch, head } = await verifyAuditChain(db);
      const n = lastBatch?.batch ?? 0;
      const rewritten = await verifyTampered(db, async (trx) => {
        await sql`update audit_log set purpose = 'statistics' where seq = ${head.seq}`.execute(trx);
        await rewriteBatch(trx, n, (seqs) => seqs);
      });
      expect(rewritten.firstBroken).toEqual({ seq: head.seq, batch: n, reason: 'head mismatch' });
      const deleted = await verifyTampered(db, async (trx) => {
        await sql`delete from audit_batch where batch = ${n}`.execute(trx);
      });
      expect(deleted.firstBroken).toEqual({ seq: head.seq, batch: n, reason: 'head mismatch' });
    });

    it('is intact again once the tampering transactions rolled back', async () => {
      expect((await verifyAuditChain(db, { pageSize: 7 })).ok).toBe(true);
    });
  });

  it('keeps every entry and a valid chain under concurrent appending transactions', async () => {
    const before = (await sealAndVerify(db)).entries;
    const mark = await highestSeq(db);
    const writers = 12;
    const results = await Promise.all(
      Array.from({ length: writers }, (_, w) =>
        db.transaction().execute(async (trx) => {
          await sql`select pg_sleep(${(w % 3) / 100})`.execute(trx);
          return appendAudit(
            trx,
            Array.from({ length: 3 }, (_, k) => read(w * 10 + k, { requestId: `writer-${w}` })),
          );
        }),
      ),
    );
    expect(new Set(results.flat().map((e) => e.seq)).size).toBe(writers * 3);
    await sealAll(db);
    expect(await verifyAuditChain(db)).toMatchObject({
      ok: true,
      entries: before + writers * 3,
      unsealed: 0,
    });
    expect(await countEntriesByAction(db, mark)).toEqual({ read: writers * 3 });
  });

  // Several connections at once: only PostgreSQL has them (PGlite is one connection).
  describe.runIf(process.env.DATABASE_URL)('on PostgreSQL, with transactions open at once', () => {
    /** A transaction that appends, then stays open until `commit()` is called. */
    function openAppender(requestId: string) {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      let appended: (seq: number) => void = () => {};
      const seq = new Promise<number>((resolve) => {
        appended = resolve;
      });
      const done = db.transaction().execute(async (trx) => {
        const [entry] = await appendAudit(trx, [read(1, { requestId })]);
        appended(entry?.seq ?? 0);
        await released;
      });
      const commit = () => {
        release();
        return done;
      };
      return { seq, commit };
    }

    it('appenders do not wait on each other: a second appends while the first is still open', async () => {
      const first = openAppender('open-1');
      try {
        await first.seq;
        // With the old locked chain head this insert would wait for the first transaction and fail here.
        const second = await db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = '200ms'`.execute(trx);
          await sql`set local statement_timeout = '5s'`.execute(trx);
          return appendAudit(trx, [read(2, { requestId: 'open-2' })]);
        });
        expect(second).toHaveLength(1);
      } finally {
        await first.commit();
      }
      await sealAll(db);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });

    it('seals an entry committed after a seal that it started before in a later batch', async () => {
      await sealAll(db);
      const late = openAppender('late');
      const sealedSeqs = async () =>
        (await db.selectFrom('audit_batch').select('seqs').execute()).flatMap((b) => b.seqs.map(Number));
      let lateSeq = 0;
      let earlySeq = 0;
      try {
        lateSeq = await late.seq;
        const [early] = await appendAudit(db, [read(3, { requestId: 'early' })]);
        earlySeq = early?.seq ?? 0;
        // The open transaction holds the boundary back: the early entry (a newer transaction) waits too.
        await sealAudit(db);
        const during = await verifyAuditChain(db);
        expect(during.ok).toBe(true);
        // Only committed entries are visible: the early one counts, the open transaction's not yet.
        expect(during.unsealed).toBeGreaterThanOrEqual(1);
        const sealed = await sealedSeqs();
        expect(sealed).not.toContain(lateSeq);
        expect(sealed).not.toContain(earlySeq);
      } finally {
        await late.commit();
      }
      await sealAll(db);
      expect(await sealedSeqs()).toEqual(expect.arrayContaining([lateSeq, earlySeq]));
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true, unsealed: 0 });
    });

    it('lets one sealer seal at a time: a second one skips its turn', async () => {
      await appendAudit(db, [read(4)]);
      let release: () => void = () => {};
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked: () => void = () => {};
      const isLocked = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const holder = db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext(current_schema() || ':audit-seal'))`.execute(trx);
        locked();
        await held;
      });
      try {
        await isLocked;
        expect(await sealAudit(db)).toEqual({ ran: false });
      } finally {
        release();
        await holder;
      }
      await sealAll(db);
      expect((await verifyAuditChain(db)).ok).toBe(true);
    });
  });
});

type AuditRow = Awaited<ReturnType<typeof selectRow>>;
const selectRow = (db: Kysely<DB>, seq: number) =>
  db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirstOrThrow();

function toEntry(row: AuditRow) {
  return {
    seq: Number(row.seq),
    at: new Date(row.at),
    actorKind: row.actor_kind,
    actorId: row.actor_id,
    role: row.role,
    organisation: row.organisation,
    area: row.area,
    purpose: row.purpose,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    subjectPersonIds: row.subject_person_ids,
    subjectHouseholdIds: row.subject_household_ids,
    fields: row.fields,
    requestId: row.request_id,
  };
}

/**
 * Rewrites a batch as a forger who knows the format could: keeps some of its entries (deleting the others),
 * recomputes the leaves, root and hash, but cannot change the next batch's link to it without showing.
 */
async function rewriteBatch(
  trx: Kysely<DB>,
  batch: number,
  keep: (seqs: number[]) => number[],
): Promise<void> {
  const b = await trx
    .selectFrom('audit_batch')
    .selectAll()
    .where('batch', '=', batch)
    .executeTakeFirstOrThrow();
  const all = b.seqs.map(Number);
  const kept = keep(all);
  for (const seq of all)
    if (!kept.includes(seq)) await sql`delete from audit_log where seq = ${seq}`.execute(trx);
  const leaves = await Promise.all(kept.map(async (seq) => leafHash(toEntry(await selectRow(trx, seq)))));
  const xids = await sql<{ lo: string; hi: string }>`
    select xid_lo::text as lo, xid_hi::text as hi from audit_batch where batch = ${batch}`.execute(trx);
  const range = xids.rows[0];
  if (!range) throw new Error('no batch');
  const header = {
    batch,
    xidLo: range.lo,
    xidHi: range.hi,
    entries: kept.length,
    firstSeq: kept[0] ?? 0,
    lastSeq: kept[kept.length - 1] ?? 0,
    root: merkleRoot(leaves),
    prevHash: b.prev_hash,
    sealedAt: new Date(b.sealed_at),
  };
  await sql`update audit_batch set entries = ${header.entries}, seqs = ${kept}, leaves = ${Buffer.concat(leaves)},
    first_seq = ${header.firstSeq}, last_seq = ${header.lastSeq}, root = ${header.root},
    hash = ${batchHash(header)} where batch = ${batch}`.execute(trx);
}

describe('why the chain broke, in people’s words', () => {
  it('words every reason in the four languages, never as its code', () => {
    for (const reason of BROKEN_REASONS) {
      const labels = (['uz-Latn', 'uz-Cyrl', 'ru', 'en'] as const).map((l) => brokenReasonLabel(reason, l));
      expect(new Set(labels).size).toBe(4);
      for (const label of labels) {
        expect(label).not.toContain(reason);
        expect(label).not.toMatch(/_/);
      }
      expect(labels[1]).toMatch(/[а-яўқғҳ]/);
      expect(labels[2]).toMatch(/[а-я]/);
    }
    expect(brokenReasonLabel('missing entry', 'ru')).toBe('запечатанная запись отсутствует (она удалена)');
  });
});
