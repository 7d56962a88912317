import { setTimeout as sleep } from 'node:timers/promises';
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
import { batchHash, GENESIS_HASH, leafHash, merkleRoot, splitLeaves } from './audit.chain.ts';
import { GroupCommit } from './audit.group-commit.ts';
import * as repo from './audit.repository.ts';
import { sealAudit } from './audit.sealer.ts';
import type { AuditActorKind } from './audit.tables.ts';

/**
 * The audit trail: who did what to whose personal data, when and why (ZRU-547). Entries are appended in the
 * caller's transaction, so an entry commits or rolls back with the write it records, as a plain insert that
 * waits on nothing; a sealer (`sealAudit`, audit.sealer.ts) folds committed entries into hash-chained batches
 * shortly afterwards (docs/adr/012-audit-sealed-in-batches.md).
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
  /** The entry's public number (increasing, with gaps where transactions rolled back). */
  seq: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const FIELD = /^[a-z][a-z0-9_.:-]{0,62}$/;

/** Lower-cased, deduplicated and sorted: one spelling of a set, so that the leaf does not depend on order. */
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
 * Appends entries in `db`'s transaction (one multi-row statement, so atomic on its own when `db` is not a
 * transaction). Takes no lock and hashes nothing: concurrent audited requests never wait on each other.
 * The entries are readable at once (the citizen's access log); the sealer chains them once their
 * transaction has ended.
 */
export async function appendAudit(
  db: Kysely<DB>,
  entries: readonly AuditEntryInput[],
): Promise<AppendedEntry[]> {
  if (entries.length === 0) return [];
  for (const e of entries) {
    if (e.purpose != null && !(PURPOSES as readonly string[]).includes(e.purpose)) {
      throw new DomainError('VALIDATION_FAILED', { reason: 'unknown purpose', purpose: e.purpose });
    }
  }
  const prepared: repo.NewEntry[] = entries.map((e) => ({
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
  // Inside a transaction the entries commit or roll back with the write they record.
  if (db.isTransaction) return toAppended(await repo.insertEntries(db, prepared));
  // More than one chunk would be more than one statement: keep them in one transaction.
  if (prepared.length > repo.INSERT_CHUNK) {
    return db.transaction().execute(async (trx) => toAppended(await repo.insertEntries(trx, prepared)));
  }
  // Alone (an audited read): committed together with the other requests' entries of the moment.
  return toAppended(await groupCommitOf(db).append(prepared));
}

/** One group commit per database handle (each process's pool; a test's database of its own). */
const groupCommits = new WeakMap<Kysely<DB>, GroupCommit<repo.NewEntry>>();
function groupCommitOf(db: Kysely<DB>): GroupCommit<repo.NewEntry> {
  let group = groupCommits.get(db);
  if (!group) {
    group = new GroupCommit((rows) => repo.insertEntries(db, rows), { maxRows: repo.INSERT_CHUNK, lanes: 2 });
    groupCommits.set(db, group);
  }
  return group;
}

/** Settles when no audit entry of `db` is waiting to be inserted: a stopping process waits for it. */
export async function auditAppendsSettled(db: Kysely<DB>): Promise<void> {
  await groupCommits.get(db)?.idle();
}

const toAppended = (seqs: readonly number[]): AppendedEntry[] => seqs.map((seq) => ({ seq }));

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

export type BrokenReason =
  | 'hash mismatch'
  | 'missing entry'
  | 'extra entry'
  | 'batch mismatch'
  | 'prev_hash mismatch'
  | 'head mismatch';

export const BROKEN_REASONS = [
  'hash mismatch',
  'missing entry',
  'extra entry',
  'batch mismatch',
  'prev_hash mismatch',
  'head mismatch',
] as const satisfies readonly BrokenReason[];

const BROKEN_REASON_KEYS = {
  'hash mismatch': 'chain.hash_mismatch',
  'missing entry': 'chain.missing_entry',
  'extra entry': 'chain.extra_entry',
  'batch mismatch': 'chain.batch_mismatch',
  'prev_hash mismatch': 'chain.link_mismatch',
  'head mismatch': 'chain.head_mismatch',
} as const satisfies Record<BrokenReason, string>;

/** Why the chain broke, in words of the asked language (the reason itself stays the operator's code). */
export function brokenReasonLabel(reason: BrokenReason, language: Language): string {
  return translate('people', BROKEN_REASON_KEYS[reason], language);
}

export interface ChainVerification {
  ok: boolean;
  /** Sealed entries checked (up to the first broken link). */
  entries: number;
  /** Batches checked (up to the first broken one). */
  batches: number;
  /** Entries written but not sealed yet: of transactions still open, or that ended after the last seal. */
  unsealed: number;
  /** The head recorded when verification started: the last batch's last seq and its hash. */
  head: { seq: number; hash: string };
  /** The last sealed batch (null before the first seal): publish its number and root to anchor the log. */
  lastBatch: { batch: number; root: string; hash: string; sealedAt: Date } | null;
  /** The first broken link: the entry's seq (for a batch, its first seq) and the batch it belongs to. */
  firstBroken?: { seq: number; batch: number; reason: BrokenReason };
}

/**
 * Walks the sealed batches in order, up to the head recorded when it starts (batches sealed meanwhile are
 * left to the next run). For each batch: it follows the previous one (number, xid range, prev_hash), its
 * hash covers its header and its leaves give its root, and the entries of its transaction range are exactly
 * its seqs with its leaves (an altered entry is a 'hash mismatch', a removed one 'missing entry', one added
 * into a sealed range 'extra entry'). Entries are read `pageSize` at a time (bounded memory). Proves nothing
 * against someone who rewrote every batch from the altered one on and the head too: only a comparison with
 * a root published elsewhere catches that (see README).
 */
export async function verifyAuditChain(
  db: Kysely<DB>,
  options: { pageSize?: number | undefined } = {},
): Promise<ChainVerification> {
  const pageSize = options.pageSize ?? 10_000;
  const head = await repo.readHead(db);
  let prev: { batch: number; hash: string; xidHi: string; lastSeq: number } = {
    batch: 0,
    hash: GENESIS_HASH,
    xidHi: '0',
    lastSeq: 0,
  };
  let lastBatch: ChainVerification['lastBatch'] = null;
  let entries = 0;
  const finish = async (firstBroken?: ChainVerification['firstBroken']): Promise<ChainVerification> => ({
    ok: firstBroken === undefined,
    entries,
    batches: prev.batch,
    unsealed: await repo.countUnsealed(db, head.boundary),
    head: { seq: head.lastSeq, hash: head.lastHash },
    lastBatch,
    ...(firstBroken ? { firstBroken } : {}),
  });
  for (;;) {
    const page = await repo.batchesAfter(db, prev.batch, head.lastBatch, BATCH_PAGE);
    for (const b of page) {
      const at = (seq: number, reason: BrokenReason) => finish({ seq, batch: b.batch, reason });
      if (b.batch !== prev.batch + 1 || b.prevHash !== prev.hash || b.xidLo !== prev.xidHi) {
        return at(b.firstSeq, 'prev_hash mismatch');
      }
      const leaves = splitLeaves(b.leaves);
      if (!batchIsWhole(b, leaves)) return at(b.firstSeq, 'batch mismatch');
      const broken = await checkBatchEntries(db, b, leaves, pageSize);
      entries += broken ? broken.checked : b.entries;
      if (broken) return at(broken.seq, broken.reason);
      prev = { batch: b.batch, hash: b.hash, xidHi: b.xidHi, lastSeq: b.lastSeq };
      lastBatch = { batch: b.batch, root: b.root, hash: b.hash, sealedAt: b.sealedAt };
    }
    if (page.length < BATCH_PAGE) break;
  }
  // Batches removed from the end leave no break between the survivors, and a rewritten last batch has no
  // successor to disagree with: only the head tells.
  // A batch beyond the head: the head was moved back (batches after it would be skipped and never re-sealed).
  if (
    head.highestBatch !== head.lastBatch ||
    prev.batch !== head.lastBatch ||
    prev.hash !== head.lastHash ||
    (head.lastBatch > 0 && prev.xidHi !== head.boundary)
  ) {
    return finish({ seq: head.lastSeq, batch: head.lastBatch, reason: 'head mismatch' });
  }
  return finish();
}

/** Batches carry their leaves (32 bytes an entry): a few at a time. */
const BATCH_PAGE = 16;

/** The batch's hash covers its header, its leaves give its root, and its seqs agree with its counts. */
function batchIsWhole(b: repo.StoredBatch, leaves: readonly Uint8Array[]): boolean {
  const increasing = b.seqs.every((seq, i) => i === 0 || seq > (b.seqs[i - 1] ?? seq));
  return (
    leaves.length === b.entries &&
    b.seqs.length === b.entries &&
    b.leaves.byteLength === b.entries * 32 &&
    increasing &&
    b.seqs[0] === b.firstSeq &&
    b.seqs[b.seqs.length - 1] === b.lastSeq &&
    merkleRoot(leaves) === b.root &&
    batchHash(b) === b.hash
  );
}

/**
 * Merges the entries of the batch's transaction range (seq order) with its sealed seqs and leaves: the first
 * entry that differs, is missing or should not be there, with the number of entries that matched before it.
 */
async function checkBatchEntries(
  db: Kysely<DB>,
  b: repo.StoredBatch,
  leaves: readonly Buffer[],
  pageSize: number,
): Promise<{ seq: number; reason: BrokenReason; checked: number } | undefined> {
  let i = 0;
  let afterSeq = 0;
  for (;;) {
    const page = await repo.entriesInRange(db, { lo: b.xidLo, hi: b.xidHi }, afterSeq, pageSize);
    for (const entry of page) {
      const sealedSeq = b.seqs[i];
      if (sealedSeq !== undefined && sealedSeq < entry.seq) {
        return { seq: sealedSeq, reason: 'missing entry', checked: i };
      }
      if (sealedSeq !== entry.seq) return { seq: entry.seq, reason: 'extra entry', checked: i };
      if (!leaves[i]?.equals(leafHash(entry))) return { seq: entry.seq, reason: 'hash mismatch', checked: i };
      i += 1;
      afterSeq = entry.seq;
    }
    if (page.length < pageSize) break;
  }
  const missing = b.seqs[i];
  return missing === undefined ? undefined : { seq: missing, reason: 'missing entry', checked: i };
}

/** Entries written but not sealed yet (their transaction is open, or ended after the last seal). */
export async function unsealedEntries(db: Kysely<DB>): Promise<number> {
  return repo.countUnsealed(db, (await repo.readHead(db)).boundary);
}

/**
 * Seals until nothing that has ended is left unsealed (at most `attempts` passes, `pauseMs` apart: a
 * transaction still open elsewhere holds the boundary back), then verifies. What a load benchmark or an
 * operator calls after a run; entries of transactions still open stay counted in `unsealed`.
 */
export async function sealAndVerify(
  db: Kysely<DB>,
  options: { attempts?: number; pauseMs?: number; pageSize?: number } = {},
): Promise<ChainVerification> {
  const attempts = options.attempts ?? 50;
  for (let i = 0; i < attempts; i += 1) {
    await sealAudit(db);
    if ((await unsealedEntries(db)) === 0) break;
    await sleep(options.pauseMs ?? 20);
  }
  return verifyAuditChain(db, { pageSize: options.pageSize });
}

/** The highest seq written so far (0 for an empty log): a benchmark's mark before a run. */
export async function highestSeq(db: Kysely<DB>): Promise<number> {
  return repo.highestSeq(db);
}

/** Entries per action with seq above `afterSeq` (a benchmark's count of what a run recorded). */
export async function countEntriesByAction(db: Kysely<DB>, afterSeq = 0): Promise<Record<string, number>> {
  return repo.countByAction(db, afterSeq);
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
