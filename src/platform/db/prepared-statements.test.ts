import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { PREPARED } from './prepared-statements.ts';

/** Named statements are PostgreSQL's; PGlite runs the same text with the marker as a comment. */
const ON_POSTGRES = Boolean(process.env.DATABASE_URL?.startsWith('postgres'));

/**
 * Marked statements are sent as named statements (parsed and planned once per connection), unmarked ones as
 * before; on PGlite the marker is only a comment. Answers are the same either way.
 */
describe('named statements for marked hot statements', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await createTestDatabase({ territory: false });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('answers a marked statement like an unmarked one, with its parameters', async () => {
    const { db } = t.database;
    for (const n of [1, 2, 3]) {
      const marked = await sql<{ n: number }>`${PREPARED} select ${n}::int * 10 as n`.execute(db);
      expect(marked.rows).toEqual([{ n: n * 10 }]);
    }
  });

  it.runIf(ON_POSTGRES)(
    'on PostgreSQL, prepares a marked statement once per connection and never an unmarked one',
    async () => {
      await t.database.db.connection().execute(async (conn) => {
        await sql`${PREPARED} select ${5}::int as marked`.execute(conn);
        await sql`${PREPARED} select ${6}::int as marked`.execute(conn);
        await sql`select ${7}::int as unmarked`.execute(conn);
        const { rows } = await sql<{ statement: string }>`
        select statement from pg_prepared_statements where statement like '%marked%'`.execute(conn);
        expect(rows.map((r) => r.statement)).toEqual(['/* prepared */ select $1::int as marked']);
      });
    },
  );
});
