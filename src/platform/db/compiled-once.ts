import { type Compilable, type CompiledQuery, createQueryId, type Kysely, type QueryResult } from 'kysely';
import type { DB } from './schema.ts';

/**
 * A statement built with Kysely once per database handle and then only re-bound: for the one or two
 * statements every request sends (the session), the query builder and compiler cost about a tenth of a
 * request's CPU in Node (docs/BENCHMARKS.md, "API under load"). The statement is built with a placeholder
 * for each argument; each call swaps the placeholders of the compiled parameters for the call's values.
 * The statement's shape must not depend on the arguments (no branches on them in `build`): a shape that did
 * would be frozen at its first call. Pairs with `PREPARED` (one text, planned once per connection).
 */
export function compiledOnce<Args extends readonly unknown[], Row>(
  build: (db: Kysely<DB>, ...args: Args) => Compilable<Row>,
): (db: Kysely<DB>, ...args: Args) => Promise<QueryResult<Row>> {
  const compiled = new WeakMap<Kysely<DB>, CompiledQuery<Row>>();
  return async (db, ...args) => {
    let query = compiled.get(db);
    if (!query) {
      const placeholders = args.map((_, i) => new Placeholder(i)) as unknown as Args;
      query = build(db, ...placeholders).compile();
      const used = new Set(query.parameters.filter((p) => p instanceof Placeholder).map((p) => p.index));
      if (used.size !== args.length) throw new Error('compiledOnce: every argument must be a parameter');
      compiled.set(db, query);
    }
    const parameters = query.parameters.map((p) => (p instanceof Placeholder ? args[p.index] : p));
    return db.executeQuery<Row>({ ...query, parameters, queryId: createQueryId() });
  };
}

/** Where an argument goes in the compiled statement's parameters. */
class Placeholder {
  constructor(readonly index: number) {}
}
