import { z } from 'zod';

/**
 * Dates as input schemas accept them (requests, agency records), shared so that every boundary bounds them
 * alike. zod's ISO formats
 * check the calendar (no 30 February) but take any four-digit year, and PostgreSQL has no year 0
 * ('0000-01-01' is an error of the database, not of the caller, unless refused here). The years of people,
 * households and decisions lie well inside 1900-2100; anything outside is a typing mistake or an attack.
 */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;

const inYears = (text: string) => {
  const year = Number(text.slice(0, 4));
  return year >= FIRST_YEAR && year <= LAST_YEAR;
};
const YEARS = `a year from ${FIRST_YEAR} to ${LAST_YEAR}`;

/** A real calendar day, YYYY-MM-DD. */
export const CivilDate = z.iso
  .date()
  .refine(inYears, YEARS)
  .describe(`Civil date, YYYY-MM-DD (years ${FIRST_YEAR}-${LAST_YEAR})`);

/** A month, YYYY-MM. */
export const CalendarMonth = z
  .string()
  .regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, 'month is YYYY-MM')
  .refine(inYears, YEARS)
  .describe("Month 'YYYY-MM'");

/** An instant with its UTC offset (ISO 8601). */
export const Instant = z.iso.datetime({ offset: true }).refine(inYears, YEARS);
