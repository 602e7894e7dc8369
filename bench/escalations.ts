// Escalations created + claimed per second, on the embedded SQLite store and on Redis.
// `lotsen serve` runs with sign-in required, once per store; the harness (this process) drives it over
// HTTP like the web client: POST /api/escalations (a new question with its own Idempotency-Key), then
// POST /api/escalations/:id/claim by a super-user as soon as the create has answered. 20 such pairs
// are in flight at any time (4 staff members, 4 super-users). One warm-up round, then 5 measured
// rounds of 500 pairs on the same, growing store (500 → 3,000 items); per round, pairs per second
// (500 / wall time) and p50/p99 latency of create and claim; the table gives the median of the rounds.
// With 20 in flight the server is saturated, so those latencies are mostly queueing (about 20 divided
// by the rate); 100 pairs one at a time afterwards give the latency without a queue.
// Redis is a private redis-server started here: append-only file with `appendfsync everysec` (the
// usual production setting, and like SQLite's WAL with synchronous=NORMAL: safe against a process
// crash, up to a second lost on power loss), and with `appendfsync always` (as in the crash test).
// Run: npm run bench:escalations   (writes bench/out/escalations.json; about two minutes)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { triage } from '../src/core/triage/classify.ts';
import { letterToken, makeQuestions } from '../test/support/lotsen-process.ts';
import { pingOnce } from '../test/support/redis-server.ts';
import { childProcesses, freePort } from './processes.ts';
import { median, percentile, round } from './stats.ts';

const root = new URL('..', import.meta.url).pathname;

const ROUNDS = Number(process.env.BENCH_ESCALATIONS_ROUNDS ?? 5);
const PAIRS = Number(process.env.BENCH_ESCALATIONS_PAIRS ?? 500);
const CONCURRENCY = Number(process.env.BENCH_ESCALATIONS_CONCURRENCY ?? 20);
const USERS = 4;
const UNLOADED_PAIRS = 100;
const REQUEST_TIMEOUT_MS = 10_000;
const TOKENS = {
  LOTSEN_STAFF_TOKEN: `bench-staff-${randomBytes(12).toString('hex')}`,
  LOTSEN_SUPERUSER_TOKEN: `bench-superuser-${randomBytes(12).toString('hex')}`,
  LOTSEN_ADMIN_TOKEN: `bench-admin-${randomBytes(12).toString('hex')}`,
  LOTSEN_SESSION_SECRET: `bench-session-${randomBytes(16).toString('hex')}`,
};

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------
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

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const exited = await Promise.race([new Promise((r) => child.once('exit', () => r(true))), sleep(3000).then(() => false)]);
  if (!exited) child.kill('SIGKILL');
}

/** A private redis-server with an append-only file, fsynced as given. */
async function startRedis(fsync: 'everysec' | 'always'): Promise<{ url: string; child: ChildProcess }> {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error('redis-server was not found on PATH (apt-get install -y redis-server)');
  const dir = await tempDir('lotsen-bench-redis-');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync, '--protected-mode', 'no', '--loglevel', 'warning'];
  const child = track(spawn('redis-server', args, { cwd: dir, stdio: 'ignore' }));
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(20)) {
    if (child.exitCode !== null) break;
    if (await pingOnce(port)) return { url: `redis://127.0.0.1:${port}`, child };
  }
  throw new Error(`redis-server did not start on port ${port}`);
}

