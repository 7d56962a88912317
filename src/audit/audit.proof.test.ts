import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { rootFromProof } from './audit.chain.ts';
import { proveEntry } from './audit.proof.ts';
import { sealAudit } from './audit.sealer.ts';
import { appendAudit, verifyAuditChain } from './audit.service.ts';

const entry = (requestId: string) => ({
  actorKind: 'system' as const,
  actorId: 'proof-test',
  action: 'read',
  resourceType: 'household',
  requestId,
});

describe('proof that an entry is in a sealed batch', { timeout: 120_000 }, () => {
  const test = useTestDatabase({ territory: false });

  /**
   * Seals until `seq` is in a batch. On a PostgreSQL server shared with other work, a transaction of another
   * schema still open holds the seal boundary (the oldest running transaction) back for a moment.
   */
  const sealThrough = async (seq: number) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      await sealAudit(test.db);
      const sealed = await proveEntry(test.db, seq).then(
        () => true,
        (error: unknown) => {
          if ((error as { code?: string }).code === 'AUDIT_ENTRY_NOT_SEALED') return false;
          throw error;
        },
      );
      if (sealed) return;
      await new Promise((done) => setTimeout(done, 50));
    }
    throw new Error(`audit entry ${seq} was not sealed within 10 s`);
  };

  it('gives the leaf, the path to the batch root and the batch hash that verify reports', async () => {
    const appended = await appendAudit(
      test.db,
      Array.from({ length: 13 }, (_, i) => entry(`proof-${i}`)),
    );
    await sealThrough(appended[12]?.seq ?? -1);
    const { lastBatch } = await verifyAuditChain(test.db);
    for (const at of [0, 6, 12]) {
      const seq = appended[at]?.seq ?? -1;
      const proof = await proveEntry(test.db, seq);
      expect(proof.seq).toBe(seq);
      expect(proof.leafMatchesEntry).toBe(true);
      // What an outside checker does: the root from the leaf and the path alone.
      expect(rootFromProof(Buffer.from(proof.leafHash, 'hex'), proof.proof)).toBe(proof.root);
      expect(proof.batch).toBe(lastBatch?.batch);
      expect(proof.root).toBe(lastBatch?.root);
      expect(proof.batchHash).toBe(lastBatch?.hash);
      // 13 leaves, 4 levels; the last leaf has no sibling on two of them (it is carried up alone).
      expect(proof.proof.length).toBe(at === 12 ? 2 : 4);
      expect(proof.header.entries).toBe(13);
    }
  });

  it('refuses an entry not sealed yet (409) and one that does not exist (404)', async () => {
    const [fresh] = await appendAudit(test.db, [entry('proof-fresh')]);
    await expect(proveEntry(test.db, fresh?.seq ?? -1)).rejects.toMatchObject({
      code: 'AUDIT_ENTRY_NOT_SEALED',
    });
    await expect(proveEntry(test.db, 9_999_999)).rejects.toMatchObject({ code: 'AUDIT_ENTRY_NOT_FOUND' });
  });

  it('says when the entry no longer gives its sealed leaf (changed behind the triggers)', async () => {
    const [target] = await appendAudit(test.db, [entry('proof-tamper')]);
    const seq = target?.seq ?? -1;
    await sealThrough(seq);
    await test.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_log set action = 'export' where seq = ${seq}`.execute(trx);
    });
    const proof = await proveEntry(test.db, seq);
    expect(proof.leafMatchesEntry).toBe(false);
    // The sealed leaf still proves into the root: what was sealed is what the proof shows.
    expect(rootFromProof(Buffer.from(proof.leafHash, 'hex'), proof.proof)).toBe(proof.root);
  });
});
