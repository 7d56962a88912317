import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openConfiguredDatabase } from '../app.ts';
import { CliUsageError } from '../cli/command.ts';
import { loadConfig } from '../platform/config.ts';
import { migrate } from '../platform/db/migrate.ts';
import { auditCommand } from './audit.command.ts';
import { appendAudit } from './audit.service.ts';

describe('himoya audit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'himoya-audit-'));
  // An explicit environment: the embedded PGlite in a folder of its own, whatever DATABASE_URL says.
  const config = loadConfig({ DATA_DIR: dir });
  const output: string[] = [];

  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation((text: unknown) => void output.push(String(text)));
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void output.push(String(text)));
  });

  afterAll(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  it('rejects anything but the verify and seal subcommands', async () => {
    await expect(auditCommand.run([], config)).rejects.toThrow(CliUsageError);
    await expect(auditCommand.run(['check'], config)).rejects.toThrow(CliUsageError);
    await expect(auditCommand.run(['seal', 'verify'], config)).rejects.toThrow(CliUsageError);
  });

  it('seals first, reports an intact log with its last batch (exit 0), then the first broken link (exit 1)', async () => {
    const database = await openConfiguredDatabase(config);
    try {
      await migrate(database);
      await appendAudit(
        database.db,
        Array.from({ length: 30 }, (_, i) => ({
          actorKind: 'system' as const,
          actorId: 'monthly-evaluation',
          action: 'read',
          resourceType: 'household',
          requestId: `job-${i}`,
        })),
      );
    } finally {
      await database.close();
    }

    output.length = 0;
    expect(await auditCommand.run(['verify'], config)).toBe(0);
    const intact = output.join('\n');
    expect(intact).toMatch(/^Sealed batch 1: 30 entries \(seq 1 to 30\), root [0-9a-f]{64}$/m);
    expect(intact).toContain('Verified 30 audit entries in 1 sealed batch; 0 not sealed yet.');
    expect(intact).toMatch(/^Last batch: 1, root [0-9a-f]{64}, hash [0-9a-f]{64}, sealed \d{4}-\d\d-\d\dT/m);
    expect(intact).toMatch(/Chain head: seq 30, hash [0-9a-f]{64}/);
    expect(intact).toContain('audit chain intact');

    output.length = 0;
    expect(await auditCommand.run(['seal'], config)).toBe(0);
    expect(output).toEqual(['Nothing new to seal.']);

    const tampered = await openConfiguredDatabase(config);
    try {
      await tampered.db.transaction().execute(async (trx) => {
        await sql`set local session_replication_role = replica`.execute(trx);
        await sql`update audit_log set action = 'export' where seq = 17`.execute(trx);
      });
    } finally {
      await tampered.close();
    }

    output.length = 0;
    expect(await auditCommand.run(['verify'], config)).toBe(1);
    const broken = output.join('\n');
    expect(broken).toContain('Verified 16 audit entries in 0 sealed batches; 0 not sealed yet.');
    expect(broken).toContain('audit chain BROKEN at seq 17 (batch 1): hash mismatch');
    expect(broken).not.toContain('intact');
  });
});
