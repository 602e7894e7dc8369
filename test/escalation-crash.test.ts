import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redact } from '../src/core/privacy/redact.ts';
import { triage } from '../src/core/triage/classify.ts';
import { root, sampleKb } from './helpers.ts';
import { freePort, startRedis, type RedisOptions, type TestRedis } from './support/redis-server.ts';

/**
 * Issue: "kill -9 the server while 200 escalations are being created and claimed; after restart all
 * 200 exist exactly once with consistent state" — on SQLite, and on Redis with an append-only file
 * fsynced on every write.
 *
 * A real `lotsen serve` is started and driven over HTTP: one staff member creates 200 questions (20 at
 * a time, each with its own Idempotency-Key) and two super-users claim each one as soon as it exists.
 * After 80 creates were acknowledged the server gets SIGKILL, with about 20 requests in flight. It is
 * started again on the same data (SQLite file or Redis); the client then does what a real client
 * does: it sends every create again with the same key (the ones whose answer was lost, and the
 * acknowledged ones too, which must come back unchanged) and claims what it did not see claimed.
 * The third variant also kills redis-server at the same moment.
 */

const QUESTIONS = 200;
const CONCURRENCY = 20;
const KILL_AFTER_ACKED_CREATES = 80;
const REQUEST_TIMEOUT_MS = 10_000;

// The harness below (questions, processes, HTTP helpers) is the same in escalation-crash,
// claim-race and redis-outage.test.ts, so that each file stands alone.
// ---------------------------------------------------------------------------------------------
// Distinct questions: 4–6 words from a large neutral vocabulary and a unique letter token, so that
// no two overlap enough to be linked (Jaccard ≥ 0.6), none reads as a safety report and redaction
// leaves every one unchanged (the stored text is then exactly what was sent).
// ---------------------------------------------------------------------------------------------
const VOCABULARY = [
  ...new Set(
    `fönster knapp flik lista mall rapport kolumn filter vy meny ikon panel sida fält rubrik anteckning sortering översikt kalender färg
symbol tangent genväg inställning profil favorit sökning kategori rullgardin ruta markering teckensnitt bakgrund ordning layout
verktygsfält sidhuvud sidfot rutnät bricka zoom skala utseende tema språk mapp arkiv kopia förhandsvisning utskriftsformat
pappersformat marginal rad stycke tabell diagram graf kurva sammanställning statistik tidslinje historik logg version uppdatering
omstart skärm bildskärm mus tangentbord headset kamera mikrofon högtalare ljud volym signal avisering påminnelse notis inkorg utkorg
meddelande signatur stämpel tidsstämpel kvittens bekräftelse arbetslista patientlista avdelningsvy rumsvy sängplats korridor
expedition mottagning väntrum reception kassa kvitto faktura avgift frikort remissvy journalvy dokumentvy bildvy window button tab
column view menu icon page field heading note toolbar shortcut setting favourite category template banner summary calendar colour
scroll font sidebar dropdown checkbox tooltip header footer grid tile widget theme folder archive preview margin paragraph table
chart graph trend timeline history restart screen monitor keyboard camera speaker volume notification reminder inbox outbox
signature stamp receipt worklist ward room desk lobby queue counter invoice fee badge avatar wallpaper cursor pointer hover ribbon
pane splitter toggle slider spinner breadcrumb carousel accordion modal popup`.split(/\s+/),
  ),
];
const CONSONANTS = 'bcdfghjklmnpqrstvwxz';

function letterToken(n: number): string {
  let s = '';
  for (let x = n + 8000; x > 0; x = Math.floor(x / CONSONANTS.length)) s += CONSONANTS[x % CONSONANTS.length];
  return s;
}

