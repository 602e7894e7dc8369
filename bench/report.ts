// The managers' weekly report over 1,000,000 stored message events, on the embedded SQLite store and
// on Redis (a private redis-server started here, append-only file with `appendfsync everysec`).
//
// Fill: 1,000,000 MessageRecords over six ISO weeks (2026-W39 … W44, the 25-hour day of 25 October
// included), with daytime peaks, 40 sites, 15 modules, 300 recurring failures (a few common, many
// rare), and the redacted question of every escalated one kept as a knowledge-base gap (real
// questions from eval/questions.jsonl); plus 30,000 escalations with their creation, first claim and
// first answer, and a few open safety items. Written through the StatsStore API: recordMessages in
// batches of 10,000 (the bulk path: the same counters as one message at a time, summed per batch),
// and 20,000 more with recordMessage one at a time (the live path) for its rate.
// Then: buildWeeklyReport + Markdown for 2026-W44 (against W43), in process, median of 5; and the
// whole `lotsen report --week 2026-W44` command (a fresh process: configuration, store, knowledge
// base, report), median of 5.
// Run: npm run bench:report   (writes bench/out/report.json; about two minutes)
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createClient } from 'redis';
import { RedisStatsStore } from '../src/adapters/store/redis-stats.ts';
import { RedisStore } from '../src/adapters/store/redis-store.ts';
import { SqliteStatsStore } from '../src/adapters/store/sqlite-stats.ts';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { addDays, mondayOf, parseWeek, zonedTime } from '../src/core/report/calendar.ts';
import { reportSources } from '../src/core/report/publish.ts';
import { renderMarkdown } from '../src/core/report/render.ts';
import { buildWeeklyReport } from '../src/core/report/report.ts';
import type { FailureGroupSummary, MessageRecord, StatsStore } from '../src/core/stats/stats.ts';
import type { Store } from '../src/core/store/store.ts';
import { pingOnce } from '../test/support/redis-server.ts';
import { childProcesses, freePort } from './processes.ts';
import { median, round } from './stats.ts';
import { seededRandom } from '../test/support/seeded-random.ts';

const root = new URL('..', import.meta.url).pathname;
const EVENTS = Number(process.env.BENCH_REPORT_EVENTS ?? 1_000_000);
const LIVE = Number(process.env.BENCH_REPORT_LIVE ?? 20_000);
const ESCALATIONS = 30_000;
const BATCH = 10_000;
const RUNS = 5;
const TZ = 'Europe/Stockholm';
const WEEKS = ['2026-W39', '2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44'];
const REPORT_WEEK = '2026-W44';

