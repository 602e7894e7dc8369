import type { Lang } from '../kb/article.ts';
import type { Logger } from '../ports.ts';
import type { FailureGroupSummary, StatsStore } from '../stats/stats.ts';
import type { Store } from '../store/store.ts';
import { formatWeek, lastCompleteWeek, nextRun, previousRun, type Schedule } from './calendar.ts';
import { renderMarkdown } from './render.ts';
import { buildWeeklyReport, type ReportSources, type WeeklyReport } from './report.ts';

/** Where the managers' weekly post goes. */
export interface ReportDestination {
  /** Stable: part of the once-per-week key ("report:2026-W47:slack"). */
  name: string;
  post(markdown: string, report: WeeklyReport): Promise<void>;
}

/** The outbox destination id of LOTSEN_MANAGERS_WEBHOOK_URL; a colon, so no routing destination (kebab-case) can take it. */
export const MANAGERS_WEBHOOK = 'report:managers';

/** The report's inputs from a running Lotsen: its statistics, open safety items and the tally's recurring failures. */
export function reportSources(l: {
  stats: Pick<StatsStore, 'read'>;
  store: Pick<Store, 'listEscalations'>;
  failures?: { summaries(ids: string[]): Promise<FailureGroupSummary[]> };
}): ReportSources {
  return {
    stats: l.stats,
    groups: (ids) => (l.failures ? l.failures.summaries(ids) : Promise.resolve([])),
    openSafety: () => l.store.listEscalations({ kind: 'safety', status: ['open', 'claimed', 'answered'], limit: 1000 }),
  };
}

/** The managers' destinations that are configured: Slack and Teams channels, and a webhook through the outbox. */
export function managersDestinations(p: {
  store: Pick<Store, 'enqueueOutbound'>;
  slack?: { postTally(channel: string | undefined, text: string): Promise<void> };
  slackChannel?: string;
  teams?: { postTally(text: string): Promise<void> };
  teamsChannel?: string;
  webhookUrl?: string;
}): ReportDestination[] {
  const out: ReportDestination[] = [];
  const { slack, teams } = p;
  if (slack && p.slackChannel) out.push({ name: 'slack', post: (md) => slack.postTally(undefined, md) });
  if (teams && p.teamsChannel) out.push({ name: 'teams', post: (md) => teams.postTally(md) });
  if (p.webhookUrl) {
    out.push({
      name: 'webhook',
      // The URL is looked up by the sender at delivery (see app.ts), so the outbox holds no secret.
      post: async (md, report) => {
        await p.store.enqueueOutbound({ key: `webhook:${MANAGERS_WEBHOOK}`, channel: 'webhook', payload: { destination: MANAGERS_WEBHOOK, text: md, lotsen: { event: 'weekly-report', week: report.week, report } } }, new Date());
      },
    });
  }
  return out;
}

export interface WeeklyPostOptions {
  store: Pick<Store, 'beginEvent' | 'completeEvent'>;
  sources: ReportSources;
  /** Asked at each run: adapters may appear after start. */
  destinations: () => ReportDestination[];
  schedule: Schedule;
  tz: string;
  lang: Lang;
  log: Logger;
  now?: () => Date;
  /** How long one instance may take to post before another takes over (default 5 min). */
  leaseMs?: number;
  /** Pause before trying again after a failure or while another instance posts (default 1 min). */
  retryMs?: number;
}

export type PostResult = 'posted' | 'duplicate' | 'busy' | 'failed' | 'not-due' | 'no-destination';

/** A run missed by less than this (all instances down at 07:00, a deploy) still posts. */
const CATCH_UP_MS = 24 * 3600_000;
/** Long enough that a redelivery weeks later is still refused; weeks are never posted twice. */
const DONE_TTL_MS = 35 * 24 * 3600_000;
/** setTimeout's limit is about 24.8 days; the timer also re-checks the clock now and then. */
const MAX_SLEEP_MS = 6 * 3600_000;

/**
 * The scheduled weekly post (default Monday 07:00 Europe/Stockholm): last week's report to each
 * managers' destination once, across all instances. Each destination has its own once-lock in the
 * store ("report:2026-W47:slack"), so a destination that failed is tried again without posting twice
 * to the others; an instance that crashes mid-post loses its lease and another takes over.
 */
export class WeeklyPost {
  private readonly o: WeeklyPostOptions;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(options: WeeklyPostOptions) {
    this.o = options;
  }

  private now(): Date {
    return this.o.now ? this.o.now() : new Date();
  }

  /** The week due at `now`: the last complete week, when the scheduled time passed less than a day ago. */
  dueWeek(now: Date): string | undefined {
    const last = previousRun(this.o.schedule, this.o.tz, now);
    if (now.getTime() - last.getTime() >= CATCH_UP_MS) return undefined;
    return formatWeek(lastCompleteWeek(last, this.o.tz));
  }

  async runDue(now = this.now()): Promise<PostResult> {
    const week = this.dueWeek(now);
    return week ? this.post(week, now) : 'not-due';
  }

  /** Posts the week's report to every destination that has not had it yet. */
  async post(week: string, now = this.now()): Promise<PostResult> {
    const destinations = this.o.destinations();
    if (!destinations.length) return 'no-destination';
    const lease = this.o.leaseMs ?? 5 * 60_000;
    let report: WeeklyReport | undefined;
    let markdown = '';
    const results: PostResult[] = [];
    for (const d of destinations) {
      const key = `report:${week}:${d.name}`;
      const seen = await this.o.store.beginEvent(key, lease, now);
      if (seen !== 'new') {
        results.push(seen);
        continue;
      }
      try {
        if (!report) {
          report = await buildWeeklyReport({ week, tz: this.o.tz, lang: this.o.lang, now }, this.o.sources);
          markdown = renderMarkdown(report);
        }
        await d.post(markdown, report);
        await this.o.store.completeEvent(key, DONE_TTL_MS, now);
        this.o.log.info({ week, destination: d.name }, 'weekly report posted');
        results.push('posted');
      } catch (err) {
        // The lease runs out and the next attempt (here or on another instance) tries again.
        this.o.log.warn({ week, destination: d.name, err: err instanceof Error ? err.message : String(err) }, 'weekly report not posted; will retry');
        results.push('failed');
      }
    }
    for (const r of ['failed', 'busy', 'posted'] as const) if (results.includes(r)) return r;
    return 'duplicate';
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (!this.o.destinations().length) this.o.log.info({}, 'weekly report: no managers\u2019 destination configured; not posting');
    this.arm(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.min(ms, MAX_SLEEP_MS))).unref();
  }

  private async tick(): Promise<void> {
    const now = this.now();
    let result: PostResult;
    try {
      result = await this.runDue(now);
    } catch (err) {
      this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'weekly report: store unavailable; will retry');
      result = 'failed';
    }
    const retry = result === 'failed' || result === 'busy';
    this.arm(retry ? (this.o.retryMs ?? 60_000) : nextRun(this.o.schedule, this.o.tz, now).getTime() - now.getTime());
  }
}
