import type { createClient } from 'redis';
import { encodeMessage, encodeTiming, hourOf } from '../../core/stats/counters.ts';
import { GAP_RETENTION_MS, GAPS_PER_HOUR, HOUR_MS, type Counters, type EscalationTiming, type MessageRecord, type StatsReading, type StatsStore } from '../../core/stats/stats.ts';

type RedisClient = ReturnType<typeof createClient>;

/**
 * Key layout (under the RedisStore's prefix, on its connection):
 * - stats:h:{epochHour}     hash    counter → count, summed at write time (see core/stats/counters.ts)
 * - stats:gaps:{epochHour}  list    redacted gap questions, the first GAPS_PER_HOUR of the hour; expires
 *                                   GAP_RETENTION_MS after the hour
 * - stats:t:{event}         zset    escalation id → epoch ms of its first 'created' / 'claim' / 'answer'
 * - stats:ts:{event}        hash    escalation id → seconds since created, for the same events
 * A report reads one hash per hour of the range (a week: 168), pipelined.
 */

/** Counts an escalation event once per id: the sorted set is the guard, the counters follow in the same step. */
const TIMING = `
if redis.call('ZADD', KEYS[1], 'NX', ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
for i = 3, #KEYS do redis.call('HINCRBY', KEYS[i], ARGV[i + 1], 1) end
return 1
`;

export class RedisStatsStore implements StatsStore {
  private readonly client: RedisClient;
  private readonly prefix: string;

  constructor(shared: { client: RedisClient; prefix: string }) {
    this.client = shared.client;
    this.prefix = shared.prefix;
  }

  private k(key: string): string {
    return `${this.prefix}stats:${key}`;
  }

  async recordMessage(r: MessageRecord): Promise<void> {
    return this.recordMessages([r]);
  }

  async recordMessages(rs: readonly MessageRecord[]): Promise<void> {
    const sums = new Map<number, Map<string, number>>();
    const gaps = new Map<number, string[]>();
    for (const r of rs) {
      const hour = hourOf(r.at.getTime());
      let counters = sums.get(hour);
      if (!counters) sums.set(hour, (counters = new Map()));
      for (const field of encodeMessage(r)) counters.set(field, (counters.get(field) ?? 0) + 1);
      if (r.gap) {
        const list = gaps.get(hour) ?? [];
        if (list.length < GAPS_PER_HOUR) list.push(r.gap);
        gaps.set(hour, list);
      }
    }
    // One transaction: a message's counters are all there or none are.
    const multi = this.client.multi();
    for (const [hour, counters] of sums) for (const [field, n] of counters) multi.hIncrBy(this.k(`h:${hour}`), field, n);
    for (const [hour, texts] of gaps) {
      const key = this.k(`gaps:${hour}`);
      multi.rPush(key, texts);
      // The first of the hour are kept; the gap counter still counts every one.
      multi.lTrim(key, 0, GAPS_PER_HOUR - 1);
      multi.pExpireAt(key, (hour + 1) * HOUR_MS + GAP_RETENTION_MS);
    }
    await multi.exec();
  }

  async recordEscalationTiming(t: EscalationTiming): Promise<void> {
    const pairs = encodeTiming(t);
    await this.client.eval(TIMING, {
      keys: [this.k(`t:${t.event}`), this.k(`ts:${t.event}`), ...pairs.map(([hour]) => this.k(`h:${hour}`))],
      arguments: [String(t.at.getTime()), t.id, String(Math.max(0, t.seconds)), ...pairs.map(([, field]) => field)],
    });
  }

  async read(boundaries: readonly Date[], options: { gaps?: boolean; timings?: boolean } = {}): Promise<StatsReading> {
    const hours = boundaries.map((b) => hourOf(b.getTime()));
    const first = hours[0] ?? 0;
    const last = hours.at(-1) ?? 0;
    const range = Array.from({ length: Math.max(0, last - first) }, (_, i) => first + i);
    // Sent together: node-redis pipelines commands issued in the same tick.
    const [hashes, lists, timings] = await Promise.all([
      Promise.all(range.map((h) => this.client.hGetAll(this.k(`h:${h}`)))),
      options.gaps ? Promise.all(range.map((h) => this.client.lRange(this.k(`gaps:${h}`), 0, -1))) : Promise.resolve([]),
      options.timings ? Promise.all((['claim', 'answer'] as const).map((event) => this.timings(event, boundaries[0]!.getTime(), boundaries.at(-1)!.getTime()))) : Promise.resolve([]),
    ]);
    const spans: Counters[] = hours.slice(1).map(() => ({}));
    let i = 0;
    for (const [j, hash] of hashes.entries()) {
      const hour = first + j;
      while (i + 1 < hours.length - 1 && hour >= hours[i + 1]!) i++;
      const span = spans[i]!;
      for (const [field, value] of Object.entries(hash as Record<string, string>)) span[field] = (span[field] ?? 0) + Number(value);
    }
    return {
      spans,
      gaps: (lists as string[][]).flat(),
      timings: timings.flat().sort((a, b) => a.at - b.at),
    };
  }

  private async timings(event: 'claim' | 'answer', from: number, to: number): Promise<StatsReading['timings']> {
    const entries = await this.client.zRangeWithScores(this.k(`t:${event}`), from, `(${to}`, { BY: 'SCORE' });
    const ids = entries.map((e) => String(e.value));
    const ats = entries.map((e) => Number(e.score));
    if (!ids.length) return [];
    const seconds = await this.client.hmGet(this.k(`ts:${event}`), ids);
    return ids.map((_, i) => ({ event, at: ats[i]!, seconds: Number(seconds[i] ?? 0) }));
  }
}
