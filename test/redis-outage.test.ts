import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, create, makeQuestions, privateRedis, SECRETS, signIn, sleep, startServer } from './support/lotsen-process.ts';

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

const OUTAGE_MS = 30_000;
const RECOVERY_DEADLINE_MS = 20_000;
const ANSWERABLE = 'Hur skriver jag ut ett armband?';

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
