import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { WebhookSender } from '../src/adapters/notify/webhook-sender.ts';
import { EscalationDesk } from '../src/core/escalation/desk.ts';
import { apply, type Actor, type Command, type ServiceLevels } from '../src/core/escalation/lifecycle.ts';
import { outboxRelay } from '../src/core/escalation/relay.ts';
import { Router, type Routing } from '../src/core/escalation/routing.ts';
import { OutboxWorker } from '../src/core/outbox/worker.ts';
import { silentLogger } from '../src/core/ports.ts';
import type { Escalation } from '../src/core/store/store.ts';
import { tempDir, testLotsen } from './helpers.ts';
import { EventBusyError } from '../src/core/assistant.ts';

const SL: ServiceLevels = { remindAfterMin: 10, reescalateAfterMin: 20, nudgeAfterMin: 30 };
const T0 = Date.parse('2026-11-23T07:00:00Z');
const minutes = (m: number) => new Date(T0 + m * 60_000);

/** A webhook receiver that records what arrives; `reply` decides the status (and headers) of each. */
async function fakeHook() {
  const received: { path: string; body: { text: string; lotsen: Record<string, unknown> }; key?: string }[] = [];
  let reply: () => { status: number; headers?: Record<string, string> } = () => ({ status: 200 });
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      const r = reply();
      if (r.status === 200) received.push({ path: req.url!, body: JSON.parse(data), key: req.headers['idempotency-key'] as string });
      res.writeHead(r.status, r.headers).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, received, setReply: (f: typeof reply) => (reply = f), close: () => new Promise((r) => server.close(r)) };
}

function routingFor(base: string): Routing {
  return {
    default: 'command-centre',
    destinations: [
      { id: 'command-centre', label: 'Ledningscentralen', webhook: `${base}/centre` },
      { id: 'pharmacy', label: 'Läkemedel', backup: 'command-centre', webhook: `${base}/pharmacy` },
    ],
    topics: [{ id: 'medication', label: 'Läkemedel', destination: 'pharmacy', systems: ['MAR'], tags: [], words: ['läkemedel', 'dos'] }],
  };
}

const staff = { platform: 'web' as const, userId: 'u1', displayName: 'Stina', role: 'staff' as const, site: 'avd 12' };
const anna: Actor = { id: 'web:anna', name: 'Anna', role: 'superuser' };

