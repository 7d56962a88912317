/**
 * Every number the synthetic population is calibrated to, in one place. Figures marked DOMAIN come from
 * docs shared with the team (shared DOMAIN brief); the rest are modelling choices, tuned so that the
 * generated registry shows the shares named in the comments (checked by `generator.test.ts`).
 */

// --- Money (DOMAIN "Money units") ------------------------------------------------------------------

/** MCE (minimum consumption expenditure) for 2026, so'm per person per month. DOMAIN: 715,000 in 2026. */
export const MCE_2026 = 715_000;

/** Minimum wage, so'm per month. DOMAIN: unverified default 1,271,000 from 2025. */
export const MINIMUM_WAGE = 1_271_000;

/** Exclusion filter: deposits of 5 x minimum wage or more (DOMAIN, 2021 list, unverified for 2026). */
export const DEPOSIT_EXCLUSION_MULTIPLE = 5;

/** Targets the income model is tuned to; the test fails when a run leaves them. */
export const POVERTY_TARGETS = {
  /** Share of households with per-capita income below the MCE: "a few percent to ~15%". */
  belowMce: { min: 0.02, max: 0.2 },
  /** Share at 1-1.5 x MCE (borderline, DOMAIN "Social Registry"): similar in size. */
  borderline: { min: 0.03, max: 0.25 },
} as const;

// --- People (DOMAIN "Identity", "Disability", "Scale and figures") --------------------------------------

/** Persons recorded without a PINFL (newcomers, old paper records): about 0.5%. */
export const PINFL_MISSING_SHARE = 0.005;

/**
 * Planted duplicate records (same person typed twice, another spelling, no PINFL), as a share of
 * persons: about 0.05%, so that the duplicate-review queue has work.
 */
export const DUPLICATE_SHARE = 0.0005;

/**
 * Disability by age band, tuned so that about 3% of persons hold a disability (DOMAIN: prevalence about
 * 3%; 173 of 1,060 thousand are children, so the rate for children is well below the adult one).
 */
export const DISABILITY_RATE_BY_AGE: readonly { below: number; rate: number }[] = [
  { below: 18, rate: 0.014 },
  { below: 40, rate: 0.022 },
  { below: 60, rate: 0.045 },
  { below: 200, rate: 0.085 },
];

/** Adult disability groups I, II, III (share of adults with disability); older people weigh to I and II. */
export const DISABILITY_GROUP_WEIGHTS = { young: [0.1, 0.45, 0.45], old: [0.18, 0.55, 0.27] } as const;

/** Re-examination intervals in years (DOMAIN, unverified): group I every 2 years, II and III yearly. */
export const DISABILITY_REVIEW_YEARS = { I: 2, II: 1, III: 1 } as const;

/** Pension ages (DOMAIN "Disability": open-ended for men over 60, women over 55; the same ages retire). */
export const RETIREMENT_AGE = { M: 60, F: 55 } as const;

/** Youth Notebook ages (DOMAIN): 14 to 30. */
export const YOUTH_AGE = { min: 14, max: 30 } as const;

// --- Households --------------------------------------------------------------------------------------

/**
 * Mean household size: about 4.8 in rural districts, 3.8-4.0 in the two cities (Urganch 1733401, Xiva
 * 1733406). DOMAIN gives 2.0 million people and about 520 thousand families (2021) for the region; a
 * civil-registry household is often larger than a "family" (married sons stay with their parents).
 */
export const HOUSEHOLD_SIZE_TARGET = { rural: 4.8, city: 3.9 } as const;

/** How households are put together; the sizes above and the age pyramid follow from these. */
export const FAMILY = {
  rural: {
    /** Children a woman has over her life (Poisson mean; Khorezm's fertility is above the national 3.3 TFR for older cohorts). */
    fertility: 3.0,
    /** Chance that a married son stays with his parents with his wife and children (multi-generation household). */
    sonStays: 0.85,
    /** Chance that an elder married son has not yet moved out either. */
    secondSonStays: 0.3,
    /** Chance that a widowed parent of the head lives in the household. */
    parentLivesIn: 0.27,
    singleHead: 0.03,
    femaleHead: 0.1,
  },
  city: {
    fertility: 2.5,
    sonStays: 0.65,
    secondSonStays: 0.15,
    parentLivesIn: 0.18,
    singleHead: 0.045,
    femaleHead: 0.13,
  },
} as const;

