import { addCounters, summarize } from '../stats/counters.ts';
import { addDays, civilDateOf, dayBoundaries, formatDate, formatWeek, lastCompleteWeek, mondayOf, weekOfInstant } from './calendar.ts';
import { dayRow, failureRows, foldMerged, safetyRows, weekNumbers, withLabels, type DayRow, type FailureRow, type ReportSources, type SafetyRow, type WeekNumbers } from './report.ts';

export interface DashboardSeries extends FailureRow {
  /** Reports per day, aligned with `days`. */
  daily: number[];
  /** In the whole period. */
  total: number;
}

/** What the managers' dashboard shows: a period of local days up to today, and this and last week's figures. */
export interface DashboardData {
  tz: string;
  generatedAt: string;
  days: DayRow[];
  /** The most reported recurring failures of the period, with their daily counts; `count`/`previous` are this week and last. */
  failures: DashboardSeries[];
  thisWeek: { week: string; from: string; numbers: WeekNumbers };
  lastWeek: { week: string; numbers: WeekNumbers };
  openSafety: SafetyRow[];
}

export const DASHBOARD_DAYS = { min: 7, max: 92, default: 28 } as const;

/** Days as asked for (?days=28), within bounds; the default for anything that is not a number. */
export function dashboardDays(raw: string | undefined): number {
  const n = Number.parseInt(raw ?? '', 10);
  if (!Number.isFinite(n)) return DASHBOARD_DAYS.default;
  return Math.min(DASHBOARD_DAYS.max, Math.max(DASHBOARD_DAYS.min, n));
}

export async function buildDashboard(options: { days: number; tz: string; now?: Date; top?: number }, sources: ReportSources): Promise<DashboardData> {
  const now = options.now ?? new Date();
  const today = civilDateOf(now.getTime(), options.tz);
  const first = addDays(today, 1 - options.days);
  const current = weekOfInstant(now.getTime(), options.tz);
  const previous = lastCompleteWeek(now, options.tz);
  const weeks = dayBoundaries(mondayOf(previous), 14, options.tz);
  const [daily, weekly, safety] = await Promise.all([
    sources.stats.read(dayBoundaries(first, options.days, options.tz)),
    sources.stats.read([weeks[0]!, weeks[7]!, weeks[14]!], { timings: true }),
    sources.openSafety(),
  ]);
  const split = weeks[7]!.getTime();
  const [prev, cur] = weekly.spans.map(summarize) as [ReturnType<typeof summarize>, ReturnType<typeof summarize>];
  const days = daily.spans.map((s, i) => ({ date: formatDate(addDays(first, i)), s: summarize(s) }));
  const period = summarize(daily.spans.reduce((a, s) => addCounters(a, s), {}));
  await foldMerged([period.byGroup, cur.byGroup, prev.byGroup, ...days.map((d) => d.s.byGroup)], sources.groups);
  // The period's most reported failures, labelled by the tally, with this week's trend.
  const top = Object.entries(period.byGroup)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, options.top ?? 8)
    .map(([id]) => id);
  const trend = new Map(failureRows(cur.byGroup, prev.byGroup, Number.MAX_SAFE_INTEGER).map((r) => [r.id, r]));
  const series = await withLabels(
    top.map((id): DashboardSeries => {
      const t = trend.get(id);
      const perDay = days.map((d) => d.s.byGroup[id] ?? 0);
      return { id, label: id, count: t?.count ?? 0, previous: t?.previous ?? 0, trend: t?.trend ?? 'same', daily: perDay, total: perDay.reduce((a, b) => a + b, 0) };
    }),
    sources.groups,
  );
  return {
    tz: options.tz,
    generatedAt: now.toISOString(),
    days: days.map((d) => dayRow(d.date, d.s)),
    failures: series,
    thisWeek: { week: formatWeek(current), from: weeks[7]!.toISOString(), numbers: weekNumbers(cur, weekly.timings.filter((t) => t.at >= split)) },
    lastWeek: { week: formatWeek(previous), numbers: weekNumbers(prev, weekly.timings.filter((t) => t.at < split)) },
    openSafety: safetyRows(safety, now),
  };
}
