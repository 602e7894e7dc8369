// A flood of 2,000 unsigned requests per second is rejected while signed traffic is still served
// (issue "guardrails"). `lotsen serve` runs with sign-in required; signed traffic (20 questions/s,
// bearer token and session cookie alternating) is measured alone (phase A) and again while a
// separate process floods POST /api/ask without credentials at 2,000 req/s with autocannon
// (phase B). Three A/B pairs; medians, and ratios against the A of the same pair.
// Run: npm run bench:flood   (writes bench/out/flood.json; about 1.5 minutes)
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCases } from '../src/core/eval/cases.ts';
import { median, percentile, round } from './stats.ts';
import { childProcesses, freePort } from './processes.ts';

const root = new URL('..', import.meta.url).pathname;
const self = fileURLToPath(import.meta.url);

const PAIRS = Number(process.env.BENCH_FLOOD_PAIRS ?? 3);
const PHASE_S = Number(process.env.BENCH_FLOOD_SECONDS ?? 10);
const SIGNED_PER_S = 20;
const FLOOD_PER_S = Number(process.env.BENCH_FLOOD_RATE ?? 2000);
const FLOOD_CONNECTIONS = 50;
const SIGNED_TIMEOUT_MS = 5000;
// Signed traffic alone would trip the default limits (20 questions a minute per user); the limiter
// is not what is measured here. Unsigned requests are refused before the limiter in any case.
const RATE_USER_PER_MIN = 10_000; // the highest the configuration accepts
const RATE_GLOBAL_PER_SEC = 100_000;
const TOKENS = {
  LOTSEN_STAFF_TOKEN: `bench-staff-${randomBytes(12).toString('hex')}`,
  LOTSEN_SUPERUSER_TOKEN: `bench-superuser-${randomBytes(12).toString('hex')}`,
  LOTSEN_MANAGER_TOKEN: `bench-manager-${randomBytes(12).toString('hex')}`,
  LOTSEN_ADMIN_TOKEN: `bench-admin-${randomBytes(12).toString('hex')}`,
};

// autocannon ships no types (@types/autocannon is not installed); the little used here is typed by hand.
interface AutocannonResult {
  duration: number;
  totalCompletedRequests: number;
  errors: number;
  timeouts: number;
  resets: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
  requests: { average: number; min: number };
}
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: Record<string, unknown>, cb: (err: Error | null, result: AutocannonResult) => void) => NodeJS.EventEmitter;

