/**
 * Seeded synthetic population for the eligibility benchmarks, adapted from the generator of
 * bench/eligibility-core.bench.ts (same household sizes, ages, employment and income calibration), with
 * mahalla-confirmed hardship added so that every route to a category is exercised.
 */
import { daysFromCivil, NO_DAY, parseMonth } from '../../src/rules/dates.ts';
import { DISABILITY, EMPLOYMENT, ROLE, SECTOR, SEX } from '../../src/rules/entities.ts';
import { allocatePopulation, checkPopulation, type PopulationColumns } from '../../src/rules/population.ts';

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

function employmentOf(g: Generator, age: number, sex: number): number {
  if (age < 16) return EMPLOYMENT.child;
  if (age < 23 && g.chance(0.4)) return EMPLOYMENT.student;
  if (age >= (sex === SEX.F ? 55 : 60)) return EMPLOYMENT.retired;
  const r = g.next();
  if (r < 0.38) return EMPLOYMENT.employed_formal;
  if (r < 0.66) return EMPLOYMENT.employed_informal;
  if (r < 0.78) return EMPLOYMENT.self_employed;
  if (r < 0.9) return EMPLOYMENT.unemployed;
  if (r < 0.985) return EMPLOYMENT.homemaker;
  return EMPLOYMENT.military;
}

/** Roughly the synthetic registry's calibration: wages around 4.5 million, pensions around 1.8 million. */
function monthlyIncome(g: Generator, employment: number, wealth: number): number {
  switch (employment) {
    case EMPLOYMENT.employed_formal:
    case EMPLOYMENT.military:
      return 1_271_000 + Math.floor(g.next() * 7_000_000 * (0.4 + wealth));
    case EMPLOYMENT.self_employed:
      return 500_000 + Math.floor(g.next() * 5_000_000 * wealth);
    case EMPLOYMENT.employed_informal:
      return 300_000 + Math.floor(g.next() * 3_000_000 * wealth);
    case EMPLOYMENT.retired:
      return 1_000_000 + g.int(0, 1_600_000);
    default:
      return 0;
  }
}

export function buildPopulation(households: number, monthKey: string, seed: number): PopulationColumns {
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
    H.mahallaHardship[h] = g.chance(0.02) ? 1 : 0;
    const n = sizes[h] ?? 1;
    const headAge = g.int(24, 80);
    const wealth = g.next();
    for (let k = 0; k < n; k++, i++) {
      P.household[i] = h;
      const role =
        k === 0 ? ROLE.head : k === 1 && g.chance(0.85) ? ROLE.spouse : k < 5 ? ROLE.child : ROLE.other;
      P.role[i] = role;
      const sex = role === ROLE.spouse ? SEX.F : g.chance(k === 0 ? 0.9 : 0.5) ? SEX.M : SEX.F;
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
      const employment = employmentOf(g, age, sex);
      P.employment[i] = employment;
      const formal = employment === EMPLOYMENT.employed_formal;
      P.sector[i] = formal ? (g.chance(0.03) ? SECTOR.security : g.int(1, 2)) : SECTOR.none;
      // About one formal job in twenty started within the last six months (the employment grace).
      P.formalEmploymentStart[i] = formal ? month.firstDay - g.int(1, 3650) : NO_DAY;
      P.income3m[i] = monthlyIncome(g, employment, wealth) * 3;
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
