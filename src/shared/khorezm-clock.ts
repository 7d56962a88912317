/** Khorezm keeps Tashkent time: UTC+5 all year, no daylight saving. */
export const KHOREZM_OFFSET_MS = 5 * 60 * 60 * 1000;

/**
 * Today's date ('YYYY-MM-DD') on the Khorezm calendar. Between 19:00 and 24:00 UTC it is already the
 * next day in Khorezm: a child born there "today" must not be refused as born in the future.
 */
export function khorezmToday(now = new Date()): string {
  return new Date(now.getTime() + KHOREZM_OFFSET_MS).toISOString().slice(0, 10);
}
