import type { ColumnType } from 'kysely';

/** A json/jsonb column: read as parsed JSON (the reader checks its shape), written as JSON text. */
export type JsonText<Read = unknown> = ColumnType<Read, string, string>;
