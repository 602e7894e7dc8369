import type { Lang } from '../kb/article.ts';
import type { Escalation } from '../store/store.ts';
import { addCounters, median, summarize, type ByIntent, type SpanSummary } from '../stats/counters.ts';
import type { FailureGroupSummary, StatsReading, StatsStore } from '../stats/stats.ts';
import { addDays, addWeeks, dayBoundaries, formatDate, formatWeek, mondayOf, parseWeek, weekOfInstant, type IsoWeek } from './calendar.ts';
import { groupGaps, type GapGroup } from './gaps.ts';

/** Where a report's figures come from. */
export interface ReportSources {
  stats: Pick<StatsStore, 'read'>;
  /** Labels and status of recurring failures (the tally's groups); ids it does not know are shown as the id. */
  groups: (ids: string[]) => Promise<FailureGroupSummary[]>;
  /** Safety items not yet closed: store.listEscalations({ kind: 'safety', status: ['open', 'claimed', 'answered'] }). */
  openSafety: () => Promise<Escalation[]>;
}

/** The figures of a week (or of the week so far). */
export interface WeekNumbers {
  /** Every message handled, safety reports and rate-limited ones included. */
  messages: number;
  /** Questions asked: questions and failure reports that the bot answered or handed to a person. */
  asked: number;
  /** Answered by the bot, from the knowledge base or with a known issue's workaround. */
  answeredByBot: number;
  knownIssue: number;
  /** Handed to super-users because the bot had no good answer. */
  escalated: number;
  /** Handed to super-users by the asker after the bot's answer. */
  escalatedAfterAnswer: number;
  deflected: number;
  /** Deflection rate: (answered by the bot − escalated after the answer) ÷ questions asked; null when none were asked. */
  deflectionRate: number | null;
  failureReports: number;
  safety: number;
  limited: number;
  gaps: number;
  escalationsCreated: number;
  /** Escalated questions created in the week that no super-user has answered (as of the report). */
  unanswered: number;
  medianClaimSeconds: number | null;
  medianAnswerSeconds: number | null;
  claims: number;
  answers: number;
}

export interface FailureRow {
  id: string;
  /** The group's label; the id when the tally does not know it. */
  label: string;
  status?: FailureGroupSummary['status'];
  module?: string;
  ticket?: boolean;
  count: number;
  previous: number;
  trend: 'new' | 'up' | 'down' | 'same' | 'gone';
}

export interface BreakdownRow extends ByIntent {
  /** Site, module or severity; '' when not known. */
  key: string;
  total: number;
  previousTotal: number;
}

export interface SafetyRow {
  id: string;
  kind?: string;
  site?: string;
  status: Escalation['status'];
  createdAt: string;
  ageHours: number;
  /** IMY's 72-hour deadline for a possible personal-data incident. */
  reportBy?: string;
  overdue: boolean;
}

export interface DayRow {
  date: string;
  asked: number;
  answeredByBot: number;
  escalated: number;
  escalatedAfterAnswer: number;
  deflectionRate: number | null;
  failureReports: number;
  safety: number;
}

/** A neutral weekly report: the renderers (md, html, csv; Swedish and English) draw it. */
export interface WeeklyReport {
  week: string;
  previousWeek: string;
  tz: string;
  lang: Lang;
  /** Local dates of Monday and Sunday. */
  firstDay: string;
  lastDay: string;
  /** The instants the week runs between ([from, to)). */
  from: string;
  to: string;
  generatedAt: string;
  totals: WeekNumbers;
  previous: WeekNumbers;
  days: DayRow[];
  failures: FailureRow[];
  bySite: BreakdownRow[];
  byModule: BreakdownRow[];
  bySeverity: BreakdownRow[];
  openSafety: SafetyRow[];
  gaps: GapGroup[];
  /** Gap questions that share no words with another. */
  gapsUngrouped: number;
}

export interface ReportOptions {
  /** ISO week, "2026-W47". */
  week: string;
  tz: string;
  lang: Lang;
  now?: Date;
  /** How many recurring failures, sites and modules to list (default 10, 15, 15). */
  topFailures?: number;
  topRows?: number;
}

