import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CliUsageError } from '../cli/command.ts';
import { loadConfig } from '../platform/config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { parseSeedArgs, seedCommand } from './seed.command.ts';

describe('himoya seed arguments', () => {
  it('has defaults', () => {
    expect(parseSeedArgs([])).toEqual({ households: 20000, seed: 2026, scope: 'khorezm', reset: false });
  });

  it('reads every flag', () => {
    expect(
      parseSeedArgs([
        '--households',
        '420000',
        '--seed=-5',
        '--region',
        'uzbekistan',
        '--reset',
        '--reference-date',
        '2026-02-01',
      ]),
    ).toEqual({
      households: 420000,
      seed: -5,
      scope: 'uzbekistan',
      reset: true,
      referenceDate: '2026-02-01',
    });
  });

  it.each([
    [['--households', 'many']],
    [['--households', '0']],
    [['--households', '2.5']],
    [['--seed', '99999999999']],
    [['--region', 'samarqand']],
    [['--reference-date', '2026-02-30']],
    [['--reference-date', '1/2/2026']],
    [['--unknown']],
    [['extra']],
  ])('rejects %j', (args) => {
    expect(() => parseSeedArgs(args)).toThrow(CliUsageError);
  });
});

describe('himoya seed on the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'himoya-seed-'));
  // An explicit environment: the embedded PGlite in a folder of its own, whatever DATABASE_URL says.
  const config = loadConfig({ DATA_DIR: dir });
  const output: string[] = [];

  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation((text: unknown) => void output.push(String(text)));
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void output.push(String(text)));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seeds an empty registry, refuses a full one, and starts over with --reset', async () => {
    expect(
      await seedCommand.run(['--households', '300', '--seed', '3', '--reference-date', '2026-03-01'], config),
    ).toBe(0);
    expect(output.join('\n')).toMatch(/Seeded 300 households, [\d,]+ persons into pglite/);

    output.length = 0;
    expect(await seedCommand.run(['--households', '200'], config)).toBe(1);
    expect(output.join('\n')).toMatch(/already holds 300 households.*--reset/s);

    expect(await seedCommand.run(['--households', '200', '--reset'], config)).toBe(0);
    const database = await openDatabase({ dataDir: join(dir, 'pglite') });
    try {
      const { rows } = await database.query<{ households: number; runs: number }>(
        'select (select count(*) from household)::int as households, (select count(*) from seed_run)::int as runs',
      );
      expect(rows[0]).toEqual({ households: 200, runs: 2 });
    } finally {
      await database.close();
    }
  });
});
