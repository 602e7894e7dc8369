import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { apply, initialDue, type Actor, type ServiceLevels } from '../src/core/escalation/lifecycle.ts';
import { askerKey, type Escalation, type FailureGroupRecord, type NewAuditEvent, type NewEscalation, type Store } from '../src/core/store/store.ts';
import { tempDir } from './helpers.ts';
import { startRedis, type TestRedis } from './support/redis-server.ts';

/**
 * The contract every Store must keep (see src/core/store/store.ts): the same suite runs against the
 * embedded SQLite store and the Redis store. Each test gets a store of its own (a fresh SQLite file;
 * a fresh key prefix on one Redis per run).
 *
 * Times that only order things (createdAt, due, audit `at`) are fixed dates. Leases, dedupe windows and
 * pacing are checked with the real clock and real waits of tens of milliseconds, passing `new Date()`
 * at each call, so that an implementation may use either the given `now` or the server's clock.
 */

interface Backend {
  name: string;
  setup(): Promise<void>;
  teardown(): Promise<void>;
  /** A new, empty store. */
  open(): Promise<Store>;
  /** Closes `store` and opens the same data again (a restart of the process). */
  reopen(store: Store): Promise<Store>;
}

const reopened = new WeakMap<Store, () => Promise<Store>>();

const sqliteBackend: Backend = {
  name: 'SqliteStore',
  async setup() {},
  async teardown() {},
  async open() {
    const file = join(await tempDir('lotsen-store-'), 'lotsen.db');
    const make = () => new SqliteStore(file);
    const store = make();
    reopened.set(store, async () => {
      const again = make();
      reopened.set(again, reopened.get(store)!);
      return again;
    });
    return store;
  },
  async reopen(store) {
    await store.close();
    return reopened.get(store)!();
  },
};

