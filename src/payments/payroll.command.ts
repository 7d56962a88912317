import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from '../app.ts';
import { type CliCommand, CliUsageError } from '../cli/command.ts';
import { migrate } from '../platform/db/migrate.ts';
import { DomainError } from '../platform/errors.ts';
import { khorezmToday } from '../shared/khorezm-clock.ts';
import { paymentSettings } from './payments.settings.ts';
import { buildPayrolls, monthlyProgrammes } from './payroll.service.ts';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

export const payrollCommand: CliCommand = {
  name: 'payroll',
  summary: "Build a month's payroll: payable lines, arrears, holds and bank batches",
  usage: `himoya payroll build [--month YYYY-MM] [--programme P]

Builds the payroll of the month (default: this month in Tashkent) for every programme paid monthly, or for
the one named: a line per household entitled that month, arrears and corrections for earlier months that
backdated decisions changed, lines held for households with an open hold or no account to pay to, and the
rest in batches by bank and district awaiting a finance officer's approval. A build is one transaction: an
interrupted one leaves nothing, and building a month again returns the run already built.`,
  async run(args, config) {
    let values: { month?: string; programme?: string };
    let positionals: string[];
    try {
      const parsed = parseArgs({
        args,
        options: { month: { type: 'string' }, programme: { type: 'string' } },
        strict: true,
        allowPositionals: true,
      });
      values = parsed.values;
      positionals = parsed.positionals;
    } catch (error) {
      throw new CliUsageError(error instanceof Error ? error.message : String(error));
    }
    if (positionals.length !== 1 || positionals[0] !== 'build') throw new CliUsageError('say: payroll build');
    const month = values.month ?? khorezmToday().slice(0, 7);
    if (!MONTH.test(month)) throw new CliUsageError(`--month must be YYYY-MM, not '${month}'`);
    if (values.programme && !monthlyProgrammes().includes(values.programme)) {
      throw new CliUsageError(
        `--programme must be one of the programmes paid monthly: ${monthlyProgrammes().join(', ')}`,
      );
    }
    const database = await openConfiguredDatabase(config);
    try {
      // Decisions name their programmes already: a payroll adds no programme of its own.
      await migrate(database);
      const results = await buildPayrolls(database.db, {
        month,
        programme: values.programme,
        builtBy: 'cli',
        fourEyesAbove: paymentSettings(config).fourEyesAbove,
      });
      for (const { run, created } of results) {
        console.log(
          `${created ? 'Built' : 'Already built'} ${run.month} ${run.programme} (run ${run.id}): ` +
            `${run.lines} lines, ${run.total} so'm; ${run.batches} batches of ${run.batchTotal} so'm; ` +
            `${run.heldLines} held (${run.heldTotal} so'm)`,
        );
      }
      return 0;
    } catch (error) {
      if (error instanceof DomainError) {
        console.error(error.message);
        return 1;
      }
      throw error;
    } finally {
      await database.close();
    }
  },
};
