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
import { daysFromCivil, NO_DAY, parseMonth } from '../src/rules/dates.ts';
import { DISABILITY, EMPLOYMENT, ROLE, SECTOR, SEX } from '../src/rules/entities.ts';
import { ColumnPool, evaluate } from '../src/rules/index.ts';
import { allocatePopulation, checkPopulation, type PopulationColumns } from '../src/rules/population.ts';

const { values: args } = parseArgs({
  options: {
    households: { type: 'string', default: '420000' },
    month: { type: 'string', default: '2026-03' },
    runs: { type: 'string', default: '7' },
    seed: { type: 'string', default: '1' },
    profile: { type: 'boolean', default: false },
  },
});

/** xorshift128+ folded to [0, 1): a seeded generator of this benchmark's own. */
class Generator {
  private a: number;
  private b: number;
  constructor(seed: number) {
    this.a = (seed * 2_654_435_761) >>> 0 || 1;
    this.b = (seed ^ 0x9e3779b9) >>> 0 || 2;
  }
  next(): number {
    let s1 = this.a;
    const s0 = this.b;
    this.a = s0;
    s1 ^= s1 << 23;
    s1 ^= s1 >>> 17;
    s1 ^= s0;
    s1 ^= s0 >>> 26;
    this.b = s1 >>> 0;
    return ((this.a + this.b) >>> 0) / 4_294_967_296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Household sizes 1..10, mean about 4.8 (Khorezm). */
const SIZE_WEIGHTS = [0.05, 0.09, 0.13, 0.18, 0.19, 0.15, 0.1, 0.06, 0.03, 0.02];

function size(g: Generator): number {
  let x = g.next();
  for (let i = 0; i < SIZE_WEIGHTS.length; i++) {
    x -= SIZE_WEIGHTS[i] ?? 0;
    if (x < 0) return i + 1;
  }
  return SIZE_WEIGHTS.length;
}

function build(households: number, monthKey: string, seed: number): PopulationColumns {
  const g = new Generator(seed);
  const month = parseMonth(monthKey);
  const sizes = new Uint8Array(households);
  let persons = 0;
  for (let h = 0; h < households; h++) {
    sizes[h] = size(g);
    persons += sizes[h] ?? 0;
  }
  const districts = Array.from({ length: 13 }, (_, i) => `17332${String(i).padStart(2, '0')}`);
  const population = allocatePopulation(month, persons, households, districts);
  const P = population.person;
  const H = population.household;
  const yearsAgo = (years: number, days: number) => daysFromCivil(month.year - years, month.month, 1) - days;
  let i = 0;
  for (let h = 0; h < households; h++) {
    H.district[h] = g.int(0, 12);
    H.residentialDwellings[h] = g.chance(0.03) ? 2 : 1;
    H.nonResidentialProperties[h] = g.chance(0.015) ? 1 : 0;
    H.previousCategory[h] = g.chance(0.1) ? g.int(1, 3) : 0;
    const n = sizes[h] ?? 1;
    const headAge = g.int(24, 80);
    const wealth = g.next();
    for (let k = 0; k < n; k++, i++) {
      P.household[i] = h;
      const role =
        k === 0 ? ROLE.head : k === 1 && g.chance(0.85) ? ROLE.spouse : k < 5 ? ROLE.child : ROLE.other;
      P.role[i] = role;
      const sex =
        k === 0
          ? g.chance(0.9)
            ? SEX.M
            : SEX.F
          : role === ROLE.spouse
            ? SEX.F
            : g.chance(0.5)
              ? SEX.M
              : SEX.F;
      P.sex[i] = sex;
      const age =
        role === ROLE.head
          ? headAge
          : role === ROLE.spouse
            ? Math.max(18, headAge - g.int(0, 6))
            : role === ROLE.child
              ? g.int(0, Math.max(0, Math.min(30, headAge - 18)))
              : g.int(0, 85);
      P.birthDay[i] = yearsAgo(age, g.int(0, 364));
      P.disability[i] = g.chance(0.03) ? (age < 18 ? DISABILITY.child : g.int(1, 3)) : DISABILITY.none;
      let employment: number = EMPLOYMENT.none;
      if (age < 16) employment = EMPLOYMENT.child;
      else if (age < 23 && g.chance(0.4)) employment = EMPLOYMENT.student;
      else if (age >= (sex === SEX.F ? 55 : 60)) employment = EMPLOYMENT.retired;
      else {
        const r = g.next();
        employment =
          r < 0.38
            ? EMPLOYMENT.employed_formal
            : r < 0.66
              ? EMPLOYMENT.employed_informal
              : r < 0.78
                ? EMPLOYMENT.self_employed
                : r < 0.9
                  ? EMPLOYMENT.unemployed
                  : r < 0.985
                    ? EMPLOYMENT.homemaker
                    : EMPLOYMENT.military;
      }
      P.employment[i] = employment;
      P.sector[i] =
        employment === EMPLOYMENT.employed_formal
          ? g.chance(0.03)
            ? SECTOR.security
            : g.int(1, 2)
          : SECTOR.none;
      P.formalEmploymentStart[i] =
        employment === EMPLOYMENT.employed_formal ? month.firstDay - g.int(1, 3650) : NO_DAY;
      // Roughly the synthetic registry's calibration: wages around 4.5 million, pensions around 1.8 million.
      const monthly =
        employment === EMPLOYMENT.employed_formal || employment === EMPLOYMENT.military
          ? 1_271_000 + Math.floor(g.next() * 7_000_000 * (0.4 + wealth))
          : employment === EMPLOYMENT.self_employed
            ? 500_000 + Math.floor(g.next() * 5_000_000 * wealth)
            : employment === EMPLOYMENT.employed_informal
              ? 300_000 + Math.floor(g.next() * 3_000_000 * wealth)
              : employment === EMPLOYMENT.retired
                ? 1_000_000 + g.int(0, 1_600_000)
                : 0;
      P.income3m[i] = monthly * 3;
      if (k < 2 && g.chance(0.25 * (0.5 + wealth))) {
        P.vehicles[i] = g.chance(0.07) ? 2 : 1;
        P.newestVehicleYear[i] = g.chance(0.3) ? month.year - g.int(0, 7) : g.int(1980, month.year - 8);
      }
      P.deposits[i] = k === 0 && g.chance(0.12 * (0.5 + wealth)) ? g.int(50_000, 15_000_000) : 0;
    }
  }
  checkPopulation(population);
  return population;
}

const households = Number(args.households);
const runs = Math.max(1, Number(args.runs));
const month = args.month;

let start = performance.now();
const population = build(households, month, Number(args.seed));
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