function makeQuestions(count: number, tag: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const words = new Set<string>();
    const size = 4 + Math.floor(Math.random() * 3);
    while (words.size < size) words.add(VOCABULARY[Math.floor(Math.random() * VOCABULARY.length)]!);
    const q = `Var hittar jag ${[...words].join(' ')} ${tag}${letterToken(i)}?`;
    if (triage(q).intent !== 'safety' && redact(q).text === q) out.push(q);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Processes: every server and Redis started here is killed after each test, and when this process exits.
// ---------------------------------------------------------------------------------------------
const SECRETS = {
  LOTSEN_STAFF_TOKEN: `test-staff-${randomBytes(12).toString('hex')}`,
  LOTSEN_SUPERUSER_TOKEN: `test-superuser-${randomBytes(12).toString('hex')}`,
  LOTSEN_ADMIN_TOKEN: `test-admin-${randomBytes(12).toString('hex')}`,
  LOTSEN_SESSION_SECRET: `test-session-${randomBytes(16).toString('hex')}`,
};

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
const setpriv = (() => {
  const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0 && probe.stdout.includes('--pdeathsig');
})();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
const exited = (child: ChildProcess) => (gone(child) ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));

interface Server {
  base: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `lotsen serve` with sign-in required; resolves when /healthz answers. The developer's own settings are not inherited. */
async function startServer(env: Record<string, string>): Promise<Server> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [join(root, 'bin/lotsen.js'), 'serve'];
    const child = spawn(setpriv ? 'setpriv' : process.execPath, setpriv ? ['--pdeathsig', 'KILL', '--', process.execPath, ...args] : args, {
      cwd: root,
      env: { ...inherited, ...SECRETS, PORT: String(port), HOST: '127.0.0.1', LOTSEN_KB_DIR: sampleKb, LOG_LEVEL: 'warn', LOTSEN_REQUIRE_SIGN_IN: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    let log = '';
    const keep = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-8000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const server: Server = {
      base: `http://127.0.0.1:${port}`,
      child,
      output: () => log,
      async kill(signal = 'SIGKILL') {
        if (!gone(child)) child.kill(signal);
        await exited(child);
      },
    };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !gone(child)) {
      const ok = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(1000) }).then((r) => r.ok, () => false);
      if (ok) return server;
      await sleep(50);
    }
    await server.kill();
    if (attempt < 3 && /already in use/.test(log)) continue;
    throw new Error(`lotsen serve did not come up (exit ${child.exitCode ?? child.signalCode}):\n${log}`);
  }
}

/** A Redis of our own even when REDIS_URL points at a shared one: the servers use the default key prefix, and the crash and outage tests kill it. */
async function privateRedis(options: RedisOptions): Promise<TestRedis> {
  const saved = process.env.REDIS_URL;
  delete process.env.REDIS_URL;
  try {
    return await startRedis(options);
  } finally {
    if (saved !== undefined) process.env.REDIS_URL = saved;
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------
interface Reply {
  status: number;
  body: any;
}

async function call(base: string, path: string, options: { method?: string; cookie?: string; bearer?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.cookie) headers.cookie = options.cookie;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method: options.method ?? (options.json === undefined ? 'GET' : 'POST'),
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the failure message
  }
  return { status: res.status, body };
}

interface User {
  name: string;
  cookie: string;
}

async function signIn(base: string, name: string, role: 'staff' | 'superuser'): Promise<User> {
  const token = role === 'staff' ? SECRETS.LOTSEN_STAFF_TOKEN : SECRETS.LOTSEN_SUPERUSER_TOKEN;
  const res = await fetch(`${base}/signin`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ name, role, site: 'Testenheten', token }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  await res.body?.cancel();
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lotsen_session='));
  if (res.status !== 303 || !cookie) throw new Error(`sign-in of ${name} failed: ${res.status}`);
  return { name, cookie: cookie.split(';')[0]! };
}

const create = (base: string, staff: User, key: string, question: string) =>
  call(base, '/api/escalations', { cookie: staff.cookie, json: { question }, headers: { 'idempotency-key': key } });
const claim = (base: string, superuser: User, id: string) => call(base, `/api/escalations/${encodeURIComponent(id)}/claim`, { cookie: superuser.cookie, json: {} });

/** Runs `work` over `items` with at most `concurrency` at a time. */
async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

// ---------------------------------------------------------------------------------------------

interface Job {
  key: string;
  question: string;
  claimer: User;
  id?: string;
  createSent: boolean;
  createAcked: boolean;
  claimSent: boolean;
  claimAcked: boolean;
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await Promise.resolve(clean()).catch(() => {});
});

