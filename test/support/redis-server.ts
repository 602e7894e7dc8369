import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from 'redis';

/**
 * A Redis for tests.
 *
 * - With `REDIS_URL` set, that server is used as is: every `startRedis()` gets its own key prefix so
 *   concurrent runs and test files do not see each other's keys; `stop()` deletes the keys under the
 *   prefix and stops nothing. `kill()` and `restart()` are not possible there and throw, so the crash
 *   and outage tests start a private server even then (see privateRedis in lotsen-process.ts).
 * - Otherwise a private `redis-server` (from PATH) is started on a free loopback port in a temporary
 *   folder: in memory only by default, or with `{ aof: true }` with an append-only file fsynced on
 *   every write, so that data survives `kill('SIGKILL')` + `restart()`.
 *
 * Call it in `beforeAll` and `stop()` in `afterAll`. Servers that a test forgets (or a worker that
 * dies) do not linger: they are started with a parent-death signal where `setpriv` exists, and are
 * killed when the test process exits.
 */
export interface RedisOptions {
  /** Append-only persistence with `appendfsync always` (for crash tests). Ignored with REDIS_URL. */
  aof?: boolean;
  /** How long to wait for the server to accept connections. */
  startTimeoutMs?: number;
}

export interface TestRedis {
  url: string;
  /** A key prefix unique to this call; use sub-prefixes (`${prefix}t1:`) for isolation per test. */
  prefix: string;
  /** True when REDIS_URL was used: nothing was started, kill/restart are unavailable. */
  external: boolean;
  /** Stops the server (or removes this run's keys from an external one). Safe to call twice. */
  stop(): Promise<void>;
  /** Sends a signal to the server (SIGKILL by default, for crash tests) and waits until it is gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and folder (AOF data comes back) and waits until it answers. */
  restart(): Promise<void>;
}

const live = new Set<ChildProcess>();
const dirs = new Set<string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        child.kill('SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
}

let redisBinaryChecked = false;
function assertRedisServerInstalled(): void {
  if (redisBinaryChecked) return;
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'redis-server was not found on PATH. Install it (e.g. `apt-get install -y redis-server`) or set REDIS_URL to a Redis to use for the tests.',
    );
  }
  redisBinaryChecked = true;
}

let setprivAvailable: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivAvailable === undefined) {
    const probe = spawnSync('setpriv', ['--help'], { encoding: 'utf8' });
    setprivAvailable = !probe.error && probe.status === 0 && probe.stdout.includes('--pdeathsig');
  }
  return setprivAvailable;
}

/** A port that was free a moment ago (the kernel picks it; we close it again at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/** One PING over a raw socket: true on +PONG (or -LOADING counts as not yet). */
export function pingOnce(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('*1\r\n$4\r\nPING\r\n'));
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uniquePrefix = () => `lotsen-test:${process.pid}:${randomBytes(4).toString('hex')}:`;

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

export async function startRedis(options: RedisOptions = {}): Promise<TestRedis> {
  const external = process.env.REDIS_URL;
  if (external) return externalRedis(external);
  return ownRedis(options);
}

function externalRedis(url: string): TestRedis {
  const prefix = uniquePrefix();
  let stopped = false;
  const unavailable = async () => {
    throw new Error('kill()/restart() need a Redis started by the test harness; unset REDIS_URL to run crash tests.');
  };
  return {
    url,
    prefix,
    external: true,
    async stop() {
      if (stopped) return;
      stopped = true;
      // Best effort: remove what this run wrote, so a shared Redis does not fill up with test keys.
      const client = createClient({ url, socket: { connectTimeout: 2_000, reconnectStrategy: false } });
      client.on('error', () => {});
      try {
        await client.connect();
        const script =
          "local c = '0' repeat local r = redis.call('SCAN', c, 'MATCH', ARGV[1], 'COUNT', 1000) c = r[1] for _, k in ipairs(r[2]) do redis.call('UNLINK', k) end until c == '0' return 1";
        await client.sendCommand(['EVAL', script, '0', `${prefix}*`]);
      } catch {
        // The server went away or refuses scripts: leave the keys.
      } finally {
        await client.close().catch(() => {});
      }
    },
    kill: unavailable,
    restart: unavailable,
  };
}

async function ownRedis(options: RedisOptions): Promise<TestRedis> {
  assertRedisServerInstalled();
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'lotsen-redis-'));
  dirs.add(dir);
  const timeoutMs = options.startTimeoutMs ?? 10_000;
  const persistence = options.aof ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--save', '', '--appendonly', 'no'];

  let port = 0;
  let child: ChildProcess | undefined;
  let stopped = false;

  const launch = async (): Promise<void> => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no', '--protected-mode', 'no', '--loglevel', 'warning', ...persistence];
    const proc = hasSetpriv()
      ? spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'redis-server', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('redis-server', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    proc.stdout?.on('data', (c) => (output = (output + c.toString()).slice(-4000)));
    proc.stderr?.on('data', (c) => (output = (output + c.toString()).slice(-4000)));
    proc.once('error', (err) => (output += `\n${err.message}`));
    live.add(proc);
    proc.once('exit', () => live.delete(proc));
    child = proc;

    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null) {
        throw Object.assign(new Error(`redis-server exited while starting (code ${proc.exitCode}, signal ${proc.signalCode}):\n${output.trim()}`), { output });
      }
      if (await pingOnce(port)) return;
      await sleep(20);
    }
    proc.kill('SIGKILL');
    await exited(proc);
    throw new Error(`redis-server did not answer PING on port ${port} within ${timeoutMs} ms:\n${output.trim()}`);
  };

  // The free port may be taken between finding it and binding it: try a few.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await launch();
      break;
    } catch (err) {
      const output = String((err as { output?: string }).output ?? '');
      if (attempt >= 5 || !/address already in use|bind/i.test(output)) {
        rmSync(dir, { recursive: true, force: true });
        dirs.delete(dir);
        throw err;
      }
    }
  }

  const signal = async (sig: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill(sig);
    await exited(proc);
  };

  return {
    url: `redis://127.0.0.1:${port}`,
    prefix: uniquePrefix(),
    external: false,
    async stop() {
      if (stopped) return;
      stopped = true;
      const proc = child;
      if (proc && proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const gone = await Promise.race([exited(proc).then(() => true), sleep(3_000).then(() => false)]);
        if (!gone) await signal('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
      dirs.delete(dir);
    },
    kill: (sig: NodeJS.Signals = 'SIGKILL') => signal(sig),
    async restart() {
      if (stopped) throw new Error('restart() after stop()');
      await signal('SIGKILL');
      // Same port and folder: the append-only file (if any) is loaded again. Retry briefly in case the port lingers.
      for (let attempt = 1; ; attempt++) {
        try {
          await launch();
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await sleep(50);
        }
      }
    },
  };
}
