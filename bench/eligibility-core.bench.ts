/**
 * Evaluation time of the full programme set (exclusion filters, Social Registry category, child allowance,
 * material assistance) over a synthetic columnar population, without a database: the engine alone.
 *
 *   npx tsx bench/eligibility-core.bench.ts [--households 420000] [--month 2026-03] [--runs 7] [--seed 1] [--profile]
 *
 * Prints the time of each run and a final JSON line. Loading from the registry is not included (see the
 * rules README); the comparison with json-rules-engine, zen-engine and SQL is a separate benchmark.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ColumnPool, evaluate } from '../src/rules/index.ts';
import { buildPopulation } from './eligibility/population.ts';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '420000' },
    month: { type: 'string', default: '2026-03' },
    runs: { type: 'string', default: '7' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});

const households = Number(args.households);
const runs = Math.max(1, Number(args.runs));
const month = args.month;

let start = performance.now();
const population = buildPopulation(households, month, Number(args.seed));
const buildMs = performance.now() - start;
console.log(
  `built ${population.householdCount} households, ${population.personCount} persons ` +
    `(${(population.personCount / population.householdCount).toFixed(2)} per household) in ${buildMs.toFixed(0)} ms`,
);

// Cold: fresh arrays, as a one-off evaluation gets them. Warm: buffers reused from a pool, as the nightly
// job and simulations run (fresh memory costs page faults that dwarf the arithmetic on virtual machines).
start = performance.now();
evaluate(population, month);
const coldMs = performance.now() - start;
const pool = new ColumnPool();
const times: number[] = [];
// CPU time of this process as well: on a shared machine the wall time includes waiting for the CPU.
const cpuTimes: number[] = [];
let result = evaluate(population, month, undefined, { pool });
for (let run = 0; run < runs; run++) {
  result.release();
  const cpu = process.cpuUsage();
  start = performance.now();
  result = evaluate(population, month, undefined, { pool });
  times.push(performance.now() - start);
  const used = process.cpuUsage(cpu);
  cpuTimes.push((used.user + used.system) / 1000);
}
if (args.profile) {
  const timings = new Map<string, number>();
  result.release();
  result = evaluate(population, month, undefined, { pool, timings });
  const rows = [...timings].sort((a, b) => b[1] - a[1]);
  for (const [name, ms] of rows) console.log(`  ${ms.toFixed(2).padStart(8)} ms  ${name}`);
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const cpuSorted = [...cpuTimes].sort((a, b) => a - b);
const cpuMedian = cpuSorted[Math.floor(cpuSorted.length / 2)] ?? 0;
console.log(`cold evaluation (fresh arrays): ${coldMs.toFixed(1)} ms`);
console.log(`warm evaluation runs (pooled arrays, ms): ${times.map((t) => t.toFixed(1)).join(', ')}`);
console.log(`  CPU time of those runs (ms): ${cpuTimes.map((t) => t.toFixed(1)).join(', ')}`);
console.log(
  `load average: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${availableParallelism()} CPUs`,
);

const category = result.values.get('social_registry.category') ?? new Uint8Array(0);
const counts = [0, 0, 0, 0];
for (const c of category) counts[c] = (counts[c] ?? 0) + 1;
let childAllowance = 0;
let assistance = 0;
for (const v of result.values.get('child_allowance.amount') ?? []) childAllowance += v;
for (const v of result.values.get('material_assistance.amount') ?? []) assistance += v;
console.log(
  `categories: none ${counts[0]}, state-supported ${counts[1]}, poor ${counts[2]}, borderline ${counts[3]}; ` +
    `monthly cost: child allowance ${(childAllowance / 1e9).toFixed(2)} bn so'm, material assistance ${(assistance / 1e9).toFixed(2)} bn so'm`,
);
console.log(
  JSON.stringify({
    households: population.householdCount,
    persons: population.personCount,
    month,
    himoya_ms: Number(median.toFixed(1)),
    himoya_min_ms: Number((sorted[0] ?? 0).toFixed(1)),
    himoya_cold_ms: Number(coldMs.toFixed(1)),
    himoya_cpu_ms: Number(cpuMedian.toFixed(1)),
    runs,
    build_ms: Math.round(buildMs),
    rss_mib: Math.round(process.memoryUsage().rss / 2 ** 20),
  }),
);
