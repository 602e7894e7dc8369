// Slack ingress (issue 5): signed Events API requests at rising rates against POST /slack/events of a
// `lotsen serve` (Slack on, Web API pointed at a fake on loopback) and, in the same run, against a bare
// Bolt app (Bolt's own HTTPReceiver, a no-op message listener). Per rate: ack latency p50/p99 as the
// sender sees it, acks per second, and events lost (sent and acknowledged, minus processed after
// draining: for Lotsen an answer posted to the fake Web API, for bare Bolt a listener call). Then each
// target at saturation (closed loop) for its top throughput. Every process is on loopback.
// Run: npm run bench:slack   (writes bench/out/slack-ingress.json; about 3 minutes)
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCases } from '../src/core/eval/cases.ts';
import { startFakeSlack } from '../test/support/fake-slack.ts';
import { median, percentile, round } from './stats.ts';
import { childProcesses, freePort } from './processes.ts';

const root = new URL('..', import.meta.url).pathname;
const self = fileURLToPath(import.meta.url);

const RATES = (process.env.BENCH_SLACK_RATES ?? '50,100,200,400').split(',').map(Number);
const PHASE_S = Number(process.env.BENCH_SLACK_SECONDS ?? 5);
const REPS = Number(process.env.BENCH_SLACK_REPS ?? 3);
const SATURATION_CONCURRENCY = 32;
const DRAIN_TIMEOUT_MS = 120_000;
const SECRET = randomBytes(16).toString('hex');

