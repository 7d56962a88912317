/**
 * Himoya's engine against three peers on the same synthetic population and the same rules (exclusion
 * filters, Social Registry category with its borderline bands, child allowance, material assistance):
 *
 *   npm run bench:eligibility -- [--households 420000] [--month 2026-03] [--seed 1] [--runs 5]
 *                                [--peer-sample K] [--only himoya|json-rules-engine|zen-engine|sql]
 *
 * (1) Himoya: `evaluate` over the columns, pooled buffers, best of `runs` after a warm-up;
 * (2) json-rules-engine: one Engine, one run per household over precomputed household facts;
 * (3) @gorules/zen-engine: a JDM decision graph, one async evaluation per household, in concurrent chunks;
 * (4) PostgreSQL: the population COPYed into a schema of the benchmark's own, one select grouped by household
 *     (DATABASE_URL, default postgres://root@127.0.0.1:5432/test).
 * Checks that all agree on every household evaluated (category, benefit share, child allowance, material
 * assistance), then prints a final JSON line. Times are evaluation only; generation, facts preparation and
 * loading are reported apart. `--peer-sample K` times json-rules-engine and zen-engine on K households spread
 * over the population and extrapolates to N (said so in the output); by default they run on all N.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ColumnPool, type EvaluationResult, evaluate } from '../src/rules/index.ts';
import type { PopulationColumns } from '../src/rules/population.ts';
import { createEngine, runJsonRulesEngine } from './eligibility/json-rules-engine.ts';
import { buildPopulation } from './eligibility/population.ts';
import {
  allocateOutputs,
  disagreements,
  type HouseholdFacts,
  himoyaOutputs,
  householdFacts,
  type MonthParameters,
  monthParameters,
  type Outputs,
} from './eligibility/rules.ts';
import * as sql from './eligibility/sql.ts';
import { createZen } from './eligibility/zen.ts';

const ENGINES = ['himoya', 'json-rules-engine', 'zen-engine', 'sql'] as const;
type EngineName = (typeof ENGINES)[number];

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '420000' },
    month: { type: 'string', default: '2026-03' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '5' },
    'peer-sample': { type: 'string' },
    only: { type: 'string', multiple: true },
  },
});

const households = Number(args.households);
const runs = Math.max(1, Number(args.runs));
const month = args.month;
const selected = new Set<EngineName>();
for (const name of args.only ?? ENGINES) {
  if (!(ENGINES as readonly string[]).includes(name)) throw new Error(`--only: unknown engine ${name}`);
  selected.add(name as EngineName);
}
const sample = args['peer-sample'] === undefined ? undefined : Math.max(1, Number(args['peer-sample']));
if (!Number.isInteger(households) || households < 1) throw new Error('--households: a positive integer');

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const ms = (t: number) => Number(t.toFixed(1));
const log = (line: string) => console.log(line);

log(`${new Date().toISOString()}  load average ${load()} on ${availableParallelism()} CPUs`);

let t = performance.now();
const population: PopulationColumns = buildPopulation(households, month, Number(args.seed));
log(
  `generated ${population.householdCount} households, ${population.personCount} persons ` +
    `(seed ${args.seed}, ${month}) in ${(performance.now() - t).toFixed(0)} ms`,
);

// (1) Himoya.
let himoya: Outputs | undefined;
let himoyaMs = Number.NaN;
if (selected.has('himoya')) {
  const pool = new ColumnPool();
  t = performance.now();
  let result: EvaluationResult = evaluate(population, month, undefined, { pool });
  const coldMs = performance.now() - t;
  const times: number[] = [];
  const cpu: number[] = [];
  for (let run = 0; run < runs; run++) {
    result.release();
    const c = process.cpuUsage();
    t = performance.now();
    result = evaluate(population, month, undefined, { pool });
    times.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  himoyaMs = Math.min(...times);
  log(
    `himoya: best ${himoyaMs.toFixed(1)} ms of ${runs} warm runs (${times.map((x) => x.toFixed(1)).join(', ')}; ` +
      `CPU ${cpu.map((x) => x.toFixed(1)).join(', ')}), first (cold) ${coldMs.toFixed(1)} ms`,
  );
  if (selected.size > 1) himoya = himoyaOutputs(result);
  result.release();
}

/** Household indices spread evenly over the population (every k-th). */
function sampleIndices(n: number, k: number): Int32Array {
  const out = new Int32Array(Math.min(n, k));
  for (let i = 0; i < out.length; i++) out[i] = Math.floor((i * n) / out.length);
  return out;
}

const peerIndices =
  sample !== undefined && sample < households ? sampleIndices(households, sample) : undefined;
const peerCount = peerIndices ? peerIndices.length : households;
const scale = households / peerCount;
if (peerIndices && (selected.has('json-rules-engine') || selected.has('zen-engine'))) {
  log(
    `json-rules-engine and zen-engine: timed on a sample of ${peerCount} households (every ` +
      `${scale.toFixed(1)}th) and EXTRAPOLATED ×${scale.toFixed(2)} to ${households}`,
  );
}

let facts: HouseholdFacts[] = [];
let params: MonthParameters | undefined;
if (selected.has('json-rules-engine') || selected.has('zen-engine') || selected.has('sql')) {
  params = monthParameters(month);
}
if (params && (selected.has('json-rules-engine') || selected.has('zen-engine'))) {
  t = performance.now();
  facts = householdFacts(population, params);
  log(
    `household facts for the per-record engines prepared in ${(performance.now() - t).toFixed(0)} ms (not in their times)`,
  );
}

const peers: Partial<Record<EngineName, { ms: number; out: Outputs; extrapolated: boolean }>> = {};

