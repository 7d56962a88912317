import { auditCommand } from '../audit/audit.command.ts';
import { evaluateCommand, simulateCommand } from '../decisions/decision.command.ts';
import { agenciesCommand } from '../integration/agencies/agencies.command.ts';
import { payrollCommand } from '../payments/payroll.command.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { seedCommand } from '../synthetic/seed.command.ts';
import { type CliCommand, CliUsageError } from './command.ts';
import { migrateCommand } from './migrate.command.ts';
import { serveCommand } from './serve.command.ts';

/** Every `himoya` subcommand. A context that adds a command adds one line here. */
const COMMANDS: CliCommand[] = [
  serveCommand,
  migrateCommand,
  seedCommand,
  evaluateCommand,
  simulateCommand,
  auditCommand,
  agenciesCommand,
  payrollCommand,
];

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`);
  return `Usage: himoya <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'himoya <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`Unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(`${command.usage}\n`);
    return 0;
  }
  try {
    const config = loadConfig();
    return await command.run(rest, config);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliUsageError) {
      console.error(error.message);
      if (error instanceof CliUsageError) console.error(`\n${command.usage}`);
      return 2;
    }
    throw error;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== -1) process.exit(code);
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
