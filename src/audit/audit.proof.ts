import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { batchHash, inclusionProof, leafHash, splitLeaves } from './audit.chain.ts';
import * as repo from './audit.repository.ts';

/**
 * What shows that one entry is in a sealed batch (ADR 012, "Anchoring"): the entry's leaf, the sibling
 * hashes up to the batch's Merkle root, and the batch's header, whose hash is chained and can be compared
 * with one published earlier. A court or a citizen can be handed this without the rest of the log: the
 * root follows from the leaf and the proof (`rootFromProof`), and the batch hash from the header.
 */
export interface EntryProof {
  seq: number;
  batch: number;
  /** The leaf as sealed (hex). */
  leafHash: string;
  /** The leaf recomputed from the entry as it reads now: false means the entry was changed after sealing. */
  leafMatchesEntry: boolean;
  proof: { hash: string; left: boolean }[];
  root: string;
  batchHash: string;
  header: {
    xidLo: string;
    xidHi: string;
    entries: number;
    firstSeq: number;
    lastSeq: number;
    prevHash: string;
    sealedAt: string;
  };
}

export async function proveEntry(db: Kysely<DB>, seq: number): Promise<EntryProof> {
  const entry = await repo.findEntry(db, seq);
  const batch = await repo.findBatchOfSeq(db, seq);
  if (!batch) {
    // Written but not sealed yet (the sealer runs every second), or no such entry at all.
    throw new DomainError(entry ? 'AUDIT_ENTRY_NOT_SEALED' : 'AUDIT_ENTRY_NOT_FOUND', { seq });
  }
  const index = batch.seqs.indexOf(seq);
  const leaves = splitLeaves(batch.leaves);
  const leaf = leaves[index];
  if (!leaf) throw new DomainError('AUDIT_ENTRY_NOT_FOUND', { seq });
  return {
    seq,
    batch: batch.batch,
    leafHash: leaf.toString('hex'),
    leafMatchesEntry: entry !== undefined && leafHash(entry).equals(leaf),
    proof: inclusionProof(leaves, index),
    root: batch.root,
    batchHash: batchHash(batch),
    header: {
      xidLo: batch.xidLo,
      xidHi: batch.xidHi,
      entries: batch.entries,
      firstSeq: batch.firstSeq,
      lastSeq: batch.lastSeq,
      prevHash: batch.prevHash,
      sealedAt: batch.sealedAt.toISOString(),
    },
  };
}