type Variant = { name: string; store: 'sqlite' | 'redis'; killRedisToo: boolean };
const VARIANTS: Variant[] = [
  { name: 'SQLite', store: 'sqlite', killRedisToo: false },
  { name: 'Redis (AOF, appendfsync always)', store: 'redis', killRedisToo: false },
  { name: 'Redis (AOF, appendfsync always), redis-server killed at the same moment', store: 'redis', killRedisToo: true },
];

describe('kill -9 of the server while 200 escalations are created and claimed', () => {
  it.each(VARIANTS)('$name: after restart all 200 exist exactly once, claimed, with one create and one claim in the audit log', async (variant) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lotsen-crash-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const env: Record<string, string> = { LOTSEN_DATA_DIR: dataDir };
    let redis: TestRedis | undefined;
    if (variant.store === 'redis') {
      redis = await privateRedis({ aof: true });
      cleanups.push(() => redis!.stop());
      env.REDIS_URL = redis.url;
    }
    const servers: Server[] = [];
    cleanups.push(async () => {
      for (const s of servers) await s.kill();
    });
    const first = await startServer(env);
    servers.push(first);

    const staff = await signIn(first.base, 'Krasch Personal', 'staff');
    const superusers = [await signIn(first.base, 'Krasch Superanvändare Ett', 'superuser'), await signIn(first.base, 'Krasch Superanvändare Två', 'superuser')];
    const run = randomBytes(4).toString('hex');
    const jobs: Job[] = makeQuestions(QUESTIONS, 'x').map((question, i) => ({
      key: `crash-${run}-${i}`,
      question,
      claimer: superusers[i % 2]!,
      createSent: false,
      createAcked: false,
      claimSent: false,
      claimAcked: false,
    }));

    // Phase 1: create and claim until the kill; a request without a response ends its worker.
    let acked = 0;
    let killed = false;
    let inFlightAtKill = 0;
    let ackedAtKill = 0;
    let inFlight = 0;
    let killing: Promise<unknown> | undefined;
    const unexpected: string[] = [];
    let next = 0;
    const worker = async () => {
      while (!killed && next < jobs.length) {
        const job = jobs[next++]!;
        job.createSent = true;
        inFlight++;
        let r: Reply;
        try {
          r = await create(first.base, staff, job.key, job.question);
        } catch {
          return; // the server is gone: no response
        } finally {
          inFlight--;
        }
        if (r.status !== 200 || typeof r.body?.escalationId !== 'string') {
          unexpected.push(`create ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
          return;
        }
        job.id = r.body.escalationId;
        job.createAcked = true;
        if (++acked === KILL_AFTER_ACKED_CREATES) {
          // A few milliseconds later rather than on this answer, so that the kill is not in step with the
          // server's writes: some items are then stored whose answers never leave the process.
          killing = sleep(Math.random() * 15).then(() => {
            killed = true;
            inFlightAtKill = inFlight;
            ackedAtKill = acked;
            return Promise.all([first.kill('SIGKILL'), variant.killRedisToo ? redis!.kill('SIGKILL') : undefined]);
          });
        }
        if (killed) return;
        job.claimSent = true;
        inFlight++;
        try {
          r = await claim(first.base, job.claimer, job.id!);
        } catch {
          return;
        } finally {
          inFlight--;
        }
        if (r.status !== 200) {
          unexpected.push(`claim ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
          return;
        }
        job.claimAcked = true;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await killing;
    expect(unexpected).toEqual([]);
    expect(killed).toBe(true);
    expect(first.child.signalCode).toBe('SIGKILL');
    const lostCreates = jobs.filter((j) => j.createSent && !j.createAcked).length;
    const lostClaims = jobs.filter((j) => j.claimSent && !j.claimAcked).length;
    // Requests were in flight when the process died, so some answers never came.
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(lostCreates + lostClaims).toBeGreaterThan(0);

    // Phase 2: the same data, a new process; the sessions still hold (same signing secret).
    if (variant.killRedisToo) await redis!.restart();
    const second = await startServer(env);
    servers.push(second);
    let retriedSameId = 0;
    let lateCommittedCreates = 0;
    let lateCommittedClaims = 0;
    const mismatches: string[] = [];
    await pool(jobs, CONCURRENCY, async (job) => {
      // Every create again with its key: a lost answer gets its item, an acknowledged one the same item.
      const r = await create(second.base, staff, job.key, job.question);
      if (r.status !== 200 || typeof r.body?.escalationId !== 'string') return void mismatches.push(`re-create ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      if (job.createAcked) {
        if (r.body.escalationId !== job.id) mismatches.push(`key ${job.key}: ${job.id} before the crash, ${r.body.escalationId} after`);
        else retriedSameId++;
      } else if (job.createSent && r.body.escalation?.linked) {
        lateCommittedCreates++; // it had been stored; only the answer was lost
      }
      job.id = r.body.escalationId;
      if (job.claimAcked) return;
      const c = await claim(second.base, job.claimer, job.id!);
      if (c.status === 200) return;
      // The claim was stored before the crash but its answer was lost: it is ours, and says so.
      if (c.status === 409 && c.body?.reason === 'already-claimed' && c.body?.owner === job.claimer.name && job.claimSent) {
        lateCommittedClaims++;
        return;
      }
      mismatches.push(`claim of ${job.id}: ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
    });
    expect(mismatches).toEqual([]);
    expect(retriedSameId).toBe(acked);

    // Exactly 200 questions, one per key and text, each claimed once by the super-user who tried.
    const queue = await call(second.base, '/api/queue', { cookie: superusers[0]!.cookie });
    expect(queue.status).toBe(200);
    const items = queue.body.items as { id: string; text: string; status: string; version: number; owner?: { id: string; name: string }; claimedAt?: string; asker: { userId: string } }[];
    expect(items).toHaveLength(QUESTIONS);
    expect(new Set(items.map((e) => e.id)).size).toBe(QUESTIONS);
    expect(new Set(items.map((e) => e.text))).toEqual(new Set(jobs.map((j) => j.question)));
    const byId = new Map(items.map((e) => [e.id, e]));
    for (const job of jobs) {
      const item = byId.get(job.id!);
      expect(item, job.key).toBeDefined();
      expect(item!.text).toBe(job.question);
      expect(item!.status).toBe('claimed');
      expect(item!.version).toBe(2);
      expect(item!.owner?.name).toBe(job.claimer.name);
      expect(item!.claimedAt).toBeTypeOf('string');
    }

    // The audit log agrees, item by item and in total: one create and one claim each, nothing else.
    const admin = SECRETS.LOTSEN_ADMIN_TOKEN;
    const auditProblems: string[] = [];
    await pool(items, CONCURRENCY, async (item) => {
      const r = await call(second.base, `/api/audit?subject=${encodeURIComponent(item.id)}`, { bearer: admin });
      const events = (r.body.events as { seq: number; action: string; actor: string; from?: string; to?: string }[]).sort((a, b) => a.seq - b.seq);
      const actions = events.map((e) => e.action).join(',');
      if (actions !== 'escalation.create,escalation.claim') return void auditProblems.push(`${item.id}: ${actions}`);
      const [created, claimed] = events as [(typeof events)[number], (typeof events)[number]];
      if (created.to !== 'open' || created.actor !== `web:${item.asker.userId}`) auditProblems.push(`${item.id}: create event ${JSON.stringify(created)}`);
      if (claimed.from !== 'open' || claimed.to !== 'claimed' || claimed.actor !== item.owner?.id) auditProblems.push(`${item.id}: claim event ${JSON.stringify(claimed)} vs owner ${item.owner?.id}`);
    });
    expect(auditProblems).toEqual([]);
    const all = await call(second.base, '/api/audit', { bearer: admin });
    const escalationEvents = (all.body.events as { action: string; subject: string }[]).filter((e) => e.action.startsWith('escalation.'));
    const count = (action: string) => escalationEvents.filter((e) => e.action === action).length;
    expect(count('escalation.create')).toBe(QUESTIONS);
    expect(count('escalation.claim')).toBe(QUESTIONS);
    expect(escalationEvents).toHaveLength(2 * QUESTIONS);
    expect(new Set(escalationEvents.map((e) => e.subject))).toEqual(new Set(items.map((e) => e.id)));

    console.info(
      `[crash ${variant.name}] killed after ${ackedAtKill} acknowledged creates with ${inFlightAtKill} requests in flight; ` +
        `answers lost: ${lostCreates} creates (${lateCommittedCreates} had been stored), ${lostClaims} claims (${lateCommittedClaims} had been stored)`,
    );
  }, 60_000);
});