const tempDirs = new Set<string>();
const { track, killAll } = childProcesses(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Data: deterministic (mulberry32), the same for both stores.
// ---------------------------------------------------------------------------------------------

const QUESTIONS = readFileSync(join(root, 'eval/questions.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => (JSON.parse(l) as { question: string }).question);
const SITES = Array.from({ length: 40 }, (_, i) => `Enhet ${String(i + 1).padStart(2, '0')}`);
const MODULES = ['PowerChart', 'FirstNet', 'iView', 'MAR', 'PowerOrders', 'Message Center', 'CareCompass', 'Scheduling', 'Etiketter', 'Inloggning', 'Dynamic Documentation', 'Results Review', 'PM Conversation', '724Access', 'Remiss'];
const GROUPS = Array.from({ length: 300 }, (_, i) => `g${String(i).padStart(3, '0')}`);

function pick<T>(rand: () => number, list: readonly T[], skew = 1): T {
  return list[Math.min(list.length - 1, Math.floor(list.length * rand() ** skew))]!;
}

/** `n` records spread over the weeks, more by day than by night. */
function* records(n: number, seed: number): Generator<MessageRecord> {
  const rand = seededRandom(seed);
  const first = zonedTime(mondayOf(parseWeek(WEEKS[0]!)), 0, 0, TZ).getTime();
  const last = zonedTime(addDays(mondayOf(parseWeek(WEEKS.at(-1)!)), 7), 0, 0, TZ).getTime();
  const span = last - first;
  for (let i = 0; i < n; i++) {
    // Time in order (an import, a day's traffic), with most messages between 07 and 17.
    let at = first + Math.floor((i / n) * span);
    const hour = new Date(at).getUTCHours();
    if ((hour < 5 || hour > 16) && rand() < 0.7) at = Math.min(last - 1, at - (at % 3_600_000) + 3_600_000 * (6 + Math.floor(rand() * 10)) - hour * 3_600_000);
    const r = rand();
    const intent = r < 0.7 ? 'question' : r < 0.95 ? 'failure' : r < 0.96 ? 'safety' : 'other';
    const o = rand();
    const outcome: MessageRecord['outcome'] = intent === 'safety' ? 'safety' : o < 0.6 ? 'answered' : o < 0.9 ? 'escalated' : o < 0.97 ? 'known-issue' : 'limited';
    const severity = intent === 'safety' ? 'S1' : intent === 'failure' ? pick(rand, ['S2', 'S3'] as const) : 'S4';
    yield {
      at: new Date(at),
      platform: pick(rand, ['teams', 'slack', 'web'] as const, 1.5),
      site: pick(rand, SITES, 1.3),
      intent,
      severity,
      outcome,
      module: rand() < 0.8 ? pick(rand, MODULES, 1.5) : undefined,
      groupId: intent === 'failure' ? pick(rand, GROUPS, 3) : undefined,
      gap: (intent === 'question' || intent === 'other') && outcome === 'escalated' ? pick(rand, QUESTIONS) : undefined,
      followUp: outcome === 'answered' && rand() < 0.05 ? true : undefined,
    };
  }
}

async function fill(stats: StatsStore, store: Store): Promise<{ bulkPerSec: number; livePerSec: number; timingPerSec: number }> {
  let batch: MessageRecord[] = [];
  const t0 = performance.now();
  for (const r of records(EVENTS, 47)) {
    batch.push(r);
    if (batch.length === BATCH) {
      await stats.recordMessages(batch);
      batch = [];
    }
  }
  if (batch.length) await stats.recordMessages(batch);
  const bulkPerSec = EVENTS / ((performance.now() - t0) / 1000);
  // The live path: one message at a time, each its own write, as replies arrive.
  const t1 = performance.now();
  for (const r of records(LIVE, 48)) await stats.recordMessage(r);
  const livePerSec = LIVE / ((performance.now() - t1) / 1000);
  // Escalations: created, claimed 30 s – 1 h later, answered some minutes after that.
  const rand = seededRandom(49);
  const first = zonedTime(mondayOf(parseWeek(WEEKS[0]!)), 0, 0, TZ).getTime();
  const t2 = performance.now();
  let events = 0;
  for (let i = 0; i < ESCALATIONS; i += 500) {
    const work: Promise<void>[] = [];
    for (let j = i; j < Math.min(ESCALATIONS, i + 500); j++) {
      const created = first + Math.floor((j / ESCALATIONS) * 42 * 86_400_000);
      const claim = 30 + rand() * 3600;
      const answer = claim + 60 + rand() * 1800;
      const id = `bench${j}`;
      work.push(stats.recordEscalationTiming({ id, at: new Date(created), event: 'created', seconds: 0 }));
      work.push(stats.recordEscalationTiming({ id, at: new Date(created + claim * 1000), event: 'claim', seconds: claim }));
      if (rand() < 0.9) work.push(stats.recordEscalationTiming({ id, at: new Date(created + answer * 1000), event: 'answer', seconds: answer }));
    }
    events += work.length;
    await Promise.all(work);
  }
  const timingPerSec = events / ((performance.now() - t2) / 1000);
  // A few open safety items, as the report lists them.
  const reportMonday = zonedTime(mondayOf(parseWeek(REPORT_WEEK)), 9, 0, TZ);
  for (let i = 0; i < 5; i++) {
    await store.createEscalation(
      { kind: 'safety', severity: 'S1', text: 'Provsvar på fel patient', lang: 'sv', asker: { platform: 'teams', userId: `u${i}`, site: SITES[i] }, conversation: { platform: 'teams', channel: `c${i}` }, safetyKind: 'wrong-patient' },
      new Date(reportMonday.getTime() + i * 86_400_000),
    );
  }
  return { bulkPerSec, livePerSec, timingPerSec };
}

/** The tally's labels, as the failure desk would give them. */
const groups = async (ids: string[]): Promise<FailureGroupSummary[]> =>
  ids.map((id) => ({ id, label: `Återkommande fel ${id}`, status: 'open', count: 1, users: 1, sites: [], firstSeen: '', lastSeen: '' }));

async function timeReport(stats: StatsStore, store: Store): Promise<{ medianMs: number; runsMs: number[]; asked: number; gaps: number; chars: number }> {
  const sources = reportSources({ stats, store, failures: { summaries: groups } });
  const runsMs: number[] = [];
  let last: Awaited<ReturnType<typeof buildWeeklyReport>> | undefined;
  let chars = 0;
  // One warm-up (stemmer memo, prepared statements), then the measured runs.
  for (let i = 0; i <= RUNS; i++) {
    const t = performance.now();
    last = await buildWeeklyReport({ week: REPORT_WEEK, tz: TZ, lang: 'sv' }, sources);
    chars = renderMarkdown(last).length;
    if (i > 0) runsMs.push(performance.now() - t);
  }
  return { medianMs: round(median(runsMs), 1), runsMs: runsMs.map((x) => round(x, 1)), asked: last!.totals.asked, gaps: last!.gaps.reduce((n, g) => n + g.count, 0) + last!.gapsUngrouped, chars };
}

const run = promisify(execFile);
async function timeCli(env: Record<string, string>): Promise<{ medianMs: number; runsMs: number[] }> {
  const runsMs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const { stdout } = await run(process.execPath, [join(root, 'bin/lotsen.js'), 'report', '--week', REPORT_WEEK], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...env },
      maxBuffer: 16 * 1024 * 1024,
    });
    runsMs.push(performance.now() - t);
    if (!stdout.includes('vecka 44')) throw new Error('lotsen report printed no report');
  }
  return { medianMs: round(median(runsMs), 0), runsMs: runsMs.map((x) => round(x, 0)) };
}

