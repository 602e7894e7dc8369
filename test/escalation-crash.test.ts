import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestRedis } from './support/redis-server.ts';
import { call, claim, create, gone, makeQuestions, pool, privateRedis, type Reply, SECRETS, type Server, signIn, sleep, startServer, type User } from './support/lotsen-process.ts';

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
