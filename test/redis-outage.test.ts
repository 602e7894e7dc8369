import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { redact } from '../src/core/privacy/redact.ts';
import { triage } from '../src/core/triage/classify.ts';
import { root, sampleKb } from './helpers.ts';
import { freePort, startRedis, type RedisOptions, type TestRedis } from './support/redis-server.ts';

/**
 * Issue: "Redis unavailable for 30 s: answering keeps working; new escalations are not lost."
 *
 * `lotsen serve` runs on a private redis-server (append-only file). Redis gets SIGKILL and stays down
 * for 30 s. Meanwhile, once a second: a question the knowledge base answers must be answered (200);
 * a question for a super-user (POST /api/escalations) must be accepted (200, status "pending": held
 * in LOTSEN_DATA_DIR/spool), a retry of one of them with the same Idempotency-Key as well; a question
 * the bot cannot answer must be answered or held, never refused; nothing may get a 5xx; /readyz says
 * 503. Then Redis is started again on the same port and file: within seconds /readyz is 200 and every
 * held question is in the queue exactly once, next to the ones from before the outage.
 */

const REQUEST_TIMEOUT_MS = 10_000;
const OUTAGE_MS = 30_000;
const RECOVERY_DEADLINE_MS = 20_000;
const ANSWERABLE = 'Hur skriver jag ut ett armband?';

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

// ---------------------------------------------------------------------------------------------
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await Promise.resolve(clean()).catch(() => {});
});

interface QueueItem {
  id: string;
  text: string;
  status: string;
}