describe('service levels, relay and outbox', () => {
  let hook: Awaited<ReturnType<typeof fakeHook>>;
  let dir: string;
  const stores: SqliteStore[] = [];
  let clock = minutes(0);
  const now = () => clock;

  const instance = () => {
    const store = new SqliteStore(join(dir, 'lotsen.db'));
    stores.push(store);
    const router = new Router(routingFor(hook.base));
    const desk = new EscalationDesk({ store, router, serviceLevels: SL, log: silentLogger, now });
    desk.onChange(outboxRelay(store, router));
    const outbox = new OutboxWorker({ store, senders: [new WebhookSender((id) => router.destination(id).webhook)], log: silentLogger, now, baseBackoffMs: 1000 });
    return { store, desk, outbox };
  };

  beforeAll(async () => {
    hook = await fakeHook();
  });
  afterAll(async () => {
    await hook.close();
  });
  afterEach(async () => {
    for (const s of stores.splice(0)) await s.close();
    hook.received.length = 0;
    hook.setReply(() => ({ status: 200 }));
  });

  it('reminds the destination, re-escalates to the backup, nudges the claimer; each timer fires once across two instances and after a restart', async () => {
    dir = await tempDir();
    clock = minutes(0);
    const a = instance();
    const b = instance();
    const { escalation } = await a.desk.escalate({ text: 'Hur ändrar jag dos på en pågående läkemedelsinfusion?', lang: 'sv', asker: staff, conversation: { platform: 'web', channel: 'u1' }, best: [] });
    expect(escalation).toMatchObject({ topic: 'medication', destination: 'pharmacy', due: { kind: 'remind' } });
    await a.outbox.drain();
    expect(hook.received.map((r) => r.path)).toEqual(['/pharmacy']);
    expect(hook.received[0]!.body.text).toContain('Ny fråga');

    clock = minutes(9);
    expect((await a.desk.tick()) + (await b.desk.tick())).toBe(0);
    clock = minutes(10);
    // Both instances look at the same due timer; one fires it.
    expect((await Promise.all([a.desk.tick(), b.desk.tick()])).reduce((x, y) => x + y)).toBe(1);
    clock = minutes(11);
    await a.outbox.drain();
    expect(hook.received.map((r) => r.path)).toEqual(['/pharmacy', '/pharmacy']);
    expect(hook.received[1]!.body.text).toContain('Påminnelse');

    // A restart between the timers: the due time is in the store.
    for (const s of stores.splice(0)) await s.close();
    const c = instance();
    clock = minutes(20);
    expect(await c.desk.tick()).toBe(1);
    const moved = (await c.store.getEscalation(escalation.id))!;
    expect(moved).toMatchObject({ destination: 'command-centre', reescalated: true, status: 'open' });
    await c.outbox.drain();
    expect(hook.received.at(-1)).toMatchObject({ path: '/centre', body: { lotsen: { event: 'reescalate' } } });

    expect((await c.desk.act(escalation.id, { type: 'claim' }, anna)).ok).toBe(true);
    clock = minutes(49);
    expect(await c.desk.tick()).toBe(0);
    clock = minutes(50);
    expect(await c.desk.tick()).toBe(1);
    expect((await c.store.getEscalation(escalation.id))!.due).toMatchObject({ kind: 'nudge', at: minutes(80).toISOString() });
    const actions = (await c.store.listAudit({ subject: escalation.id })).map((e) => e.action).reverse();
    expect(actions).toEqual(['escalation.create', 'escalation.remind', 'escalation.reescalate', 'escalation.claim', 'escalation.nudge']);
  });

  it('paces a destination, honours Retry-After, and keeps what a down webhook could not take until it is back, across a restart', async () => {
    dir = await tempDir();
    clock = minutes(0);
    const a = instance();
    for (const q of ['Var hittar jag läkemedelslistan?', 'Hur signerar jag en dos i MAR?', 'Vem godkänner ny dos av läkemedel?']) {
      await a.desk.escalate({ text: q, lang: 'sv', asker: staff, conversation: { platform: 'web', channel: 'u1' }, best: [] });
    }
    // One message per key per pass, then the key waits its pace (1 s for webhooks).
    expect(await a.outbox.drain()).toBe(1);
    expect(await a.outbox.drain()).toBe(0);
    clock = new Date(clock.getTime() + 1000);
    hook.setReply(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    expect(await a.outbox.drain()).toBe(1);
    expect(hook.received).toHaveLength(1);
    const waiting = (await a.store.leaseOutbound(new Date(clock.getTime() + 29_000), 1, 10)).length;
    expect(waiting).toBe(0);
    // Down for a while: nothing is lost, nothing is sent.
    hook.setReply(() => ({ status: 503 }));
    clock = new Date(clock.getTime() + 30_000);
    await a.outbox.drain();
    expect(await a.store.outboxDepth()).toBe(2);
    for (const s of stores.splice(0)) await s.close();

    hook.setReply(() => ({ status: 200 }));
    const b = instance();
    for (let i = 0; i < 20 && (await b.store.outboxDepth()) > 0; i++) {
      clock = new Date(clock.getTime() + 60_000);
      await b.outbox.drain();
    }
    expect(await b.store.outboxDepth()).toBe(0);
    const texts = hook.received.map((r) => r.body.text);
    expect(texts).toHaveLength(3);
    expect(texts[1]).toContain('Hur signerar jag en dos');
    expect(texts[2]).toContain('Vem godkänner');
    // Each message has its own idempotency key for the receiver.
    expect(new Set(hook.received.map((r) => r.key)).size).toBe(3);
  });
});

describe('outbox and relay details', () => {
  it('sets aside a message the receiver refuses for good, so later ones to the same place still go', async () => {
    const hook = await fakeHook();
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    try {
      let clock = minutes(0);
      const dead: string[] = [];
      const outbox = new OutboxWorker({ store, senders: [new WebhookSender(() => `${hook.base}/x`)], log: silentLogger, now: () => clock, onDead: async (m) => void dead.push(m.id) });
      const first = await store.enqueueOutbound({ key: 'webhook:x', channel: 'webhook', payload: { destination: 'x', text: 'one' } }, clock);
      await store.enqueueOutbound({ key: 'webhook:x', channel: 'webhook', payload: { destination: 'x', text: 'two' } }, clock);
      hook.setReply(() => ({ status: 400 }));
      for (let i = 0; i < 3; i++) {
        await outbox.drain();
        clock = new Date(clock.getTime() + 3_600_000);
      }
      expect(dead).toEqual([first.id]);
      hook.setReply(() => ({ status: 200 }));
      await outbox.drain();
      expect(hook.received.map((r) => r.body.text)).toEqual(['two']);
    } finally {
      await store.close();
      await hook.close();
    }
  });

  it('quotes each linked asker their own words when the answer goes out on a chat platform', async () => {
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    try {
      const router = new Router(routingFor('http://127.0.0.1:9'));
      const desk = new EscalationDesk({ store, router, serviceLevels: SL, log: silentLogger, now: () => minutes(0) });
      desk.onChange(outboxRelay(store, router));
      const slackAsker = (id: string) => ({ platform: 'slack' as const, userId: id, role: 'staff' as const });
      const a = await desk.escalate({ text: 'Etikettskrivaren skriver tomma etiketter efter tonerbyte idag', lang: 'sv', asker: slackAsker('UA'), conversation: { platform: 'slack', channel: 'DA' }, best: [] });
      const b = await desk.escalate({ text: 'Etikettskrivaren skriver tomma etiketter efter tonerbyte', lang: 'sv', asker: slackAsker('UB'), conversation: { platform: 'slack', channel: 'DB' }, best: [] });
      expect(b).toMatchObject({ linked: true, escalation: { id: a.escalation.id } });
      await desk.act(a.escalation.id, { type: 'claim' }, anna);
      await desk.act(a.escalation.id, { type: 'answer', text: 'Byt rulle.' }, anna);
      const sent = (await store.leaseOutbound(minutes(1), 1000, 50)).filter((m) => m.payload.kind === 'answer');
      expect(Object.fromEntries(sent.map((m) => [m.key, m.payload.question]))).toEqual({
        'slack:DA': 'Etikettskrivaren skriver tomma etiketter efter tonerbyte idag',
        'slack:DB': 'Etikettskrivaren skriver tomma etiketter efter tonerbyte',
      });
    } finally {
      await store.close();
    }
  });

  it('"ask a super-user" counts against the rate limit like a question', async () => {
    const lotsen = await testLotsen({ LOTSEN_RATE_USER_PER_MIN: '2' });
    try {
      const ask = (text: string) => lotsen.assistant.askSuperuser({ text, asker: staff, conversation: { platform: 'web', channel: 'u1' } });
      expect((await ask('Var ändrar jag min signatur i brev?')).outcome).toBe('escalated');
      expect((await ask('Hur byter jag språk på menyerna?')).outcome).toBe('escalated');
      const third = await ask('Kan jag få mörkt tema i PowerChart?');
      expect(third).toMatchObject({ outcome: 'limited' });
      expect(third.retryAfterS).toBeGreaterThan(0);
      expect(await lotsen.store.listEscalations({ kind: 'question' })).toHaveLength(2);
    } finally {
      await lotsen.close();
    }
  });
});

describe('the state machine refuses invalid transitions with a reason', () => {
  const base: Escalation = {
    id: 'e1', kind: 'question', severity: 'S4', status: 'open', version: 3, text: 'q', lang: 'sv',
    asker: { platform: 'web', userId: 'u1' }, conversation: { platform: 'web', channel: 'u1' }, createdAt: minutes(0).toISOString(),
  };
  const bo: Actor = { id: 'web:bo', name: 'Bo', role: 'superuser' };
  const asker: Actor = { id: 'web:u1', name: 'Stina', role: 'staff' };
  const claimed = { ...base, status: 'claimed' as const, owner: { id: anna.id, name: 'Anna' } };
  const answered = { ...claimed, status: 'answered' as const, answer: { text: 'a', by: { id: anna.id, name: 'Anna' }, at: minutes(1).toISOString() } };
  const closed = { ...base, status: 'closed' as const };
  const cases: [string, Escalation, Command, Actor, string][] = [
    ['claim what Anna has', claimed, { type: 'claim' }, bo, 'already-claimed'],
    ['answer without claiming', base, { type: 'answer', text: 'x' }, anna, 'not-claimed'],
    ["answer Anna's question", claimed, { type: 'answer', text: 'x' }, bo, 'not-owner'],
    ['an empty answer', claimed, { type: 'answer', text: '  ' }, anna, 'empty'],
    ['release an open question', base, { type: 'release' }, anna, 'not-claimed'],
    ["release Anna's question", claimed, { type: 'release' }, bo, 'not-owner'],
    ['solved before an answer', claimed, { type: 'solved' }, asker, 'not-answered'],
    ["solved by someone else", answered, { type: 'solved' }, bo, 'not-asker'],
    ['claim a closed question', closed, { type: 'claim' }, anna, 'closed'],
    ['a timer that is not due', { ...base, due: { kind: 'remind', at: minutes(10).toISOString() } }, { type: 'remind' }, anna, 'not-due'],
    ['close a safety item without a note', { ...base, kind: 'safety' }, { type: 'close' }, anna, 'note-required'],
  ];
  it.each(cases)('%s', (_name, current, command, actor, reason) => {
    const outcome = apply(current, command, actor, SL, minutes(5));
    expect(outcome).toMatchObject({ ok: false, reason });
    if (!outcome.ok) expect(outcome.message.length).toBeGreaterThan(10);
  });

  it('records who, from and to for a valid one', () => {
    const outcome = apply(base, { type: 'claim' }, anna, SL, minutes(5));
    expect(outcome).toMatchObject({ ok: true, next: { status: 'claimed', owner: { id: anna.id, name: 'Anna' } }, event: { actor: anna.id, role: 'superuser', action: 'escalation.claim', from: 'open', to: 'claimed' } });
  });
});

describe('questions held while the store is down', () => {
  it('are all stored once the store is back, also after a flush that failed half-way', async () => {
    const lotsen = await testLotsen();
    try {
      const store = lotsen.store;
      const list = store.listEscalations.bind(store);
      store.listEscalations = async () => {
        throw new Error('store down');
      };
      for (const text of ['Var hittar jag fönster knapp flik lista?', 'Var hittar jag kalender färg symbol tangent?']) {
        expect((await lotsen.assistant.askSuperuser({ text, asker: staff, conversation: { platform: 'web', channel: 'u1' } })).escalation?.status).toBe('pending');
      }
      let calls = 0;
      store.listEscalations = async (f) => {
        if (++calls === 2) throw new Error('store down again');
        return list(f);
      };
      await expect(lotsen.runWorkersOnce()).rejects.toThrow('store down again');
      store.listEscalations = list;
      await lotsen.runWorkersOnce();
      const stored = await store.listEscalations({ kind: 'question' });
      expect(stored.map((e) => e.text).sort()).toEqual(['Var hittar jag fönster knapp flik lista?', 'Var hittar jag kalender färg symbol tangent?']);
    } finally {
      await lotsen.close();
    }
  });
});

describe('inbound dedupe', () => {
  it('handles a platform event once, but again when the first attempt died before finishing', async () => {
    const lotsen = await testLotsen();
    try {
      const message = { text: 'hur skriver jag ut ett armband?', asker: staff, conversation: { platform: 'web' as const, channel: 'u1' }, eventId: 'Ev1' };
      expect(await lotsen.assistant.handleOnce(message, lotsen.store)).toMatchObject({ outcome: 'answered' });
      expect(await lotsen.assistant.handleOnce(message, lotsen.store)).toBeUndefined();
      // A crashed first delivery: taken two minutes ago, never completed.
      await lotsen.store.beginEvent('Ev2', 60_000, new Date(Date.now() - 120_000));
      expect(await lotsen.assistant.handleOnce({ ...message, eventId: 'Ev2' }, lotsen.store)).toMatchObject({ outcome: 'answered' });
      // One still being handled elsewhere right now is left to that attempt, and tried again later (it may yet crash).
      await lotsen.store.beginEvent('Ev3', 60_000, new Date());
      await expect(lotsen.assistant.handleOnce({ ...message, eventId: 'Ev3' }, lotsen.store)).rejects.toBeInstanceOf(EventBusyError);
      // The reply is delivered before the event counts as handled.
      const order: string[] = [];
      const store = { beginEvent: lotsen.store.beginEvent.bind(lotsen.store), completeEvent: async (...a: Parameters<typeof lotsen.store.completeEvent>) => {
        order.push('complete');
        await lotsen.store.completeEvent(...a);
      } };
      await lotsen.assistant.handleOnce({ ...message, eventId: 'Ev4' }, store, async () => void order.push('deliver'));
      expect(order).toEqual(['deliver', 'complete']);
    } finally {
      await lotsen.close();
    }
  });
});