/** Ages of household heads in couples (25-75 mostly): band start, band end (exclusive), weight. */
export const HEAD_AGE_BANDS: readonly [number, number, number][] = [
  [24, 30, 0.05],
  [30, 40, 0.18],
  [40, 50, 0.24],
  [50, 60, 0.25],
  [60, 70, 0.19],
  [70, 80, 0.075],
  [80, 90, 0.015],
];

// --- Work and income -------------------------------------------------------------------------------

/** Kind of place: the income model shifts wages and work by it. Remote = the study's far districts. */
export type PlaceKind = 'city' | 'rural' | 'remote';

/** Shares of the working-age (18 to pension age) not studying, by place: formal, informal, self-employed, unemployed. */
export const WORK_SHARES: Record<
  PlaceKind,
  { formal: number; informal: number; selfEmployed: number; unemployed: number }
> = {
  city: { formal: 0.52, informal: 0.2, selfEmployed: 0.18, unemployed: 0.1 },
  rural: { formal: 0.4, informal: 0.33, selfEmployed: 0.14, unemployed: 0.13 },
  remote: { formal: 0.32, informal: 0.36, selfEmployed: 0.11, unemployed: 0.21 },
};

/** Women of working age at home (homemaker) before the work shares above apply. */
export const HOMEMAKER_SHARE = { city: 0.2, rural: 0.3, remote: 0.36 } as const;

/** Formal employees in defence, interior, emergencies, security or customs: an exclusion filter (DOMAIN). */
export const SECURITY_SECTOR_SHARE = 0.03;
/** Formal employees in the public sector (teachers, doctors, administration). */
export const PUBLIC_SECTOR_SHARE = 0.45;

/**
 * Monthly amounts in so'm: log-normal with this median and spread. Wages sit well above the minimum wage
 * (DOMAIN 1,271,000); pensions near 1.8 million; informal and farm income, seen by the social worker, lower.
 */
export const INCOME = {
  wage: { median: 4_500_000, sigma: 0.45, floor: MINIMUM_WAGE },
  business: { median: 3_200_000, sigma: 0.6, floor: 500_000 },
  informal: { median: 1_800_000, sigma: 0.5, floor: 300_000, recordedShare: 0.8 },
  pension: { median: 1_800_000, sigma: 0.25, floor: 1_000_000 },
  disabilityPension: { median: 1_200_000, sigma: 0.15, floor: 900_000 },
  agriculture: { median: 1_000_000, sigma: 0.6, floor: 100_000 },
  remittance: { median: 3_500_000, sigma: 0.5, floor: 800_000 },
} as const;

/** Wage level by place (the regional centre pays more, the remote districts less). */
export const WAGE_FACTOR: Record<PlaceKind, number> = { city: 1.25, rural: 1.0, remote: 0.82 };

/** Household-level income: a farm plot (dehqon) worked by the family; money from a migrant abroad. */
export const HOUSEHOLD_INCOME_CHANCE: Record<PlaceKind, { agriculture: number; remittance: number }> = {
  city: { agriculture: 0.05, remittance: 0.08 },
  rural: { agriculture: 0.55, remittance: 0.25 },
  remote: { agriculture: 0.6, remittance: 0.2 },
};

// --- Assets ------------------------------------------------------------------------------------------

/** Households owning a car (about 20-30%), by place; some own two. */
export const CAR_OWNERSHIP: Record<PlaceKind, number> = { city: 0.3, rural: 0.22, remote: 0.16 };
export const SECOND_CAR_SHARE = 0.07;
/** Cars up to 7 years old are an exclusion filter (DOMAIN); this share of cars is that new. */
export const NEW_CAR_SHARE = 0.3;
/** Plate region codes: Khorezm plates use 90-94 (mostly 90). */
export const KHOREZM_PLATE_CODES: readonly number[] = [90, 90, 90, 90, 91, 92, 93, 94];

/** A second dwelling, or a non-residential property (shop, workshop): both exclusion filters (DOMAIN). */
export const SECOND_DWELLING_SHARE = 0.025;
export const NON_RESIDENTIAL_SHARE = 0.015;

/** Households with a bank deposit, and the share of those holding 5 x minimum wage or more. */
export const DEPOSIT_SHARE = 0.12;
export const LARGE_DEPOSIT_SHARE_OF_DEPOSITS = 0.15;

/** Adults with a mobile number. */
export const PHONE_SHARE = { adult: 0.9, teen: 0.35, elderly: 0.6 } as const;
