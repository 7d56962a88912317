import { z } from 'zod';
import { ownHouseholdIds } from '../access/access.plugin.ts';
import { ActorDisplaySchema, describeActors, viewerOf } from '../identity/actor-display.ts';
import { languageFromHeader } from '../platform/errors.ts';
import { PageQuery, pageOf } from '../platform/http/pagination.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import { Instant } from '../shared/date-schemas.ts';
import { proveEntry } from './audit.proof.ts';
import { sealAudit } from './audit.sealer.ts';
import * as audit from './audit.service.ts';
import { requireAuditor, requireCitizen } from './request-actor.ts';

const TAGS = ['audit'];

const AccessLogItem = z.object({
  seq: z.number().int().describe('Entry number in the audit log; name it to complain about this access'),
  at: z.date(),
  accessorKind: z.enum(['staff', 'citizen', 'machine', 'system', 'anonymous']),
  role: z.string().nullable(),
  organisation: z.string().nullable().describe('Who accessed, as an organisation: never a private name'),
  area: z.string().nullable(),
  purpose: z.string().nullable().describe("Null when the record was in the official's worklist"),
  purposeLabel: z.string().nullable().describe('The purpose in the language of Accept-Language'),
  who: z.string().describe('Who, in the asked language: role and area, or what kind of system'),
  action: z.string(),
  actionLabel: z.string().describe('What was done, in the asked language'),
  resourceType: z.string(),
  fields: z.array(z.string()).describe('The sections read or written'),
  fieldLabels: z.array(z.string()).describe('The sections in the asked language'),
});

const ComplaintView = z.object({
  id: z.uuid(),
  seq: z.number().int(),
  text: z.string(),
  status: z.enum(['open', 'answered', 'closed']),
  answer: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});

export const FileComplaint = z.object({
  id: z.uuid().describe('Made by the client: a retry with the same id and text changes nothing'),
  text: z.string().trim().min(1).max(4000),
});
export type FileComplaint = z.infer<typeof FileComplaint>;

const Hex = z.string().regex(/^[0-9a-f]{64}$/);
const EntryProof = z.object({
  seq: z.number().int(),
  batch: z.number().int().describe('The sealed batch that holds the entry'),
  leafHash: Hex.describe('The leaf as sealed'),
  leafMatchesEntry: z.boolean().describe('The entry as it reads now still gives that leaf'),
  proof: z
    .array(z.object({ hash: Hex, left: z.boolean() }))
    .describe(
      'Sibling hashes from the leaf up to the root (RFC 6962 nodes); left: the sibling is on the left',
    ),
  root: Hex.describe("The batch's Merkle root"),
  batchHash: Hex.describe("The batch's chained hash: compare it with a published one"),
  header: z.object({
    xidLo: z.string(),
    xidHi: z.string(),
    entries: z.number().int(),
    firstSeq: z.number().int(),
    lastSeq: z.number().int(),
    prevHash: Hex,
    sealedAt: z.string(),
  }),
});

const SeqParams = z.object({ seq: z.coerce.number().int().positive() });

