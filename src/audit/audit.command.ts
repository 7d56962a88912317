import { openConfiguredDatabase } from '../app.ts';
import { type CliCommand, CliUsageError } from '../cli/command.ts';
import { migrate } from '../platform/db/migrate.ts';
import { type SealResult, sealAudit } from './audit.sealer.ts';
import { verifyAuditChain } from './audit.service.ts';

const USAGE = `himoya audit verify | himoya audit seal

In the configured database (DATABASE_URL, else the embedded PGlite in DATA_DIR):

  seal    folds the entries of every ended transaction into the next sealed batch (the server does this
          every second; run it by hand after a load run or with the server stopped).
  verify  seals first, then walks every sealed batch: each batch's link to the one before, its hash and
          Merkle root, and every entry against its sealed leaf. Prints the entries and batches verified,
          the entries not sealed yet, the last batch (number and root: publish them, or compare them with
          ones published earlier) and the chain head, then either "audit chain intact" (exit 0) or the
          first broken link with its seq, batch and reason (exit 1).`;

const SUBCOMMANDS = ['verify', 'seal'] as const;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: 'Seal and verify the audit log (audit verify, audit seal)',
  usage: USAGE,
  async run(args, config) {
    const sub = args[0];
    if (args.length !== 1 || !SUBCOMMANDS.some((s) => s === sub)) {
      throw new CliUsageError(
        `Unknown or missing subcommand: expected 'verify' or 'seal', got '${args.join(' ')}'`,
      );
    }
    const database = await openConfiguredDatabase(config);
    try {
      await migrate(database);
      console.log(sealLine(await sealAudit(database.db)));
      if (sub === 'seal') return 0;
      const result = await verifyAuditChain(database.db);
      console.log(
        `Verified ${result.entries.toLocaleString('en')} audit entries in ${result.batches.toLocaleString('en')} sealed ${result.batches === 1 ? 'batch' : 'batches'}; ${result.unsealed.toLocaleString('en')} not sealed yet.`,
      );
      const last = result.lastBatch;
      console.log(
        last
          ? `Last batch: ${last.batch}, root ${last.root}, hash ${last.hash}, sealed ${last.sealedAt.toISOString()}`
          : 'Last batch: none sealed yet',
      );
      console.log(`Chain head: seq ${result.head.seq}, hash ${result.head.hash}`);
      if (result.ok) {
        console.log('audit chain intact');
        return 0;
      }
      const broken = result.firstBroken;
      console.error(`audit chain BROKEN at seq ${broken?.seq} (batch ${broken?.batch}): ${broken?.reason}`);
      return 1;
    } finally {
      await database.close();
    }
  },
};

function sealLine(result: SealResult): string {
  if (!result.ran) return 'Another process is sealing: nothing sealed by this run.';
  const b = result.batch;
  if (!b) return 'Nothing new to seal.';
  return `Sealed batch ${b.batch}: ${b.entries.toLocaleString('en')} entries (seq ${b.firstSeq} to ${b.lastSeq}), root ${b.root}`;
}
