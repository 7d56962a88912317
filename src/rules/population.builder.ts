import { z } from 'zod';
import { dayOf, NO_DAY, parseMonth } from './dates.ts';
import { codeOf, DISABILITY, EMPLOYMENT, ROLE, SECTOR, SEX } from './entities.ts';
import { IsoDate } from './parameters.ts';
import { allocatePopulation, checkPopulation, incomeInWindow, type PopulationColumns } from './population.ts';

/**
 * Plain-object situations (rule test cases, examples, the scalar side of property tests) turned into the
 * same columns the registry loader produces, with the same rules: members on the first day of the month,
 * alive and born; income pro-rated over the three months before; vehicles and deposits summed per person.
 */

export const IncomeSituation = z
  .object({
    monthly: z.number().nonnegative(),
    /** First day paid (inclusive); absent = long before. */
    from: IsoDate.optional(),
    /** First day no longer paid (exclusive); absent = still paid. */
    to: IsoDate.optional(),
  })
  .strict();

export const PersonSituation = z
  .object({
    id: z.string().min(1),
    role: z.enum(['head', 'spouse', 'child', 'other']).default('other'),
    sex: z.enum(['M', 'F']),
    birthDate: IsoDate,
    deathDate: IsoDate.optional(),
    /** Membership period [memberFrom, memberTo) in this household; absent = always. */
    memberFrom: IsoDate.optional(),
    memberTo: IsoDate.optional(),
    disability: z.enum(['I', 'II', 'III', 'child']).optional(),
    employment: z
      .enum([
        'none',
        'child',
        'student',
        'employed_formal',
        'employed_informal',
        'self_employed',
        'unemployed',
        'retired',
        'homemaker',
        'military',
      ])
      .default('none'),
    sector: z.enum(['public', 'private', 'security']).optional(),
    /** Start of the wage in force (formal employment). */
    formalEmploymentStart: IsoDate.optional(),
    /** Shorthand for one income paid every month. */
    monthlyIncome: z.number().nonnegative().optional(),
    incomes: z.array(IncomeSituation).default([]),
    /** Model years of the vehicles the person owns. */
    vehicles: z.array(z.number().int().min(1950).max(2100)).default([]),
    /** Total balance of the person’s latest bank statements. */
    deposits: z.number().nonnegative().default(0),
  })
  .strict();
export type PersonSituation = z.input<typeof PersonSituation>;

export const HouseholdSituation = z
  .object({
    id: z.string().min(1),
    district: z
      .string()
      .regex(/^\d{7}$/)
      .default('1733217'),
    residentialDwellings: z.number().int().min(0).default(1),
    nonResidentialProperties: z.number().int().min(0).default(0),
    previousCategory: z.enum(['none', 'state_supported', 'poor', 'borderline']).default('none'),
    mahallaHardship: z.boolean().default(false),
    members: z.array(PersonSituation).min(1),
  })
  .strict();
export type HouseholdSituation = z.input<typeof HouseholdSituation>;

/** Codes of `previousCategory` (those of `social_registry.category`). */
const PREVIOUS_CATEGORY = { none: 0, state_supported: 1, poor: 2, borderline: 3 } as const;

const clampByte = (n: number) => Math.min(255, n);

export function populationFromSituations(
  situations: readonly HouseholdSituation[],
  month: string,
): PopulationColumns {
  const m = parseMonth(month);
  const households = z.array(HouseholdSituation).parse(situations);
  const ids = new Set<string>();
  for (const h of households) {
    if (ids.has(h.id)) throw new RangeError(`Household id ${h.id} is used twice`);
    ids.add(h.id);
  }
  checkMembershipPeriods(households);

  const inForce = (from: string | undefined, to: string | undefined) =>
    (from === undefined || dayOf(from) <= m.firstDay) && (to === undefined || dayOf(to) > m.firstDay);
  const present = households
    .map((h) => ({
      household: h,
      members: h.members.filter(
        (p) =>
          inForce(p.memberFrom, p.memberTo) &&
          dayOf(p.birthDate) <= m.firstDay &&
          (p.deathDate === undefined || dayOf(p.deathDate) > m.firstDay),
      ),
    }))
    .filter((h) => h.members.length > 0);

  const districts = [...new Set(present.map((h) => h.household.district))].sort();
  const personCount = present.reduce((n, h) => n + h.members.length, 0);
  const population = allocatePopulation(m, personCount, present.length, districts);
  const householdIds: string[] = [];
  const personIds: string[] = [];
  const P = population.person;
  const H = population.household;
  let i = 0;
  present.forEach(({ household, members }, h) => {
    householdIds.push(household.id);
    H.district[h] = districts.indexOf(household.district);
    H.residentialDwellings[h] = clampByte(household.residentialDwellings);
    H.nonResidentialProperties[h] = clampByte(household.nonResidentialProperties);
    H.previousCategory[h] = PREVIOUS_CATEGORY[household.previousCategory];
    H.mahallaHardship[h] = household.mahallaHardship ? 1 : 0;
    for (const p of members) {
      personIds.push(p.id);
      P.household[i] = h;
      P.role[i] = ROLE[p.role];
      P.sex[i] = SEX[p.sex];
      P.birthDay[i] = dayOf(p.birthDate);
      P.disability[i] = p.disability ? DISABILITY[p.disability] : DISABILITY.none;
      P.employment[i] = codeOf(EMPLOYMENT, p.employment, 'employment');
      P.sector[i] = p.sector ? SECTOR[p.sector] : SECTOR.none;
      P.formalEmploymentStart[i] =
        p.employment === 'employed_formal' && p.formalEmploymentStart !== undefined
          ? dayOf(p.formalEmploymentStart)
          : NO_DAY;
      const incomes = [
        ...p.incomes,
        ...(p.monthlyIncome !== undefined ? [{ monthly: p.monthlyIncome }] : []),
      ];
      let income = 0;
      for (const inc of incomes) {
        const from = inc.from !== undefined ? dayOf(inc.from) : Number.MIN_SAFE_INTEGER;
        income += incomeInWindow(inc.monthly, from, inc.to !== undefined ? dayOf(inc.to) : null, m);
      }
      P.income3m[i] = Math.round(income);
      P.vehicles[i] = clampByte(p.vehicles.length);
      P.newestVehicleYear[i] = p.vehicles.length > 0 ? Math.max(...p.vehicles) : 0;
      P.deposits[i] = p.deposits;
      i++;
    }
  });
  const result: PopulationColumns = { ...population, householdIds, personIds };
  checkPopulation(result);
  return result;
}

/** A person may appear in several households (moves), but never in two on the same day. */
function checkMembershipPeriods(households: readonly z.output<typeof HouseholdSituation>[]): void {
  const periods = new Map<string, { household: string; from: number; to: number }[]>();
  for (const h of households) {
    for (const p of h.members) {
      const from = p.memberFrom !== undefined ? dayOf(p.memberFrom) : Number.NEGATIVE_INFINITY;
      const to = p.memberTo !== undefined ? dayOf(p.memberTo) : Number.POSITIVE_INFINITY;
      if (!(from < to)) throw new RangeError(`Person ${p.id} in ${h.id}: memberFrom must be before memberTo`);
      const list = periods.get(p.id) ?? [];
      for (const other of list) {
        if (from < other.to && other.from < to) {
          throw new RangeError(`Person ${p.id} is in ${other.household} and ${h.id} at the same time`);
        }
      }
      list.push({ household: h.id, from, to });
      periods.set(p.id, list);
    }
  }
}
