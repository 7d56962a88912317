import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import type { Logger } from '../platform/logger.ts';
import { batchHash, leafHash, merkleRoot } from './audit.chain.ts';
import * as repo from './audit.repository.ts';

/**
 * Seals the audit log: folds the entries of every transaction that has ended into the next batch of the
 * chain (docs/adr/012-audit-sealed-in-batches.md). Appends never wait for it; it runs every second in each
 * process that runs jobs, before `himoya audit verify`, and on demand (`himoya audit seal`).
 */

export interface SealResult {
  /** False when another sealer held the lock: it is sealing, this call did nothing. */
  ran: boolean;
  /** The batch sealed, if there was anything to seal. */
  batch?: { batch: number; entries: number; firstSeq: number; lastSeq: number; root: string; hash: string };
}

/**
 * One sealing pass in a transaction of its own. The new boundary is the oldest transaction still running
 * (`pg_snapshot_xmin`): every transaction below it has ended, so the entries below it are final; a slow
 * transaction that started before this pass and commits after it lies above the boundary and falls into a
 * later batch. Cheap when there is nothing to seal (one index probe), so it can run every second.
 */
export async function sealAudit(db: Kysely<DB>): Promise<SealResult> {
  return db.transaction().execute(async (trx): Promise<SealResult> => {
    if (!(await repo.trySealLock(trx))) return { ran: false };
    const head = await repo.readHead(trx);
    // Read after the lock and the head, in a statement of its own: the next statements' snapshots see
    // every transaction below it committed (read committed takes a new snapshot per statement).
    const { boundary, now } = await repo.sealBoundary(trx);
    if (BigInt(boundary) <= BigInt(head.boundary)) return { ran: true };
    const entries = await repo.entriesInRange(trx, { lo: head.boundary, hi: boundary }, 0);
    const first = entries[0];
    const last = entries[entries.length - 1];
    // Nothing to seal: the boundary stays, and the next batch's range covers this empty stretch too.
    if (!first || !last) return { ran: true };
    const leaves = entries.map(leafHash);
    const header = {
      batch: head.lastBatch + 1,
      xidLo: head.boundary,
      xidHi: boundary,
      entries: entries.length,
      firstSeq: first.seq,
      lastSeq: last.seq,
      root: merkleRoot(leaves),
      prevHash: head.lastHash,
      sealedAt: now,
    };
    const hash = batchHash(header);
    await repo.insertBatch(trx, {
      ...header,
      seqs: entries.map((e) => e.seq),
      leaves: Buffer.concat(leaves),
      hash,
    });
    await repo.setHead(trx, { lastBatch: header.batch, lastHash: hash, lastSeq: last.seq, boundary });
    const { batch, firstSeq, lastSeq, root } = header;
    return { ran: true, batch: { batch, entries: entries.length, firstSeq, lastSeq, root, hash } };
  });
}

/** How often each process tries to seal: the longest an entry stays unsealed, give or take its transaction. */
export const SEAL_INTERVAL_MS = 1000;

/**
 * Seals every `intervalMs` until stopped. Several processes may all run it: the lock lets one seal, the
 * others skip. One pass at a time (the next is armed when one ends); the timer never keeps the process alive.
 */
export function startSealing(
  db: Kysely<DB>,
  logger: Logger,
  intervalMs: number = SEAL_INTERVAL_MS,
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    if (stopped) return;
    timer = setTimeout(() => void pass(), intervalMs);
    timer.unref();
  };
  const pass = async () => {
    try {
      const result = await sealAudit(db);
      if (result.batch) logger.debug({ batch: result.batch }, 'audit batch sealed');
    } catch (error) {
      if (!stopped) logger.error({ err: error }, 'audit sealing failed');
    } finally {
      arm();
    }
  };
  arm();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