async function startRedis(): Promise<{ url: string; child: ChildProcess }> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('redis-server was not found on PATH (apt-get install -y redis-server)');
  const dir = await tempDir('lotsen-bench-redis-');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec', '--protected-mode', 'no', '--loglevel', 'warning'];
  const child = track(spawn('redis-server', args, { cwd: dir, stdio: 'ignore' }));
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
    if (child.exitCode !== null) break;
    if (await pingOnce(port)) return { url: `redis://127.0.0.1:${port}`, child };
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

async function main(): Promise<void> {
  // SQLite: the store's own file, as `lotsen serve` opens it.
  const dataDir = await tempDir('lotsen-bench-report-');
  const sqlite = new SqliteStore(join(dataDir, 'lotsen.db'));
  const sqliteStats = new SqliteStatsStore(sqlite.database);
  console.error(`SQLite: writing ${EVENTS.toLocaleString('en')} events …`);
  const sqliteFill = await fill(sqliteStats, sqlite);
  const sqliteReport = await timeReport(sqliteStats, sqlite);
  await sqlite.close();
  const dbBytes = ['lotsen.db', 'lotsen.db-wal'].reduce((n, f) => n + (statSync(join(dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
  console.error('SQLite: lotsen report (process) …');
  const sqliteCli = await timeCli({ LOTSEN_DATA_DIR: dataDir });
  const s = { ...sqliteFill, report: sqliteReport, cli: sqliteCli, fileMB: round(dbBytes / 2 ** 20, 1) };

  // Redis: the default key prefix, so that `lotsen report` with REDIS_URL reads the same data.
  const redis = await startRedis();
  const store = await RedisStore.connect(redis.url);
  const redisStats = new RedisStatsStore(store.shared);
  console.error(`Redis: writing ${EVENTS.toLocaleString('en')} events …`);
  const redisFill = await fill(redisStats, store);
  const redisReport = await timeReport(redisStats, store);
  await store.close();
  const info = createClient({ url: redis.url });
  await info.connect();
  const used = /used_memory:(\d+)/.exec(await info.info('memory'))?.[1];
  await info.close();
  console.error('Redis: lotsen report (process) …');
  const redisCli = await timeCli({ REDIS_URL: redis.url, LOTSEN_DATA_DIR: await tempDir('lotsen-bench-report-redis-') });
  const r = { ...redisFill, report: redisReport, cli: redisCli, usedMemoryMB: round(Number(used ?? 0) / 2 ** 20, 1) };

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${availableParallelism()} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`;
  const out = { machine, events: EVENTS, live: LIVE, escalations: ESCALATIONS, week: REPORT_WEEK, sqlite: s, redis: r };
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/report.json'), JSON.stringify(out, null, 2));
  killAll();

  const k = (x: number) => Math.round(x).toLocaleString('en');
  console.log(`Machine: ${machine}`);
  console.log(`${k(EVENTS)} message events over ${WEEKS[0]} … ${WEEKS.at(-1)}; report for ${REPORT_WEEK} (${k(s.report.asked)} questions, ${k(s.report.gaps)} gap texts read)`);
  console.log('| measure | SQLite | Redis | target |');
  console.log('|---|---|---|---|');
  console.log(`| weekly report build (median of ${RUNS}) | ${s.report.medianMs} ms | ${r.report.medianMs} ms | < 5 s |`);
  console.log(`| \`lotsen report --week ${REPORT_WEEK}\`, whole process (median of ${RUNS}) | ${s.cli.medianMs} ms | ${r.cli.medianMs} ms | |`);
  console.log(`| write, bulk (recordMessages, batches of ${k(BATCH)}) | ${k(s.bulkPerSec)} events/s | ${k(r.bulkPerSec)} events/s | |`);
  console.log(`| write, live (recordMessage one at a time) | ${k(s.livePerSec)} events/s | ${k(r.livePerSec)} events/s | |`);
  console.log(`| escalation timings (recordEscalationTiming) | ${k(s.timingPerSec)} events/s | ${k(r.timingPerSec)} events/s | |`);
  console.log(`| storage | ${s.fileMB} MB file | ${r.usedMemoryMB} MB used_memory | |`);
}

main().catch((err) => {
  console.error(err);
  killAll();
  process.exit(1);
});
