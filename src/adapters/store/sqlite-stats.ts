import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { encodeMessage, encodeTiming, hourOf } from '../../core/stats/counters.ts';
import { GAP_RETENTION_MS, GAPS_PER_HOUR, HOUR_MS, type Counters, type EscalationTiming, type MessageRecord, type StatsReading, type StatsStore } from '../../core/stats/stats.ts';

/**
 * Schema (in the store's own file and connection):
 * - stats_counts: (epoch hour, counter) → count, summed at write time (see core/stats/counters.ts).
 *   A week's report reads about 168 hours × a few hundred counters, however many messages there were.
 * - stats_gaps: redacted gap questions, at most GAPS_PER_HOUR per hour, deleted after GAP_RETENTION_MS.
 * - stats_timing: one row per (event, escalation id), so a second claim or answer does not count again;
 *   the times to claim and to answer of a range are read from it.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS stats_counts (
  hour INTEGER NOT NULL,
  field TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (hour, field)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS stats_gaps (
  id INTEGER PRIMARY KEY,
  hour INTEGER NOT NULL,
  text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stats_gaps_by_hour ON stats_gaps (hour, id);
CREATE TABLE IF NOT EXISTS stats_timing (
  event TEXT NOT NULL,
  id TEXT NOT NULL,
  at INTEGER NOT NULL,
  seconds REAL NOT NULL,
  PRIMARY KEY (event, id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS stats_timing_by_at ON stats_timing (event, at);
`;

export class SqliteStatsStore implements StatsStore {
  private readonly db: DatabaseSync;
  private readonly add: StatementSync;
  private readonly gapCount: StatementSync;
  private readonly insertGap: StatementSync;
  private lastPrune = 0;

  constructor(db: DatabaseSync) {
    this.db = db;
    db.exec(SCHEMA);
    this.add = db.prepare('INSERT INTO stats_counts (hour, field, n) VALUES (?, ?, ?) ON CONFLICT (hour, field) DO UPDATE SET n = n + excluded.n');
    this.gapCount = db.prepare('SELECT COUNT(*) AS n FROM stats_gaps WHERE hour = ?');
    this.insertGap = db.prepare('INSERT INTO stats_gaps (hour, text) VALUES (?, ?)');
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  async recordMessage(r: MessageRecord): Promise<void> {
    return this.recordMessages([r]);
  }

  async recordMessages(rs: readonly MessageRecord[]): Promise<void> {
    // Summed in memory first: a batch of a day's messages is a few hundred upserts, not one per counter per message.
    const sums = new Map<string, number>();
    const gaps = new Map<number, string[]>();
    for (const r of rs) {
      const hour = hourOf(r.at.getTime());
      for (const field of encodeMessage(r)) {
        const key = `${hour}\u0000${field}`;
        sums.set(key, (sums.get(key) ?? 0) + 1);
      }
      if (r.gap) {
        const list = gaps.get(hour) ?? [];
        if (list.length < GAPS_PER_HOUR) list.push(r.gap);
        gaps.set(hour, list);
      }
    }
    this.transaction(() => {
      for (const [key, n] of sums) {
        const cut = key.indexOf('\u0000');
        this.add.run(Number(key.slice(0, cut)), key.slice(cut + 1), n);
      }
      for (const [hour, texts] of gaps) {
        const room = GAPS_PER_HOUR - Number((this.gapCount.get(hour) as { n: number }).n);
        for (const text of texts.slice(0, Math.max(0, room))) this.insertGap.run(hour, text);
      }
    });
    this.prune();
  }

  /** Old gap texts go about once an hour; the counters stay. */
  private prune(): void {
    const now = Date.now();
    if (now - this.lastPrune < HOUR_MS) return;
    this.lastPrune = now;
    this.db.prepare('DELETE FROM stats_gaps WHERE hour < ?').run(hourOf(now - GAP_RETENTION_MS));
  }

  async recordEscalationTiming(t: EscalationTiming): Promise<void> {
    this.transaction(() => {
      const inserted = this.db
        .prepare('INSERT OR IGNORE INTO stats_timing (event, id, at, seconds) VALUES (?, ?, ?, ?)')
        .run(t.event, t.id, t.at.getTime(), Math.max(0, t.seconds));
      if (Number(inserted.changes) !== 1) return;
      for (const [hour, field] of encodeTiming(t)) this.add.run(hour, field, 1);
    });
  }

  async read(boundaries: readonly Date[], options: { gaps?: boolean; timings?: boolean } = {}): Promise<StatsReading> {
    const hours = boundaries.map((b) => hourOf(b.getTime()));
    const first = hours[0] ?? 0;
    const last = hours.at(-1) ?? 0;
    // Summed by SQLite per span: a few hundred rows per day come back instead of one per hour and counter.
    const sum = this.db.prepare('SELECT field, SUM(n) AS n FROM stats_counts WHERE hour >= ? AND hour < ? GROUP BY field');
    const spans: Counters[] = hours.slice(1).map((to, i) => {
      const span: Counters = {};
      for (const row of sum.all(hours[i]!, to) as { field: string; n: number }[]) span[row.field] = Number(row.n);
      return span;
    });
    const gaps = options.gaps ? (this.db.prepare('SELECT text FROM stats_gaps WHERE hour >= ? AND hour < ? ORDER BY hour, id').all(first, last) as { text: string }[]).map((r) => r.text) : [];
    const timings = options.timings
      ? (this.db
          .prepare("SELECT event, at, seconds FROM stats_timing WHERE event IN ('claim', 'answer') AND at >= ? AND at < ? ORDER BY at")
          .all(boundaries[0]?.getTime() ?? 0, boundaries.at(-1)?.getTime() ?? 0) as { event: 'claim' | 'answer'; at: number; seconds: number }[]).map((r) => ({ event: r.event, at: Number(r.at), seconds: Number(r.seconds) }))
      : [];
    return { spans, gaps, timings };
  }
}