interface FloodResult {
  sent: number;
  completed: number;
  durationS: number;
  /** Responses within the first `seconds` one-second windows, per second. */
  achievedPerS: number;
  /** The fewest responses in any of those windows. */
  lowestSecond: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

// ---------------------------------------------------------------------------------------------
// Flood process: `node bench/flood.ts --flood URL RATE SECONDS CONNECTIONS`, JSON result on stdout.
// A process of its own, so that generating 2,000 req/s does not delay the signed requests' timers.
// ---------------------------------------------------------------------------------------------
async function floodProcess(url: string, rate: number, seconds: number, connections: number): Promise<void> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  let sent = 0;
  const request: AutocannonRequest = {
    method: 'POST',
    path: '/api/ask',
    headers: { 'content-type': 'application/json' },
    // A different random JSON body each time, 10 to 2,000 characters of question, sometimes odd fields.
    setupRequest: (req) => {
      sent++;
      const question = randomBytes(8 + Math.floor(Math.random() * 1500)).toString('base64');
      const body = Math.random() < 0.2 ? { question, extra: Math.random(), nested: { a: [1, 2, 3] } } : { question };
      return { ...req, body: JSON.stringify(body) };
    },
  };
  // Responses per one-second window since the clients were made: autocannon's rate is a cap per
  // connection per second, so the achieved rate is what came back within the first `seconds` windows.
  const perSecond = new Array<number>(seconds + 2).fill(0);
  let t0 = 0;
  const result = await new Promise<AutocannonResult>((resolve, reject) => {
    t0 = performance.now();
    const instance = autocannon(
      { url, connections, overallRate: rate, duration: seconds, timeout: 5, requests: [request] },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', () => {
      const s = Math.floor((performance.now() - t0) / 1000);
      perSecond[Math.min(s, perSecond.length - 1)]!++;
    });
    instance.once('start', () => process.stderr.write('flood-started\n'));
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, s]) => [code, s.count]));
  const full = perSecond.slice(0, seconds);
  const out: FloodResult = {
    sent,
    completed: Object.values(statuses).reduce((a, b) => a + b, 0),
    durationS: result.duration,
    achievedPerS: full.reduce((a, b) => a + b, 0) / seconds,
    lowestSecond: Math.min(...full),
    statuses,
    errors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

if (process.argv[2] === '--flood') {
  const [url, rate, seconds, connections] = process.argv.slice(3);
  await floodProcess(url!, Number(rate), Number(seconds), Number(connections));
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// The harness.
// ---------------------------------------------------------------------------------------------
let tempDir: string | undefined;
const { track, killAll } = childProcesses(() => {
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
});

/** Starts `lotsen serve`; resolves when it says it is ready. Keeps the last output for error messages. */
async function startServer(port: number, dataDir: string): Promise<{ child: ChildProcess; output: () => string }> {
  // A developer's own settings (a model, a webhook, other limits) must not change what is measured.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|PORT$|HOST$|LOG_LEVEL$)/.test(k)));
  const child = track(
    spawn(process.execPath, [join(root, 'bin/lotsen.js'), 'serve', '--port', String(port), '--host', '127.0.0.1'], {
      env: {
        ...env,
        ...TOKENS,
        LOTSEN_REQUIRE_SIGN_IN: 'true',
        LOTSEN_DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        LOTSEN_RATE_USER_PER_MIN: String(RATE_USER_PER_MIN),
        LOTSEN_RATE_GLOBAL_PER_SEC: String(RATE_GLOBAL_PER_SEC),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`lotsen serve not ready after 30 s:\n${log}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (log.includes('Lotsen is ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`lotsen serve exited (${code ?? signal}) before it was ready:\n${log}`));
    });
  });
  return { child, output: () => log };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Credentials {
  bearer: string;
  cookie: string;
}

async function signIn(base: string): Promise<string> {
  const res = await fetch(`${base}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name: 'Bench Sjuksköterska', role: 'staff', site: 'bench', token: TOKENS.LOTSEN_STAFF_TOKEN }),
  });
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lotsen_session='));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in failed: ${res.status}`);
  return cookie.split(';')[0]!;
}

type AskResult = { ok: boolean; status: number; ms: number; outcome?: string; late: number };

async function ask(base: string, question: string, auth: Record<string, string>): Promise<Omit<AskResult, 'late'>> {
  const t = performance.now();
  try {
    const res = await fetch(`${base}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ question }),
      signal: AbortSignal.timeout(SIGNED_TIMEOUT_MS),
    });
    const body = (await res.json()) as { outcome?: string; answer?: string };
    const ms = performance.now() - t;
    return { ok: res.status === 200 && typeof body.answer === 'string', status: res.status, ms, outcome: body.outcome };
  } catch {
    return { ok: false, status: 0, ms: performance.now() - t };
  }
}

/** Signed questions at a fixed rate, open loop: each leaves on schedule whether or not the last has come back. */
async function signedTraffic(base: string, creds: Credentials, questions: string[], seconds: number): Promise<AskResult[]> {
  const n = Math.round(seconds * SIGNED_PER_S);
  const interval = 1000 / SIGNED_PER_S;
  const start = performance.now();
  const pending: Promise<AskResult>[] = [];
  for (let i = 0; i < n; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const late = performance.now() - due;
    const auth: Record<string, string> = i % 2 === 0 ? { authorization: `Bearer ${creds.bearer}` } : { cookie: creds.cookie };
    pending.push(ask(base, questions[i % questions.length]!, auth).then((r) => ({ ...r, late })));
  }
  return Promise.all(pending);
}

function summarise(results: AskResult[]) {
  const ms = results.filter((r) => r.ok).map((r) => r.ms).sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const r of results) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  return {
    requests: results.length,
    success: results.filter((r) => r.ok).length / results.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    max: ms.at(-1) ?? NaN,
    statuses,
    maxDispatchLateMs: Math.max(...results.map((r) => r.late)),
  };
}

async function runFlood(url: string, seconds: number): Promise<{ started: Promise<void>; done: Promise<FloodResult> }> {
  const child = track(spawn(process.execPath, [self, '--flood', url, String(FLOOD_PER_S), String(seconds), String(FLOOD_CONNECTIONS)], { stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  let onStart!: () => void;
  const started = new Promise<void>((r) => (onStart = r));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.includes('flood-started')) onStart();
  });
  const done = new Promise<FloodResult>((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`flood process exited with ${code}:\n${stderr.slice(-2000)}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as FloodResult);
      } catch {
        reject(new Error(`flood process printed no result:\n${stdout.slice(-1000)}\n${stderr.slice(-1000)}`));
      }
    });
  });
  // If the flood dies before it starts, let the waiter fail instead of hanging.
  done.catch(() => onStart());
  return { started, done };
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');
const pct = (x: number, digits = 1) => `${fmt(x * 100, digits)} %`;

