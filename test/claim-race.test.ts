import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisStore } from '../src/adapters/store/redis-store.ts';
import type { AuditEvent, Escalation } from '../src/core/store/store.ts';
import { call, claim, create, makeQuestions, pool, privateRedis, SECRETS, type Server, signIn, startServer, type User } from './support/lotsen-process.ts';

/**
 * Issue: "1,000 claim races with 5 claimers spread over 2 processes on one Redis: exactly one winner
 * each."
 *
 * Two `lotsen serve` processes share one Redis (and the session secret, so a session from either is
 * good on both). Five super-users sign in, three on server A and two on server B, and each claims
 * through its own server. For each of 1,000 questions all five claims leave at once (in a random
 * order; four races run side by side). Exactly one gets 200; the four others get 409
 * "already-claimed" naming the winner; the stored item names the winner as owner at version 2; the
 * audit log holds one create and one claim for it. The same race runs on SQLite (one process, the
 * embedded store is single-instance) over 200 questions.
 */

const CLAIMERS = 5;
const RACES_SIDE_BY_SIDE = 4;
const CREATE_CONCURRENCY = 20;

// ---------------------------------------------------------------------------------------------
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const clean of cleanups.splice(0).reverse()) await Promise.resolve(clean()).catch(() => {});
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lotsen-race-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function serve(env: Record<string, string>): Promise<Server> {
  const server = await startServer(env);
  cleanups.push(() => server.kill());
  return server;
}

interface Claimer extends User {
  server: Server;
}

interface Race {
  id: string;
  winner?: Claimer;
  /** The winner's owner id as the 200 answer gave it ("web:…"). */
  ownerId?: string;
  problems: string[];
}