const AuditEntry = z.object({
  seq: z.number().int(),
  at: z.date(),
  actorKind: z.string(),
  actorId: z.string().nullable(),
  role: z.string().nullable(),
  organisation: z.string().nullable(),
  area: z.string().nullable(),
  purpose: z.string().nullable(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string().nullable(),
  subjectPersonIds: z.array(z.string()),
  subjectHouseholdIds: z.array(z.string()),
  fields: z.array(z.string()),
  requestId: z.string().nullable(),
  actorDisplay: ActorDisplaySchema.nullable().optional(),
});

const EntryFilter = PageQuery.extend({
  actorId: z.string().min(1).max(200).optional(),
  personId: z.uuid().optional(),
  householdId: z.uuid().optional(),
  action: z.string().min(1).max(50).optional(),
  from: Instant.optional().describe('Entries at or after this instant'),
  to: Instant.optional().describe('Entries before this instant'),
});

const Verification = z.object({
  ok: z.boolean(),
  entries: z.number().int().describe('Sealed entries checked'),
  batches: z.number().int().describe('Sealed batches checked'),
  unsealed: z.number().int().describe('Entries written but not sealed yet (sealed within about a second)'),
  head: z
    .object({ seq: z.number().int(), hash: z.string() })
    .describe("The chain head when verification started: the last batch's last seq and its hash"),
  lastBatch: z
    .object({ batch: z.number().int(), root: z.string(), hash: z.string(), sealedAt: z.date() })
    .nullable()
    .describe('The last sealed batch: publish its number and root to compare a later run with'),
  firstBroken: z
    .object({
      seq: z.number().int().describe('The entry at fault (for a batch at fault, its first entry)'),
      batch: z.number().int(),
      reason: z.enum(audit.BROKEN_REASONS),
      reasonLabel: z.string().describe('The reason in the language of Accept-Language'),
    })
    .optional(),
});

export const auditRoutes: HttpPlugin = (app, { database }) => {
  const { db } = database;

  app.get(
    '/api/me/access-log',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Who accessed my data: staff, agencies and the system (signed-in citizen)',
        description:
          "Accesses to the citizen's data and to their household's, newest first; never the official's name.",
        querystring: PageQuery,
        response: { 200: pageOf(AccessLogItem) },
      },
    },
    async (request) => {
      const citizen = requireCitizen(request);
      const { page, pageSize } = request.query;
      const householdIds = await ownHouseholdIds(request, db);
      const language = languageFromHeader(request.headers['accept-language']);
      const result = await audit.accessLogForPerson(
        db,
        citizen.personId,
        householdIds,
        { page, pageSize },
        language,
      );
      return { ...result, page, pageSize };
    },
  );

  app.post(
    '/api/me/access-log/:seq/complaints',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Complain about one access to my data',
        description: 'Only an entry of your own access log; any other is 404 NOT_FOUND.',
        params: SeqParams,
        body: FileComplaint,
        response: { 200: ComplaintView, 201: ComplaintView },
      },
    },
    async (request, reply) => {
      const citizen = requireCitizen(request);
      const householdIds = await ownHouseholdIds(request, db);
      const { complaint, created } = await db.transaction().execute(async (trx) => {
        const result = await audit.fileComplaint(
          trx,
          {
            id: request.body.id,
            seq: request.params.seq,
            personId: citizen.personId,
            text: request.body.text,
          },
          householdIds,
        );
        if (result.created) {
          await audit.auditFromRequest(trx, request, {
            action: 'create',
            resourceType: 'access_complaint',
            resourceId: result.complaint.id,
            subjectPersonIds: [citizen.personId],
          });
        }
        return result;
      });
      return reply.status(created ? 201 : 200).send(complaint);
    },
  );

  app.get(
    '/api/me/access-complaints',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'My complaints about accesses to my data',
        querystring: PageQuery,
        response: { 200: pageOf(ComplaintView) },
      },
    },
    async (request) => {
      const citizen = requireCitizen(request);
      const { page, pageSize } = request.query;
      const result = await audit.listComplaints(db, citizen.personId, { page, pageSize });
      return { ...result, page, pageSize };
    },
  );

  app.get(
    '/api/audit/entries',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'Audit log entries, newest first (auditor, regional administrator)',
        description: 'The search itself is recorded in the log, with the purpose "audit".',
        querystring: EntryFilter,
        response: { 200: pageOf(AuditEntry) },
      },
    },
    async (request) => {
      const { grant } = requireAuditor(request);
      const { page, pageSize, from, to, ...rest } = request.query;
      const filters = {
        ...rest,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
      };
      return db.transaction().execute(async (trx) => {
        const result = await audit.listEntries(trx, filters, { page, pageSize });
        // Reading the log is reading personal data too: whose entries were searched is itself recorded.
        await audit.auditFromRequest(
          trx,
          request,
          {
            action: 'search',
            resourceType: 'audit_log',
            purpose: 'audit',
            subjectPersonIds: rest.personId ? [rest.personId] : [],
            subjectHouseholdIds: rest.householdId ? [rest.householdId] : [],
          },
          { grant },
        );
        // Who acted, by name and role for the auditor: never the stored id alone.
        const actorKey = (e: (typeof result.items)[number]) =>
          e.actorKind === 'staff' || e.actorKind === 'citizen' || e.actorKind === 'machine'
            ? `${e.actorKind}:${e.actorId ?? ''}`
            : (e.actorKind ?? 'system');
        const displays = await describeActors(trx, result.items.map(actorKey), viewerOf(request));
        const items = result.items.map((e) => ({ ...e, actorDisplay: displays.get(actorKey(e)) ?? null }));
        return { ...result, items, page, pageSize };
      });
    },
  );

  app.get(
    '/api/audit/entries/:seq/proof',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'Proof that one audit entry is in a sealed batch (auditor, regional administrator)',
        description:
          'The leaf, the sibling hashes up to the batch root and the batch header: enough to check the entry ' +
          'against a published batch hash without the rest of the log. 409 AUDIT_ENTRY_NOT_SEALED for an entry ' +
          'written in the last seconds.',
        params: SeqParams,
        response: { 200: EntryProof },
      },
    },
    async (request) => {
      const { grant } = requireAuditor(request);
      const proof = await proveEntry(db, request.params.seq);
      await audit.auditFromRequest(
        db,
        request,
        { action: 'verify', resourceType: 'audit_log', resourceId: String(proof.seq), purpose: 'audit' },
        { grant },
      );
      return proof;
    },
  );

  app.get(
    '/api/audit/verify',
    {
      config: { access: { action: 'audit.read' } },
      schema: {
        tags: TAGS,
        summary: 'Verify the sealed batches of the audit log (auditor, regional administrator)',
        description:
          'Seals what has ended, then walks every batch and its entries; `lastBatch` is the root to publish or compare with one published earlier.',
        response: { 200: Verification },
      },
    },
    async (request) => {
      const { grant } = requireAuditor(request);
      await sealAudit(db);
      const result = await audit.verifyAuditChain(db);
      await audit.auditFromRequest(
        db,
        request,
        { action: 'verify', resourceType: 'audit_log', purpose: 'audit' },
        { grant },
      );
      const language = languageFromHeader(request.headers['accept-language']);
      const { firstBroken, ...rest } = result;
      if (!firstBroken) return rest;
      const reasonLabel = audit.brokenReasonLabel(firstBroken.reason, language);
      return { ...rest, firstBroken: { ...firstBroken, reasonLabel } };
    },
  );
};