async function main(): Promise<number> {
  const benchStarted = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'lotsen-bench-flood-'));
  tempDir = dataDir;
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(port, dataDir);
    const creds: Credentials = { bearer: TOKENS.LOTSEN_STAFF_TOKEN, cookie: await signIn(base) };

    // Sanity: unsigned is refused, signed is served.
    const unsigned = await fetch(`${base}/api/ask`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":"x"}' });
    await unsigned.body?.cancel();
    if (unsigned.status !== 401) throw new Error(`an unsigned question got ${unsigned.status}, not 401: is sign-in required?`);

    // Real questions that the sample knowledge base answers (safety reports and escalations left out),
    // asked once each as a warm-up.
    const candidates = parseCases(readFileSync(join(root, 'eval/questions.jsonl'), 'utf8'))
      .filter((c) => c.expected.length > 0)
      .slice(0, 60)
      .map((c) => c.question);
    const questions: string[] = [];
    for (const q of candidates) {
      const r = await ask(base, q, { authorization: `Bearer ${creds.bearer}` });
      if (!r.ok) throw new Error(`warm-up question failed with ${r.status}: ${q}`);
      if (r.outcome === 'answered') questions.push(q);
      if (questions.length >= 20) break;
    }
    if (!questions.length) throw new Error('no evaluation question was answered');
    await signedTraffic(base, creds, questions, 2); // warm-up at the measured rate

    type Summary = ReturnType<typeof summarise>;
    const pairs: { a: Summary; b: Summary; flood: FloodResult & { rejected401: number }; p50Ratio: number; p99Ratio: number }[] = [];
    for (let p = 0; p < PAIRS; p++) {
      const a = summarise(await signedTraffic(base, creds, questions, PHASE_S));
      await sleep(1000);
      // The flood runs a second longer than the signed traffic, which starts half a second into it.
      const flood = await runFlood(`${base}/api/ask`, PHASE_S + 1);
      await flood.started;
      await sleep(500);
      const b = summarise(await signedTraffic(base, creds, questions, PHASE_S));
      const f = await flood.done;
      if (server.child.exitCode !== null) throw new Error(`lotsen serve died during the flood:\n${server.output()}`);
      const rejected = (f.statuses['401'] ?? 0) / f.completed;
      pairs.push({ a, b, flood: { ...f, rejected401: rejected }, p50Ratio: b.p50 / a.p50, p99Ratio: b.p99 / a.p99 });
      process.stderr.write(
        `pair ${p + 1}/${PAIRS}: signed p50 ${fmt(a.p50, 2)} → ${fmt(b.p50, 2)} ms, p99 ${fmt(a.p99, 2)} → ${fmt(b.p99, 2)} ms, success ${pct(a.success)} → ${pct(b.success)}; ` +
          `flood ${fmt(f.achievedPerS, 0)}/s, ${pct(rejected, 2)} 401\n`,
      );
      await sleep(1000);
    }

    const med = (f: (x: (typeof pairs)[number]) => number) => median(pairs.map(f));
    const otherStatuses: Record<string, number> = {};
    for (const { flood } of pairs) for (const [code, n] of Object.entries(flood.statuses)) if (code !== '401') otherStatuses[code] = (otherStatuses[code] ?? 0) + n;
    const other = Object.entries(otherStatuses).map(([code, n]) => `${code}: ${n}`).join(', ') || 'none';
    const signedAlwaysServed = pairs.every((x) => x.a.success === 1 && x.b.success === 1);
    const minAchieved = Math.min(...pairs.map((x) => x.flood.achievedPerS));
    const floodReached = pairs.every((x) => x.flood.achievedPerS >= 0.99 * FLOOD_PER_S);
    const allRejected = pairs.every((x) => x.flood.rejected401 === 1 && x.flood.errors === 0 && x.flood.timeouts === 0);
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const machine = `${availableParallelism()} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`;

    const rows: [string, string, string, string][] = [
      ['signed p50', `${fmt(med((x) => x.a.p50), 2)} ms`, `${fmt(med((x) => x.b.p50), 2)} ms`, fmt(med((x) => x.p50Ratio), 2)],
      ['signed p99', `${fmt(med((x) => x.a.p99), 2)} ms`, `${fmt(med((x) => x.b.p99), 2)} ms`, fmt(med((x) => x.p99Ratio), 2)],
      ['signed answered with 200 (all pairs)', pct(pairs.reduce((s, x) => s + x.a.success * x.a.requests, 0) / pairs.reduce((s, x) => s + x.a.requests, 0)), pct(pairs.reduce((s, x) => s + x.b.success * x.b.requests, 0) / pairs.reduce((s, x) => s + x.b.requests, 0)), ''],
      ['unsigned requests sent', '', fmt(med((x) => x.flood.sent), 0), ''],
      ['unsigned rate achieved (target 2,000/s)', '', `${fmt(med((x) => x.flood.achievedPerS), 0)}/s`, ''],
      ['unsigned: fewest responses in any one second', '', fmt(med((x) => x.flood.lowestSecond), 0), ''],
      ['unsigned answered 401', '', pct(med((x) => x.flood.rejected401), 2), ''],
      ['unsigned: other statuses (all pairs)', '', other, ''],
      ['unsigned: errors / timeouts (all pairs)', '', `${pairs.reduce((s, x) => s + x.flood.errors, 0)} / ${pairs.reduce((s, x) => s + x.flood.timeouts, 0)}`, ''],
      ['unsigned 401 latency p50 / p99 (autocannon)', '', `${fmt(med((x) => x.flood.latencyP50Ms), 0)} / ${fmt(med((x) => x.flood.latencyP99Ms), 0)} ms`, ''],
    ];
    const table = [
      `| measure (median of ${PAIRS} pairs) | A: signed alone | B: signed during the flood | B / A |`,
      '|---|---|---|---|',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const runS = (performance.now() - benchStarted) / 1000;

    const result = {
      pairs: PAIRS,
      phase_s: PHASE_S,
      signed_per_s: SIGNED_PER_S,
      flood: { target_per_s: FLOOD_PER_S, connections: FLOOD_CONNECTIONS, tool: 'autocannon overallRate, separate process' },
      limits: { LOTSEN_RATE_USER_PER_MIN: RATE_USER_PER_MIN, LOTSEN_RATE_GLOBAL_PER_SEC: RATE_GLOBAL_PER_SEC },
      machine,
      signed_success_100: signedAlwaysServed,
      flood_rate_reached: floodReached,
      flood_all_401: allRejected,
      median: {
        a_p50_ms: round(med((x) => x.a.p50)),
        a_p99_ms: round(med((x) => x.a.p99)),
        b_p50_ms: round(med((x) => x.b.p50)),
        b_p99_ms: round(med((x) => x.b.p99)),
        p50_ratio: round(med((x) => x.p50Ratio), 2),
        p99_ratio: round(med((x) => x.p99Ratio), 2),
        flood_achieved_per_s: round(med((x) => x.flood.achievedPerS), 0),
        flood_401_share: round(med((x) => x.flood.rejected401), 4),
      },
      runs: pairs.map((x) => ({
        a: { ...x.a, p50: round(x.a.p50), p99: round(x.a.p99), max: round(x.a.max), maxDispatchLateMs: round(x.a.maxDispatchLateMs, 1) },
        b: { ...x.b, p50: round(x.b.p50), p99: round(x.b.p99), max: round(x.b.max), maxDispatchLateMs: round(x.b.maxDispatchLateMs, 1) },
        flood: { ...x.flood, achievedPerS: round(x.flood.achievedPerS, 0) },
      })),
      run_s: round(runS, 1),
    };
    await mkdir(join(root, 'bench/out'), { recursive: true });
    await writeFile(join(root, 'bench/out/flood.json'), JSON.stringify(result, null, 2));

    const yes = (ok: boolean) => (ok ? 'YES' : 'NO');
    console.log(`\nFlood of unsigned POST /api/ask vs. signed questions — ${PAIRS} A/B pairs of ${PHASE_S} s\n`);
    console.log(`Machine: ${machine}`);
    console.log(
      `Server: lotsen serve, sample KB, sign-in required (role tokens set), LOG_LEVEL=warn. Rate limits raised to ` +
        `LOTSEN_RATE_USER_PER_MIN=${RATE_USER_PER_MIN}, LOTSEN_RATE_GLOBAL_PER_SEC=${RATE_GLOBAL_PER_SEC} so the limiter does not ` +
        `hide the effect (signed traffic alone, ${SIGNED_PER_S * 60}/min from one user, would exceed the default 20/min).`,
    );
    console.log(
      `Signed: ${SIGNED_PER_S} questions/s, open loop, bearer token and session cookie alternating, ${questions.length} real questions from eval/questions.jsonl. ` +
        `Flood: autocannon, ${FLOOD_CONNECTIONS} connections, overallRate ${FLOOD_PER_S}/s (each connection's share is sent at the start of each second), ` +
        `no credentials, random JSON bodies, in its own process.\n`,
    );
    console.log(table);
    console.log('');
    console.log(`Signed success stayed at 100 % in every phase: ${yes(signedAlwaysServed)}`);
    console.log(`Flood reached ${fmt(FLOOD_PER_S, 0)}/s (≥ 99 % of it) in every pair: ${yes(floodReached)} (lowest pair ${fmt(minAchieved, 0)}/s, fewest in one second ${fmt(Math.min(...pairs.map((x) => x.flood.lowestSecond)), 0)})`);
    console.log(`Every unsigned request answered 401, no errors or timeouts: ${yes(allRejected)}`);
    console.log(`Run time: ${fmt(runS, 1)} s; raw figures in bench/out/flood.json`);
    return 0;
  } finally {
    if (server) {
      const { child } = server;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), sleep(3000)]);
      }
    }
    killAll();
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`bench:flood failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
}
