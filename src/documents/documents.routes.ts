import { z } from 'zod';
import { actorIn, authorizeHousehold, ownHouseholdIds, purposeFor } from '../access/access.plugin.ts';
import { Purpose } from '../access/purposes.ts';
import { auditFromRequest } from '../audit/audit.service.ts';
import { DomainError } from '../platform/errors.ts';
import type { HttpPlugin } from '../platform/http/server.ts';
import * as documents from './documents.service.ts';

const TAGS = ['documents'];

const DocumentView = z.object({
  id: z.uuid(),
  applicationId: z.uuid().nullable(),
  filename: z.string(),
  contentType: z.enum(documents.DOCUMENT_TYPES),
  size: z.number().int(),
  sha256: z.string(),
  uploadedAt: z.date(),
});
const present = (d: documents.DocumentView) => ({
  id: d.id,
  applicationId: d.applicationId,
  filename: d.filename,
  contentType: d.contentType,
  size: d.size,
  sha256: d.sha256,
  uploadedAt: d.uploadedAt,
});

const NewDocument = z.object({
  id: z.uuid().describe('Made by the client: the same file sent again is the same document'),
  applicationId: z.uuid().optional().describe('The application the document supports'),
  filename: z.string().trim().min(1).max(200),
  contentType: z.enum(documents.DOCUMENT_TYPES),
  dataBase64: z.base64().describe('The file, base64-encoded: at most 5 MB decoded'),
});

/** Base64 of 5 MB plus the JSON around it. */
const UPLOAD_BODY_LIMIT = 7 * 1024 * 1024;

export const documentRoutes: HttpPlugin = (app, { database, config }) => {
  const { db } = database;
  const quota: documents.UploadQuota = {
    maxCount: config.DOCUMENT_MAX_PER_PERSON,
    maxBytes: config.DOCUMENT_MAX_BYTES_PER_PERSON,
  };

  app.post(
    '/api/me/documents',
    {
      bodyLimit: UPLOAD_BODY_LIMIT,
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'Upload a document for my family (PDF, JPEG or PNG, at most 5 MB)',
        description:
          'The file must be what its type says from its first byte to its last (a PNG a sound chunk ' +
          'sequence ending with IEND, a JPEG from SOI to EOI, a PDF from %PDF- to %%EOF; no HTML or script ' +
          'in an image), else 400 DOCUMENT_TYPE_NOT_ALLOWED. Each person may upload DOCUMENT_MAX_PER_PERSON ' +
          'files of DOCUMENT_MAX_BYTES_PER_PERSON bytes in all, else 409 DOCUMENT_QUOTA_EXCEEDED. Served ' +
          'back as an attachment of the stored type, never sniffed.',
        body: NewDocument,
        response: { 200: DocumentView, 201: DocumentView },
      },
    },
    async (request, reply) => {
      const actor = actorIn(request);
      if (actor.kind !== 'citizen') throw new DomainError('FORBIDDEN');
      const [householdId] = await ownHouseholdIds(request, db);
      if (!householdId) throw new DomainError('HOUSEHOLD_NOT_FOUND', { personId: actor.personId });
      const body = request.body;
      const { document, created } = await db.transaction().execute(async (trx) => {
        const result = await documents.uploadDocument(
          trx,
          {
            id: body.id,
            personId: actor.personId,
            householdId,
            applicationId: body.applicationId,
            filename: body.filename,
            contentType: body.contentType,
            data: Buffer.from(body.dataBase64, 'base64'),
          },
          quota,
        );
        if (result.created) {
          await auditFromRequest(trx, request, {
            action: 'create',
            resourceType: 'document',
            resourceId: result.document.id,
            subjectHouseholdIds: [householdId],
            subjectPersonIds: [actor.personId],
            fields: ['document'],
          });
        }
        return result;
      });
      return reply.status(created ? 201 : 200).send(present(document));
    },
  );

  app.get(
    '/api/me/documents',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: "My family's documents, newest first",
        response: { 200: z.object({ items: z.array(DocumentView) }) },
      },
    },
    async (request) => {
      const [householdId] = await ownHouseholdIds(request, db);
      return {
        items: householdId ? (await documents.listHouseholdDocuments(db, householdId)).map(present) : [],
      };
    },
  );

  app.get(
    '/api/me/documents/:id/content',
    {
      config: { access: { citizen: true } },
      schema: {
        tags: TAGS,
        summary: 'A document of my family, as uploaded',
        params: z.object({ id: z.uuid() }),
      },
    },
    async (request, reply) => {
      const found = await documents.getDocument(db, request.params.id);
      const own = await ownHouseholdIds(request, db);
      if (!own.includes(found.householdId)) throw new DomainError('DOCUMENT_NOT_FOUND', { id: found.id });
      const content = await documents.documentContent(db, found.id);
      return reply
        .header('content-type', found.contentType)
        .header('content-disposition', `attachment; filename="${found.filename.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-type-options', 'nosniff')
        .send(Buffer.from(content));
    },
  );

  app.get(
    '/api/households/:id/documents',
    {
      config: { access: { action: 'registry.read' } },
      schema: {
        tags: TAGS,
        summary: "A household's documents (within your areas; outside your worklist state a purpose)",
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ purpose: Purpose.optional() }),
        response: { 200: z.object({ items: z.array(DocumentView) }) },
      },
    },
    async (request) => {
      const { id } = request.params;
      const place = await authorizeHousehold(request, db, 'registry.read', id);
      const purpose = await purposeFor(request, db, id, place);
      const items = await documents.listHouseholdDocuments(db, id);
      await auditFromRequest(db, request, {
        action: 'read',
        resourceType: 'document',
        resourceId: id,
        purpose,
        subjectHouseholdIds: [id],
        fields: ['documents'],
      });
      return { items: items.map(present) };
    },
  );
};
