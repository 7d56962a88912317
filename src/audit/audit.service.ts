import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Actor, RoleGrant } from '../access/actor.ts';
import { PURPOSES, type Purpose, purposeLabel } from '../access/purposes.ts';
import { hasMessage, translate, translateDynamic } from '../i18n/index.ts';
import { roleLabel } from '../identity/actor-display.ts';
import type { DB } from '../platform/db/schema.ts';
import { DomainError, type Language } from '../platform/errors.ts';
import type { PageQuery } from '../platform/http/pagination.ts';
import { type AreaPlace, placesOfAreas } from '../territory/territory.service.ts';
import { type ChainedEntry, entryHash, GENESIS_HASH } from './audit.chain.ts';
import * as repo from './audit.repository.ts';
import type { AuditActorKind } from './audit.tables.ts';

/**
 * The audit trail: who did what to whose personal data, when and why (ZRU-547). Entries are appended in the
 * caller's transaction, so an entry commits or rolls back with the write it records, and are hash-chained
 * under a lock on the chain head, so the chain stays dense and linear with several server processes.
 */

/** What entries record. Free text in the table, so a new context may add its own; these are the usual. */
export const AUDIT_ACTIONS = [
  'read',
  'search',
  'export',
  'create',
  'update',
  'delete',
  'login',
  'logout',
  'grant',
  'withdraw',
  'verify',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  actorKind: AuditActorKind;
  /** account.id, person.id, machine_client.id or the system job's name; null when anonymous. */
  actorId: string | null;
  role?: string | null | undefined;
  organisation?: string | null | undefined;
  /** 'mahalla:1733212001'; see `areaText`. */
  area?: string | null | undefined;
  /** Null inside the worklist; stated outside it. */
  purpose?: Purpose | null | undefined;
  action: AuditAction | (string & {});
  /** 'person', 'household', 'decision', 'consent', ... */
  resourceType: string;
  resourceId?: string | null | undefined;
  /** Whose data this touched: what the citizen's access log is searched by. */
  subjectPersonIds?: readonly string[] | undefined;
  subjectHouseholdIds?: readonly string[] | undefined;
  /** Sections read or written: 'incomes', 'disability', 'phone', ... */
  fields?: readonly string[] | undefined;
  requestId?: string | null | undefined;
}

