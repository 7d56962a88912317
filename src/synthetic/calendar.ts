/**
 * Civil dates as day numbers (days since 1970-01-01, UTC), with a precomputed 'YYYY-MM-DD' table: the
 * generator formats millions of dates and must not build a Date object for each.
 */
const DAY_MS = 86_400_000;
export const YEAR_DAYS = 365.2425;

export function dayOf(iso: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) throw new RangeError(`Not a YYYY-MM-DD date: ${iso}`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new RangeError(`Not a real date: ${iso}`);
  }
  return time / DAY_MS;
}

export function isoOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** First day of the current month (UTC): the default reference date of a seed run. */
export function firstOfThisMonth(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

export class Calendar {
  private readonly first: number;
  private readonly table: string[];
  private readonly dayOfMonth: Uint8Array;

  constructor(fromIso: string, toIso: string) {
    this.first = dayOf(fromIso);
    const last = dayOf(toIso);
    this.table = new Array<string>(last - this.first + 1);
    this.dayOfMonth = new Uint8Array(last - this.first + 1);
    for (let d = this.first; d <= last; d++) {
      const iso = isoOf(d);
      this.table[d - this.first] = iso;
      this.dayOfMonth[d - this.first] = Number(iso.slice(8, 10));
    }
  }

  iso(day: number): string {
    return this.table[day - this.first] ?? isoOf(day);
  }

  /** 'YYYY-MM-01' of the month the day falls in. */
  monthStart(day: number): string {
    const inMonth = this.dayOfMonth[day - this.first];
    return inMonth === undefined ? `${isoOf(day).slice(0, 8)}01` : this.iso(day - inMonth + 1);
  }

  year(day: number): number {
    return Number(this.iso(day).slice(0, 4));
  }
}
