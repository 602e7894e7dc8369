import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { SqliteStatsStore } from '../src/adapters/store/sqlite-stats.ts';
import { parseWeek, weekBoundaries } from '../src/core/report/calendar.ts';
import { summarize } from '../src/core/stats/counters.ts';
import { GAPS_PER_HOUR, type MessageRecord, type StatsStore } from '../src/core/stats/stats.ts';
import type { Store } from '../src/core/store/store.ts';
import { tempDir } from './helpers.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

/**
 * The contract every StatsStore keeps (src/core/stats/stats.ts), run against the SQLite and the Redis
 * implementation. Days and weeks are cut in Europe/Stockholm time, across both daylight-saving changes.
 */

const TZ = 'Europe/Stockholm';

interface Opened {
  stats: StatsStore;
  /** Closes the store and opens the same data again (a restart). */
  reopen(): Promise<StatsStore>;
  close(): Promise<void>;
}

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  open(): Promise<Opened>;
}

const sqliteBackend: Backend = {
  name: 'SqliteStatsStore',
  async setup() {},
  async teardown() {},
  async open() {
    const file = join(await tempDir('lotsen-stats-'), 'lotsen.db');
    let store = new SqliteStore(file);
    return {
      stats: new SqliteStatsStore(store.database),
      async reopen() {
        await store.close();
        store = new SqliteStore(file);
        return new SqliteStatsStore(store.database);
      },
      close: () => store.close(),
    };
  },
};

function redisBackend(): Backend {
  let redis: TestRedis | undefined;
  let n = 0;
  return {
    name: 'RedisStatsStore',
    async setup() {
      redis = await startRedis();
    },
    async teardown() {
      await redis?.stop();
    },
    async open() {
      const { RedisStore } = await import('../src/adapters/store/redis-store.ts');
      const { RedisStatsStore } = await import('../src/adapters/store/redis-stats.ts');
      const prefix = `${redis!.prefix}s${++n}:`;
      let store = await RedisStore.connect(redis!.url, { prefix });
      return {
        stats: new RedisStatsStore(store.shared),
        async reopen() {
          await store.close();
          store = await RedisStore.connect(redis!.url, { prefix });
          return new RedisStatsStore(store.shared);
        },
        close: () => store.close(),
      };
    },
  };
}

const msg = (at: string, over: Partial<MessageRecord> = {}): MessageRecord => ({
  at: new Date(at),
  platform: 'web',
  site: 'SÄS Borås avd 12',
  intent: 'question',
  severity: 'S4',
  outcome: 'answered',
  module: 'PowerChart',
  ...over,
});

/** Counters of each local day of an ISO week, summarised. */
async function days(stats: StatsStore, week: string) {
  const reading = await stats.read(weekBoundaries(parseWeek(week), TZ));
  return reading.spans.map(summarize);
}

