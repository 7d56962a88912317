import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ACTIONS } from './access/policies.ts';
import { CONTEXTS, SUPPORTING_FOLDERS } from './contexts.ts';
import { listMigrations } from './platform/db/migrate.ts';

/**
 * The list of contexts is the one place wiring happens (src/app.ts loops over it), so it must not drift
 * from the source tree, the architecture document or the migrations: each check below names what to fix.
 */
const SRC = import.meta.dirname;
const ARCHITECTURE = readFileSync(resolve(SRC, '../docs/ARCHITECTURE.md'), 'utf8');
const folders = readdirSync(SRC, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const listed = [...CONTEXTS.map((c) => c.name), ...SUPPORTING_FOLDERS.map((f) => f.name)];
const owners = [...CONTEXTS, ...SUPPORTING_FOLDERS];

/** Tables the migrations create: `create [unlogged] table [if not exists] name`. */
function migrationTables(): Map<string, string> {
  const tables = new Map<string, string>();
  for (const migration of listMigrations()) {
    const sql = migration.sql.replace(/--.*$/gm, '');
    for (const match of sql.matchAll(
      /create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_]*)/gi,
    ))
      tables.set(
        match[1]?.toLowerCase() ?? '',
        `${String(migration.version).padStart(3, '0')}_${migration.name}`,
      );
  }
  return tables;
}

describe('contexts describe themselves', () => {
  it('every folder of src/ is a context or a supporting folder, once', () => {
    expect(
      folders.filter((f) => !listed.includes(f)),
      'add these to CONTEXTS or SUPPORTING_FOLDERS',
    ).toEqual([]);
    expect(
      listed.filter((n) => !folders.includes(n)),
      'listed but no such folder of src/',
    ).toEqual([]);
    expect(
      listed.filter((n, i) => listed.indexOf(n) !== i),
      'listed twice',
    ).toEqual([]);
  });

  it('every folder of src/ is in the listing of docs/ARCHITECTURE.md', () => {
    const documented = (folder: string) => new RegExp(`^ {2}${folder}/`, 'm').test(ARCHITECTURE);
    expect(
      folders.filter((f) => !documented(f)),
      'describe these under src/ in docs/ARCHITECTURE.md',
    ).toEqual([]);
  });

  it('every migration is named in docs/ARCHITECTURE.md', () => {
    const missing = listMigrations()
      .map((m) => String(m.version).padStart(3, '0'))
      .filter((version) => !new RegExp(`\\b${version}\\b`).test(ARCHITECTURE));
    expect(missing, 'say what these migrations hold in docs/ARCHITECTURE.md').toEqual([]);
  });

  it('every table of the migrations has exactly one owner', () => {
    const tables = migrationTables();
    const ownersOf = (table: string) =>
      owners.filter((o) => (o.tables ?? []).includes(table)).map((o) => o.name);
    const unowned = [...tables].filter(([t]) => ownersOf(t).length === 0).map(([t, m]) => `${t} (${m})`);
    const shared = [...tables.keys()]
      .filter((t) => ownersOf(t).length > 1)
      .map((t) => `${t}: ${ownersOf(t)}`);
    const unknown = owners.flatMap((o) =>
      (o.tables ?? []).filter((t) => !tables.has(t)).map((t) => `${o.name}: ${t}`),
    );
    expect(unowned, "add these tables to their context's `tables`").toEqual([]);
    expect(shared, 'a table has one owner').toEqual([]);
    expect(unknown, 'owned tables no migration creates').toEqual([]);
  });

  it('every access action is defined by exactly one context', () => {
    const ownersOf = (action: string) =>
      CONTEXTS.filter((c) => c.actions.includes(action)).map((c) => c.name);
    expect(ACTIONS.filter((a) => ownersOf(a).length !== 1).map((a) => `${a}: [${ownersOf(a)}]`)).toEqual([]);
    const known: readonly string[] = ACTIONS;
    expect(CONTEXTS.flatMap((c) => c.actions.filter((a) => !known.includes(a)))).toEqual([]);
  });

  it('every context lives in src/<name>/<name>.module.ts (how the boundary rules find the contexts)', () => {
    const missing = CONTEXTS.map((c) => c.name).filter((n) => !existsSync(resolve(SRC, n, `${n}.module.ts`)));
    expect(missing).toEqual([]);
    const stray = SUPPORTING_FOLDERS.map((f) => f.name).filter((n) =>
      existsSync(resolve(SRC, n, `${n}.module.ts`)),
    );
    expect(stray, 'a supporting folder with a module is a context: move it to CONTEXTS').toEqual([]);
  });

  it('every context says in one line what it is for', () => {
    for (const owner of owners) {
      expect(owner.docs.length, owner.name).toBeGreaterThan(10);
      expect(owner.docs, owner.name).not.toContain('\n');
    }
  });
});
