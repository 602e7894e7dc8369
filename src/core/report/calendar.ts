/**
 * Calendar arithmetic for the weekly tally: ISO weeks, local days in a time zone (Europe/Stockholm by
 * default) and the weekly schedule, with Intl only (no Temporal in Node 24), correct across daylight
 * saving time: a local day is 23, 24 or 25 hours long, and a week 167, 168 or 169.
 */

/** A date on the calendar, without a time or a zone. month 1–12. */
export interface CivilDate {
  year: number;
  month: number;
  day: number;
}

export interface IsoWeek {
  year: number;
  week: number;
}

/** A weekday (1 = Monday … 7 = Sunday) and a local time. */
export interface Schedule {
  weekday: number;
  hour: number;
  minute: number;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  return f;
}

/** True when Intl knows the zone. */
export function isTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** Local wall-clock time of an instant. */
export function zonedParts(ms: number, tz: string): CivilDate & { hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's wall clock is ahead of UTC at that instant (ms; +3,600,000 for CET). */
export function offsetMs(ms: number, tz: string): number {
  const p = zonedParts(ms, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant when the zone's clock shows that local time. In a spring-forward gap, the time an hour later. */
export function zonedTime(date: CivilDate, hour: number, minute: number, tz: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // The offset at the guess may be the other side of a change; a second look settles it.
  let t = wall - offsetMs(wall, tz);
  t = wall - offsetMs(t, tz);
  return new Date(t);
}

/** The local calendar date of an instant. */
export function civilDateOf(ms: number, tz: string): CivilDate {
  const { year, month, day } = zonedParts(ms, tz);
  return { year, month, day };
}

export function addDays(d: CivilDate, n: number): CivilDate {
  const t = new Date(Date.UTC(d.year, d.month - 1, d.day) + n * DAY_MS);
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() };
}

/** 1 = Monday … 7 = Sunday. */
export function weekdayOf(d: CivilDate): number {
  return ((new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay() + 6) % 7) + 1;
}

export const formatDate = (d: CivilDate) => `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** Local midnight of each of `count + 1` consecutive days from `first`: the boundaries of `count` local days. */
export function dayBoundaries(first: CivilDate, count: number, tz: string): Date[] {
  return Array.from({ length: count + 1 }, (_, i) => zonedTime(addDays(first, i), 0, 0, tz));
}

// --- ISO weeks: Monday to Sunday; week 1 holds the year's first Thursday ----------------------------

export function isoWeekOf(d: CivilDate): IsoWeek {
  const thursday = addDays(d, 4 - weekdayOf(d));
  const jan1 = Date.UTC(thursday.year, 0, 1);
  const week = Math.floor((Date.UTC(thursday.year, thursday.month - 1, thursday.day) - jan1) / DAY_MS / 7) + 1;
  return { year: thursday.year, week };
}

/** 52 or 53. */
export function weeksInYear(year: number): number {
  return isoWeekOf({ year, month: 12, day: 28 }).week;
}

export function mondayOf(w: IsoWeek): CivilDate {
  const jan4: CivilDate = { year: w.year, month: 1, day: 4 };
  return addDays(jan4, (w.week - 1) * 7 - (weekdayOf(jan4) - 1));
}

export const formatWeek = (w: IsoWeek) => `${w.year}-W${String(w.week).padStart(2, '0')}`;

export class WeekFormatError extends Error {
  override name = 'WeekFormatError';
}

/** "2026-W47" (also "2026W47", "2026-w47"); anything else is refused with the reason. */
export function parseWeek(text: string): IsoWeek {
  const m = /^(\d{4})-?[Ww](\d{1,2})$/.exec(text.trim());
  if (!m) throw new WeekFormatError(`"${text}" is not an ISO week; write it like 2026-W47`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  const max = weeksInYear(year);
  if (week < 1 || week > max) throw new WeekFormatError(`"${text}" is not a week of ${year}: weeks run from W01 to W${max}`);
  return { year, week };
}

export function addWeeks(w: IsoWeek, n: number): IsoWeek {
  return isoWeekOf(addDays(mondayOf(w), n * 7));
}

/** The ISO week an instant falls in, on the zone's calendar. */
export const weekOfInstant = (ms: number, tz: string): IsoWeek => isoWeekOf(civilDateOf(ms, tz));

/** The last ISO week that has ended, on the zone's calendar. */
export const lastCompleteWeek = (now: Date, tz: string): IsoWeek => isoWeekOf(addDays(civilDateOf(now.getTime(), tz), -7));

/** Local midnights Monday … next Monday: 8 boundaries, 7 days. */
export const weekBoundaries = (w: IsoWeek, tz: string) => dayBoundaries(mondayOf(w), 7, tz);

// --- The weekly schedule ("Mon 07:00") ----------------------------------------------------------

const DAYS: Record<string, number> = {
  mon: 1, monday: 1, man: 1, mandag: 1,
  tue: 2, tuesday: 2, tis: 2, tisdag: 2,
  wed: 3, wednesday: 3, ons: 3, onsdag: 3,
  thu: 4, thursday: 4, tor: 4, torsdag: 4,
  fri: 5, friday: 5, fre: 5, fredag: 5,
  sat: 6, saturday: 6, lor: 6, lordag: 6,
  sun: 7, sunday: 7, son: 7, sondag: 7,
};

/** "Mon 07:00" (English or Swedish day, 24-hour time); undefined when it is not one. */
export function parseSchedule(text: string): Schedule | undefined {
  const m = /^\s*(\p{L}+)\s+(\d{1,2}):(\d{2})\s*$/u.exec(text);
  if (!m) return undefined;
  const weekday = DAYS[m[1]!.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '')];
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (!weekday || hour > 23 || minute > 59) return undefined;
  return { weekday, hour, minute };
}

/** The scheduled times on the days around `now` (a week back to a week ahead), in order. */
function runsAround(s: Schedule, tz: string, now: Date): Date[] {
  const today = civilDateOf(now.getTime(), tz);
  const runs: Date[] = [];
  for (let i = -8; i <= 8; i++) {
    const d = addDays(today, i);
    if (weekdayOf(d) === s.weekday) runs.push(zonedTime(d, s.hour, s.minute, tz));
  }
  return runs;
}

/** The first scheduled time after `now`. */
export function nextRun(s: Schedule, tz: string, now: Date): Date {
  return runsAround(s, tz, now).find((t) => t.getTime() > now.getTime())!;
}

/** The last scheduled time at or before `now`. */
export function previousRun(s: Schedule, tz: string, now: Date): Date {
  return runsAround(s, tz, now).findLast((t) => t.getTime() <= now.getTime())!;
}