export function weekNumbers(s: SpanSummary, timings: StatsReading['timings']): WeekNumbers {
  const claims = timings.filter((t) => t.event === 'claim').map((t) => t.seconds);
  const answers = timings.filter((t) => t.event === 'answer').map((t) => t.seconds);
  return {
    messages: s.messages,
    asked: s.asked,
    answeredByBot: s.answeredByBot,
    knownIssue: s.knownIssue,
    escalated: s.escalated,
    escalatedAfterAnswer: s.escalatedAfterAnswer,
    deflected: s.deflected,
    deflectionRate: s.deflectionRate,
    failureReports: s.byIntent.failure,
    safety: s.safety,
    limited: s.limited,
    gaps: s.gaps,
    escalationsCreated: s.escalationsCreated,
    unanswered: Math.max(0, s.escalationsCreated - s.answeredOfCreated),
    medianClaimSeconds: median(claims),
    medianAnswerSeconds: median(answers),
    claims: claims.length,
    answers: answers.length,
  };
}

export const dayRow = (date: string, s: SpanSummary): DayRow => ({
  date,
  asked: s.asked,
  answeredByBot: s.answeredByBot,
  escalated: s.escalated,
  escalatedAfterAnswer: s.escalatedAfterAnswer,
  deflectionRate: s.deflectionRate,
  failureReports: s.byIntent.failure,
  safety: s.safety,
});

export function safetyRows(items: readonly Escalation[], now: Date): SafetyRow[] {
  return items
    .filter((e) => e.kind === 'safety' && e.status !== 'closed')
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((e) => ({
      id: e.id,
      kind: e.safetyKind,
      site: e.asker.site,
      status: e.status,
      createdAt: e.createdAt,
      ageHours: Math.max(0, Math.floor((now.getTime() - Date.parse(e.createdAt)) / 3600_000)),
      reportBy: e.reportBy,
      overdue: e.reportBy ? Date.parse(e.reportBy) < now.getTime() : false,
    }));
}

/** Labels for the ids from the tally; the id itself, with no status, when it has nothing (or fails). */
export async function labelGroups(ids: string[], groups: ReportSources['groups']): Promise<Map<string, FailureGroupSummary | undefined>> {
  const known = ids.length ? await groups(ids).catch(() => [] as FailureGroupSummary[]) : [];
  const byId = new Map(known.map((g) => [g.id, g]));
  return new Map(ids.map((id) => [id, byId.get(id)]));
}

/** Reports of a group that was merged into another count for that other group (maps changed in place). */
export async function foldMerged(maps: Record<string, number>[], groups: ReportSources['groups']): Promise<void> {
  const ids = [...new Set(maps.flatMap((m) => Object.keys(m)))];
  if (!ids.length) return;
  const into = new Map((await groups(ids).catch(() => [] as FailureGroupSummary[])).flatMap((g) => (g.mergedInto ? [[g.id, g.mergedInto] as const] : [])));
  for (const m of maps) {
    for (const [id, survivor] of into) {
      const n = m[id];
      if (n === undefined) continue;
      m[survivor] = (m[survivor] ?? 0) + n;
      delete m[id];
    }
  }
}

export function failureRows(current: Record<string, number>, previous: Record<string, number>, top: number): FailureRow[] {
  const ids = [...new Set([...Object.keys(current), ...Object.keys(previous)])];
  return ids
    .map((id): FailureRow => {
      const count = current[id] ?? 0;
      const before = previous[id] ?? 0;
      const trend = before === 0 ? 'new' : count === 0 ? 'gone' : count > before ? 'up' : count < before ? 'down' : 'same';
      return { id, label: id, count, previous: before, trend };
    })
    .sort((a, b) => b.count - a.count || b.previous - a.previous || a.id.localeCompare(b.id))
    .slice(0, top);
}

/** Label, status and module from the tally. */
export async function withLabels<T extends { id: string; label: string; status?: FailureGroupSummary['status']; module?: string; ticket?: boolean }>(rows: T[], groups: ReportSources['groups']): Promise<T[]> {
  const labels = await labelGroups(rows.map((r) => r.id), groups);
  return rows.map((r) => {
    const g = labels.get(r.id);
    return g ? { ...r, label: g.label || r.id, status: g.status, module: g.module, ticket: g.ticket } : r;
  });
}

