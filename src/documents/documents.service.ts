import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/schema.ts';
import { DomainError } from '../platform/errors.ts';
import { contentProblem } from './content-check.ts';
import * as repo from './documents.repository.ts';

/**
 * Documents a family uploads for its applications. A file is accepted when it is what it claims to be
 * (PDF, JPEG or PNG by its structure from first byte to last, not only by its declared type), at most
 * 5 MB, and within its uploader's quota (count and total bytes). Uploads are idempotent by the client's
 * id: the same file again is the same document (even at the quota); another file under that id 409.
 */

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;
export const DOCUMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const SIGNATURES: Record<DocumentType, number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

export function looksLike(type: DocumentType, data: Uint8Array): boolean {
  return SIGNATURES[type].every((byte, i) => data[i] === byte);
}

/** How much one person may upload in all (DOCUMENT_MAX_PER_PERSON, DOCUMENT_MAX_BYTES_PER_PERSON). */
export interface UploadQuota {
  maxCount: number;
  maxBytes: number;
}

export interface Upload {
  id: string;
  personId: string;
  householdId: string;
  applicationId?: string | undefined;
  filename: string;
  contentType: DocumentType;
  data: Uint8Array;
}

/** Stores an upload; `db` must be a transaction (the quota check holds a lock until it ends). */
export async function uploadDocument(db: Kysely<DB>, upload: Upload, quota: UploadQuota) {
  if (upload.data.length === 0 || !looksLike(upload.contentType, upload.data)) {
    throw new DomainError('DOCUMENT_TYPE_NOT_ALLOWED', { contentType: upload.contentType });
  }
  if (upload.data.length > MAX_DOCUMENT_BYTES) {
    throw new DomainError('DOCUMENT_TOO_LARGE', { size: upload.data.length, max: MAX_DOCUMENT_BYTES });
  }
  const problem = contentProblem(upload.contentType, upload.data);
  if (problem) {
    throw new DomainError('DOCUMENT_TYPE_NOT_ALLOWED', { contentType: upload.contentType, reason: problem });
  }
  if (upload.applicationId) {
    const household = await repo.applicationHouseholdOf(db, upload.applicationId);
    // Another family's application is as unknown as a missing one.
    if (household !== upload.householdId) {
      throw new DomainError('APPLICATION_NOT_FOUND', { id: upload.applicationId });
    }
  }
  const sha256 = createHash('sha256').update(upload.data).digest('hex');
  const record = {
    id: upload.id,
    personId: upload.personId,
    householdId: upload.householdId,
    applicationId: upload.applicationId ?? null,
    filename: upload.filename.trim(),
    contentType: upload.contentType,
    size: upload.data.length,
    sha256,
  };
  let created = false;
  if (!(await repo.findDocument(db, upload.id))) {
    // One upload of a person at a time past this point, so that parallel uploads cannot all fit a quota
    // that only one of them fits.
    await repo.lockUploadsOf(db, upload.personId);
    const used = await repo.usageOf(db, upload.personId);
    if (used.count + 1 > quota.maxCount || used.bytes + record.size > quota.maxBytes) {
      throw new DomainError('DOCUMENT_QUOTA_EXCEEDED', {
        count: used.count,
        bytes: used.bytes,
        maxCount: quota.maxCount,
        maxBytes: quota.maxBytes,
      });
    }
    created = await repo.insertDocument(db, { ...record, content: upload.data });
  }
  const stored = await repo.findDocument(db, upload.id);
  if (!stored || stored.sha256 !== sha256 || stored.householdId !== upload.householdId) {
    throw new DomainError('DOCUMENT_ID_REUSED', { id: upload.id });
  }
  return { document: stored, created };
}

export async function getDocument(db: Kysely<DB>, id: string) {
  const found = await repo.findDocument(db, id);
  if (!found) throw new DomainError('DOCUMENT_NOT_FOUND', { id });
  return found;
}

export async function documentContent(db: Kysely<DB>, id: string): Promise<Uint8Array> {
  const content = await repo.findContent(db, id);
  if (!content) throw new DomainError('DOCUMENT_NOT_FOUND', { id });
  return content;
}

export type DocumentView = repo.DocumentRecord;
export const listHouseholdDocuments = repo.listDocuments;

/**
 * Attaches the family's uploaded documents to a change request, in the caller's transaction. A document
 * of another household, an unknown one or one already supporting another request is 404 DOCUMENT_NOT_FOUND
 * alike, so the answer never tells whether another family's document exists.
 */
export async function attachToChangeRequest(
  db: Kysely<DB>,
  documentIds: readonly string[],
  householdId: string,
  changeRequestId: string,
): Promise<void> {
  const unique = [...new Set(documentIds)];
  const linked = await repo.linkToChangeRequest(db, unique, householdId, changeRequestId);
  if (linked !== unique.length) throw new DomainError('DOCUMENT_NOT_FOUND', {});
}
