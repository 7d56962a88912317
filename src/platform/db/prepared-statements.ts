import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import type pg from 'pg';

/**
 * Named (prepared) statements for the few statements every request sends. PostgreSQL plans an unnamed
 * statement again on each execution; for the household record that planning (about 1 ms) costs as much as
 * running it (docs/BENCHMARKS.md, "API under load"). A statement that opens with `PREPARED` is sent under
 * a name derived from its text, so each pooled connection parses and plans it once and then only binds and
 * executes it. Opt-in, never automatic: a name per distinct text would let statements whose text varies (a
 * list of n placeholders) pile up plans on every connection. Statements marked must name their columns
 * (no `select *`), so that a migration adding a column never changes a prepared statement's result type.
 */
const MARKER = '/* prepared */';

/** Put first in a statement's text: `sql\`${PREPARED} select ...\``. */
export const PREPARED: RawBuilder<unknown> = sql.raw(MARKER);

type QueryFn = (...args: unknown[]) => unknown;

/** Sends marked statements of this pool's connections as named statements. */
export function prepareMarkedStatements(pool: pg.Pool): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    const names = new Map<string, string>();
    const send: QueryFn = (text, values, ...rest) => {
      if (
        typeof text === 'string' &&
        text.slice(0, 32).includes(MARKER) &&
        (Array.isArray(values) || values === undefined)
      ) {
        let name = names.get(text);
        if (!name) {
          name = `himoya_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
          names.set(text, name);
        }
        return query({ name, text, values }, ...rest);
      }
      return query(text, values, ...rest);
    };
    (client as unknown as { query: QueryFn }).query = send;
  });
}
