import type * as Tables from '../platform/db/tables.generated.ts';

/** Table types of migration 013_documents.sql. */
export type DocumentTable = Tables.Document;
