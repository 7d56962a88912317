import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../test/support/database.ts';
import { GroupCommit } from './audit.group-commit.ts';
import { appendAudit, auditAppendsSettled } from './audit.service.ts';

/** A stand-in for the insert: numbers rows like an identity column, after a turn of the event loop. */
function fakeTable(options: { refuse?: (row: string) => boolean } = {}) {
  const stored = new Map<number, string>();
  const statements: string[][] = [];
  let next = 1;
  const insert = async (rows: readonly string[]) => {
    statements.push([...rows]);
    await new Promise((resolve) => setImmediate(resolve));
    // One statement: all its rows or none.
    if (rows.some((r) => options.refuse?.(r))) throw new Error('refused');
    return rows.map((row) => {
      stored.set(next, row);
      return next++;
    });
  };
  return { stored, statements, insert };
}

describe('group commit of audit entries', () => {
  it('inserts an append at once when nothing else is in flight', async () => {
    const table = fakeTable();
    const group = new GroupCommit(table.insert, { maxRows: 10, lanes: 1 });
    for (const row of ['a', 'b', 'c']) await group.append([row]);
    expect(table.statements).toEqual([['a'], ['b'], ['c']]);
  });

  it('gathers concurrent appends into few statements, each caller getting the seqs of its own rows', async () => {
    const table = fakeTable();
    const group = new GroupCommit(table.insert, { maxRows: 1000, lanes: 1 });
    const callers = Array.from({ length: 100 }, (_, i) => [`r${i}-1`, `r${i}-2`]);
    const seqs = await Promise.all(callers.map((rows) => group.append(rows)));
    // The first goes alone; the other 99 arrived while it was in flight and go together.
    expect(table.statements.length).toBe(2);
    callers.forEach((rows, i) => {
      expect(seqs[i]?.map((s) => table.stored.get(s))).toEqual(rows);
    });
    expect(new Set(seqs.flat()).size).toBe(200);
  });

  it('with two lanes, the second append starts at once and the rest wait for a free lane', async () => {
    const table = fakeTable();
    const group = new GroupCommit(table.insert, { maxRows: 1000, lanes: 2 });
    await Promise.all(Array.from({ length: 50 }, (_, i) => group.append([`r${i}`])));
    expect(table.statements.map((s) => s.length)).toEqual([1, 1, 48]);
    expect(table.stored.size).toBe(50);
  });

  it('never puts more than maxRows rows in one statement', async () => {
    const table = fakeTable();
    const group = new GroupCommit(table.insert, { maxRows: 5, lanes: 2 });
    const seqs = await Promise.all(Array.from({ length: 23 }, (_, i) => group.append([`r${i}`, `s${i}`])));
    expect(Math.max(...table.statements.map((s) => s.length))).toBeLessThanOrEqual(5);
    expect(table.stored.size).toBe(46);
    expect(seqs.every((s) => s.length === 2)).toBe(true);
  });

  it('fails only the caller whose rows are refused', async () => {
    const table = fakeTable({ refuse: (row) => row === 'bad' });
    const group = new GroupCommit(table.insert, { maxRows: 100, lanes: 1 });
    const results = await Promise.allSettled([
      group.append(['first']),
      group.append(['good-1']),
      group.append(['bad']),
      group.append(['good-2', 'good-3']),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect([...table.stored.values()].sort()).toEqual(['first', 'good-1', 'good-2', 'good-3']);
  });

  it('idle() waits until every waiting append is inserted', async () => {
    const table = fakeTable();
    const group = new GroupCommit(table.insert, { maxRows: 100, lanes: 1 });
    const pending = Array.from({ length: 10 }, (_, i) => group.append([`r${i}`]));
    await group.idle();
    expect(table.stored.size).toBe(10);
    await Promise.all(pending);
  });
});

describe('audited reads appended concurrently (real database)', { timeout: 120_000 }, () => {
  const test = useTestDatabase({ territory: false });

  it('stores one entry per append, and each caller gets the seq of its own entry', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => `group-commit-${i}`);
    const appended = await Promise.all(
      requests.map((requestId) =>
        appendAudit(test.db, [
          { actorKind: 'system', actorId: 'test', action: 'read', resourceType: 'household', requestId },
        ]),
      ),
    );
    await auditAppendsSettled(test.db);
    const seqs = appended.map((a) => a[0]?.seq ?? -1);
    const rows = await test.db
      .selectFrom('audit_log')
      .select(['seq', 'request_id'])
      .where('request_id', 'like', 'group-commit-%')
      .execute();
    expect(rows.length).toBe(60);
    const bySeq = new Map(rows.map((r) => [Number(r.seq), r.request_id]));
    requests.forEach((requestId, i) => {
      expect(bySeq.get(seqs[i] ?? -1)).toBe(requestId);
    });
  });

  it('an entry the database refuses fails its own append only, not the others of its batch', async () => {
    const entry = (requestId: string, actorKind: 'system' = 'system') => [
      { actorKind, actorId: 'test', action: 'read', resourceType: 'household', requestId },
    ];
    // The first two take the two lanes; the next two wait and share a statement, which the check refuses.
    const results = await Promise.allSettled([
      appendAudit(test.db, entry('gc-first')),
      appendAudit(test.db, entry('gc-second')),
      appendAudit(test.db, entry('gc-good')),
      appendAudit(test.db, entry('gc-bad', 'nobody' as 'system')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    const stored = await test.db
      .selectFrom('audit_log')
      .select('request_id')
      .where('request_id', 'in', ['gc-first', 'gc-second', 'gc-good', 'gc-bad'])
      .orderBy('request_id')
      .execute();
    expect(stored.map((r) => r.request_id)).toEqual(['gc-first', 'gc-good', 'gc-second']);
  });
});