export interface AppendedEntry {
  seq: number;
  hash: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIELD = /^[a-z][a-z0-9_.:-]{0,62}$/;

/** Lower-cased, deduplicated and sorted: one spelling of a set, so that the hash does not depend on order. */
function idSet(ids: readonly string[] | undefined, what: string): string[] {
  const set = [...new Set((ids ?? []).map((id) => id.toLowerCase()))].sort();
  for (const id of set) {
    if (!UUID.test(id)) throw new DomainError('VALIDATION_FAILED', { reason: `${what}: not a uuid`, id });
  }
  return set;
}

function fieldSet(fields: readonly string[] | undefined): string[] {
  const set = [...new Set(fields ?? [])].sort();
  for (const field of set) {
    if (!FIELD.test(field)) throw new DomainError('VALIDATION_FAILED', { reason: 'audit field name', field });
  }
  return set;
}

/**
 * Appends entries to the chain inside `db`'s transaction (or a transaction of its own when `db` is not one).
 * The chain head stays locked until that transaction ends, which serialises every audited write: append
 * as the last step of a transaction, so the lock is held briefly and always taken after the domain rows
 * (one lock order, no deadlocks).
 */
export async function appendAudit(
  db: Kysely<DB>,
  entries: readonly AuditEntryInput[],
): Promise<AppendedEntry[]> {
  if (entries.length === 0) return [];
  // Validate before taking the lock, so bad input never holds up other writers.
  for (const e of entries) {
    if (e.purpose != null && !(PURPOSES as readonly string[]).includes(e.purpose)) {
      throw new DomainError('VALIDATION_FAILED', { reason: 'unknown purpose', purpose: e.purpose });
    }
  }
  const prepared = entries.map((e) => ({
    actorKind: e.actorKind,
    actorId: e.actorId,
    role: e.role ?? null,
    organisation: e.organisation ?? null,
    area: e.area ?? null,
    purpose: e.purpose ?? null,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId ?? null,
    subjectPersonIds: idSet(e.subjectPersonIds, 'subjectPersonIds'),
    subjectHouseholdIds: idSet(e.subjectHouseholdIds, 'subjectHouseholdIds'),
    fields: fieldSet(e.fields),
    requestId: e.requestId ?? null,
  }));
  if (!db.isTransaction) return db.transaction().execute((trx) => appendPrepared(trx, prepared));
  return appendPrepared(db, prepared);
}

async function appendPrepared(
  trx: Kysely<DB>,
  prepared: readonly Omit<ChainedEntry, 'seq' | 'at'>[],
): Promise<AppendedEntry[]> {
  const head = await repo.lockHead(trx);
  let prevHash = head.lastHash;
  let seq = head.lastSeq;
  const stored: repo.StoredEntry[] = prepared.map((p) => {
    seq += 1;
    const entry: ChainedEntry = { ...p, seq, at: head.now };
    const hash = entryHash(prevHash, entry);
    const row = { ...entry, prevHash, hash };
    prevHash = hash;
    return row;
  });
  await repo.insertEntries(trx, stored);
  await repo.setHead(trx, { lastSeq: seq, lastHash: prevHash });
  return stored.map((e) => ({ seq: e.seq, hash: e.hash }));
}

/** 'mahalla:1733212001', or null for a grant without an area. */
export function areaText(grant: RoleGrant | undefined): string | null {
  return grant?.area ? `${grant.area.kind}:${grant.area.code}` : null;
}

/** Who an actor is, as the log records it: never a name, only ids, the role and the organisation. */
export function actorFields(
  actor: Actor | undefined,
  grant?: RoleGrant,
): Pick<AuditEntryInput, 'actorKind' | 'actorId' | 'role' | 'organisation' | 'area'> {
  if (!actor || actor.kind === 'anonymous') {
    return { actorKind: 'anonymous', actorId: null, role: null, organisation: null, area: null };
  }
  // The grant that authorised the act, when the caller knows it; else the actor's first.
  const g = grant ?? actor.grants[0];
  switch (actor.kind) {
    case 'staff':
      return {
        actorKind: 'staff',
        actorId: actor.id,
        role: g?.role ?? null,
        organisation: g?.organisation ?? null,
        area: areaText(g),
      };
    case 'citizen':
      return {
        actorKind: 'citizen',
        actorId: actor.personId,
        role: g?.role ?? 'citizen',
        organisation: g?.organisation ?? null,
        area: areaText(g),
      };
    case 'machine':
      return {
        actorKind: 'machine',
        actorId: actor.id,
        role: g?.role ?? 'agency_client',
        organisation: g?.organisation ?? actor.agency,
        area: areaText(g),
      };
  }
}

/** Who acted, as recorded: what services that audit their own writes (consent) take from the route. */
export type AuditActor = Pick<
  AuditEntryInput,
  'actorKind' | 'actorId' | 'role' | 'organisation' | 'area' | 'requestId'
>;

/** The request's actor and id, for a service that writes its own audit entries. */
export function auditActorOf(request: FastifyRequest, grant?: RoleGrant): AuditActor {
  return { ...actorFields(request.actor as Actor | undefined, grant), requestId: request.id };
}

/** Himoya's own jobs (the monthly evaluation, the duplicate scan) as the log records them. */
export function systemActor(job: string, requestId: string | null = null): AuditActor {
  return { actorKind: 'system', actorId: job, role: null, organisation: 'Himoya', area: null, requestId };
}

export type AuditRequestInput = Omit<
  AuditEntryInput,
  'actorKind' | 'actorId' | 'role' | 'organisation' | 'area' | 'requestId'
>;

/**
 * Records what a request did, taking actor, role and request id from the request. Pass several entries for a
 * list read (one per record shown). `grant`: the role grant the policy used, when there are several.
 */
export async function auditFromRequest(
  db: Kysely<DB>,
  request: FastifyRequest,
  what: AuditRequestInput | readonly AuditRequestInput[],
  options: { grant?: RoleGrant } = {},
): Promise<AppendedEntry[]> {
  const who = auditActorOf(request, options.grant);
  const list: readonly AuditRequestInput[] = Array.isArray(what) ? what : [what as AuditRequestInput];
  return appendAudit(
    db,
    list.map((w) => ({ ...w, ...who })),
  );
}

// --- Verification ---

export type BrokenReason = 'hash mismatch' | 'missing entry (gap)' | 'prev_hash mismatch' | 'head mismatch';

const BROKEN_REASON_KEYS = {
  'hash mismatch': 'chain.hash_mismatch',
  'missing entry (gap)': 'chain.gap',
  'prev_hash mismatch': 'chain.link_mismatch',
  'head mismatch': 'chain.head_mismatch',
} as const satisfies Record<BrokenReason, string>;

/** Why the chain broke, in words of the asked language (the reason itself stays the operator's code). */
export function brokenReasonLabel(reason: BrokenReason, language: Language): string {
  return translate('people', BROKEN_REASON_KEYS[reason], language);
}

export interface ChainVerification {
  ok: boolean;
  /** Entries checked (up to the first broken link). */
  entries: number;
  /** The chain head recorded when verification started: publish it to anchor the chain outside. */
  head: { seq: number; hash: string };
  firstBroken?: { seq: number; reason: BrokenReason };
}

/**
 * Walks the chain in seq order, a page at a time (bounded memory), up to the head recorded when it starts:
 * entries appended meanwhile are left to the next run. Proves that entries 1..head are exactly those that
 * were appended, unless someone rewrote the whole chain from the altered entry on and the head too, which
 * only a comparison with a head published elsewhere catches (see README).
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  options: { pageSize?: number } = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 10_000;
  const head = await repo.readHead(db);
  const headView = { seq: head.lastSeq, hash: head.lastHash };
  let prevSeq = 0;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  const broken = (seq: number, reason: BrokenReason): ChainVerification => ({
    ok: false,
    entries: checked,
    head: headView,
    firstBroken: { seq, reason },
  });
  for (;;) {
    const page = await repo.entriesAfter(db, prevSeq, head.lastSeq, pageSize);
    for (const entry of page) {
      if (entry.seq !== prevSeq + 1) return broken(prevSeq + 1, 'missing entry (gap)');
      if (entry.prevHash !== prevHash) return broken(entry.seq, 'prev_hash mismatch');
      if (entryHash(entry.prevHash, entry) !== entry.hash) return broken(entry.seq, 'hash mismatch');
      prevSeq = entry.seq;
      prevHash = entry.hash;
      checked += 1;
    }
    if (page.length < pageSize) break;
  }
  // Entries removed from the end leave no gap between the survivors, and a rewritten last entry has no
  // successor to disagree with: only the head tells.
  if (prevSeq < head.lastSeq) return broken(prevSeq + 1, 'head mismatch');
  if (prevHash !== head.lastHash) return broken(head.lastSeq, 'head mismatch');
  return { ok: true, entries: checked, head: headView };
}

// --- Staff view of the log ---

export type AuditEntryView = repo.StoredEntry;

export async function listEntries(db: Kysely<DB>, filters: repo.EntryFilters, page: PageQuery) {
  return repo.listEntries(db, filters, page);
}

// --- The citizen's view: who accessed my data ---

export interface AccessLogItem {
  seq: number;
  at: Date;
  /** 'staff', 'machine' (an agency's system) or 'system' (Himoya's own jobs, e.g. the monthly evaluation). */
  accessorKind: AuditActorKind;
  role: string | null;
  organisation: string | null;
  area: string | null;
  purpose: string | null;
  purposeLabel: string | null;
  /** Who, as the citizen reads it: role and area in the asked language ("Social worker, Xiva district"). */
  who: string;
  action: string;
  /** What was done, in the asked language ("Viewed"). */
  actionLabel: string;
  resourceType: string;
  /** The sections read or written. */
  fields: string[];
  /** The sections in the asked language, each once ("income, dwelling"). */
  fieldLabels: string[];
}

