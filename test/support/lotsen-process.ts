// Real `lotsen serve` processes for the escalation proofs (crash, claim races, Redis outage):
// distinct questions, servers on free ports that die with the test, and the HTTP calls staff and
// super-users make.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { redact } from '../../src/core/privacy/redact.ts';
import { triage } from '../../src/core/triage/classify.ts';
import { root, sampleKb } from '../helpers.ts';
import { freePort, startRedis, type RedisOptions, type TestRedis } from './redis-server.ts';

// ---------------------------------------------------------------------------------------------
// Distinct questions: 4–6 words from a large neutral vocabulary and a unique letter token, so that
// no two overlap enough to be linked (Jaccard ≥ 0.6), none reads as a safety report and redaction
// leaves every one unchanged (the stored text is then exactly what was sent).
// ---------------------------------------------------------------------------------------------
export const VOCABULARY = [
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
export const CONSONANTS = 'bcdfghjklmnpqrstvwxz';

export function letterToken(n: number): string {
  let s = '';
  for (let x = n + 8000; x > 0; x = Math.floor(x / CONSONANTS.length)) s += CONSONANTS[x % CONSONANTS.length];
  return s;
}

export function makeQuestions(count: number, tag: string): string[] {
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
export const SECRETS = {
  LOTSEN_STAFF_TOKEN: `test-staff-${randomBytes(12).toString('hex')}`,
  LOTSEN_SUPERUSER_TOKEN: `test-superuser-${randomBytes(12).toString('hex')}`,
  LOTSEN_ADMIN_TOKEN: `test-admin-${randomBytes(12).toString('hex')}`,
  LOTSEN_SESSION_SECRET: `test-session-${randomBytes(16).toString('hex')}`,
};

export const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
export const setpriv = (() => {
  const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
  return !probe.error && probe.status === 0 && probe.stdout.includes('--pdeathsig');
})();
export const REQUEST_TIMEOUT_MS = 15_000;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const gone = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;
export const exited = (child: ChildProcess) => (gone(child) ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));

export interface Server {
  base: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** `lotsen serve` with sign-in required; resolves when /healthz answers. The developer's own settings are not inherited. */
/** These tests send hundreds of questions from a few users on purpose: rate limits are not what they measure. */
const LOAD_LIMITS = { LOTSEN_RATE_USER_PER_MIN: '10000', LOTSEN_RATE_GLOBAL_PER_SEC: '100000' };

export async function startServer(env: Record<string, string>): Promise<Server> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(LOTSEN_|OPENAI_|AZURE_OPENAI_|REDIS_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(k)));
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const args = [join(root, 'bin/lotsen.js'), 'serve'];
    const child = spawn(setpriv ? 'setpriv' : process.execPath, setpriv ? ['--pdeathsig', 'KILL', '--', process.execPath, ...args] : args, {
      cwd: root,
      env: { ...inherited, ...SECRETS, PORT: String(port), HOST: '127.0.0.1', LOTSEN_KB_DIR: sampleKb, LOG_LEVEL: 'warn', LOTSEN_REQUIRE_SIGN_IN: 'true', ...LOAD_LIMITS, ...env },
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
export async function privateRedis(options: RedisOptions): Promise<TestRedis> {
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
export interface Reply {
  status: number;
  body: any;
}

export async function call(base: string, path: string, options: { method?: string; cookie?: string; bearer?: string; json?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
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

export interface User {
  name: string;
  cookie: string;
}

export async function signIn(base: string, name: string, role: 'staff' | 'superuser'): Promise<User> {
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

export const create = (base: string, staff: User, key: string, question: string) =>
  call(base, '/api/escalations', { cookie: staff.cookie, json: { question }, headers: { 'idempotency-key': key } });
export const claim = (base: string, superuser: User, id: string) => call(base, `/api/escalations/${encodeURIComponent(id)}/claim`, { cookie: superuser.cookie, json: {} });

/** Runs `work` over `items` with at most `concurrency` at a time. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