interface LoadResult {
  sent: number;
  acked: number;
  statuses: Record<string, number>;
  errors: number;
  durationS: number;
  p50: number;
  p99: number;
  max: number;
  ackPerS: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Load process: `node bench/slack-ingress.ts --load URL SECRET TAG RATE SECONDS [CONCURRENCY]`.
// Open loop at RATE events/s, or closed loop with CONCURRENCY senders when RATE is 0. JSON on stdout.
// ---------------------------------------------------------------------------------------------
async function loadProcess(url: string, secret: string, tag: string, rate: number, seconds: number, concurrency: number): Promise<void> {
  const questions = parseCases(readFileSync(join(root, 'eval/questions.jsonl'), 'utf8')).map((c) => c.question);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const fire = async (i: number) => {
    sent++;
    const ts = `${Math.floor(Date.now() / 1000)}.${String(i).padStart(6, '0')}`;
    const body = JSON.stringify({
      type: 'event_callback',
      team_id: 'T1',
      api_app_id: 'A1',
      event_id: `Ev${tag}X${i}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
      // One direct-message channel per event: many staff asking at once, each in their own DM.
      event: { type: 'message', channel_type: 'im', channel: `D${tag}X${i}`, user: `UB${i % 500}`, text: questions[i % questions.length], ts },
    });
    const t0 = performance.now();
    try {
      const hmacTs = Math.floor(Date.now() / 1000);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(hmacTs), 'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${hmacTs}:${body}`).digest('hex')}` },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      latencies.push(performance.now() - t0);
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    } catch {
      errors++;
    }
  };
  const start = performance.now();
  if (rate > 0) {
    const total = Math.round(rate * seconds);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < total; i++) {
      const wait = start + (i * 1000) / rate - performance.now();
      if (wait >= 1) await sleep(wait);
      pending.push(fire(i));
    }
    await Promise.all(pending);
  } else {
    let next = 0;
    const until = start + seconds * 1000;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) await fire(next++);
    }));
  }
  const durationS = (performance.now() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const acked = statuses['200'] ?? 0;
  const out: LoadResult = { sent, acked, statuses, errors, durationS, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, ackPerS: acked / durationS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Bare Bolt: `node bench/slack-ingress.ts --bare PORT SECRET`: Bolt's HTTPReceiver, a no-op listener.
// ---------------------------------------------------------------------------------------------
async function bareProcess(port: number, secret: string): Promise<void> {
  const { App, HTTPReceiver, LogLevel } = await import('@slack/bolt');
  let processed = 0;
  const receiver = new HTTPReceiver({
    signingSecret: secret,
    endpoints: '/slack/events',
    logLevel: LogLevel.ERROR,
    customRoutes: [{ path: '/count', method: ['GET'], handler: (_req, res) => res.end(String(processed)) }],
  });
  const app = new App({ receiver, logLevel: LogLevel.ERROR, authorize: async () => ({ botToken: 'xoxb-bench', botUserId: 'UBOT', botId: 'BBOT' }) });
  app.event('message', async () => {
    processed++;
  });
  await app.start(port);
  process.stderr.write('bare-ready\n');
}

if (process.argv[2] === '--load') {
  const [url, secret, tag, rate, seconds, concurrency] = process.argv.slice(3);
  await loadProcess(url!, secret!, tag!, Number(rate), Number(seconds), Number(concurrency ?? 0));
  process.exit(0);
}
if (process.argv[2] === '--bare') {
  await bareProcess(Number(process.argv[3]), process.argv[4]!);
} else {
  await main();
}

// ---------------------------------------------------------------------------------------------
// The harness.
// ---------------------------------------------------------------------------------------------
async function main(): Promise<void> {
  let dataDir: string | undefined;
  const { track, killAll } = childProcesses(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const waitFor = (child: ChildProcess, marker: string, what: string) =>
    new Promise<void>((resolve, reject) => {
      let log = '';
      const timer = setTimeout(() => reject(new Error(`${what} not ready after 30 s:\n${log}`)), 30_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        log = (log + chunk.toString()).slice(-4000);
        if (log.includes(marker)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${code ?? sig}):\n${log}`));
      });
    });

  const fake = await startFakeSlack({ light: true });
  const [lotsenPort, barePort] = [await freePort(), await freePort()];
  // A developer's own settings (a model, webhooks, limits) must not change what is measured.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|SLACK_|PORT$|HOST$|LOG_LEVEL$|REDIS_URL$)/.test(k)));
  /** A fresh `lotsen serve` (new data folder) per repetition: unanswered escalations pile up within one. */
  let lotsen: ChildProcess | undefined;
  const startLotsen = async () => {
    if (lotsen) {
      const exited = new Promise((r) => lotsen!.once('exit', r));
      lotsen.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = await mkdtemp(join(tmpdir(), 'lotsen-bench-slack-'));
    lotsen = track(
      spawn(process.execPath, [join(root, 'bin/lotsen.js'), 'serve', '--port', String(lotsenPort), '--host', '127.0.0.1'], {
        env: {
          ...env,
          LOTSEN_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          SLACK_BOT_TOKEN: 'xoxb-bench',
          SLACK_SIGNING_SECRET: SECRET,
          SLACK_API_URL: fake.url,
          // The limiter is not what is measured (10,000 per user per minute is the most the configuration takes).
          LOTSEN_RATE_USER_PER_MIN: '10000',
          LOTSEN_RATE_GLOBAL_PER_SEC: '100000',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    await waitFor(lotsen, 'Lotsen is ready', 'lotsen serve');
  };
  const bare = track(spawn(process.execPath, [self, '--bare', String(barePort), SECRET], { stdio: ['ignore', 'ignore', 'pipe'] }));
  await waitFor(bare, 'bare-ready', 'bare Bolt');

  const targets = {
    bolt: { url: `http://127.0.0.1:${barePort}/slack/events`, processed: async (tag: string) => (void tag, Number(await (await fetch(`http://127.0.0.1:${barePort}/count`)).text())) },
    lotsen: {
      url: `http://127.0.0.1:${lotsenPort}/slack/events`,
      processed: async (tag: string) => new Set(fake.callsTo('chat.postMessage').map((c) => String(c.body.channel)).filter((ch) => ch.startsWith(`D${tag}X`))).size,
    },
  } as const;
  type Target = keyof typeof targets;

  const load = (target: Target, tag: string, rate: number, seconds: number, concurrency = 0) =>
    new Promise<LoadResult>((resolve, reject) => {
      const child = track(spawn(process.execPath, [self, '--load', targets[target].url, SECRET, tag, String(rate), String(seconds), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] }));
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`))));
    });
  /** Waits until every acknowledged event was processed (or the timeout); returns processed and the drain time. */
  const drain = async (target: Target, tag: string, acked: number, before: number) => {
    const t0 = performance.now();
    let processed = 0;
    while (performance.now() - t0 < DRAIN_TIMEOUT_MS) {
      processed = (await targets[target].processed(tag)) - before;
      if (processed >= acked) break;
      await sleep(100);
    }
    return { processed, drainMs: performance.now() - t0 };
  };

  interface Row extends LoadResult {
    target: Target;
    rate: number | 'saturation';
    rep: number;
    processed: number;
    /** Answered 503 because too much work was waiting: Slack sends these again later. */
    deferred: number;
    lost: number;
    drainMs: number;
  }
  const rows: Row[] = [];
  let phase = 0;
  const run = async (target: Target, rate: number, rep: number, concurrency = 0) => {
    const tag = `P${++phase}`;
    const before = target === 'bolt' ? await targets.bolt.processed(tag) : 0;
    const r = await load(target, tag, rate, PHASE_S, concurrency);
    const d = await drain(target, tag, r.acked, before);
    const deferred = r.statuses['503'] ?? 0;
    const row: Row = { ...r, target, rate: rate || 'saturation', rep, processed: d.processed, deferred, lost: Math.max(0, r.acked - d.processed) + (r.sent - r.acked - deferred), drainMs: d.drainMs };
    rows.push(row);
    process.stderr.write(
      `${target.padEnd(6)} ${String(row.rate).padStart(10)}/s rep ${rep}: sent ${r.sent}, acked ${r.acked}, p50 ${round(r.p50, 2)} ms, p99 ${round(r.p99, 2)} ms, ${round(r.ackPerS, 1)} acks/s, deferred ${deferred}, lost ${row.lost}, drained in ${Math.round(d.drainMs)} ms\n`,
    );
  };

  for (let rep = 1; rep <= REPS; rep++) {
    await startLotsen();
    // Warm-up (JIT, connections, the SQLite file), not counted.
    for (const target of ['bolt', 'lotsen'] as const) await load(target, `W${rep}${target}`, 50, 2);
    await sleep(2000);
    for (const rate of RATES) {
      // Alternating which goes first, so neither always follows the other's drain.
      const order: Target[] = rep % 2 ? ['bolt', 'lotsen'] : ['lotsen', 'bolt'];
      for (const target of order) await run(target, rate, rep);
    }
    for (const target of ['bolt', 'lotsen'] as const) await run(target, 0, rep, SATURATION_CONCURRENCY);
  }

  const summary = [...RATES, 'saturation' as const].map((rate) => {
    const pick = (t: Target) => rows.filter((r) => r.target === t && r.rate === rate);
    const stat = (t: Target) => {
      const rs = pick(t);
      return {
        p50: round(median(rs.map((r) => r.p50)), 2),
        p99: round(median(rs.map((r) => r.p99)), 2),
        ackPerS: round(median(rs.map((r) => r.ackPerS)), 1),
        lost: rs.reduce((a, r) => a + r.lost, 0),
        deferred: rs.reduce((a, r) => a + r.deferred, 0),
        sent: rs.reduce((a, r) => a + r.sent, 0),
        drainMs: Math.round(median(rs.map((r) => r.drainMs))),
      };
    };
    const bolt = stat('bolt');
    const lotsenStat = stat('lotsen');
    return { rate, bolt, lotsen: lotsenStat, throughputRatio: round(lotsenStat.ackPerS / bolt.ackPerS, 2), p99Ratio: round(lotsenStat.p99 / bolt.p99, 2) };
  });
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version, date: new Date().toISOString().slice(0, 10) };
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/slack-ingress.json'), JSON.stringify({ machine, phaseS: PHASE_S, reps: REPS, summary, rows }, null, 2));

  process.stdout.write(`\nSlack ingress, ${PHASE_S} s per phase, median of ${REPS} (${machine.cpus} CPUs, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.date})\n\n`);
  process.stdout.write('| rate | bare Bolt p50 / p99 | Lotsen p50 / p99 | bare Bolt acks/s | Lotsen acks/s | Lotsen / Bolt throughput | lost (Bolt / Lotsen, all reps) | Lotsen deferred (503) | Lotsen drain after the phase |\n|---|---|---|---|---|---|---|---|---|\n');
  for (const s of summary) {
    process.stdout.write(
      `| ${s.rate === 'saturation' ? `saturation (${SATURATION_CONCURRENCY} in flight)` : `${s.rate}/s`} | ${s.bolt.p50} / ${s.bolt.p99} ms | ${s.lotsen.p50} / ${s.lotsen.p99} ms | ${s.bolt.ackPerS} | ${s.lotsen.ackPerS} | ${s.throughputRatio} | ${s.bolt.lost} / ${s.lotsen.lost} of ${s.lotsen.sent} | ${s.lotsen.deferred} | ${s.lotsen.drainMs} ms |\n`,
    );
  }
  killAll();
  await fake.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