/**
 * Accesses to a person's data or their households' by staff, agencies and the system (never the citizen's
 * own), newest first. Shows role and organisation, never the official's name or account id.
 */
export async function accessLogForPerson(
  db: Kysely<DB>,
  personId: string,
  householdIds: readonly string[],
  page: PageQuery,
  language: Language = 'uz-Latn',
): Promise<{ items: AccessLogItem[]; total: number }> {
  const { items, total } = await repo.listAccessesTo(db, personId, householdIds, page);
  const areas = items.flatMap((e): { kind: 'region' | 'district' | 'mahalla'; code: string }[] => {
    const [kind, code] = (e.area ?? '').split(':');
    return (kind === 'region' || kind === 'district' || kind === 'mahalla') && code ? [{ kind, code }] : [];
  });
  const places = await placesOfAreas(db, areas);
  return { items: items.map((e) => toAccessLogItem(e, language, places)), total };
}

/** The people namespace's label of a code, or its `other` label when the code has none. */
function peopleLabel(group: 'action' | 'section', code: string, language: Language): string {
  const base = code.includes('.') ? code.slice(code.lastIndexOf('.') + 1) : code;
  for (const key of [`${group}.${code}`, `${group}.${base}`]) {
    if (hasMessage('people', key, language)) return translateDynamic('people', key, language);
  }
  return translateDynamic('people', `${group}.other`, language);
}

