import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { FailureDesk } from '../src/core/failures/failure-desk.ts';
import { silentLogger } from '../src/core/ports.ts';
import type { Store } from '../src/core/store/store.ts';
import { formatWeek, weekOfInstant } from '../src/core/report/calendar.ts';
import { reportSources } from '../src/core/report/publish.ts';
import { buildWeeklyReport } from '../src/core/report/report.ts';
import { takeSlackNotices, tempDir, testLotsen } from './helpers.ts';

// One failure (PowerChart's window opens off-screen), told in two ways that share no words: the tally
// makes two groups of it, and a super-user merges them.
const OFF_SCREEN = [
  ['Stina', 'Avd 12', 'PowerChart öppnas utanför skärmen, vi ser bara ikonen i aktivitetsfältet'],
  ['Maja', 'Avd 12', 'PowerChart opens off-screen since the second monitor was removed'],
  ['Olle', 'Akuten', 'powerchart hamnar utanför skärmen igen på expeditionen'],
] as const;
const INVISIBLE = [
  ['Lena', 'BB', 'Millenniumfönstret funkar inte, det är osynligt sedan den extra bildskärmen togs bort'],
  ['Karim', 'BB', 'Millenniumfönstret är osynligt på receptionsdatorn, fungerar inte fast programmet är igång'],
  ['Per', 'Akuten', 'millenniumfönstret osynligt igen på datorn i korridoren, funkar inte'],
] as const;