async function timeAsync(what: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await what();
  return performance.now() - start;
}

if (params && selected.has('json-rules-engine')) {
  const engine = createEngine(params);
  const out = allocateOutputs(households);
  // Warm-up on a few households, then the timed pass.
  await runJsonRulesEngine(engine, facts, allocateOutputs(households), sampleIndices(households, 2000));
  const measured = await timeAsync(() => runJsonRulesEngine(engine, facts, out, peerIndices));
  peers['json-rules-engine'] = { ms: measured * scale, out, extrapolated: peerIndices !== undefined };
  log(
    `json-rules-engine: ${measured.toFixed(0)} ms for ${peerCount} households ` +
      `(${((measured * 1000) / peerCount).toFixed(1)} µs each)${peerIndices ? `, extrapolated ${(measured * scale).toFixed(0)} ms` : ''}`,
  );
}

if (params && selected.has('zen-engine')) {
  const zen = createZen(params);
  const out = allocateOutputs(households);
  try {
    await zen.run(facts, allocateOutputs(households), sampleIndices(households, 2000));
    const measured = await timeAsync(() => zen.run(facts, out, peerIndices));
    peers['zen-engine'] = { ms: measured * scale, out, extrapolated: peerIndices !== undefined };
    log(
      `zen-engine: ${measured.toFixed(0)} ms for ${peerCount} households ` +
        `(${((measured * 1000) / peerCount).toFixed(1)} µs each)${peerIndices ? `, extrapolated ${(measured * scale).toFixed(0)} ms` : ''}`,
    );
  } finally {
    zen.dispose();
  }
}

if (params && selected.has('sql')) {
  const bench = await sql.connect(process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test');
  try {
    t = performance.now();
    await sql.load(bench, population);
    log(
      `sql: loaded with COPY into schema ${bench.schema} in ${(performance.now() - t).toFixed(0)} ms (not in its time)`,
    );
    const query = sql.statement(bench.schema, params);
    const out = allocateOutputs(households);
    await sql.run(bench, query, allocateOutputs(households));
    const times: number[] = [];
    const sqlRuns = Math.min(runs, 3);
    for (let run = 0; run < sqlRuns; run++) {
      t = performance.now();
      const rows = await sql.run(bench, query, out);
      times.push(performance.now() - t);
      if (rows !== households) throw new Error(`sql returned ${rows} rows for ${households} households`);
    }
    const server = await sql.serverTime(bench, query);
    const best = Math.min(...times);
    peers.sql = { ms: best, out, extrapolated: false };
    log(
      `sql: best ${best.toFixed(0)} ms of ${sqlRuns} runs after a warm-up (${times.map((x) => x.toFixed(0)).join(', ')}), ` +
        `rows fetched by the client; execution on the server alone (EXPLAIN ANALYZE) ${server.toFixed(0)} ms`,
    );
  } finally {
    await sql.drop(bench);
  }
}

// Agreement with Himoya on every household each peer evaluated.
let agree = true;
const reference = himoya;
for (const [name, peer] of Object.entries(peers)) {
  if (!reference || !peer) continue;
  const indices = name === 'sql' ? undefined : peerIndices;
  const { count, first } = disagreements(reference, peer.out, indices);
  const checked = indices ? indices.length : households;
  if (count === 0) {
    log(`${name}: agrees with himoya on all ${checked} households evaluated`);
    continue;
  }
  agree = false;
  log(`${name}: DISAGREES with himoya on ${count} of ${checked} households; first:`);
  for (const d of first) {
    log(`  household ${d.household} ${d.field}: himoya ${d.expected}, ${name} ${d.actual}`);
    if (facts.length === 0 && params) facts = householdFacts(population, params);
    const f = facts[d.household];
    log(`    facts ${JSON.stringify(f)}`);
  }
}
if (reference) {
  const counts = [0, 0, 0, 0];
  for (const c of reference.category) counts[c] = (counts[c] ?? 0) + 1;
  log(
    `categories (himoya): none ${counts[0]}, state-supported ${counts[1]}, poor ${counts[2]}, borderline ${counts[3]}`,
  );
}

const usage = process.resourceUsage();
const peakRssMiB = Math.round(usage.maxRSS / 1024);
log(`peak RSS ${peakRssMiB} MiB; load average ${load()}`);
const summary: Record<string, number | boolean | string> = {
  households,
  persons: population.personCount,
};
if (selected.has('himoya')) summary.himoya_ms = ms(himoyaMs);
const keys: Record<Exclude<EngineName, 'himoya'>, string> = {
  'json-rules-engine': 'json_rules_engine_ms',
  'zen-engine': 'zen_engine_ms',
  sql: 'sql_ms',
};
for (const [name, key] of Object.entries(keys)) {
  const peer = peers[name as EngineName];
  if (peer) summary[key] = ms(peer.ms);
}
if (Object.keys(peers).length > 0 && himoya) summary.agree = agree;
if (peerIndices && (peers['json-rules-engine'] || peers['zen-engine'])) summary.peer_sample = peerCount;
for (const [name, key] of Object.entries(keys)) {
  const peer = peers[name as EngineName];
  if (peer && selected.has('himoya')) {
    const ratio = peer.ms / himoyaMs;
    summary[`himoya_vs_${key.replace(/_ms$/, '')}`] = Math.round(ratio);
    log(
      `himoya vs ${name}: ${ratio.toFixed(0)}× faster${peer.extrapolated ? ' (peer extrapolated from the sample)' : ''}`,
    );
  }
}
summary.peak_rss_mib = peakRssMiB;
summary.load_average = load();
log(JSON.stringify(summary));
if (!agree) process.exitCode = 1;
