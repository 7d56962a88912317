import { householdArray, personArray } from '../../rules/engine.ts';
import { EMPLOYMENT, SECTOR } from '../../rules/entities.ts';
import type { LocalisedText } from '../../rules/parameters.ts';
import {
  defineVariable,
  type EnumValue,
  type HouseholdScalarContext,
  type VectorContext,
} from '../../rules/variables.ts';
import { P as COMMON } from '../common/parameters.ts';
import { P as X } from './parameters.ts';

/**
 * Exclusion filters (older official list of 2021, unverified for 2026, every threshold configurable): more
 * than one dwelling or any non-residential property; a car up to 7 years old, or two or more cars; bank
 * deposits of 5 x minimum wage or more; a member serving in defence, interior, emergency, security or
 * customs bodies. A family caught by any filter gets no low-income category.
 */

/** Bits of `exclusion.reasons`, one per filter. */
export const EXCLUSION_BIT = {
  extra_dwelling: 1,
  non_residential_property: 2,
  recent_car: 4,
  several_cars: 8,
  large_deposits: 16,
  security_service: 32,
} as const;

/** The model year makes a car "recent" when the month’s year minus it is at most the limit. */
export function isRecentCar(newestModelYear: number, year: number, maxAgeYears: number): boolean {
  return newestModelYear > 0 && year - newestModelYear <= maxAgeYears;
}

// Module-local codes: read in loops over every person (see social-registry/rules.ts).
const SECURITY_SECTOR = SECTOR.security;
const MILITARY = EMPLOYMENT.military;

/** 1 or 0, branch-free (it runs over every person). */
export function servesInSecurityBodies(sector: number, employment: number): number {
  return +(sector === SECURITY_SECTOR) | +(employment === MILITARY);
}

export const SECURITY_SERVICE_MEMBER = defineVariable({
  name: 'exclusion.security_service_member',
  entity: 'person',
  dtype: 'u8',
  unit: 'boolean',
  label: {
    'uz-Latn': 'Mudofaa, ichki ishlar, FV, xavfsizlik yoki bojxona organlarida xizmat qiladi',
    ru: 'Служит в органах обороны, внутренних дел, ЧС, безопасности или таможни',
    en: 'Serves in defence, interior, emergency, security or customs bodies',
  },
  description: "Formal work in the 'security' sector, or military service.",
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const out = personArray(ctx, 'u8');
        const { sector, employment } = ctx.population.person;
        for (let i = 0, n = ctx.personCount; i < n; i++) {
          out[i] = servesInSecurityBodies(sector[i] ?? 0, employment[i] ?? 0);
        }
        return out;
      },
      scalar: (ctx) => servesInSecurityBodies(ctx.input('sector'), ctx.input('employment')),
    },
  ],
});

export const VEHICLES = defineVariable({
  name: 'exclusion.vehicles',
  entity: 'household',
  dtype: 'i32',
  unit: 'count',
  label: {
    'uz-Latn': 'Oila a’zolarining avtomobillari',
    ru: 'Автомобили членов семьи',
    en: 'Cars owned by members',
  },
  description: 'Vehicles registered to members, together.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => ctx.sumMembersInt(ctx.population.person.vehicles),
      scalar: (ctx) => ctx.memberInputs('vehicles').reduce((a, b) => a + b, 0),
    },
  ],
});

export const NEWEST_VEHICLE_YEAR = defineVariable({
  name: 'exclusion.newest_vehicle_year',
  entity: 'household',
  dtype: 'i32',
  unit: 'year',
  label: {
    'uz-Latn': 'Eng yangi avtomobilning ishlab chiqarilgan yili',
    ru: 'Год выпуска самого нового автомобиля',
    en: 'Model year of the newest car',
  },
  description: 'Newest model year among the members’ vehicles; 0 when none.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => ctx.maxMember(ctx.population.person.newestVehicleYear, 0),
      scalar: (ctx) => Math.max(0, ...ctx.memberInputs('newestVehicleYear')),
    },
  ],
});

export const DEPOSITS = defineVariable({
  name: 'exclusion.deposits',
  entity: 'household',
  dtype: 'f64',
  unit: 'som',
  label: {
    'uz-Latn': 'A’zolarning bank omonatlari',
    ru: 'Банковские вклады членов семьи',
    en: 'Members’ bank deposits',
  },
  description: 'Balances of the members’ latest bank statements on or before the first day of the month.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => ctx.sumMembers(ctx.population.person.deposits),
      scalar: (ctx) => ctx.memberInputs('deposits').reduce((a, b) => a + b, 0),
    },
  ],
});

