import type { Generated } from 'kysely';

/** Table types of migration 013_documents.sql. */
export interface DocumentTable {
  id: string;
  person_id: string;
  household_id: string;
  application_id: string | null;
  filename: string;
  content_type: 'application/pdf' | 'image/jpeg' | 'image/png';
  size: number;
  sha256: string;
  content: Uint8Array;
  uploaded_at: Generated<Date>;
}

export interface DocumentTables {
  document: DocumentTable;
}
