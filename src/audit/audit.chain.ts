import { createHash } from 'node:crypto';
import type { AuditActorKind } from './audit.tables.ts';

/**
 * The hash chain of the audit log: each entry's hash covers its predecessor's hash and a canonical
 * serialisation of its own fields, so changing, removing or inserting any entry breaks every link after it.
 * Pure functions only: the append and the verification both use exactly this code.
 */

/** The predecessor of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

/** Bumped if the serialisation ever changes; old entries keep verifying under the version they carry. */
const FORMAT = 'himoya-audit-v1';

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

/** SHA-256 (hex) over the predecessor's hash, a newline and the canonical entry. */
export function entryHash(prevHash: string, e: ChainedEntry): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalEntry(e)).digest('hex');
}