/** A filter: `applies` switch and a condition on household values, computed the same way on both paths. */
function filter(definition: {
  name: string;
  label: LocalisedText;
  description: string;
  vector: (ctx: VectorContext, out: Uint8Array) => void;
  scalar: (ctx: HouseholdScalarContext) => boolean;
  applies: string;
}) {
  return defineVariable({
    name: definition.name,
    entity: 'household',
    dtype: 'u8',
    unit: 'boolean',
    label: definition.label,
    description: definition.description,
    versions: [
      {
        from: '2021-01-01',
        vector: (ctx) => {
          const out = householdArray(ctx, 'u8');
          if (ctx.param(definition.applies) === 1) definition.vector(ctx, out);
          return out;
        },
        scalar: (ctx) => (ctx.param(definition.applies) === 1 && definition.scalar(ctx) ? 1 : 0),
      },
    ],
  });
}

export const EXTRA_DWELLING = filter({
  name: 'exclusion.extra_dwelling',
  label: {
    'uz-Latn': 'Bittadan ortiq turar joyi bor',
    ru: 'Более одного жилья',
    en: 'More than one dwelling',
  },
  description: 'More residential dwellings registered to the household than allowed.',
  applies: X.dwellings_applies,
  vector: (ctx, out) => {
    const max = ctx.param(X.max_residential_dwellings);
    const dwellings = ctx.population.household.residentialDwellings;
    for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = +((dwellings[h] ?? 0) > max);
  },
  scalar: (ctx) => ctx.input('residentialDwellings') > ctx.param(X.max_residential_dwellings),
});

export const NON_RESIDENTIAL_PROPERTY = filter({
  name: 'exclusion.non_residential_property',
  label: {
    'uz-Latn': 'Noturar joy mulki bor',
    ru: 'Есть нежилая недвижимость',
    en: 'Owns non-residential property',
  },
  description: 'More non-residential properties registered to the household than allowed (none).',
  applies: X.non_residential_applies,
  vector: (ctx, out) => {
    const max = ctx.param(X.max_non_residential_properties);
    const properties = ctx.population.household.nonResidentialProperties;
    for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = +((properties[h] ?? 0) > max);
  },
  scalar: (ctx) => ctx.input('nonResidentialProperties') > ctx.param(X.max_non_residential_properties),
});

export const RECENT_CAR = filter({
  name: 'exclusion.recent_car',
  label: {
    'uz-Latn': '7 yildan eski bo’lmagan avtomobili bor',
    ru: 'Есть автомобиль не старше 7 лет',
    en: 'Owns a car up to 7 years old',
  },
  description: 'A member’s car whose age (the month’s year minus the model year) is at most the limit.',
  applies: X.recent_car_applies,
  vector: (ctx, out) => {
    const maxAge = ctx.param(X.max_car_age_years);
    const newest = ctx.get(NEWEST_VEHICLE_YEAR);
    const year = ctx.month.year;
    for (let h = 0, n = ctx.householdCount; h < n; h++)
      out[h] = isRecentCar(newest[h] ?? 0, year, maxAge) ? 1 : 0;
  },
  scalar: (ctx) => isRecentCar(ctx.get(NEWEST_VEHICLE_YEAR), ctx.month.year, ctx.param(X.max_car_age_years)),
});

export const SEVERAL_CARS = filter({
  name: 'exclusion.several_cars',
  label: {
    'uz-Latn': 'Ikki yoki undan ortiq avtomobili bor',
    ru: 'Два и более автомобиля',
    en: 'Two or more cars',
  },
  description: 'Members own, together, at least the limit number of cars.',
  applies: X.several_cars_applies,
  vector: (ctx, out) => {
    const limit = ctx.param(X.car_count_limit);
    const vehicles = ctx.get(VEHICLES);
    for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = +((vehicles[h] ?? 0) >= limit);
  },
  scalar: (ctx) => ctx.get(VEHICLES) >= ctx.param(X.car_count_limit),
});

