import { type Kysely, sql } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: introspection reads the catalogue of any database.
export type AnyDb = Kysely<any>;

/**
 * Literal unions for text columns that a CHECK constraint limits to a list (`col in ('a', 'b')`, which
 * PostgreSQL stores as `col = ANY (ARRAY['a'::text, 'b'::text])`). PostgreSQL has no enum type here on
 * purpose (lists change with a migration, not an ALTER TYPE), so the generator reads the lists from the
 * constraints: the migrations stay the one place a list is written.
 */
export async function checkConstraintUnions(db: AnyDb, schema: string): Promise<Map<string, string[]>> {
  const { rows } = await sql<{ table_name: string; definition: string }>`
    select rel.relname as table_name, pg_get_constraintdef(con.oid) as definition
      from pg_constraint con
      join pg_class rel on rel.oid = con.conrelid
      join pg_namespace ns on ns.oid = rel.relnamespace
     where con.contype = 'c' and ns.nspname = ${schema}
     order by rel.relname, con.conname`.execute(db);
  const unions = new Map<string, string[]>();
  for (const row of rows) {
    const parsed = parseListCheck(row.definition);
    if (!parsed) continue;
    const key = `${row.table_name}.${parsed.column}`;
    // Two list checks on one column: the column can only hold what both allow.
    const known = unions.get(key);
    unions.set(key, known ? known.filter((value) => parsed.values.includes(value)) : parsed.values);
  }
  return unions;
}

const LIST_CHECK =
  /^CHECK \(\(?\(?([a-z_][a-z0-9_]*)\)?(?:::text)? = ANY \(\(?ARRAY\[(.*)\]\)?(?:::text\[\])?\)\)\)?$/;
const LITERAL = /'((?:[^']|'')*)'::(?:text|bpchar|character varying)/g;

/** The column and values of a `col = ANY (ARRAY[...])` check, or undefined for any other check. */
export function parseListCheck(definition: string): { column: string; values: string[] } | undefined {
  const match = LIST_CHECK.exec(definition.trim());
  if (!match?.[1] || match[2] === undefined) return undefined;
  const values = [...match[2].matchAll(LITERAL)].map((m) => (m[1] ?? '').replaceAll("''", "'"));
  return values.length > 0 ? { column: match[1], values } : undefined;
}
