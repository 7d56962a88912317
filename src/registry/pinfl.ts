import type { Sex } from '../platform/db/schema.ts';

/**
 * PINFL (JShShIR), the 14-digit personal number. The layout comes from a public parser and is not
 * confirmed by an official act (treated as unverified), which is why every check lives here and
 * nowhere else:
 *   digit 1      century and sex: odd = male, even = female; 1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s
 *   digits 2-7   birth date DDMMYY
 *   digits 8-10  area code
 *   digits 11-13 serial number
 *   digit 14     check digit: first 13 digits x weights 7,3,1,7,3,1,... summed, mod 10
 */
const WEIGHTS = [7, 3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1, 7] as const;
const CENTURY_BY_PAIR: Record<number, number> = { 0: 1800, 1: 1900, 2: 2000 };

export type PinflProblem = 'format' | 'century' | 'date' | 'check_digit';

export interface PinflParts {
  sex: Sex;
  birthDate: string;
  areaCode: string;
  serial: string;
}

export type PinflResult = { ok: true; parts: PinflParts } | { ok: false; problem: PinflProblem };

export function pinflCheckDigit(first13: string): number {
  let sum = 0;
  for (let i = 0; i < 13; i++) sum += (first13.charCodeAt(i) - 48) * (WEIGHTS[i] ?? 0);
  return sum % 10;
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

export function parsePinfl(pinfl: string): PinflResult {
  if (!/^[0-9]{14}$/.test(pinfl)) return { ok: false, problem: 'format' };
  const first = pinfl.charCodeAt(0) - 48;
  const century = CENTURY_BY_PAIR[Math.floor((first - 1) / 2)];
  if (first === 0 || century === undefined) return { ok: false, problem: 'century' };
  const day = Number(pinfl.slice(1, 3));
  const month = Number(pinfl.slice(3, 5));
  const year = century + Number(pinfl.slice(5, 7));
  if (!isRealDate(year, month, day)) return { ok: false, problem: 'date' };
  if (pinflCheckDigit(pinfl.slice(0, 13)) !== pinfl.charCodeAt(13) - 48)
    return { ok: false, problem: 'check_digit' };
  return {
    ok: true,
    parts: {
      sex: first % 2 === 1 ? 'M' : 'F',
      birthDate: `${year}-${pinfl.slice(3, 5)}-${pinfl.slice(1, 3)}`,
      areaCode: pinfl.slice(7, 10),
      serial: pinfl.slice(10, 13),
    },
  };
}

export type PinflAgreement = { ok: true } | { ok: false; problem: PinflProblem | 'birth_date' | 'sex' };

/** The one check the registry applies: a valid PINFL that agrees with the person's birth date and sex. */
export function checkPinflAgainst(pinfl: string, person: { birthDate: string; sex: Sex }): PinflAgreement {
  const parsed = parsePinfl(pinfl);
  if (!parsed.ok) return parsed;
  if (parsed.parts.birthDate !== person.birthDate) return { ok: false, problem: 'birth_date' };
  if (parsed.parts.sex !== person.sex) return { ok: false, problem: 'sex' };
  return { ok: true };
}

/** Builds a valid PINFL (synthetic data, tests). `areaCode` 3 digits, `serial` 0-999. */
export function makePinfl(birthDate: string, sex: Sex, areaCode: string, serial: number): string {
  const [yearText, month, day] = birthDate.split('-');
  const year = Number(yearText);
  const pair = Math.floor(year / 100) - 18;
  if (pair < 0 || pair > 2 || !month || !day) throw new RangeError(`No PINFL century for ${birthDate}`);
  const first = pair * 2 + (sex === 'M' ? 1 : 2);
  const first13 = `${first}${day}${month}${String(year % 100).padStart(2, '0')}${areaCode.padStart(3, '0').slice(-3)}${String(serial).padStart(3, '0').slice(-3)}`;
  return `${first13}${pinflCheckDigit(first13)}`;
}