function whoOf(e: repo.StoredEntry, language: Language, places: Map<string, AreaPlace>): string {
  if (e.actorKind === 'staff') {
    const area = e.area ? places.get(e.area)?.names[language] : undefined;
    const role = roleLabel(e.role, language);
    return area ? `${role}, ${area}` : role;
  }
  return translateDynamic('people', `kind.${e.actorKind}`, language);
}

function toAccessLogItem(
  e: repo.StoredEntry,
  language: Language,
  places: Map<string, AreaPlace>,
): AccessLogItem {
  const fieldLabels = [...new Set(e.fields.map((f) => peopleLabel('section', f, language)))];
  return {
    who: whoOf(e, language, places),
    actionLabel: peopleLabel('action', e.action, language),
    fieldLabels,
    seq: e.seq,
    at: e.at,
    accessorKind: e.actorKind,
    role: e.role,
    organisation: e.organisation,
    area: e.area,
    purpose: e.purpose,
    purposeLabel: purposeLabel(e.purpose, language),
    action: e.action,
    resourceType: e.resourceType,
    fields: [...e.fields],
  };
}

// --- Complaints about an access ---

export type ComplaintView = repo.ComplaintRecord;

/**
 * Files a citizen's complaint about one access (idempotent by the client-made id). Only an entry in the
 * citizen's own access log can be complained about; any other seq is 404, so that the endpoint does not
 * reveal which entries exist.
 */
export async function fileComplaint(
  trx: Kysely<DB>,
  input: { id: string; seq: number; personId: string; text: string },
  householdIds: readonly string[],
): Promise<{ complaint: ComplaintView; created: boolean }> {
  const text = input.text.trim();
  if (!text) throw new DomainError('VALIDATION_FAILED', { reason: 'text is required' });
  const existing = await repo.findComplaint(trx, input.id);
  if (existing) return { complaint: sameComplaint(existing, input, text), created: false };
  const entry = await repo.findAccessTo(trx, input.seq, input.personId, householdIds);
  if (!entry) throw new DomainError('NOT_FOUND', { seq: input.seq });
  const created = await repo.insertComplaint(trx, { ...input, text });
  const complaint = await repo.findComplaint(trx, input.id);
  if (!complaint) throw new DomainError('NOT_FOUND', { id: input.id });
  return { complaint: sameComplaint(complaint, input, text), created };
}

function sameComplaint(
  existing: ComplaintView,
  input: { id: string; seq: number; personId: string },
  text: string,
): ComplaintView {
  if (existing.personId !== input.personId) throw new DomainError('NOT_FOUND', { id: input.id });
  if (existing.seq !== input.seq || existing.text !== text) {
    throw new DomainError('ACCESS_COMPLAINT_ID_REUSED', { id: input.id });
  }
  return existing;
}

export async function listComplaints(db: Kysely<DB>, personId: string, page: PageQuery) {
  return repo.listComplaints(db, personId, page);
}

/** The households a list of records is about, once each: the subjects of a list read's entry. */
export function uniqueHouseholds(items: readonly { householdId: string | null }[]): string[] {
  return [...new Set(items.flatMap((i) => (i.householdId ? [i.householdId] : [])))];
}