/** Creates `count` questions through the given servers in turn; returns their ids in order of creation. */
async function createQuestions(servers: Server[], staff: User, count: number): Promise<string[]> {
  const run = randomBytes(4).toString('hex');
  const questions = makeQuestions(count, 'r');
  const ids: string[] = new Array(count);
  const problems: string[] = [];
  await pool(
    questions.map((q, i) => ({ q, i })),
    CREATE_CONCURRENCY,
    async ({ q, i }) => {
      const r = await create(servers[i % servers.length]!.base, staff, `race-${run}-${i}`, q);
      if (r.status !== 200 || typeof r.body?.escalationId !== 'string' || r.body.escalation?.linked !== false) problems.push(`create ${i}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      else ids[i] = r.body.escalationId;
    },
  );
  expect(problems).toEqual([]);
  expect(new Set(ids).size).toBe(count);
  return ids;
}

/** All claimers claim `id` at the same moment, in a random order. */
async function race(id: string, claimers: Claimer[]): Promise<Race> {
  const order = [...claimers].sort(() => Math.random() - 0.5);
  const replies = await Promise.all(order.map((c) => claim(c.server.base, c, id).then((r) => ({ c, r }))));
  const result: Race = { id, problems: [] };
  const winners = replies.filter(({ r }) => r.status === 200);
  if (winners.length !== 1) {
    result.problems.push(`${id}: ${winners.length} winners; statuses ${replies.map(({ r }) => r.status).join(',')}`);
    return result;
  }
  const { c: winner, r: won } = winners[0]!;
  result.winner = winner;
  result.ownerId = won.body?.item?.owner?.id;
  if (won.body?.item?.status !== 'claimed' || won.body?.item?.owner?.name !== winner.name || won.body?.item?.version !== 2) {
    result.problems.push(`${id}: the winner's answer is ${JSON.stringify(won.body).slice(0, 300)}`);
  }
  for (const { c, r } of replies) {
    if (c === winner) continue;
    if (r.status !== 409 || r.body?.reason !== 'already-claimed' || r.body?.owner !== winner.name) {
      result.problems.push(`${id}: ${c.name} got ${r.status} ${JSON.stringify(r.body).slice(0, 200)}; the winner was ${winner.name}`);
    }
  }
  return result;
}

async function runRaces(ids: string[], claimers: Claimer[]): Promise<Race[]> {
  const races: Race[] = new Array(ids.length);
  await pool(
    ids.map((id, i) => ({ id, i })),
    RACES_SIDE_BY_SIDE,
    async ({ id, i }) => void (races[i] = await race(id, claimers)),
  );
  return races;
}

/** The stored item and its audit trail agree with the race's one winner. */
function checkStored(r: Race, item: Escalation | undefined, events: AuditEvent[]): string[] {
  const problems: string[] = [];
  if (!item) return [`${r.id}: not stored`];
  if (item.status !== 'claimed' || item.version !== 2 || item.owner?.name !== r.winner?.name || item.owner?.id !== r.ownerId) {
    problems.push(`${r.id}: stored ${item.status} v${item.version} owner ${JSON.stringify(item.owner)}; winner ${r.winner?.name} (${r.ownerId})`);
  }
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  const actions = sorted.map((e) => e.action).join(',');
  if (actions !== 'escalation.create,escalation.claim') problems.push(`${r.id}: audit ${actions}`);
  else if (sorted[1]!.actor !== r.ownerId || sorted[1]!.to !== 'claimed') problems.push(`${r.id}: claim event ${JSON.stringify(sorted[1])}`);
  return problems;
}

function tally(races: Race[], claimers: Claimer[]) {
  return claimers.map((c) => `${c.name} ${races.filter((r) => r.winner === c).length}`).join(', ');
}

describe('claim races: exactly one winner', () => {
  it('1,000 races, 5 claimers over 2 processes on one Redis', async () => {
    const redis = await privateRedis({});
    cleanups.push(() => redis.stop());
    const a = await serve({ LOTSEN_DATA_DIR: tempDataDir(), REDIS_URL: redis.url });
    const b = await serve({ LOTSEN_DATA_DIR: tempDataDir(), REDIS_URL: redis.url });
    const staff = await signIn(a.base, 'Race Personal', 'staff');
    const claimers: Claimer[] = [];
    for (const [i, server] of [a, a, a, b, b].entries()) claimers.push({ ...(await signIn(server.base, `Race Superanvändare ${i + 1}`, 'superuser')), server });

    let t = performance.now();
    const ids = await createQuestions([a, b], staff, 1000);
    const createS = (performance.now() - t) / 1000;
    t = performance.now();
    const races = await runRaces(ids, claimers);
    const raceS = (performance.now() - t) / 1000;
    expect(races.flatMap((r) => r.problems)).toEqual([]);
    expect(races.every((r) => r.winner)).toBe(true);

    // What the shared store holds (same Redis, the servers' default key prefix).
    const store = await RedisStore.connect(redis.url);
    cleanups.push(() => store.close());
    const problems: string[] = [];
    await pool(races, 20, async (r) => {
      const [item, events] = await Promise.all([store.getEscalation(r.id), store.listAudit({ subject: r.id })]);
      problems.push(...checkStored(r, item, events));
    });
    expect(problems).toEqual([]);
    const all = await store.listEscalations({ kind: 'question', limit: 1000 });
    expect(all).toHaveLength(1000);
    expect(all.every((e) => e.status === 'claimed')).toBe(true);
    const claims = (await store.listAudit({ limit: 5000 })).filter((e) => e.action === 'escalation.claim');
    expect(claims).toHaveLength(1000);
    expect(new Set(claims.map((e) => e.subject)).size).toBe(1000);
    // Both processes and several claimers won races: the race was open to all of them.
    expect(new Set(races.map((r) => r.winner!.name)).size).toBeGreaterThan(1);

    console.info(
      `[race Redis] 1,000 created in ${createS.toFixed(1)} s, 5,000 claims in ${raceS.toFixed(1)} s; ` +
        `wins on A ${races.filter((r) => r.winner!.server === a).length}, on B ${races.filter((r) => r.winner!.server === b).length} (${tally(races, claimers)})`,
    );
  }, 120_000);

  it('200 races, 5 claimers in one process on SQLite', async () => {
    const server = await serve({ LOTSEN_DATA_DIR: tempDataDir() });
    const staff = await signIn(server.base, 'Race Personal', 'staff');
    const claimers: Claimer[] = [];
    for (let i = 0; i < CLAIMERS; i++) claimers.push({ ...(await signIn(server.base, `Race Superanvändare ${i + 1}`, 'superuser')), server });
    const ids = await createQuestions([server], staff, 200);
    const races = await runRaces(ids, claimers);
    expect(races.flatMap((r) => r.problems)).toEqual([]);

    const queue = await call(server.base, '/api/queue', { cookie: claimers[0]!.cookie });
    const stored = new Map((queue.body.items as Escalation[]).map((e) => [e.id, e]));
    expect(stored.size).toBe(200);
    const problems: string[] = [];
    await pool(races, 20, async (r) => {
      const audit = await call(server.base, `/api/audit?subject=${encodeURIComponent(r.id)}`, { bearer: SECRETS.LOTSEN_ADMIN_TOKEN });
      problems.push(...checkStored(r, stored.get(r.id), audit.body.events as AuditEvent[]));
    });
    expect(problems).toEqual([]);
    expect(new Set(races.map((r) => r.winner!.name)).size).toBeGreaterThan(1);
    console.info(`[race SQLite] 200 races: ${tally(races, claimers)}`);
  }, 60_000);
});