describe('super-users merge two groups of one failure', () => {
  let lotsen: Lotsen;
  let app: ReturnType<typeof createWebApp>;
  let dataDir: string;
  const webhook: { body: any }[] = [];
  const cookies: Record<string, string> = {};
  let server: import('node:http').Server;

  const signIn = async (name: string, role: string) => {
    const res = await app.request('/signin', { method: 'POST', body: new URLSearchParams({ name, role, site: 'Akuten' }) });
    expect(res.status).toBe(303);
    cookies[name] = res.headers.get('set-cookie')!.split(';')[0]!;
    return name;
  };
  const post = (who: string, path: string, body: unknown) => app.request(path, { method: 'POST', headers: { cookie: cookies[who]!, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const report = (name: string, site: string, text: string, n = '') =>
    lotsen.assistant.handle({ text, asker: { platform: 'slack', userId: `U-${name}`, role: 'staff', site }, conversation: { platform: 'slack', channel: `D-${name}${n}` }, eventId: `Ev-${name}${n}` });
  const drain = async () => {
    for (let i = 0; i < 20; i++) {
      await lotsen.runWorkersOnce();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const notices = () => takeSlackNotices(lotsen);


  beforeAll(async () => {
    const { createServer } = await import('node:http');
    server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        webhook.push({ body: JSON.parse(raw) });
        res.writeHead(201).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as import('node:net').AddressInfo).port;
    dataDir = await tempDir('lotsen-merge-');
    lotsen = await testLotsen({ LOTSEN_DATA_DIR: dataDir, LOTSEN_TICKET_WEBHOOK_URL: `http://127.0.0.1:${port}/t`, LOTSEN_TICKET_WEBHOOK_SECRET: 'merge-webhook-secret-0123456789', LOTSEN_RATE_USER_PER_MIN: '1000' });
    app = createWebApp(lotsen);
  });
  afterAll(async () => {
    await lotsen.close();
    await new Promise((r) => server.close(r));
  });

  it('moves the reports, reporters and ticket count to one group, which later reports join', async () => {
    const a = await Promise.all(OFF_SCREEN.map(([n, s, t]) => report(n, s, t)));
    const b = await Promise.all(INVISIBLE.map(([n, s, t]) => report(n, s, t)));
    const keep = a[0]!.failureGroup!.id;
    const gone = b[0]!.failureGroup!.id;
    // The premise: the tally did split the failure in two, both tickets.
    expect(new Set(a.map((r) => r.failureGroup?.id))).toEqual(new Set([keep]));
    expect(new Set(b.map((r) => r.failureGroup?.id))).toEqual(new Set([gone]));
    expect(gone).not.toBe(keep);
    await drain();
    const before = webhook.length;

    const staff = await signIn('Ny', 'staff');
    const su = await signIn('Anna', 'superuser');
    // The super-user's page offers the merge; staff may not merge; wrong requests change nothing.
    const page = await (await app.request('/failures', { headers: { cookie: cookies[su]! } })).text();
    expect(page).toContain(`action="/failures/${gone}/merge"`);
    expect(page).toContain(`<option value="${keep}">`);
    expect((await post(staff, `/api/failures/${gone}/merge`, { into: keep })).status).toBe(403);
    expect((await post(su, `/api/failures/${gone}/merge`, { into: 'F-nope-99' })).status).toBe(404);
    expect((await post(su, `/api/failures/${gone}/merge`, { into: gone })).status).toBe(400);
    expect((await post(su, `/api/failures/${gone}/merge`, {})).status).toBe(400);
    expect((await lotsen.failures.list()).map((r) => r.group.count).sort()).toEqual([3, 3]);

    const merged = await post(su, `/api/failures/${gone}/merge`, { into: keep });
    expect(merged.status).toBe(200);
    expect((await merged.json()).item).toMatchObject({ id: keep, reports: 6, users: 6, sites: ['Akuten', 'Avd 12', 'BB'] });
    expect((await post(su, `/api/failures/${gone}/merge`, { into: keep })).status).toBe(409);
    expect((await post(su, `/api/failures/${gone}/known`, { workaround: 'x' })).status).toBe(409);

    // One group left in lists and on the page; the merged group's reporter follows the survivor.
    // A reporter the merged group got after the merge (an instance that had not yet heard of it) is its reporter too.
    await lotsen.store.addFailureReporter(gone, { reportId: 'late-1', platform: 'slack', userId: 'U-Late', conversation: { platform: 'slack', channel: 'D-Late' }, at: new Date().toISOString() });
    expect((await lotsen.failures.list()).map((r) => r.id)).toEqual([keep]);
    expect(await (await app.request(`/api/failures/${gone}/status`)).json()).toMatchObject({ id: keep, reports: 6 });
    expect(await lotsen.store.listAudit({ subject: gone })).toMatchObject([{ action: 'failure.merged', to: keep }]);

    // IT hears that one ticket went into the other, and the feed still shows where it went.
    await drain();
    const events = webhook.slice(before).map((d) => [d.body.event, d.body.ticket.id, d.body.ticket.merged_into, d.body.ticket.reports]);
    expect(events).toEqual([
      ['ticket.merged', gone, keep, 3],
      ['ticket.updated', keep, null, 6],
    ]);

    // The next report worded like the merged group's joins the survivor.
    const next = await report('Eva', 'BB', 'Millenniumfönstret är osynligt i personalrummet också, funkar inte');
    expect(next.failureGroup?.id).toBe(keep);
  });

  it('tells the merged group\'s reporters of the fix, and counts its reports for the survivor in the weekly tally', async () => {
    const [group] = await lotsen.failures.list();
    const su = await signIn('Anna', 'superuser');
    await notices();
    expect((await post(su, `/api/failures/${group!.id}/fixed`, { note: 'Fönsterpositionen återställd via GPO.' })).status).toBe(200);
    const told = (await notices()).filter((n) => n.text.includes('GPO')).map((n) => n.channel).sort();
    expect(told).toEqual([...OFF_SCREEN, ...INVISIBLE, ['Eva'], ['Late']].map(([name]) => `D-${name}`).sort());

    const now = new Date();
    const tz = lotsen.config.report.tz;
    const week = await buildWeeklyReport({ week: formatWeek(weekOfInstant(now.getTime(), tz)), tz, lang: 'sv', now }, reportSources({ stats: lotsen.stats, store: lotsen.store, failures: lotsen.failures }));
    expect(week.failures.map((f) => [f.id, f.count])).toEqual([[group!.id, 7]]);
  });
});

describe('merging on several instances', () => {
  const actor = { id: 'slack:U-Anna', name: 'Anna', role: 'superuser' as const };
  const at = (i: number) => new Date(Date.UTC(2026, 10, 20, 8, 0, i));
  const input = (i: number, text: string) => ({ reportId: `r${i}`, text, asker: { platform: 'teams' as const, userId: `u${i}`, site: 'BB' }, conversation: { platform: 'teams' as const, channel: `c${i}` }, at: at(i) });

  async function twoGroups(store: Store) {
    const desk = new FailureDesk({ store, log: silentLogger });
    const a = await Promise.all(OFF_SCREEN.map(([, , t], i) => desk.report(input(i, t))));
    const b = await Promise.all(INVISIBLE.map(([, , t], i) => desk.report(input(10 + i, t))));
    expect(new Set([...a, ...b].map((r) => r.id)).size).toBe(2);
    return { desk, a: a[0]!.id, b: b[0]!.id };
  }
  const live = async (store: Store) => (await store.listFailureGroups()).filter((r) => !r.mergedInto);

  it('two super-users merging the two groups into each other at once: at most one merge wins, no report is hidden', async () => {
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    try {
      const { desk, a, b } = await twoGroups(store);
      const other = new FailureDesk({ store, log: silentLogger });
      await other.sync(true);
      const results = await Promise.all([desk.merge(a, b, actor), other.merge(b, a, actor)]);
      expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(1);
      for (const r of results.filter((r) => !r.ok)) expect(r).toMatchObject({ status: 409 });
      // No cycle and every report in a live group; the one refused is told to try again, and then it goes through.
      expect((await live(store)).reduce((n, r) => n + r.group.count, 0)).toBe(6);
      if (!results.some((r) => r.ok)) expect(await desk.merge(a, b, actor)).toMatchObject({ ok: true });
      const groups = await live(store);
      expect(groups).toHaveLength(1);
      expect(groups[0]!.group.count).toBe(6);
      // Both instances send the next report of either kind to the survivor, and say so for the merged id.
      for (const d of [desk, other]) expect((await d.current(a))!.id).toBe(groups[0]!.id);
      expect((await other.report(input(30, INVISIBLE[0][2]))).id).toBe(groups[0]!.id);
      expect((await desk.report(input(31, OFF_SCREEN[0][2]))).id).toBe(groups[0]!.id);
    } finally {
      await store.close();
    }
  });

  it('a merge whose second save fails puts the merged group back, and can be done again', async () => {
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    try {
      const { desk, a, b } = await twoGroups(store);
      const save = store.saveFailureGroup.bind(store);
      let broken = true;
      store.saveFailureGroup = async (record, expected, now) => {
        if (broken && record.id === a) throw new Error('disk full');
        return save(record, expected, now);
      };
      await expect(desk.merge(b, a, actor)).rejects.toThrow('disk full');
      broken = false;
      // Nothing hidden: both groups as before, and the next report still finds its own.
      expect((await live(store)).map((r) => r.group.count).sort()).toEqual([3, 3]);
      expect((await desk.report(input(40, INVISIBLE[1][2]))).id).toBe(b);
      expect(await desk.merge(b, a, actor)).toMatchObject({ ok: true, record: { id: a, group: { count: 7 } } });
    } finally {
      await store.close();
    }
  });
});