/** `lotsen serve` with sign-in required; ready when /healthz answers. The developer's own settings are not inherited. */
async function startServer(env: Record<string, string>): Promise<{ base: string; child: ChildProcess; output: () => string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)));
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [join(root, 'bin/lotsen.js'), 'serve'], {
      cwd: root,
      env: { ...inherited, ...TOKENS, PORT: String(port), HOST: '127.0.0.1', LOTSEN_KB_DIR: join(root, 'knowledge'), LOG_LEVEL: 'warn', LOTSEN_REQUIRE_SIGN_IN: 'true', LOTSEN_RATE_USER_PER_MIN: '10000', LOTSEN_RATE_GLOBAL_PER_SEC: '100000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  let log = '';
  const keep = (c: Buffer) => (log = (log + c.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline && child.exitCode === null; await sleep(50)) {
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { base, child, output: () => log };
  }
  child.kill('SIGKILL');
  throw new Error(`lotsen serve did not come up:\n${log}`);
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------
// Distinct questions, none linked to an earlier one, none a safety report, none changed by redaction.
let questionNo = 0;
const nextQuestion = (): string => makeQuestions(1, `b${letterToken(++questionNo)}x`)[0]!;

async function signIn(base: string, name: string, role: 'staff' | 'superuser'): Promise<string> {
  const res = await fetch(`${base}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, role, site: 'bench', token: role === 'staff' ? TOKENS.LOTSEN_STAFF_TOKEN : TOKENS.LOTSEN_SUPERUSER_TOKEN }),
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lotsen_session='));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in failed: ${res.status}`);
  return cookie.split(';')[0]!;
}

async function post(url: string, cookie: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; ms: number }> {
  const t = performance.now();
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', cookie, ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const json = await res.json().catch(() => undefined);
  return { status: res.status, body: json, ms: performance.now() - t };
}

interface Round {
  pairs: number;
  seconds: number;
  pairsPerS: number;
  createP50: number;
  createP99: number;
  claimP50: number;
  claimP99: number;
  errors: number;
  firstError?: string;
}

async function runRound(base: string, staff: string[], superusers: string[], pairs: number, tag: string, concurrency = CONCURRENCY): Promise<Round> {
  const created: number[] = [];
  const claimed: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (next < pairs) {
        const i = next++;
        try {
          const c = await post(`${base}/api/escalations`, staff[w % staff.length]!, { question: nextQuestion() }, { 'idempotency-key': `${tag}-${i}` });
          if (c.status !== 200 || c.body?.escalation?.status !== 'open' || c.body.escalation.linked) {
            fail(`create ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
            continue;
          }
          created.push(c.ms);
          const k = await post(`${base}/api/escalations/${c.body.escalationId}/claim`, superusers[w % superusers.length]!, {});
          if (k.status !== 200) {
            fail(`claim ${k.status} ${JSON.stringify(k.body).slice(0, 200)}`);
            continue;
          }
          claimed.push(k.ms);
        } catch (err) {
          fail(String(err));
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  created.sort((a, b) => a - b);
  claimed.sort((a, b) => a - b);
  return {
    pairs: claimed.length,
    seconds,
    pairsPerS: claimed.length / seconds,
    createP50: percentile(created, 50),
    createP99: percentile(created, 99),
    claimP50: percentile(claimed, 50),
    claimP99: percentile(claimed, 99),
    errors,
    firstError,
  };
}

interface StoreResult {
  name: string;
  rounds: Round[];
  median: { pairsPerS: number; createP50: number; createP99: number; claimP50: number; claimP99: number };
  /** One pair at a time after the rounds: latency without queueing. */
  unloaded: Round;
  errors: number;
}

async function measure(name: string, env: () => Promise<{ env: Record<string, string>; stop: () => Promise<void> }>): Promise<StoreResult> {
  const setup = await env();
  const dataDir = await tempDir('lotsen-bench-esc-');
  const server = await startServer({ ...setup.env, LOTSEN_DATA_DIR: dataDir });
  try {
    const staff: string[] = [];
    const superusers: string[] = [];
    for (let i = 1; i <= USERS; i++) {
      staff.push(await signIn(server.base, `Bench Personal ${i}`, 'staff'));
      superusers.push(await signIn(server.base, `Bench Superanvändare ${i}`, 'superuser'));
    }
    const run = randomBytes(4).toString('hex');
    // Warm-up: JIT, connections, and a queue past the 300 open items each new question is compared with.
    const warm = await runRound(server.base, staff, superusers, PAIRS, `${run}-warm`);
    if (warm.errors) throw new Error(`${name}: ${warm.errors} errors in the warm-up, first: ${warm.firstError}`);
    const rounds: Round[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const result = await runRound(server.base, staff, superusers, PAIRS, `${run}-${r}`);
      rounds.push(result);
      process.stderr.write(
        `${name} round ${r + 1}/${ROUNDS}: ${result.pairsPerS.toFixed(0)} pairs/s; create p50 ${result.createP50.toFixed(1)} p99 ${result.createP99.toFixed(1)} ms; ` +
          `claim p50 ${result.claimP50.toFixed(1)} p99 ${result.claimP99.toFixed(1)} ms; errors ${result.errors}\n`,
      );
    }
    const unloaded = await runRound(server.base, staff, superusers, UNLOADED_PAIRS, `${run}-unloaded`, 1);
    process.stderr.write(`${name} one at a time: create p50 ${unloaded.createP50.toFixed(1)} ms, claim p50 ${unloaded.claimP50.toFixed(1)} ms\n`);
    if (server.child.exitCode !== null) throw new Error(`lotsen serve died:\n${server.output()}`);
    const med = (f: (r: Round) => number) => median(rounds.map(f));
    return {
      name,
      rounds,
      median: { pairsPerS: med((r) => r.pairsPerS), createP50: med((r) => r.createP50), createP99: med((r) => r.createP99), claimP50: med((r) => r.claimP50), claimP99: med((r) => r.claimP99) },
      unloaded,
      errors: rounds.reduce((s, r) => s + r.errors, 0) + unloaded.errors,
    };
  } finally {
    await stop(server.child);
    await setup.stop();
  }
}

const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a');

async function main(): Promise<number> {
  const benchStarted = performance.now();
  triage(''); // trains the triage model used to screen the generated questions, outside the timings
  const sqlite = await measure('SQLite', async () => ({ env: {}, stop: async () => {} }));
  const redisStore = (fsync: 'everysec' | 'always') => async () => {
    const redis = await startRedis(fsync);
    return { env: { REDIS_URL: redis.url }, stop: () => stop(redis.child) };
  };
  const everysec = await measure('Redis (AOF everysec)', redisStore('everysec'));
  const always = await measure('Redis (AOF always)', redisStore('always'));
  const stores = [sqlite, everysec, always];

  const ratio = (s: StoreResult, f: (m: StoreResult['median']) => number) => fmt(f(s.median) / f(sqlite.median), 2);
  const rows: [string, (m: StoreResult['median']) => number, string][] = [
    ['created + claimed per second', (m) => m.pairsPerS, ''],
    ['create p50', (m) => m.createP50, ' ms'],
    ['create p99', (m) => m.createP99, ' ms'],
    ['claim p50', (m) => m.claimP50, ' ms'],
    ['claim p99', (m) => m.claimP99, ' ms'],
  ];
  const unloadedRow = (label: string, f: (r: Round) => number) =>
    `| ${label} | ${stores.map((s) => `${fmt(f(s.unloaded), 1)} ms`).join(' | ')} | ${fmt(f(everysec.unloaded) / f(sqlite.unloaded), 2)} | ${fmt(f(always.unloaded) / f(sqlite.unloaded), 2)} |`;
  const first = (s: StoreResult) => s.rounds[0]!.pairsPerS;
  const last = (s: StoreResult) => s.rounds.at(-1)!.pairsPerS;
  const table = [
    `| median of ${ROUNDS} rounds × ${PAIRS} pairs, ${CONCURRENCY} in flight | SQLite | Redis, AOF everysec | Redis, AOF always | everysec / SQLite | always / SQLite |`,
    '|---|---|---|---|---|---|',
    ...rows.map(([label, f, unit]) => `| ${label} | ${stores.map((s) => `${fmt(f(s.median), unit ? 1 : 0)}${unit}`).join(' | ')} | ${ratio(everysec, f)} | ${ratio(always, f)} |`),
    `| per second, first → last round (store grows from ${fmt(PAIRS, 0)} to ${fmt(PAIRS * (ROUNDS + 1), 0)} items) | ${stores.map((s) => `${fmt(first(s), 0)} → ${fmt(last(s), 0)}`).join(' | ')} | | |`,
    unloadedRow(`create p50, one pair at a time (${UNLOADED_PAIRS} pairs)`, (r) => r.createP50),
    unloadedRow('claim p50, one pair at a time', (r) => r.claimP50),
    `| failed requests (all rounds) | ${stores.map((s) => s.errors).join(' | ')} | | |`,
  ].join('\n');
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const machine = `${availableParallelism()} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}`;
  const runS = (performance.now() - benchStarted) / 1000;

  const result = {
    rounds: ROUNDS,
    pairs_per_round: PAIRS,
    concurrency: CONCURRENCY,
    users: { staff: USERS, superusers: USERS },
    machine,
    stores: stores.map((s) => ({
      name: s.name,
      errors: s.errors,
      median: Object.fromEntries(Object.entries(s.median).map(([k, v]) => [k, round(v, 2)])),
      rounds: s.rounds.map((r, i) => ({ items_before: PAIRS * (i + 1), ...Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v])) })),
      unloaded: Object.fromEntries(Object.entries(s.unloaded).map(([k, v]) => [k, typeof v === 'number' ? round(v, 2) : v])),
    })),
    ratio_redis_everysec_to_sqlite: round(everysec.median.pairsPerS / sqlite.median.pairsPerS, 3),
    ratio_redis_always_to_sqlite: round(always.median.pairsPerS / sqlite.median.pairsPerS, 3),
    run_s: round(runS, 1),
  };
  await mkdir(join(root, 'bench/out'), { recursive: true });
  await writeFile(join(root, 'bench/out/escalations.json'), JSON.stringify(result, null, 2));

  console.log(`\nEscalations created + claimed per second — ${ROUNDS} rounds × ${PAIRS} pairs after a warm-up round, ${CONCURRENCY} pairs in flight\n`);
  console.log(`Machine: ${machine}`);
  console.log(
    `Server: lotsen serve, sample KB, sign-in required, LOG_LEVEL=warn, one process per store. Client: this process, ${USERS} staff and ${USERS} super-users; ` +
      `each pair is POST /api/escalations (own Idempotency-Key) then POST /api/escalations/:id/claim.\n`,
  );
  console.log(table);
  console.log(`\nRun time: ${fmt(runS, 1)} s; raw figures in bench/out/escalations.json`);
  return stores.some((s) => s.errors) ? 1 : 0;
}

try {
  process.exitCode = await main();
} catch (err) {
  process.stderr.write(`bench:escalations failed: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
}
