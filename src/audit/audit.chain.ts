import { createHash } from 'node:crypto';
import type { AuditActorKind } from './audit.tables.ts';

/**
 * The hashes of the sealed audit log (docs/adr/012-audit-sealed-in-batches.md). Appends store entries
 * unhashed; the sealer gives each committed entry a leaf hash, folds a batch's leaves into a Merkle root and
 * chains the batches. Pure functions only: sealing and verification both use exactly this code.
 */

/** The predecessor of batch 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialisation ever changes; old entries keep verifying under the version they carry. */
const FORMAT = 'himoya-audit-v1';
const BATCH_FORMAT = 'himoya-audit-batch-v1';

/** Bytes of one leaf hash (SHA-256). */
export const LEAF_BYTES = 32;

export interface ChainedEntry {
  seq: number;
  at: Date;
  actorKind: AuditActorKind;
  actorId: string | null;
  role: string | null;
  organisation: string | null;
  area: string | null;
  purpose: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  subjectPersonIds: string[];
  subjectHouseholdIds: string[];
  fields: string[];
  requestId: string | null;
}

/**
 * A fixed-order JSON array: no key order to disagree about, strings escaped by one rule, `at` as ISO 8601
 * UTC with milliseconds (the database stores `at` truncated to milliseconds, so it reads back identical).
 * Arrays are hashed in stored order; the appender sorts and deduplicates them before storing.
 * (Until migration 026 the log was one chain: hash = SHA-256(prev_hash + "\n" + this), from 64 zeros.)
 */
export function canonicalEntry(e: ChainedEntry): string {
  return JSON.stringify([
    FORMAT,
    e.seq,
    e.at.toISOString(),
    e.actorKind,
    e.actorId,
    e.role,
    e.organisation,
    e.area,
    e.purpose,
    e.action,
    e.resourceType,
    e.resourceId,
    e.subjectPersonIds,
    e.subjectHouseholdIds,
    e.fields,
    e.requestId,
  ]);
}

const sha256 = (...parts: (string | Uint8Array)[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};

// RFC 6962's prefixes: a leaf can never be passed off as an inner node, or the other way round.
const LEAF_PREFIX = Uint8Array.of(0);
const NODE_PREFIX = Uint8Array.of(1);

/** The entry's leaf: SHA-256(0x00 ‖ canonical entry), 32 bytes. */
export function leafHash(e: ChainedEntry): Buffer {
  return sha256(LEAF_PREFIX, canonicalEntry(e));
}

/**
 * The Merkle root (hex) of leaves in order, as RFC 6962 builds it: pairs hashed as SHA-256(0x01 ‖ left ‖
 * right), a lone last node carried up unchanged. A batch publishes its root; one entry's membership can be
 * shown with log2(n) hashes (`inclusionProof`).
 */
export function merkleRoot(leaves: readonly Uint8Array[]): string {
  if (leaves.length === 0) return sha256().toString('hex');
  let level: Uint8Array[] = [...leaves];
  while (level.length > 1) level = parentLevel(level);
  return Buffer.from(level[0] ?? []).toString('hex');
}

function parentLevel(level: readonly Uint8Array[]): Uint8Array[] {
  const up: Uint8Array[] = [];
  for (let i = 0; i < level.length; i += 2) {
    const left = level[i];
    const right = level[i + 1];
    if (left === undefined) break;
    up.push(right === undefined ? left : sha256(NODE_PREFIX, left, right));
  }
  return up;
}

/** The sibling hashes from leaf `index` up to the root (left: the sibling is on the left). */
export function inclusionProof(
  leaves: readonly Uint8Array[],
  index: number,
): { hash: string; left: boolean }[] {
  const proof: { hash: string; left: boolean }[] = [];
  let level: Uint8Array[] = [...leaves];
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? level[i + 1] : level[i - 1];
    if (sibling !== undefined) proof.push({ hash: Buffer.from(sibling).toString('hex'), left: i % 2 === 1 });
    level = parentLevel(level);
    i = Math.floor(i / 2);
  }
  return proof;
}

/** Recomputes a root from one leaf and its proof: what an outside checker of a published root does. */
export function rootFromProof(leaf: Uint8Array, proof: readonly { hash: string; left: boolean }[]): string {
  let node: Uint8Array = leaf;
  for (const step of proof) {
    const sibling = Buffer.from(step.hash, 'hex');
    node = step.left ? sha256(NODE_PREFIX, sibling, node) : sha256(NODE_PREFIX, node, sibling);
  }
  return Buffer.from(node).toString('hex');
}

/** What a batch's hash covers: everything about it but its leaves, which its root stands for. */
export interface BatchHeader {
  batch: number;
  /** Transaction ids (xid8) as decimal strings: 64-bit, beyond a JavaScript number's exact range. */
  xidLo: string;
  xidHi: string;
  entries: number;
  firstSeq: number;
  lastSeq: number;
  root: string;
  prevHash: string;
  sealedAt: Date;
}

/** SHA-256 (hex) over a fixed-order JSON array of the header: chains the batches. */
export function batchHash(b: BatchHeader): string {
  return sha256(
    JSON.stringify([
      BATCH_FORMAT,
      b.batch,
      b.xidLo,
      b.xidHi,
      b.entries,
      b.firstSeq,
      b.lastSeq,
      b.root,
      b.prevHash,
      b.sealedAt.toISOString(),
    ]),
  ).toString('hex');
}

/** Splits a batch's stored leaves (32 bytes each, concatenated) into single leaves. */
export function splitLeaves(bytes: Uint8Array): Buffer[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const leaves: Buffer[] = [];
  for (let at = 0; at + LEAF_BYTES <= buffer.length; at += LEAF_BYTES) {
    leaves.push(buffer.subarray(at, at + LEAF_BYTES));
  }
  return leaves;
}
