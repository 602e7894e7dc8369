// Teams ingress (issue 6): Bot Framework activities with signed JWTs at rising rates against POST
// /api/messages of a `lotsen serve` (Teams on with app credentials; OpenID metadata, signing keys, the
// token endpoint and the Bot Connector all on a fake on loopback) and, in the same run, against a bare
// Teams SDK app (@microsoft/teams.apps with its own Express adapter, the same token validation, a no-op
// message handler). Per rate: ack latency p50/p99 as the sender sees it, acks per second, and activities
// lost (sent and acknowledged, minus processed after draining: for Lotsen an answer posted to the fake
// connector, for the bare app a handler call). Then each target at saturation (closed loop).
// Run: npm run bench:teams   (writes bench/out/teams-ingress.json; about 10 minutes)
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCases } from '../src/core/eval/cases.ts';
import { startFakeTeams } from '../test/support/fake-teams.ts';
import { median, percentile, round } from './stats.ts';
import { childProcesses, freePort } from './processes.ts';

const root = new URL('..', import.meta.url).pathname;
const self = fileURLToPath(import.meta.url);

const RATES = (process.env.BENCH_TEAMS_RATES ?? '50,100,200,400').split(',').map(Number);
const PHASE_S = Number(process.env.BENCH_TEAMS_SECONDS ?? 5);
const REPS = Number(process.env.BENCH_TEAMS_REPS ?? 3);
const SATURATION_CONCURRENCY = 32;
const DRAIN_TIMEOUT_MS = 120_000;
const APP_ID = '11111111-2222-3333-4444-555555555555';

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
// Load process: `node bench/teams-ingress.ts --load URL SERVICE_URL TOKEN TAG RATE SECONDS [CONCURRENCY]`.
// Open loop at RATE activities/s, or closed loop with CONCURRENCY senders when RATE is 0. JSON on stdout.
// The Bot Framework reuses one token for many activities; so does the load.
// ---------------------------------------------------------------------------------------------
async function loadProcess(url: string, serviceUrl: string, token: string, tag: string, rate: number, seconds: number, concurrency: number): Promise<void> {
  const questions = parseCases(readFileSync(join(root, 'eval/questions.jsonl'), 'utf8')).map((c) => c.question);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  let sent = 0;
  const fire = async (i: number) => {
    sent++;
    const user = i % 500;
    // One personal chat per activity: many staff asking at once, each in their own chat with the bot.
    const body = JSON.stringify({
      type: 'message',
      id: String(1_800_000_000_000 + i),
      timestamp: new Date().toISOString(),
      serviceUrl,
      channelId: 'msteams',
      from: { id: `29:bench-${user}`, name: `Bench ${user}`, aadObjectId: `b0000000-0000-0000-0000-${String(user).padStart(12, '0')}` },
      recipient: { id: `28:${APP_ID}`, name: 'Lotsen' },
      conversation: { id: `a:${tag}X${i}`, conversationType: 'personal', tenantId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' },
      text: questions[i % questions.length],
      textFormat: 'plain',
      entities: [],
      channelData: { tenant: { id: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee' } },
      locale: 'sv-SE',
    });
    const t0 = performance.now();
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body, signal: AbortSignal.timeout(10_000) });
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
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < until) await fire(next++);
      }),
    );
  }
  const durationS = (performance.now() - start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const acked = statuses['200'] ?? 0;
  const out: LoadResult = { sent, acked, statuses, errors, durationS, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? NaN, ackPerS: acked / durationS };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

// ---------------------------------------------------------------------------------------------
// Bare Teams SDK app: `node bench/teams-ingress.ts --bare PORT OPENID_URL`: the SDK's own Express
// adapter, the same JWT validation (app id, OpenID metadata on the fake), a no-op message handler.
// ---------------------------------------------------------------------------------------------
async function bareProcess(port: number, openIdMetadataUrl: string): Promise<void> {
  const { App, ExpressAdapter } = await import('@microsoft/teams.apps');
  const { PUBLIC, withOverrides } = await import('@microsoft/teams.api');
  const silent = { debug() {}, info() {}, warn() {}, error() {}, trace() {}, log() {}, child: () => silent };
  let processed = 0;
  const adapter = new ExpressAdapter(undefined, { logger: silent });
  adapter.get('/count', (_req, res) => void res.end(String(processed)));
  const app = new App({
    clientId: APP_ID,
    // Never called: the handler sends nothing.
    token: () => 'unused',
    cloud: withOverrides(PUBLIC, { openIdMetadataUrl }),
    logger: silent,
    httpServerAdapter: adapter,
    telemetry: { agent365: false },
  });
  app.on('message', async () => {
    processed++;
  });
  await app.start(port);
  process.stderr.write('bare-ready\n');
}

if (process.argv[2] === '--load') {
  const [url, serviceUrl, token, tag, rate, seconds, concurrency] = process.argv.slice(3);
  await loadProcess(url!, serviceUrl!, token!, tag!, Number(rate), Number(seconds), Number(concurrency ?? 0));
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

  const fake = await startFakeTeams({ appId: APP_ID, light: true });
  const serviceUrl = fake.serviceUrl();
  // Valid for the whole run (the Bot Framework's are valid for an hour and reused likewise).
  const token = fake.sign({ serviceurl: serviceUrl, exp: Math.floor(Date.now() / 1000) + 6 * 3600 });
  const [lotsenPort, barePort] = [await freePort(), await freePort()];
  // A developer's own settings (a model, webhooks, limits) must not change what is measured.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|SLACK_|TEAMS_|CLIENT_|TENANT_ID$|PORT$|HOST$|LOG_LEVEL$|REDIS_URL$)/.test(k)));
  /** A fresh `lotsen serve` (new data folder) per repetition: unanswered escalations pile up within one. */
  let lotsen: ChildProcess | undefined;
  const startLotsen = async () => {
    if (lotsen) {
      const exited = new Promise((r) => lotsen!.once('exit', r));
      lotsen.kill('SIGTERM');
      await exited;
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = await mkdtemp(join(tmpdir(), 'lotsen-bench-teams-'));
    lotsen = track(
      spawn(process.execPath, [join(root, 'bin/lotsen.js'), 'serve', '--port', String(lotsenPort), '--host', '127.0.0.1'], {
        env: {
          ...env,
          LOTSEN_DATA_DIR: dataDir,
          LOG_LEVEL: 'warn',
          TEAMS_APP_ID: APP_ID,
          TEAMS_APP_PASSWORD: fake.appPassword,
          TEAMS_TENANT_ID: fake.tenantId,
          TEAMS_OPENID_METADATA_URL: fake.openIdMetadataUrl,
          TEAMS_TOKEN_URL: fake.tokenUrl,
          TEAMS_SERVICE_URL: serviceUrl,
          // The limiter is not what is measured (10,000 per user per minute is the most the configuration takes).
          LOTSEN_RATE_USER_PER_MIN: '10000',
          LOTSEN_RATE_GLOBAL_PER_SEC: '100000',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      }),
    );
    await waitFor(lotsen, 'Lotsen is ready', 'lotsen serve');
  };
  const bare = track(spawn(process.execPath, [self, '--bare', String(barePort), fake.openIdMetadataUrl], { stdio: ['ignore', 'ignore', 'pipe'] }));
  await waitFor(bare, 'bare-ready', 'bare Teams SDK app');

  const targets = {
    sdk: { url: `http://127.0.0.1:${barePort}/api/messages`, processed: async (tag: string) => (void tag, Number(await (await fetch(`http://127.0.0.1:${barePort}/count`)).text())) },
    lotsen: {
      url: `http://127.0.0.1:${lotsenPort}/api/messages`,
      processed: async (tag: string) => new Set(fake.calls.filter((c) => c.method === 'create' && c.conversation.startsWith(`a:${tag}X`)).map((c) => c.conversation)).size,
    },
  } as const;
  type Target = keyof typeof targets;

  const load = (target: Target, tag: string, rate: number, seconds: number, concurrency = 0) =>
    new Promise<LoadResult>((resolve, reject) => {
      const child = track(spawn(process.execPath, [self, '--load', targets[target].url, serviceUrl, token, tag, String(rate), String(seconds), String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] }));
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load exited ${code}`))));
    });
  /** Waits until every acknowledged activity was processed (or the timeout); returns processed and the drain time. */
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
    /** Answered 503 because too much work was waiting. */
    deferred: number;
    lost: number;
    drainMs: number;
    /** The machine's 1-minute load average when the phase ended (others' work on a shared machine shows here). */
    load: number;
  }
  const rows: Row[] = [];
  let phase = 0;
  const run = async (target: Target, rate: number, rep: number, concurrency = 0) => {
    const tag = `P${++phase}`;
    const before = target === 'sdk' ? await targets.sdk.processed(tag) : 0;
    const r = await load(target, tag, rate, PHASE_S, concurrency);
    const d = await drain(target, tag, r.acked, before);
    const deferred = r.statuses['503'] ?? 0;
    const row: Row = { ...r, target, rate: rate || 'saturation', rep, processed: d.processed, deferred, lost: Math.max(0, r.acked - d.processed) + (r.sent - r.acked - deferred), drainMs: d.drainMs, load: round(loadavg()[0]!, 2) };
    rows.push(row);
    // Only what the fake must keep: the calls of the phase that is being counted.
    fake.calls.length = 0;
    process.stderr.write(
      `${target.padEnd(6)} ${String(row.rate).padStart(10)}/s rep ${rep}: sent ${r.sent}, acked ${r.acked}, p50 ${round(r.p50, 2)} ms, p99 ${round(r.p99, 2)} ms, ${round(r.ackPerS, 1)} acks/s, deferred ${deferred}, lost ${row.lost}, drained in ${Math.round(d.drainMs)} ms, load ${row.load}\n`,
    );
  };

  for (let rep = 1; rep <= REPS; rep++) {
    await startLotsen();
    // Warm-up (JIT, connections, the signing key, the SQLite file), not counted.
    for (const target of ['sdk', 'lotsen'] as const) await load(target, `W${rep}${target}`, 50, 2);
    await sleep(2000);
    fake.calls.length = 0;
    for (const rate of RATES) {
      // Alternating which goes first, so neither always follows the other's drain.
      const order: Target[] = rep % 2 ? ['sdk', 'lotsen'] : ['lotsen', 'sdk'];
      for (const target of order) await run(target, rate, rep);
    }
    for (const target of ['sdk', 'lotsen'] as const) await run(target, 0, rep, SATURATION_CONCURRENCY);
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
        p99s: rs.map((r) => round(r.p99, 1)),
        load: round(median(rs.map((r) => r.load)), 1),
      };
    };
    const sdk = stat('sdk');
    const lotsenStat = stat('lotsen');
    return { rate, sdk, lotsen: lotsenStat, throughputRatio: round(lotsenStat.ackPerS / sdk.ackPerS, 2), p99Ratio: round(lotsenStat.p99 / sdk.p99, 2) };
  });
  const machine = { cpus: availableParallelism(), model: cpus()[0]?.model, memGiB: round(totalmem() / 2 ** 30, 1), node: process.version, date: new Date().toISOString().slice(0, 10) };
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/teams-ingress.json'), JSON.stringify({ machine, phaseS: PHASE_S, reps: REPS, summary, rows }, null, 2));

  process.stdout.write(`\nTeams ingress, ${PHASE_S} s per phase, median of ${REPS} (${machine.cpus} CPUs, ${machine.memGiB} GiB, Node ${machine.node}, ${machine.date})\n\n`);
  process.stdout.write('| rate | bare SDK p50 / p99 | Lotsen p50 / p99 | bare SDK acks/s | Lotsen acks/s | Lotsen / SDK throughput | lost (SDK / Lotsen, all reps) | Lotsen deferred (503) | Lotsen drain after the phase | Lotsen p99 per rep | load average |\n|---|---|---|---|---|---|---|---|---|---|---|\n');
  for (const s of summary) {
    process.stdout.write(
      `| ${s.rate === 'saturation' ? `saturation (${SATURATION_CONCURRENCY} in flight)` : `${s.rate}/s`} | ${s.sdk.p50} / ${s.sdk.p99} ms | ${s.lotsen.p50} / ${s.lotsen.p99} ms | ${s.sdk.ackPerS} | ${s.lotsen.ackPerS} | ${s.throughputRatio} | ${s.sdk.lost} / ${s.lotsen.lost} of ${s.lotsen.sent} | ${s.lotsen.deferred} | ${s.lotsen.drainMs} ms | ${s.lotsen.p99s.join(', ')} | ${s.lotsen.load} |\n`,
    );
  }
  killAll();
  await fake.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}