describe('Redis unavailable for 30 s', () => {
  it('answering keeps working, escalations are held and reach the queue exactly once when Redis is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'lotsen-outage-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const redis = await privateRedis({ aof: true });
    cleanups.push(() => redis.stop());
    const server = await startServer({ LOTSEN_DATA_DIR: dataDir, REDIS_URL: redis.url, LOTSEN_TIMER_INTERVAL_MS: '200', LOTSEN_RATE_USER_PER_MIN: '10000' });
    cleanups.push(() => server.kill());

    const staff = await signIn(server.base, 'Avbrott Personal', 'staff');
    const superuser = await signIn(server.base, 'Avbrott Superanvändare', 'superuser');
    const run = randomBytes(4).toString('hex');
    const questions = makeQuestions(200, 'o');
    let q = 0;
    const ask = (question: string) => call(server.base, '/api/ask', { cookie: staff.cookie, json: { question } });
    const readyz = () => call(server.base, '/readyz');
    const queue = async () => {
      const r = await call(server.base, '/api/queue', { cookie: superuser.cookie });
      return r.status === 200 ? (r.body.items as QueueItem[]) : undefined;
    };

    // Before: ready, answering, two questions stored.
    expect((await readyz()).status).toBe(200);
    expect((await ask(ANSWERABLE)).body.outcome).toBe('answered');
    const before: string[] = [];
    for (let i = 0; i < 2; i++) {
      const question = questions[q++]!;
      const r = await create(server.base, staff, `before-${run}-${i}`, question);
      expect(r.status).toBe(200);
      expect(r.body.escalation.status).toBe('open');
      before.push(question);
    }

    // The outage.
    await redis.kill('SIGKILL');
    const outageStarted = Date.now();
    const held: { question: string; key?: string }[] = [];
    const statuses: string[] = [];
    const problems: string[] = [];
    let answered = 0;
    let notReady = 0;
    let retriedKey = false;
    for (let round = 0; Date.now() - outageStarted < OUTAGE_MS; round++) {
      const roundStarted = Date.now();
      // A question the knowledge base answers: answered as usual.
      const a = await ask(ANSWERABLE);
      statuses.push(`ask ${a.status}`);
      if (a.status === 200 && a.body.outcome === 'answered' && a.body.citations?.length) answered++;
      else problems.push(`round ${round}: answerable question got ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);

      // A question for a super-user: held, not refused.
      const question = questions[q++]!;
      const key = `outage-${run}-${round}`;
      const e = await create(server.base, staff, key, question);
      statuses.push(`escalate ${e.status}`);
      if (e.status === 200 && e.body.escalation?.status === 'pending') held.push({ question, key });
      else problems.push(`round ${round}: escalation got ${e.status} ${JSON.stringify(e.body).slice(0, 200)}`);

      // A client that lost the answer retries with the same key (once): held again, stored once later.
      if (round === 3 && !retriedKey) {
        const again = await create(server.base, staff, key, question);
        statuses.push(`escalate-retry ${again.status}`);
        if (again.status === 200 && again.body.escalation?.status === 'pending') retriedKey = true;
        else problems.push(`retry: ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`);
      }

      // A question the bot cannot answer goes to super-users through the chat: held as well.
      const open = questions[q++]!;
      const c = await ask(open);
      statuses.push(`ask-open ${c.status}`);
      if (c.status !== 200 || !['answered', 'escalated'].includes(c.body.outcome)) problems.push(`round ${round}: chat question got ${c.status} ${JSON.stringify(c.body).slice(0, 200)}`);
      else if (c.body.outcome === 'escalated') {
        if (c.body.escalation?.status === 'pending') held.push({ question: open });
        else problems.push(`round ${round}: chat escalation ${JSON.stringify(c.body.escalation)}`);
      }

      const r = await readyz();
      statuses.push(`readyz ${r.status}`);
      if (r.status === 503) notReady++;
      else problems.push(`round ${round}: /readyz ${r.status} while Redis is down`);
      await sleep(Math.max(0, 1000 - (Date.now() - roundStarted)));
    }
    const outageMs = Date.now() - outageStarted;
    expect(problems).toEqual([]);
    expect(statuses.filter((s) => /\b5\d\d$/.test(s) && !s.startsWith('readyz'))).toEqual([]);
    expect(retriedKey).toBe(true);
    expect(held.length).toBeGreaterThanOrEqual(25);
    expect(readdirSync(join(dataDir, 'spool')).some((f) => f.endsWith('.jsonl'))).toBe(true);

    // Redis is back: ready again, and every held question in the queue exactly once.
    await redis.restart();
    const back = Date.now();
    let readyAfterMs: number | undefined;
    let flushedAfterMs: number | undefined;
    let items: QueueItem[] = [];
    const expected = [...before, ...held.map((h) => h.question)];
    while (Date.now() - back < RECOVERY_DEADLINE_MS) {
      if (readyAfterMs === undefined && (await readyz()).status === 200) readyAfterMs = Date.now() - back;
      if (readyAfterMs !== undefined) {
        items = (await queue()) ?? [];
        const texts = new Set(items.map((e) => e.text));
        if (expected.every((t) => texts.has(t))) {
          flushedAfterMs = Date.now() - back;
          break;
        }
      }
      await sleep(100);
    }
    expect(readyAfterMs, 'ready again after Redis came back').toBeDefined();
    expect(flushedAfterMs, 'every held question in the queue').toBeDefined();
    await sleep(1000); // a few more flush rounds: nothing may arrive twice
    items = (await queue())!;
    const counts = new Map<string, number>();
    for (const e of items) counts.set(e.text, (counts.get(e.text) ?? 0) + 1);
    expect(expected.filter((t) => counts.get(t) !== 1)).toEqual([]);
    expect(items).toHaveLength(expected.length);
    expect(items.every((e) => e.status === 'open')).toBe(true);
    expect(readdirSync(join(dataDir, 'spool')).filter((f) => f.endsWith('.jsonl') || f.endsWith('.flushing'))).toEqual([]);
    const audit = await call(server.base, '/api/audit', { bearer: SECRETS.LOTSEN_ADMIN_TOKEN });
    const creates = (audit.body.events as { action: string; subject: string }[]).filter((e) => e.action === 'escalation.create');
    expect(creates.map((e) => e.subject).sort()).toEqual(items.map((e) => e.id).sort());
    // And new ones are stored directly again.
    const after = await create(server.base, staff, `after-${run}`, questions[q++]!);
    expect(after.body.escalation.status).toBe('open');

    console.info(
      `[outage] Redis down ${(outageMs / 1000).toFixed(1)} s: ${answered} answered, ${held.length} escalations held (+1 retry), /readyz 503 ×${notReady}; ` +
        `after restart: ready in ${readyAfterMs} ms, all held in the queue in ${flushedAfterMs} ms`,
    );
  }, 120_000);
});
