import { parseArgs } from 'node:util';
import { openConfiguredDatabase } from '../app.ts';
import { type CliCommand, CliUsageError } from '../cli/command.ts';
import { migrate } from '../platform/db/migrate.ts';
import { DomainError } from '../platform/errors.ts';
import { CURRENCY, formatNumber } from '../shared/format.ts';
import { currentMonth, evaluateMonth } from './decision.service.ts';
import { declareProgrammes } from './programme.repository.ts';
import { failRunOnInterrupt } from './run-interruption.ts';
import { type SimulationChange, simulate } from './simulation.service.ts';

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

function parse(args: string[], options: { set: boolean }) {
  try {
    return parseArgs({
      args,
      options: {
        month: { type: 'string' },
        ...(options.set ? { set: { type: 'string' as const, multiple: true as const } } : {}),
      },
      strict: true,
      allowPositionals: false,
    }).values as { month?: string; set?: string[] };
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
}

function monthOf(value: string | undefined): string {
  const month = value ?? currentMonth();
  if (!MONTH.test(month)) throw new CliUsageError(`--month must be YYYY-MM, not '${month}'`);
  return month;
}

/** `name=*1.2` (a factor), `name=858000` or `name=true|false` (a value). */
export function parseSet(text: string): SimulationChange {
  const match = /^([a-z0-9_.]+)=(\*?)(.+)$/.exec(text);
  if (!match?.[1] || match[3] === undefined) {
    throw new CliUsageError(`--set must look like name=value or name=*factor, not '${text}'`);
  }
  const [, parameter, star, raw] = match;
  if (raw === 'true' || raw === 'false') {
    if (star) throw new CliUsageError(`--set ${parameter}: a factor must be a number`);
    return { parameter, value: raw === 'true' };
  }
  const number = Number(raw);
  if (!Number.isFinite(number)) throw new CliUsageError(`--set ${parameter}: '${raw}' is not a number`);
  return star ? { parameter, factor: number } : { parameter, value: number };
}

export const evaluateCommand: CliCommand = {
  name: 'evaluate',
  summary: "Evaluate a month's decisions for the whole registry (changes only)",
  usage: `himoya evaluate [--month YYYY-MM]

Evaluates every programme for every household of the month (default: the current month), compares the
outcome with the entitlements in force and records a decision, with its trace, for each change only.
Interrupted (Ctrl-C, SIGTERM) or crashing, it marks its run failed; re-running the month is safe.`,
  async run(args, config) {
    const month = monthOf(parse(args, { set: false }).month);
    const database = await openConfiguredDatabase(config);
    let runId: number | undefined;
    const release = failRunOnInterrupt(database.db, () => runId);
    try {
      await migrate(database);
      await declareProgrammes(database.db);
      const s = await evaluateMonth(database.db, month, {
        trigger: 'manual',
        onRun: (id) => {
          runId = id;
          console.log(`Evaluating ${month} as run ${id}`);
        },
      });
      console.log(
        `Evaluated ${s.month}: ${s.householdsEvaluated} households, ${s.decisionsWritten} decisions ` +
          `(granted ${s.byKind.granted}, amount changed ${s.byKind.amount_changed}, ended ${s.byKind.ended}); ` +
          `run ${s.runId}`,
      );
      console.log(
        `Time: load ${s.timings.loadMs} ms, evaluate and compare ${s.timings.evaluateMs} ms, ` +
          `explain and write ${s.timings.writeMs} ms, total ${s.timings.totalMs} ms`,
      );
      return 0;
    } finally {
      release();
      await database.close();
    }
  },
};

export const simulateCommand: CliCommand = {
  name: 'simulate',
  summary: 'What-if: a month evaluated with changed parameters, against its baseline',
  usage: `himoya simulate --month YYYY-MM --set name=*factor|name=value [--set ...]

Example: himoya simulate --month 2026-03 --set common.mce=*1.2
Prints households gained, lost and changed and the monthly cost difference, in total, by district and
by category. Nothing is written.`,
  async run(args, config) {
    const values = parse(args, { set: true });
    const month = monthOf(values.month);
    const changes = (values.set ?? []).map(parseSet);
    if (changes.length === 0) throw new CliUsageError('give at least one --set');
    const database = await openConfiguredDatabase(config);
    try {
      await migrate(database);
      const r = await simulate(database.db, { month, changes });
      const som = (n: number) => formatNumber(Math.round(n), 'en');
      const t = r.total;
      console.log(
        `Simulation of ${r.month}: ${r.changes.map((c) => `${c.parameter}=${c.value}`).join(', ')}`,
      );
      console.log(
        `${t.households} households: gained ${t.gained}, lost ${t.lost}, changed ${t.changed}; ` +
          `monthly cost ${som(t.baselineCost)} -> ${som(t.scenarioCost)} ${CURRENCY.en} (${t.costDifference >= 0 ? '+' : ''}${som(t.costDifference)})`,
      );
      console.log('By district:');
      for (const d of r.byDistrict) {
        console.log(
          `  ${d.district}  gained ${d.gained}, lost ${d.lost}, changed ${d.changed}, cost ${som(d.costDifference)}`,
        );
      }
      console.log('By category (baseline -> scenario households, cost difference):');
      for (const c of r.byCategory) {
        console.log(
          `  ${c.category.padEnd(16)} ${c.baselineHouseholds} -> ${c.scenarioHouseholds}, ${som(c.costDifference)}`,
        );
      }
      console.log(`Time: load ${r.timings.loadMs} ms, evaluate twice and compare ${r.timings.evaluateMs} ms`);
      return 0;
    } catch (error) {
      if (error instanceof DomainError) {
        console.error(`${error.code}: ${error.message} ${JSON.stringify(error.details ?? {})}`);
        return 2;
      }
      throw error;
    } finally {
      await database.close();
    }
  },
};
