import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseListCheck } from './check-unions.ts';
import { freshTableTypes, GENERATED_FILE } from './fresh-table-types.ts';

describe('generated table types', () => {
  it('agree with the migrations (run `npm run db:types` after changing a migration)', async () => {
    // On PostgreSQL too when DATABASE_URL is set: both databases must describe the tables the same way.
    const fresh = await freshTableTypes(process.env.DATABASE_URL || undefined);
    const committed = readFileSync(GENERATED_FILE, 'utf8');
    expect(fresh === committed, 'src/platform/db/tables.generated.ts is stale: run `npm run db:types`').toBe(
      true,
    );
  });

  it('read the list of a CHECK constraint as a union, and nothing else', () => {
    expect(parseListCheck("CHECK ((status = ANY (ARRAY['open'::text, 'it''s'::text])))")).toEqual({
      column: 'status',
      values: ['open', "it's"],
    });
    expect(parseListCheck("CHECK ((sex = ANY (ARRAY['M'::bpchar, 'F'::bpchar])))")).toEqual({
      column: 'sex',
      values: ['M', 'F'],
    });
    expect(parseListCheck('CHECK ((attempts >= 0))')).toBeUndefined();
    expect(parseListCheck("CHECK ((phone ~ '^[0-9]+$'::text))")).toBeUndefined();
  });
});
