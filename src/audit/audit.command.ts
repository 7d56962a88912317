import { openConfiguredDatabase } from '../app.ts';
import { type CliCommand, CliUsageError } from '../cli/command.ts';
import { migrate } from '../platform/db/migrate.ts';
import { verifyAuditChain } from './audit.service.ts';

const USAGE = `himoya audit verify

Walks the audit log's hash chain in the configured database (DATABASE_URL, else the embedded PGlite in
DATA_DIR) and checks every link and the chain head. Prints the number of entries verified and the head
(seq and hash: publish it, or compare it with one published earlier), then either "audit chain intact"
(exit 0) or the first broken link with its seq and reason (exit 1).`;

export const auditCommand: CliCommand = {
  name: 'audit',
  summary: "Verify the audit log's hash chain (audit verify)",
  usage: USAGE,
  async run(args, config) {
    if (args.length !== 1 || args[0] !== 'verify') {
      throw new CliUsageError(`Unknown or missing subcommand: expected 'verify', got '${args.join(' ')}'`);
    }
    const database = await openConfiguredDatabase(config);
    try {
      await migrate(database);
      const result = await verifyAuditChain(database.db);
      console.log(`Verified ${result.entries.toLocaleString('en')} audit entries.`);
      console.log(`Chain head: seq ${result.head.seq}, hash ${result.head.hash}`);
      if (result.ok) {
        console.log('audit chain intact');
        return 0;
      }
      const broken = result.firstBroken;
      console.error(`audit chain BROKEN at seq ${broken?.seq}: ${broken?.reason}`);
      return 1;
    } finally {
      await database.close();
    }
  },
};