export const LARGE_DEPOSITS = filter({
  name: 'exclusion.large_deposits',
  label: {
    'uz-Latn': 'Omonatlari eng kam ish haqining 5 baravaridan kam emas',
    ru: 'Вклады не менее 5 МРОТ',
    en: 'Deposits of 5 x minimum wage or more',
  },
  description: 'Members’ deposits reach the multiple of the minimum wage.',
  applies: X.deposits_applies,
  vector: (ctx, out) => {
    const limit = ctx.param(X.deposit_minimum_wage_multiple) * ctx.param(COMMON.minimum_wage);
    const deposits = ctx.get(DEPOSITS);
    for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = +((deposits[h] ?? 0) >= limit);
  },
  scalar: (ctx) =>
    ctx.get(DEPOSITS) >= ctx.param(X.deposit_minimum_wage_multiple) * ctx.param(COMMON.minimum_wage),
});

export const SECURITY_SERVICE = filter({
  name: 'exclusion.security_service',
  label: {
    'uz-Latn': 'A’zosi harbiy yoki huquqni muhofaza qilish organlarida xizmat qiladi',
    ru: 'Член семьи служит в силовых органах',
    en: 'A member serves in security bodies',
  },
  description: 'At least one member serves in defence, interior, emergency, security or customs bodies.',
  applies: X.security_service_applies,
  vector: (ctx, out) => {
    const member = ctx.get(SECURITY_SERVICE_MEMBER);
    const household = ctx.population.person.household;
    for (let i = 0, n = ctx.personCount; i < n; i++) {
      const h = household[i] ?? 0;
      out[h] = (out[h] ?? 0) | (member[i] ?? 0);
    }
  },
  scalar: (ctx) => ctx.members(SECURITY_SERVICE_MEMBER).some((v) => v === 1),
});

const FILTERS = [
  [EXTRA_DWELLING, EXCLUSION_BIT.extra_dwelling],
  [NON_RESIDENTIAL_PROPERTY, EXCLUSION_BIT.non_residential_property],
  [RECENT_CAR, EXCLUSION_BIT.recent_car],
  [SEVERAL_CARS, EXCLUSION_BIT.several_cars],
  [LARGE_DEPOSITS, EXCLUSION_BIT.large_deposits],
  [SECURITY_SERVICE, EXCLUSION_BIT.security_service],
] as const;

const REASON_VALUES: readonly EnumValue[] = FILTERS.map(([variable, bit]) => ({
  code: bit,
  key: variable.name.slice('exclusion.'.length),
  label: variable.label,
}));

export const EXCLUSION_REASONS = defineVariable({
  name: 'exclusion.reasons',
  entity: 'household',
  dtype: 'u8',
  unit: 'flags',
  values: REASON_VALUES,
  label: { 'uz-Latn': 'Istisno sabablari', ru: 'Причины исключения', en: 'Exclusion reasons' },
  description: 'One bit per filter that applies to the household (for analytics and notices).',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const out = householdArray(ctx, 'u8');
        for (const [variable, bit] of FILTERS) {
          const flags = ctx.get(variable);
          for (let h = 0, n = ctx.householdCount; h < n; h++)
            out[h] = (out[h] ?? 0) | ((flags[h] ?? 0) * bit);
        }
        return out;
      },
      scalar: (ctx) =>
        FILTERS.reduce((bits, [variable, bit]) => (ctx.get(variable) === 1 ? bits | bit : bits), 0),
    },
  ],
});

export const EXCLUDED = defineVariable({
  name: 'exclusion.excluded',
  entity: 'household',
  dtype: 'u8',
  unit: 'boolean',
  label: {
    'uz-Latn': 'Istisno qiluvchi mezonga tushadi',
    ru: 'Попадает под исключающий критерий',
    en: 'Caught by an exclusion filter',
  },
  description: 'At least one exclusion filter applies.',
  versions: [
    {
      from: '2021-01-01',
      vector: (ctx) => {
        const reasons = ctx.get(EXCLUSION_REASONS);
        const out = householdArray(ctx, 'u8');
        for (let h = 0, n = ctx.householdCount; h < n; h++) out[h] = +((reasons[h] ?? 0) !== 0);
        return out;
      },
      scalar: (ctx) => (ctx.get(EXCLUSION_REASONS) !== 0 ? 1 : 0),
    },
  ],
});

export const EXCLUSION_VARIABLES = [
  SECURITY_SERVICE_MEMBER,
  VEHICLES,
  NEWEST_VEHICLE_YEAR,
  DEPOSITS,
  ...FILTERS.map(([variable]) => variable),
  EXCLUSION_REASONS,
  EXCLUDED,
] as const;