for (const backend of [sqliteBackend, redisBackend()]) {
  describe(`${backend.name} contract`, () => {
    const opened: Opened[] = [];
    const open = async () => {
      const o = await backend.open();
      opened.push(o);
      return o;
    };
    beforeAll(() => backend.setup());
    afterAll(async () => {
      for (const o of opened) await o.close();
      await backend.teardown();
    });

    it('counts each message by outcome, intent, severity, site, module, failure group and platform', async () => {
      const { stats } = await open();
      await stats.recordMessage(msg('2026-11-17T09:00:00Z'));
      await stats.recordMessage(msg('2026-11-17T09:10:00Z', { outcome: 'escalated', gap: 'hur bokar jag tolk i tidboken?', module: undefined }));
      await stats.recordMessage(msg('2026-11-17T10:00:00Z', { intent: 'failure', severity: 'S2', outcome: 'known-issue', groupId: 'grp-printer', module: 'Etiketter', site: 'NÄL' }));
      await stats.recordMessage(msg('2026-11-17T10:05:00Z', { intent: 'failure', severity: 'S2', outcome: 'escalated', groupId: 'grp-printer', module: 'Etiketter', site: 'NÄL', platform: 'slack' }));
      await stats.recordMessage(msg('2026-11-17T11:00:00Z', { intent: 'safety', severity: 'S1', outcome: 'safety', module: undefined, platform: 'teams' }));
      await stats.recordMessage(msg('2026-11-17T11:30:00Z', { outcome: 'limited' }));
      // "Didn't help" on the first answer: an escalation, not a new question.
      await stats.recordMessage(msg('2026-11-17T09:02:00Z', { outcome: 'escalated', followUp: true }));

      const tuesday = (await days(stats, '2026-W47'))[1]!;
      expect(tuesday.messages).toBe(6);
      expect(tuesday.asked).toBe(4);
      expect(tuesday.answeredByBot).toBe(2);
      expect(tuesday.knownIssue).toBe(1);
      expect(tuesday.escalated).toBe(2);
      expect(tuesday.escalatedAfterAnswer).toBe(1);
      expect(tuesday.safety).toBe(1);
      expect(tuesday.limited).toBe(1);
      expect(tuesday.deflectionRate).toBeCloseTo(1 / 4);
      expect(tuesday.gaps).toBe(1);
      expect(tuesday.byIntent).toEqual({ question: 3, failure: 2, safety: 1, other: 0 });
      expect(tuesday.bySeverity.S2).toEqual({ question: 0, failure: 2, safety: 0, other: 0 });
      expect(tuesday.bySeverity.S1?.safety).toBe(1);
      expect(tuesday.bySite['NÄL']?.failure).toBe(2);
      expect(tuesday.bySite['SÄS Borås avd 12']).toEqual({ question: 3, failure: 0, safety: 1, other: 0 });
      expect(tuesday.byModule['Etiketter']?.failure).toBe(2);
      expect(tuesday.byModule['']).toEqual({ question: 1, failure: 0, safety: 1, other: 0 });
      expect(tuesday.byGroup).toEqual({ 'grp-printer': 2 });
      expect(tuesday.byPlatform).toEqual({ web: 4, slack: 1, teams: 1 });
      const others = (await days(stats, '2026-W47')).filter((_, i) => i !== 1);
      expect(others.every((d) => d.messages === 0)).toBe(true);
    });

    it('cuts days and weeks at midnight in Stockholm (CET), not at UTC midnight', async () => {
      const { stats } = await open();
      // Sunday 22 November 23:59:59 in Stockholm is still week 47; a millisecond later it is Monday of week 48.
      await stats.recordMessage(msg('2026-11-22T22:59:59.999Z'));
      await stats.recordMessage(msg('2026-11-22T23:00:00.000Z'));
      // Monday 16 November 00:30 in Stockholm (23:30 UTC on Sunday): the first day of week 47.
      await stats.recordMessage(msg('2026-11-15T23:30:00Z'));
      const w47 = await days(stats, '2026-W47');
      const w48 = await days(stats, '2026-W48');
      expect(w47.map((d) => d.messages)).toEqual([1, 0, 0, 0, 0, 0, 1]);
      expect(w48.map((d) => d.messages)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    });

    it('counts the 23-hour day when clocks go forward (29 March 2026) in the right days and weeks', async () => {
      const { stats } = await open();
      const boundaries = weekBoundaries(parseWeek('2026-W13'), TZ);
      // Sunday 29 March runs from 23:00 UTC on Saturday to 22:00 UTC on Sunday: 23 hours.
      expect((boundaries[7]!.getTime() - boundaries[6]!.getTime()) / 3600_000).toBe(23);
      await stats.recordMessage(msg('2026-03-28T22:59:00Z')); // Saturday 23:59 CET
      await stats.recordMessage(msg('2026-03-28T23:00:00Z')); // Sunday 00:00 CET
      await stats.recordMessage(msg('2026-03-29T01:30:00Z')); // Sunday 03:30 CEST, just after the change
      await stats.recordMessage(msg('2026-03-29T21:59:00Z')); // Sunday 23:59 CEST
      await stats.recordMessage(msg('2026-03-29T22:00:00Z')); // Monday 00:00 CEST: week 14
      expect((await days(stats, '2026-W13')).map((d) => d.messages)).toEqual([0, 0, 0, 0, 0, 1, 3]);
      expect((await days(stats, '2026-W14')).map((d) => d.messages)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    });

    it('counts the 25-hour day when clocks go back (25 October 2026), the repeated hour included', async () => {
      const { stats } = await open();
      const boundaries = weekBoundaries(parseWeek('2026-W43'), TZ);
      expect((boundaries[7]!.getTime() - boundaries[6]!.getTime()) / 3600_000).toBe(25);
      await stats.recordMessage(msg('2026-10-24T21:59:00Z')); // Saturday 23:59 CEST
      await stats.recordMessage(msg('2026-10-24T22:00:00Z')); // Sunday 00:00 CEST
      await stats.recordMessage(msg('2026-10-25T00:30:00Z')); // Sunday 02:30 CEST
      await stats.recordMessage(msg('2026-10-25T01:30:00Z')); // Sunday 02:30 CET, the same wall-clock time again
      await stats.recordMessage(msg('2026-10-25T22:59:00Z')); // Sunday 23:59 CET
      await stats.recordMessage(msg('2026-10-25T23:00:00Z')); // Monday 00:00 CET: week 44
      expect((await days(stats, '2026-W43')).map((d) => d.messages)).toEqual([0, 0, 0, 0, 0, 1, 4]);
      expect((await days(stats, '2026-W44')).map((d) => d.messages)).toEqual([1, 0, 0, 0, 0, 0, 0]);
    });

    it('gives the same counters for a bulk write as for one message at a time', async () => {
      const one = (await open()).stats;
      const bulk = (await open()).stats;
      const records: MessageRecord[] = [];
      const outcomes = ['answered', 'escalated', 'known-issue', 'safety', 'limited'] as const;
      for (let i = 0; i < 300; i++) {
        records.push(
          msg(new Date(Date.parse('2026-11-16T00:00:00Z') + i * 30 * 60_000).toISOString(), {
            outcome: outcomes[i % 5],
            intent: i % 3 ? 'question' : 'failure',
            site: `site-${i % 4}`,
            groupId: i % 3 ? undefined : `g${i % 7}`,
            gap: i % 5 === 1 ? `fråga ${i}` : undefined,
            followUp: i % 11 === 0,
          }),
        );
      }
      for (const r of records) await one.recordMessage(r);
      await bulk.recordMessages(records);
      const w = weekBoundaries(parseWeek('2026-W47'), TZ);
      const [a, b] = await Promise.all([one.read(w, { gaps: true }), bulk.read(w, { gaps: true })]);
      expect(b.spans).toEqual(a.spans);
      expect(b.gaps).toEqual(a.gaps);
      expect(a.spans.reduce((n, s) => n + (s.n ?? 0) + (s.fu ?? 0), 0)).toBe(300);
    });

    it('keeps gap texts in order, at most GAPS_PER_HOUR an hour, and counts every gap', async () => {
      const { stats } = await open();
      const texts = Array.from({ length: GAPS_PER_HOUR + 20 }, (_, i) => `gap ${i}`);
      await stats.recordMessages(texts.slice(0, 50).map((t, i) => msg(`2026-11-18T08:${String(i % 60).padStart(2, '0')}:00Z`, { outcome: 'escalated', gap: t })));
      for (const [i, t] of texts.slice(50).entries()) await stats.recordMessage(msg(`2026-11-18T08:59:${String(i % 60).padStart(2, '0')}Z`, { outcome: 'escalated', gap: t }));
      await stats.recordMessage(msg('2026-11-18T09:00:00Z', { outcome: 'escalated', gap: 'nästa timme' }));
      const reading = await stats.read(weekBoundaries(parseWeek('2026-W47'), TZ), { gaps: true });
      expect(reading.gaps).toEqual([...texts.slice(0, GAPS_PER_HOUR), 'nästa timme']);
      expect(summarize(reading.spans[2]!).gaps).toBe(GAPS_PER_HOUR + 21);
      // Gap texts are read only when asked for.
      expect((await stats.read(weekBoundaries(parseWeek('2026-W47'), TZ))).gaps).toEqual([]);
    });

    it('counts each escalation event once, and the unanswered ones against the day they were created', async () => {
      const { stats } = await open();
      const created = (id: string, at: string) => stats.recordEscalationTiming({ id, at: new Date(at), event: 'created', seconds: 0 });
      await created('e1', '2026-11-16T08:00:00Z');
      await created('e2', '2026-11-16T09:00:00Z');
      await created('e3', '2026-11-22T22:30:00Z'); // Sunday 23:30 local
      await created('e1', '2026-11-16T08:00:00Z'); // told twice (two listeners, a retry)
      await stats.recordEscalationTiming({ id: 'e1', at: new Date('2026-11-16T08:02:00Z'), event: 'claim', seconds: 120 });
      // Released and claimed again later: the first claim is what counts.
      await stats.recordEscalationTiming({ id: 'e1', at: new Date('2026-11-16T08:30:00Z'), event: 'claim', seconds: 1800 });
      await stats.recordEscalationTiming({ id: 'e1', at: new Date('2026-11-16T08:10:00Z'), event: 'answer', seconds: 600 });
      await stats.recordEscalationTiming({ id: 'e2', at: new Date('2026-11-16T09:05:00Z'), event: 'claim', seconds: 300 });
      // e3 is answered on Monday of the next week: it counts as answered for the day it was created.
      await stats.recordEscalationTiming({ id: 'e3', at: new Date('2026-11-23T07:30:00Z'), event: 'answer', seconds: 9 * 3600 });

      const reading = await stats.read(weekBoundaries(parseWeek('2026-W47'), TZ), { timings: true });
      const monday = summarize(reading.spans[0]!);
      const sunday = summarize(reading.spans[6]!);
      expect(monday.escalationsCreated).toBe(2);
      expect(monday.escalationsClaimed).toBe(2);
      expect(monday.answeredOfCreated).toBe(1);
      expect(sunday.escalationsCreated).toBe(1);
      expect(sunday.answeredOfCreated).toBe(1);
      expect(reading.timings).toEqual([
        { event: 'claim', at: Date.parse('2026-11-16T08:02:00Z'), seconds: 120 },
        { event: 'answer', at: Date.parse('2026-11-16T08:10:00Z'), seconds: 600 },
        { event: 'claim', at: Date.parse('2026-11-16T09:05:00Z'), seconds: 300 },
      ]);
      const next = await stats.read(weekBoundaries(parseWeek('2026-W48'), TZ), { timings: true });
      expect(next.timings).toEqual([{ event: 'answer', at: Date.parse('2026-11-23T07:30:00Z'), seconds: 9 * 3600 }]);
      expect(summarize(next.spans[0]!).escalationsAnswered).toBe(1);
    });

    it('keeps what was counted across a restart', async () => {
      const o = await open();
      await o.stats.recordMessages([msg('2026-11-19T12:00:00Z', { outcome: 'escalated', gap: 'något som saknas' }), msg('2026-11-19T12:01:00Z')]);
      await o.stats.recordEscalationTiming({ id: 'x1', at: new Date('2026-11-19T12:00:00Z'), event: 'created', seconds: 0 });
      const again = await o.reopen();
      o.stats = again;
      const reading = await again.read(weekBoundaries(parseWeek('2026-W47'), TZ), { gaps: true });
      const thursday = summarize(reading.spans[3]!);
      expect(thursday.asked).toBe(2);
      expect(thursday.escalationsCreated).toBe(1);
      expect(reading.gaps).toEqual(['något som saknas']);
      // The same event told again after the restart still counts once.
      await again.recordEscalationTiming({ id: 'x1', at: new Date('2026-11-19T12:00:00Z'), event: 'created', seconds: 0 });
      expect(summarize((await again.read(weekBoundaries(parseWeek('2026-W47'), TZ))).spans[3]!).escalationsCreated).toBe(1);
    });

    it('reads an empty range as zeros', async () => {
      const { stats } = await open();
      const reading = await stats.read(weekBoundaries(parseWeek('2030-W01'), TZ), { gaps: true, timings: true });
      expect(reading.spans).toHaveLength(7);
      expect(reading.spans.map(summarize).every((d) => d.messages === 0 && d.deflectionRate === null)).toBe(true);
      expect(reading.gaps).toEqual([]);
      expect(reading.timings).toEqual([]);
    });
  });
}

// Keeps the Store import honest: the stats stores ride on a Store's connection.
export type { Store };