function breakdown(current: Record<string, ByIntent>, previous: Record<string, ByIntent>, top: number, fixed?: readonly string[]): BreakdownRow[] {
  const total = (b: ByIntent | undefined) => (b ? b.question + b.failure + b.safety + b.other : 0);
  const keys = fixed ?? Object.keys(current).filter((k) => total(current[k]) > 0);
  const rows = keys.map((key): BreakdownRow => {
    const b = current[key] ?? { question: 0, failure: 0, safety: 0, other: 0 };
    return { key, ...b, total: total(b), previousTotal: total(previous[key]) };
  });
  if (fixed) return rows;
  rows.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  if (rows.length <= top) return rows;
  // The rest in one row, so that the columns still add up to the week's figures.
  const rest = rows.slice(top - 1);
  const other: BreakdownRow = { key: '…', question: 0, failure: 0, safety: 0, other: 0, total: 0, previousTotal: 0 };
  for (const r of rest) for (const k of ['question', 'failure', 'safety', 'other', 'total', 'previousTotal'] as const) other[k] += r[k];
  return [...rows.slice(0, top - 1), other];
}

/**
 * The weekly tally for managers: the week's figures against the week before, the recurring failures
 * with their trend, the breakdowns by site, module and severity, open S1 items and the knowledge-base
 * gaps. No message text except the (redacted) gap examples; no user ids.
 */
export async function buildWeeklyReport(options: ReportOptions, sources: ReportSources): Promise<WeeklyReport> {
  const now = options.now ?? new Date();
  const week: IsoWeek = parseWeek(options.week);
  const before = addWeeks(week, -1);
  // Local days, cut at local midnights (DST-aware): the week before for the trend, the week itself with its gap texts.
  const boundaries = dayBoundaries(mondayOf(before), 14, options.tz);
  const [previousReading, reading, safety] = await Promise.all([
    sources.stats.read(boundaries.slice(0, 8), { timings: true }),
    sources.stats.read(boundaries.slice(7), { timings: true, gaps: true }),
    sources.openSafety(),
  ]);
  const prevSpans = previousReading.spans;
  const curSpans = reading.spans;
  const cur = summarize(curSpans.reduce((a, s) => addCounters(a, s), {}));
  const prev = summarize(prevSpans.reduce((a, s) => addCounters(a, s), {}));
  const curTimings = reading.timings;
  const prevTimings = previousReading.timings;
  const gapTexts = reading.gaps;
  const top = options.topRows ?? 15;
  await foldMerged([cur.byGroup, prev.byGroup], sources.groups);
  const failures = await withLabels(failureRows(cur.byGroup, prev.byGroup, options.topFailures ?? 10), sources.groups);
  const gaps = groupGaps(gapTexts);
  const monday = mondayOf(week);
  return {
    week: formatWeek(week),
    previousWeek: formatWeek(before),
    tz: options.tz,
    lang: options.lang,
    firstDay: formatDate(monday),
    lastDay: formatDate(addDays(monday, 6)),
    from: boundaries[7]!.toISOString(),
    to: boundaries[14]!.toISOString(),
    generatedAt: now.toISOString(),
    totals: weekNumbers(cur, curTimings),
    previous: weekNumbers(prev, prevTimings),
    days: curSpans.map((s, i) => dayRow(formatDate(addDays(monday, i)), summarize(s))),
    failures,
    bySite: breakdown(cur.bySite, prev.bySite, top),
    byModule: breakdown(cur.byModule, prev.byModule, top),
    bySeverity: breakdown(cur.bySeverity, prev.bySeverity, top, ['S1', 'S2', 'S3', 'S4']),
    openSafety: safetyRows(safety, now),
    gaps: gaps.groups,
    gapsUngrouped: gaps.ungrouped,
  };
}

/** The ISO week an instant is in, as "2026-W47", on the zone's calendar. */
export const weekLabelOf = (at: Date, tz: string) => formatWeek(weekOfInstant(at.getTime(), tz));
