import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type Area, ROLES, type RoleGrant } from '../access/actor.ts';
import { appendAudit } from '../audit/audit.service.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import * as repo from './administration.repository.ts';
import type { AdminTargetKind } from './administration.tables.ts';
import type { AdminCaller } from './areas.ts';
import { areaKey, type ClientReach } from './reach.ts';

/**
 * Proposing a change that needs a second administrator (reach.ts says which do). The change is stored as a
 * pending request, takes no effect until a different administrator approves it (requests.service.ts), and
 * at most one change per account or client waits at a time.
 */

const StoredArea = z.object({ kind: z.enum(['region', 'district', 'mahalla']), code: z.string() }).nullable();
const StoredGrants = z.object({
  grants: z.array(z.object({ role: z.enum(ROLES), area: StoredArea, organisation: z.string() })),
});
const StoredReach = z.object({ scopes: z.array(z.string()), area: StoredArea });

export type GrantsChange = { grants: RoleGrant[] };
export type ReachChange = ClientReach;

/** A request's stored change, read back through its schema (no shape is trusted blindly). */
export function grantsOf(value: unknown): RoleGrant[] {
  return StoredGrants.parse(value).grants;
}

export function reachOf(value: unknown): ClientReach {
  return StoredReach.parse(value);
}

/** One spelling of a set of grants: deduplicated by role and area (the first organisation wins), sorted. */
export function canonicalGrants(grants: readonly RoleGrant[]): RoleGrant[] {
  const byKey = new Map<string, RoleGrant>();
  for (const g of grants) {
    const area: Area | null = g.area ? { kind: g.area.kind, code: g.area.code } : null;
    const key = `${g.role}@${areaKey(area)}`;
    if (!byKey.has(key)) byKey.set(key, { role: g.role, area, organisation: g.organisation });
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}

export function canonicalReach(reach: ClientReach): ClientReach {
  return {
    scopes: [...new Set(reach.scopes)].sort(),
    area: reach.area ? { kind: reach.area.kind, code: reach.area.code } : null,
  };
}

/** JSON with sorted keys: equal values give equal text whatever the order they were built in. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export const digestOf = (value: unknown): string =>
  createHash('sha256').update(canonicalJson(value)).digest('hex');

export const sameJson = (a: unknown, b: unknown): boolean => canonicalJson(a) === canonicalJson(b);

export interface Proposal {
  targetKind: AdminTargetKind;
  targetId: string;
  change: GrantsChange | ReachChange;
  before: GrantsChange | ReachChange;
  reachRegions: string[] | null;
  reason: string | undefined;
}

/** Stops a change that needs a second administrator but gives no reason. */
export function requireReason(reason: string | undefined): string {
  const text = reason?.trim();
  if (!text) throw new DomainError('ADMIN_REASON_REQUIRED');
  return text;
}

/**
 * Stores the change as a pending request (audited in the caller's transaction). The same proposer
 * proposing the same change again (a retry) gets the request already stored; any other change while one
 * waits is 409 ADMIN_REQUEST_PENDING.
 */
export async function proposeChange(
  trx: Kysely<DB>,
  caller: AdminCaller,
  proposal: Proposal,
): Promise<repo.AdminRequestRecord> {
  const reason = requireReason(proposal.reason);
  const retry = (existing: repo.AdminRequestRecord) => {
    if (existing.proposedBy === caller.accountId && sameJson(existing.change, proposal.change))
      return existing;
    throw new DomainError('ADMIN_REQUEST_PENDING', { requestId: existing.id });
  };
  const waiting = await repo.findPendingRequestFor(trx, proposal.targetKind, proposal.targetId);
  if (waiting) return retry(waiting);
  const id = randomUUID();
  const inserted = await repo.insertRequest(trx, {
    id,
    targetKind: proposal.targetKind,
    targetId: proposal.targetId,
    change: proposal.change,
    before: proposal.before,
    reachRegions: proposal.reachRegions,
    reason,
    proposedBy: caller.accountId,
  });
  if (!inserted) {
    // Another proposal for the same target committed first.
    const other = await repo.findPendingRequestFor(trx, proposal.targetKind, proposal.targetId);
    if (other) return retry(other);
    throw new DomainError('CONFLICT', { targetId: proposal.targetId });
  }
  await appendAudit(trx, [
    {
      ...caller.audit,
      action: 'create',
      resourceType: 'admin_request',
      resourceId: id,
      fields: proposal.targetKind === 'account' ? ['grants'] : ['scopes', 'area'],
    },
  ]);
  const stored = await repo.findRequest(trx, id);
  if (!stored) throw new DomainError('ADMIN_REQUEST_NOT_FOUND', { id });
  return stored;
}