function redisBackend(): Backend {
  let redis: TestRedis | undefined;
  let connect: ((url: string, options: { prefix: string }) => Promise<Store>) | undefined;
  let n = 0;
  return {
    name: 'RedisStore',
    async setup() {
      // Loaded here so that a broken Redis adapter fails its own half of the suite, not the SQLite half.
      const { RedisStore } = await import('../src/adapters/store/redis-store.ts');
      connect = (url, options) => RedisStore.connect(url, options);
      redis = await startRedis();
    },
    async teardown() {
      await redis?.stop();
    },
    async open() {
      if (!redis || !connect) throw new Error('Redis backend not set up');
      const prefix = `${redis.prefix}t${++n}:`;
      const url = redis.url;
      const open = connect;
      const store = await open(url, { prefix });
      const again = async (): Promise<Store> => {
        const s = await open(url, { prefix });
        reopened.set(s, again);
        return s;
      };
      reopened.set(store, again);
      return store;
    },
    async reopen(store) {
      await store.close();
      return reopened.get(store)!();
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// Inputs

const T0 = Date.parse('2026-03-02T08:00:00.000Z');
/** A fixed time `min` minutes after T0. */
const at = (min: number) => new Date(T0 + min * 60_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sl: ServiceLevels = { remindAfterMin: 15, reescalateAfterMin: 60, nudgeAfterMin: 30 };
const anna: Actor = { id: 'web:anna', name: 'Anna Superuser', role: 'superuser' };
const bo: Actor = { id: 'web:bo', name: 'Bo Superuser', role: 'superuser' };

function asker(userId = 'u1', displayName = 'Ulla Undersköterska'): NewEscalation['asker'] {
  return { platform: 'web', userId, displayName, site: 'Akademiska' };
}

function question(over: Partial<NewEscalation> = {}): NewEscalation {
  const who = over.asker ?? asker();
  return {
    kind: 'question',
    severity: 'S4',
    text: 'Hur signerar jag en ordination i PowerChart?',
    lang: 'sv',
    asker: who,
    conversation: { platform: 'web', channel: `web-session-${who.userId}` },
    topic: 'ordination',
    destination: 'webhook:superusers',
    ...over,
  };
}

function safety(over: Partial<NewEscalation> = {}): NewEscalation {
  return question({ kind: 'safety', severity: 'S1', text: 'Labbsvaret hamnade på fel patient', safetyKind: 'wrong-patient', topic: undefined, ...over });
}

const event = (subject: string, action: string, extra: Partial<NewAuditEvent> = {}): NewAuditEvent => ({ actor: 'web:anna', role: 'superuser', action, subject, ...extra });

/** A copy of `e` without the given fields (what `apply()` does with fields it clears). */
function without(e: Escalation, ...keys: (keyof Escalation)[]): Escalation {
  const copy: Escalation = structuredClone(e);
  for (const k of keys) delete copy[k];
  return copy;
}

/** Resolves to what the promise settled with, or 'hung' after `ms`. */
async function settlesWithin<T>(promise: Promise<T>, ms: number): Promise<{ value: T } | { error: unknown } | 'hung'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'hung'>((r) => (timer = setTimeout(() => r('hung'), ms)));
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------

describe.each([sqliteBackend, redisBackend()])('Store contract: $name', (backend) => {
  const opened: Store[] = [];
  /** A fresh, empty store, closed after the test. */
  const fresh = async () => {
    const store = await backend.open();
    opened.push(store);
    return store;
  };
  const reopen = async (store: Store) => {
    const again = await backend.reopen(store);
    opened.push(again);
    return again;
  };
  /** Creates an item and returns it (asserting it was created). */
  const create = async (store: Store, input: NewEscalation, now: Date) => {
    const { escalation, created } = await store.createEscalation(input, now);
    expect(created).toBe(true);
    return escalation;
  };
  /** Applies a lifecycle command to a freshly read item; returns the outcome and whether the store took it. */
  const run = async (store: Store, id: string, command: Parameters<typeof apply>[1], actor: Actor, now: Date) => {
    const current = (await store.getEscalation(id))!;
    const outcome = apply(current, command, actor, sl, now);
    const stored = outcome.ok ? await store.updateEscalation(outcome.next, current.version, outcome.event, now) : false;
    return { outcome, stored };
  };

  beforeAll(() => backend.setup());
  afterEach(async () => {
    for (const store of opened.splice(0)) {
      try {
        await store.close();
      } catch {
        // closed by the test already
      }
    }
  });
  afterAll(() => backend.teardown());

  describe('escalations', () => {
    it('creates an open item at version 1 with everything it was given, and audits the creation', async () => {
      const store = await fresh();
      const input = question({ due: initialDue('question', sl, at(0)), ranked: ['id-band-skriva-ut', 'ordination-signera'] });
      const { escalation, created } = await store.createEscalation(input, at(0));
      expect(created).toBe(true);
      expect(escalation).toMatchObject({
        status: 'open',
        version: 1,
        createdAt: at(0).toISOString(),
        kind: 'question',
        severity: 'S4',
        text: input.text,
        lang: 'sv',
        asker: input.asker,
        conversation: input.conversation,
        topic: 'ordination',
        destination: 'webhook:superusers',
        ranked: ['id-band-skriva-ut', 'ordination-signera'],
        due: { kind: 'remind', at: at(15).toISOString() },
      });
      expect(escalation.id).toMatch(/\S/);
      expect(escalation.owner).toBeUndefined();
      expect(escalation.notifiedAt).toBeUndefined();
      expect(await store.getEscalation(escalation.id)).toEqual(escalation);

      const audit = await store.listAudit({ subject: escalation.id });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ action: 'escalation.create', subject: escalation.id, to: 'open', at: at(0).toISOString() });
      expect(typeof audit[0]!.seq).toBe('number');
    });

    it('gives every item its own id, even when many are created in the same millisecond', async () => {
      const store = await fresh();
      const items = await Promise.all(Array.from({ length: 30 }, (_, i) => store.createEscalation(question({ text: `fråga ${i}` }), at(0))));
      expect(new Set(items.map((r) => r.escalation.id)).size).toBe(30);
      expect(await store.listEscalations({ limit: 100 })).toHaveLength(30);
    });

    it('a redelivered platform event returns the first item instead of creating a second', async () => {
      const store = await fresh();
      const first = await create(store, question({ sourceEventId: 'slack:Ev123' }), at(0));
      const again = await store.createEscalation(question({ sourceEventId: 'slack:Ev123', text: 'samma fråga igen' }), at(1));
      expect(again.created).toBe(false);
      expect(again.escalation.id).toBe(first.id);
      expect(again.escalation.text).toBe(first.text);
      expect(again.escalation.version).toBe(1);
      const other = await store.createEscalation(question({ sourceEventId: 'slack:Ev124' }), at(2));
      expect(other.created).toBe(true);
      expect(other.escalation.id).not.toBe(first.id);
      expect(await store.listEscalations({})).toHaveLength(2);
      const creations = (await store.listAudit({})).filter((e) => e.action === 'escalation.create');
      expect(creations).toHaveLength(2);
    });

    it('dedupes a redelivery that races the first delivery', async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.createEscalation(question({ sourceEventId: 'teams:race-1' }), at(0))));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.escalation.id)).size).toBe(1);
      expect(await store.listEscalations({})).toHaveLength(1);
    });

    it('returns undefined for an unknown id', async () => {
      const store = await fresh();
      expect(await store.getEscalation('no-such-id')).toBeUndefined();
      await create(store, question(), at(0));
      expect(await store.getEscalation('no-such-id')).toBeUndefined();
    });

    it('lists newest first, filtered by kind, status and asker (linked askers included), up to a limit', async () => {
      const store = await fresh();
      const q1 = await create(store, question({ asker: asker('u1') }), at(1));
      const s2 = await create(store, safety({ asker: asker('u2') }), at(2));
      const q3 = await create(store, question({ asker: asker('u2') }), at(3));
      const q4 = await create(store, question({ asker: asker('u3') }), at(4));
      const s5 = await create(store, safety({ asker: asker('u1') }), at(5));
      const ids = (list: Escalation[]) => list.map((e) => e.id);

      expect(ids(await store.listEscalations({}))).toEqual([s5.id, q4.id, q3.id, s2.id, q1.id]);
      expect(ids(await store.listEscalations({ kind: 'question' }))).toEqual([q4.id, q3.id, q1.id]);
      expect(ids(await store.listEscalations({ kind: 'safety' }))).toEqual([s5.id, s2.id]);
      expect(ids(await store.listEscalations({ limit: 2 }))).toEqual([s5.id, q4.id]);
      expect(ids(await store.listEscalations({ kind: 'question', limit: 1 }))).toEqual([q4.id]);

      // Claim q3, close q1.
      expect((await run(store, q3.id, { type: 'claim' }, anna, at(6))).stored).toBe(true);
      expect((await run(store, q1.id, { type: 'close', note: 'dubblett' }, anna, at(7))).stored).toBe(true);
      expect(ids(await store.listEscalations({ status: ['open'] }))).toEqual([s5.id, q4.id, s2.id]);
      expect(ids(await store.listEscalations({ status: ['claimed', 'closed'] }))).toEqual([q3.id, q1.id]);
      expect(ids(await store.listEscalations({ kind: 'question', status: ['open', 'claimed'] }))).toEqual([q4.id, q3.id]);
      expect(await store.listEscalations({ status: ['answered'] })).toEqual([]);

      // "My questions": u1 asked q1 and s5; after u1 is linked to q4 (asked the same thing), q4 too.
      expect(ids(await store.listEscalations({ asker: 'web:u1' }))).toEqual([s5.id, q1.id]);
      const linked = { asker: asker('u1'), conversation: { platform: 'web' as const, channel: 'web-session-u1b' }, text: 'samma sak här', at: at(8).toISOString() };
      expect((await run(store, q4.id, { type: 'link', linked }, anna, at(8))).stored).toBe(true);
      expect(ids(await store.listEscalations({ asker: 'web:u1' }))).toEqual([s5.id, q4.id, q1.id]);
      expect(ids(await store.listEscalations({ asker: 'web:u1', kind: 'question' }))).toEqual([q4.id, q1.id]);
      expect(ids(await store.listEscalations({ asker: 'web:u1', status: ['open'] }))).toEqual([s5.id, q4.id]);
      expect(ids(await store.listEscalations({ asker: 'web:u3' }))).toEqual([q4.id]);
      expect(await store.listEscalations({ asker: 'web:nobody' })).toEqual([]);
      expect(await store.listEscalations({ asker: 'slack:u1' })).toEqual([]);
    });
  });

  describe('compare-and-set updates', () => {
    it('a successful update stores the item at the next version and appends its audit event', async () => {
      const store = await fresh();
      const e = await create(store, question(), at(0));
      const next: Escalation = { ...e, status: 'claimed', owner: { id: anna.id, name: anna.name }, claimedAt: at(1).toISOString() };
      expect(await store.updateEscalation(next, 1, event(e.id, 'escalation.claim', { from: 'open', to: 'claimed', detail: { via: 'test' } }), at(1))).toBe(true);
      const stored = (await store.getEscalation(e.id))!;
      expect(stored).toMatchObject({ status: 'claimed', version: 2, owner: { id: anna.id, name: anna.name }, claimedAt: at(1).toISOString() });
      const audit = await store.listAudit({ subject: e.id });
      expect(audit.map((a) => a.action)).toEqual(['escalation.claim', 'escalation.create']);
      expect(audit[0]).toMatchObject({ actor: 'web:anna', role: 'superuser', from: 'open', to: 'claimed', detail: { via: 'test' }, at: at(1).toISOString() });
    });

    it('a stale version is refused and changes nothing, not even the audit log', async () => {
      const store = await fresh();
      const e = await create(store, question(), at(0));
      expect(await store.updateEscalation({ ...e, destination: 'first' }, 1, event(e.id, 'escalation.first'), at(1))).toBe(true);
      const before = await store.getEscalation(e.id);
      const auditBefore = await store.listAudit({});

      expect(await store.updateEscalation({ ...e, destination: 'stale', status: 'closed' }, 1, event(e.id, 'escalation.stale'), at(2))).toBe(false);
      expect(await store.updateEscalation({ ...e, destination: 'future' }, 7, event(e.id, 'escalation.future'), at(2))).toBe(false);
      expect(await store.getEscalation(e.id)).toEqual(before);
      expect(before).toMatchObject({ version: 2, destination: 'first', status: 'open' });
      expect(await store.listAudit({})).toEqual(auditBefore);

      // The current version works again.
      expect(await store.updateEscalation({ ...before!, destination: 'second' }, 2, event(e.id, 'escalation.second'), at(3))).toBe(true);
      expect(await store.getEscalation(e.id)).toMatchObject({ version: 3, destination: 'second' });
    });

    it('an update of an unknown item is refused', async () => {
      const store = await fresh();
      const e = await create(store, question(), at(0));
      expect(await store.updateEscalation({ ...e, id: 'no-such-id' }, 1, event('no-such-id', 'escalation.claim'), at(1))).toBe(false);
      expect(await store.getEscalation('no-such-id')).toBeUndefined();
      expect(await store.listAudit({ subject: 'no-such-id' })).toEqual([]);
    });

    it('fields the next state leaves out are gone afterwards (release forgets the owner)', async () => {
      const store = await fresh();
      const e = await create(store, question({ due: initialDue('question', sl, at(0)) }), at(0));
      expect((await run(store, e.id, { type: 'claim' }, anna, at(1))).stored).toBe(true);
      expect(await store.getEscalation(e.id)).toMatchObject({ owner: { id: anna.id }, due: { kind: 'nudge' } });
      expect((await run(store, e.id, { type: 'release' }, anna, at(2))).stored).toBe(true);
      const released = (await store.getEscalation(e.id))!;
      expect(released.status).toBe('open');
      expect(released.owner).toBeUndefined();
      expect(released.claimedAt).toBeUndefined();
      expect(released.due).toEqual({ kind: 'remind', at: at(17).toISOString() });

      // And a field removed by hand (the timer cleared) stays removed.
      expect(await store.updateEscalation(without(released, 'due'), released.version, event(e.id, 'escalation.timer-off'), at(3))).toBe(true);
      expect((await store.getEscalation(e.id))!.due).toBeUndefined();
    });

    it('of 20 concurrent updates from the same version exactly one wins', async () => {
      const store = await fresh();
      const e = await create(store, question(), at(0));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.updateEscalation({ ...e, destination: `d${i}` }, 1, event(e.id, 'escalation.race', { detail: { i } }), at(1))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect(await store.getEscalation(e.id)).toMatchObject({ version: 2, destination: `d${winner}` });
      const races = (await store.listAudit({ subject: e.id })).filter((a) => a.action === 'escalation.race');
      expect(races).toHaveLength(1);
      expect(races[0]!.detail).toEqual({ i: winner });
    });

    it('two store instances on the same data race safely too (two processes)', async () => {
      const a = await fresh();
      const e = await create(a, question(), at(0));
      const b = await reopenSecond(a);
      expect((await b.getEscalation(e.id))?.id).toBe(e.id);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).updateEscalation({ ...e, destination: `d${i}` }, 1, event(e.id, 'escalation.race'), at(1))),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await a.getEscalation(e.id)).toEqual(await b.getEscalation(e.id));
      expect((await a.listAudit({ subject: e.id })).filter((x) => x.action === 'escalation.race')).toHaveLength(1);
    });

    it('the lifecycle: the first claim wins, the second is refused as already claimed after re-reading', async () => {
      const store = await fresh();
      const e = await create(store, question({ due: initialDue('question', sl, at(0)) }), at(0));
      // Anna and Bo both see the open item and press "claim".
      const seenByAnna = (await store.getEscalation(e.id))!;
      const seenByBo = (await store.getEscalation(e.id))!;
      const annaClaim = apply(seenByAnna, { type: 'claim' }, anna, sl, at(1));
      const boClaim = apply(seenByBo, { type: 'claim' }, bo, sl, at(1));
      if (!annaClaim.ok || !boClaim.ok) throw new Error('both claims are valid on what each saw');
      expect(await store.updateEscalation(annaClaim.next, seenByAnna.version, annaClaim.event, at(1))).toBe(true);
      expect(await store.updateEscalation(boClaim.next, seenByBo.version, boClaim.event, at(1))).toBe(false);

      // Bo re-reads and tries again: the state machine now refuses, naming Anna.
      const reread = (await store.getEscalation(e.id))!;
      expect(reread).toMatchObject({ status: 'claimed', version: 2, owner: { id: anna.id, name: anna.name }, due: { kind: 'nudge', at: at(31).toISOString() } });
      const again = apply(reread, { type: 'claim' }, bo, sl, at(2));
      expect(again.ok).toBe(false);
      if (!again.ok) {
        expect(again.reason).toBe('already-claimed');
        expect(again.message).toContain(anna.name);
      }

      // Anna answers, the asker marks it solved: closed, with the whole history in the audit log.
      expect((await run(store, e.id, { type: 'answer', text: 'Högerklicka och välj Sign.' }, anna, at(3))).stored).toBe(true);
      const askerActor: Actor = { id: askerKey(e.asker), name: 'Ulla', role: 'staff' };
      expect((await run(store, e.id, { type: 'solved' }, askerActor, at(4))).stored).toBe(true);
      const done = (await store.getEscalation(e.id))!;
      expect(done).toMatchObject({ status: 'closed', version: 4, feedback: 'solved', closedAt: at(4).toISOString(), answer: { text: 'Högerklicka och välj Sign.', by: { id: anna.id } } });
      expect(done.due).toBeUndefined();
      const audit = await store.listAudit({ subject: e.id });
      expect(audit.map((a) => [a.action, a.from, a.to])).toEqual([
        ['escalation.solved', 'answered', 'closed'],
        ['escalation.answer', 'claimed', 'answered'],
        ['escalation.claim', 'open', 'claimed'],
        ['escalation.create', undefined, 'open'],
      ]);
      expect(audit[2]!.actor).toBe(anna.id);
    });
  });

  describe('service-level timers', () => {
    it('returns only due, not closed items, oldest due first, up to the limit', async () => {
      const store = await fresh();
      // Created in an order different from their due times.
      const late = await create(store, question({ text: 'late', due: { kind: 'remind', at: at(10).toISOString() } }), at(0));
      const early = await create(store, question({ text: 'early', due: { kind: 'remind', at: at(5).toISOString() } }), at(1));
      const future = await create(store, question({ text: 'future', due: { kind: 'remind', at: at(20).toISOString() } }), at(2));
      await create(store, question({ text: 'no timer' }), at(3));
      const closed = await create(store, question({ text: 'closed', due: { kind: 'remind', at: at(1).toISOString() } }), at(4));
      expect(await store.updateEscalation({ ...closed, status: 'closed', closedAt: at(4).toISOString() }, 1, event(closed.id, 'escalation.close', { from: 'open', to: 'closed' }), at(4))).toBe(true);

      const ids = async (now: Date, limit = 10) => (await store.dueEscalations(now, limit)).map((e) => e.text);
      expect(await ids(at(4))).toEqual([]);
      expect(await ids(at(5))).toEqual(['early']);
      expect(await ids(at(15))).toEqual(['early', 'late']);
      expect(await ids(at(15), 1)).toEqual(['early']);
      expect(await ids(at(60))).toEqual(['early', 'late', 'future']);
      expect((await store.dueEscalations(at(15), 10))[0]).toMatchObject({ id: early.id, version: 1, due: { kind: 'remind' } });

      // The timer cleared: no longer due. Closed: no longer due.
      expect(await store.updateEscalation(without(early, 'due'), 1, event(early.id, 'escalation.timer-off'), at(15))).toBe(true);
      expect(await ids(at(15))).toEqual(['late']);
      expect((await run(store, late.id, { type: 'close', note: 'löst på annat sätt' }, anna, at(16))).stored).toBe(true);
      expect(await ids(at(16))).toEqual([]);
      expect(await ids(at(60))).toEqual(['future']);
      expect(future.due).toBeDefined();
    });

    it('a timer fired through the lifecycle moves to its next due time', async () => {
      const store = await fresh();
      const e = await create(store, question({ due: initialDue('question', sl, at(0)) }), at(0));
      expect((await store.dueEscalations(at(15), 10)).map((x) => x.id)).toEqual([e.id]);
      // Two instances both see it due; only one reminder goes out.
      const seen = (await store.dueEscalations(at(15), 10))[0]!;
      const first = apply(seen, { type: 'remind' }, { id: 'system', name: 'Lotsen', role: 'system' }, sl, at(15));
      if (!first.ok) throw new Error(first.message);
      expect(await store.updateEscalation(first.next, seen.version, first.event, at(15))).toBe(true);
      expect(await store.updateEscalation(first.next, seen.version, first.event, at(15))).toBe(false);
      expect(await store.dueEscalations(at(15), 10)).toEqual([]);
      expect(await store.dueEscalations(at(59), 10)).toEqual([]);
      expect(await store.dueEscalations(at(60), 10)).toMatchObject([{ id: e.id, due: { kind: 'reescalate', at: at(60).toISOString() } }]);
      expect((await store.listAudit({ subject: e.id })).filter((a) => a.action === 'escalation.remind')).toHaveLength(1);
    });
  });

  describe('safety notification', () => {
    it('markNotified records when the safety desk got it, and an update keeps it', async () => {
      const store = await fresh();
      const s = await create(store, safety(), at(0));
      const other = await create(store, safety({ asker: asker('u2') }), at(1));
      expect(s.notifiedAt).toBeUndefined();
      await store.markNotified(s.id, at(2));
      expect((await store.getEscalation(s.id))!.notifiedAt).toBe(at(2).toISOString());
      expect((await store.getEscalation(other.id))!.notifiedAt).toBeUndefined();
      expect((await store.listEscalations({ kind: 'safety' })).find((x) => x.id === s.id)?.notifiedAt).toBe(at(2).toISOString());

      expect((await run(store, s.id, { type: 'claim' }, anna, at(3))).stored).toBe(true);
      expect(await store.getEscalation(s.id)).toMatchObject({ status: 'claimed', notifiedAt: at(2).toISOString() });
    });
  });

  describe('audit log', () => {
    it('lists newest first, by subject, up to a limit, with what was appended', async () => {
      const store = await fresh();
      await store.appendAudit({ actor: 'web:admin', role: 'admin', action: 'kb.publish', subject: 'article:a1', detail: { title: 'Id-band', n: 2 } }, at(1));
      await store.appendAudit({ actor: 'system', role: 'system', action: 'config.reload', subject: 'config' }, at(2));
      await store.appendAudit({ actor: 'web:admin', role: 'admin', action: 'kb.unpublish', subject: 'article:a1', from: 'published', to: 'draft' }, at(3));

      const all = await store.listAudit({});
      expect(all.map((a) => a.action)).toEqual(['kb.unpublish', 'config.reload', 'kb.publish']);
      expect(all[0]!.seq).toBeGreaterThan(all[1]!.seq);
      expect(all[1]!.seq).toBeGreaterThan(all[2]!.seq);
      expect(all[2]).toMatchObject({ at: at(1).toISOString(), actor: 'web:admin', role: 'admin', subject: 'article:a1', detail: { title: 'Id-band', n: 2 } });
      expect(all[0]).toMatchObject({ from: 'published', to: 'draft' });
      expect(all[1]!.detail).toBeUndefined();

      expect((await store.listAudit({ subject: 'article:a1' })).map((a) => a.action)).toEqual(['kb.unpublish', 'kb.publish']);
      expect((await store.listAudit({ subject: 'article:a1', limit: 1 })).map((a) => a.action)).toEqual(['kb.unpublish']);
      expect((await store.listAudit({ limit: 2 })).map((a) => a.action)).toEqual(['kb.unpublish', 'config.reload']);
      expect(await store.listAudit({ subject: 'nothing-here' })).toEqual([]);
    });

    it('items and the audit log survive a restart', async () => {
      const store = await fresh();
      const e = await create(store, question({ due: initialDue('question', sl, at(0)) }), at(0));
      expect((await run(store, e.id, { type: 'claim' }, anna, at(1))).stored).toBe(true);
      await store.appendAudit({ actor: 'system', role: 'system', action: 'config.reload', subject: 'config' }, at(2));
      const itemBefore = await store.getEscalation(e.id);
      const auditBefore = await store.listAudit({});
      expect(auditBefore).toHaveLength(3);

      const again = await reopen(store);
      expect(await again.getEscalation(e.id)).toEqual(itemBefore);
      expect(await again.listAudit({})).toEqual(auditBefore);
      // And it goes on from there: seq keeps increasing, CAS still works on the stored version.
      await again.appendAudit({ actor: 'system', role: 'system', action: 'after.restart', subject: 'config' }, at(3));
      const after = await again.listAudit({});
      expect(after[0]!.action).toBe('after.restart');
      expect(after[0]!.seq).toBeGreaterThan(auditBefore[0]!.seq);
      expect((await run(again, e.id, { type: 'answer', text: 'Så här.' }, anna, at(4))).stored).toBe(true);
      expect((await again.getEscalation(e.id))!.version).toBe(3);
    });
  });

  describe('failure groups', () => {
    const record = (id: string, over: Partial<FailureGroupRecord> = {}): FailureGroupRecord => ({
      id,
      version: 0,
      group: { id, count: 1, members: [`r-${id}`], users: ['u1'], sites: ['Akuten'], firstSeen: '2026-11-20T08:00:00.000Z', lastSeen: '2026-11-20T08:00:00.000Z', examples: ['etikettskrivaren skriver tomma armband'], features: { 'device:wristband-printer': 1 } },
      label: 'Wristband printer · blank',
      status: 'open',
      updatedAt: '',
      ...over,
    });

    it('creates once, updates only at the version read, and lists the latest changes first', async () => {
      const store = await fresh();
      const t0 = new Date('2026-11-20T08:00:00Z');
      expect(await store.saveFailureGroup(record('F-a'), 0, t0)).toBe(true);
      // A second instance that also thought the group new loses.
      expect(await store.saveFailureGroup(record('F-a', { label: 'other' }), 0, t0)).toBe(false);
      const a1 = (await store.getFailureGroup('F-a'))!;
      expect(a1).toMatchObject({ id: 'F-a', version: 1, label: 'Wristband printer · blank', updatedAt: t0.toISOString() });
      const t1 = new Date('2026-11-20T09:00:00Z');
      const grown = { ...a1, group: { ...a1.group, count: 2, members: [...a1.group.members, 'r2'] }, ticket: { id: 'F-a', createdAt: t1.toISOString(), updatedAt: t1.toISOString(), revision: 1 } };
      expect(await store.saveFailureGroup(grown, 1, t1)).toBe(true);
      expect(await store.saveFailureGroup({ ...a1, status: 'known' }, 1, t1)).toBe(false); // stale
      expect(await store.getFailureGroup('F-a')).toMatchObject({ version: 2, group: { count: 2 }, status: 'open', ticket: { revision: 1 } });
      expect(await store.saveFailureGroup(record('F-b'), 0, new Date('2026-11-20T10:00:00Z'))).toBe(true);
      expect((await store.listFailureGroups()).map((g) => g.id)).toEqual(['F-b', 'F-a']);
      expect((await store.listFailureGroups({ ticket: true })).map((g) => g.id)).toEqual(['F-a']);
      expect((await store.listFailureGroups({ since: new Date('2026-11-20T09:30:00Z') })).map((g) => g.id)).toEqual(['F-b']);
      expect(await store.getFailureGroup('F-none')).toBeUndefined();
      const again = await reopen(store);
      expect((await again.getFailureGroup('F-a'))?.version).toBe(2);
    });

    it('keeps each reporter once, in the order they came', async () => {
      const store = await fresh();
      const reporter = (reportId: string, userId: string) => ({ reportId, platform: 'slack' as const, userId, conversation: { platform: 'slack' as const, channel: `D-${userId}` }, at: '2026-11-20T08:00:00.000Z' });
      await store.addFailureReporter('F-a', reporter('r1', 'U1'));
      await store.addFailureReporter('F-a', reporter('r2', 'U2'));
      await store.addFailureReporter('F-a', { ...reporter('r1', 'U1'), userId: 'changed' });
      await store.addFailureReporter('F-b', reporter('r3', 'U3'));
      expect((await store.listFailureReporters('F-a')).map((r) => [r.reportId, r.userId])).toEqual([['r1', 'U1'], ['r2', 'U2']]);
      expect(await store.listFailureReporters('F-none')).toEqual([]);
    });
  });

  describe('inbound dedupe', () => {
    it('new, busy while in hand, new again after a crashed attempt, duplicate after completion, new after the window', async () => {
      const store = await fresh();
      // Waits for "it has run out" are generous; checks for "not yet" leave wide margins for a slow machine.
      const lease = 80;
      const ttl = 400;
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('new');
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('busy');
      expect(await store.beginEvent('slack:Ev2', lease, new Date())).toBe('new');
      // Ev1's worker crashed: after the lease the platform's retry is taken.
      await sleep(lease + 50);
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('new');
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('busy');
      // Handled this time: refused for ttl, even after the lease would have run out.
      const completedAt = Date.now();
      await store.completeEvent('slack:Ev1', ttl, new Date(completedAt));
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('duplicate');
      await sleep(lease + 50);
      expect(Date.now() - completedAt).toBeLessThan(ttl - 100); // else the machine is too slow for this check to mean anything
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('duplicate');
      await sleep(Math.max(0, completedAt + ttl + 50 - Date.now()));
      expect(await store.beginEvent('slack:Ev1', lease, new Date())).toBe('new');
    });

    it('of concurrent deliveries of one event exactly one is new', async () => {
      const store = await fresh();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.beginEvent('teams:act-1', 10_000, new Date())));
      expect(results.filter((r) => r === 'new')).toHaveLength(1);
    });

    it('a completed event stays a duplicate across a restart', async () => {
      const store = await fresh();
      expect(await store.beginEvent('slack:Ev9', 10_000, new Date())).toBe('new');
      await store.completeEvent('slack:Ev9', 3_600_000, new Date());
      const again = await reopen(store);
      expect(await again.beginEvent('slack:Ev9', 10_000, new Date())).toBe('duplicate');
      expect(await again.beginEvent('slack:Ev10', 10_000, new Date())).toBe('new');
    });
  });

  describe('outbox', () => {
    const msg = (key: string, n: number | string) => ({ key, channel: 'webhook', payload: { text: `${key} #${n}`, nested: { n, list: [1, 'två'] } } });
    const texts = (list: { payload: Record<string, unknown> }[]) => list.map((m) => m.payload.text);

    it('enqueues, leases, completes: delivered messages are gone, depth counts waiting ones', async () => {
      const store = await fresh();
      expect(await store.outboxDepth()).toBe(0);
      const now = new Date();
      const m = await store.enqueueOutbound(msg('slack:C1', 1), now);
      expect(m).toMatchObject({ key: 'slack:C1', channel: 'webhook', payload: msg('slack:C1', 1).payload, attempts: 0 });
      expect(m.id).toMatch(/\S/);
      expect(Date.parse(m.dueAt)).toBeLessThanOrEqual(Date.now());
      expect(Date.parse(m.createdAt)).toBe(now.getTime());
      expect(await store.outboxDepth()).toBe(1);

      const leased = await store.leaseOutbound(new Date(), 10_000, 10);
      expect(leased).toHaveLength(1);
      expect(leased[0]).toMatchObject({ id: m.id, key: 'slack:C1', channel: 'webhook', payload: m.payload, attempts: 0 });
      expect(await store.outboxDepth()).toBe(1); // leased still counts
      await store.completeOutbound(m.id, new Date());
      expect(await store.outboxDepth()).toBe(0);
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
    });

    it('a leased message is hidden from other senders until its lease runs out', async () => {
      const store = await fresh();
      const m = await store.enqueueOutbound(msg('slack:C1', 1), new Date());
      expect((await store.leaseOutbound(new Date(), 80, 10)).map((x) => x.id)).toEqual([m.id]);
      expect(await store.leaseOutbound(new Date(), 80, 10)).toEqual([]);
      // The sender crashed: after the lease, another one takes it.
      await sleep(130);
      const retaken = await store.leaseOutbound(new Date(), 10_000, 10);
      expect(retaken.map((x) => x.id)).toEqual([m.id]);
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
      expect(await store.outboxDepth()).toBe(1);
    });

    it('two senders leasing at once never get the same message', async () => {
      const a = await fresh();
      for (let i = 0; i < 6; i++) await a.enqueueOutbound(msg(`key-${i}`, i), new Date());
      const b = await reopenSecond(a);
      const [x, y] = await Promise.all([a.leaseOutbound(new Date(), 10_000, 10), b.leaseOutbound(new Date(), 10_000, 10)]);
      const ids = [...x, ...y].map((m) => m.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toHaveLength(6);
    });

    it('takes at most one message per pacing key, in the order they were enqueued, up to the limit', async () => {
      const store = await fresh();
      // Enqueued in quick succession (likely within one millisecond): order must still hold.
      for (let i = 1; i <= 3; i++) await store.enqueueOutbound(msg('A', i), new Date());
      await store.enqueueOutbound(msg('B', 1), new Date());
      await store.enqueueOutbound(msg('C', 1), new Date());
      expect(await store.outboxDepth()).toBe(5);

      const firstTwo = await store.leaseOutbound(new Date(), 10_000, 2);
      expect(firstTwo).toHaveLength(2);
      expect(new Set(firstTwo.map((m) => m.key)).size).toBe(2);
      const rest = await store.leaseOutbound(new Date(), 10_000, 10);
      const first = [...firstTwo, ...rest];
      expect(texts(first).sort()).toEqual(['A #1', 'B #1', 'C #1']);
      // A #2 waits while A #1 is out.
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);

      const a1 = first.find((m) => m.key === 'A')!;
      await store.completeOutbound(a1.id, new Date(Date.now() - 1));
      expect(texts(await store.leaseOutbound(new Date(), 10_000, 10))).toEqual(['A #2']);
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
      expect(await store.outboxDepth()).toBe(4);
    });

    it('paces a key: its next message waits until nextForKeyAt, other keys go on', async () => {
      const store = await fresh();
      await store.enqueueOutbound(msg('slack:C1', 1), new Date());
      await store.enqueueOutbound(msg('slack:C1', 2), new Date());
      const [m1] = await store.leaseOutbound(new Date(), 10_000, 10);
      expect(texts([m1!])).toEqual(['slack:C1 #1']);
      const pacedUntil = Date.now() + 250;
      await store.completeOutbound(m1!.id, new Date(pacedUntil));

      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
      const other = await store.enqueueOutbound(msg('slack:C2', 1), new Date());
      expect((await store.leaseOutbound(new Date(), 10_000, 10)).map((m) => m.id)).toEqual([other.id]);
      await sleep(40);
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
      await sleep(Math.max(0, pacedUntil + 50 - Date.now()));
      expect(texts(await store.leaseOutbound(new Date(), 10_000, 10))).toEqual(['slack:C1 #2']);
    });

    it('a failed delivery is tried again at its new time, with the attempt count and error, still before later messages of its key', async () => {
      const store = await fresh();
      const first = await store.enqueueOutbound(msg('A', 1), new Date());
      await store.enqueueOutbound(msg('A', 2), new Date());
      const [leased] = await store.leaseOutbound(new Date(), 10_000, 10);
      expect(leased!.id).toBe(first.id);
      await store.rescheduleOutbound(first.id, new Date(Date.now() + 120), 1, 'HTTP 503');
      expect(await store.outboxDepth()).toBe(2);

      // Not due yet, and A #2 must not overtake it.
      expect(await store.leaseOutbound(new Date(), 10_000, 10)).toEqual([]);
      await sleep(170);
      const retried = await store.leaseOutbound(new Date(), 10_000, 10);
      expect(retried).toHaveLength(1);
      expect(retried[0]).toMatchObject({ id: first.id, attempts: 1, lastError: 'HTTP 503', payload: first.payload });
      expect(Date.parse(retried[0]!.dueAt)).toBeGreaterThan(Date.parse(first.dueAt));

      await store.completeOutbound(first.id, new Date(Date.now() - 1));
      expect(texts(await store.leaseOutbound(new Date(), 10_000, 10))).toEqual(['A #2']);
    });

    it('waiting messages survive a restart', async () => {
      const store = await fresh();
      const m = await store.enqueueOutbound(msg('A', 1), new Date());
      const again = await reopen(store);
      expect(await again.outboxDepth()).toBe(1);
      expect((await again.leaseOutbound(new Date(), 10_000, 10)).map((x) => x.id)).toEqual([m.id]);
    });
  });

  describe('health', () => {
    it('ping is true while open; after close, ping answers (false or an error) instead of hanging', async () => {
      const store = await fresh();
      expect(await store.ping()).toBe(true);
      await store.close();
      const result = await settlesWithin(store.ping(), 2_000);
      expect(result).not.toBe('hung');
      if (result !== 'hung' && 'value' in result) expect(result.value).toBe(false);
    });
  });

  /** A second, independent store on the same data (another process), closed after the test. */
  async function reopenSecond(store: Store): Promise<Store> {
    const second = await reopened.get(store)!();
    opened.push(second);
    return second;
  }
});
