import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import type { Reply } from '../src/core/assistant.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { ticketSignature } from '../src/adapters/notify/ticket-webhook-sender.ts';
import { takeSlackNotices, tempDir, testLotsen } from './helpers.ts';

const SECRET = 'ticket-webhook-secret-0123456789';
const FEED_TOKEN = 'feed-token-0123456789abcdef';

/** IT's endpoint: records deliveries with their headers; can be told to fail. */
async function ticketReceiver() {
  const deliveries: { headers: Record<string, string>; raw: string; body: any }[] = [];
  let failing = 0;
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      if (failing > 0) {
        failing--;
        res.writeHead(503, { 'retry-after': '0' }).end();
        return;
      }
      deliveries.push({ headers: req.headers as Record<string, string>, raw, body: JSON.parse(raw) });
      res.writeHead(201).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tickets`,
    deliveries,
    fail: (n: number) => (failing = n),
    close: () => new Promise((r) => server.close(r)),
  };
}

// Eleven people on three units report, in eleven different ways, that the wristband printer prints blank labels.
const BLANK_BANDS = [
  ['Stina', 'Akuten', 'Armbandsskrivaren skriver ut tomma armband, inget namn eller streckkod syns'],
  ['Olle', 'Akuten', 'id-banden kommer ut helt vita från zebraskrivaren'],
  ['Maja', 'Avd 12', 'The wristband printer prints blank bands, nothing on them'],
  ['Karim', 'Avd 12', 'armbandsskrivaren ger bara blanka armband idag'],
  ['Lena', 'BB', 'Skrivaren för patientarmband matar ut tomma band'],
  ['Per', 'Akuten', 'wristbands come out of the printer empty, no text and no barcode'],
  ['Sara', 'BB', 'varför blir armbanden tomma när jag skriver ut dem?'],
  ['Ali', 'Avd 12', 'ID-bandsskrivaren skriver tomma armband igen'],
  ['Eva', 'BB', 'Patient wristband printer only produces blank wristbands'],
  ['Jonas', 'Akuten', 'armbanden blir blanka, inget tryck alls från armbandsskrivaren'],
  ['Nora', 'Avd 12', 'blank ID bands from the wristband printer again, third time today'],
] as const;

describe('recurring failures: one ticket, known issue, fixed', () => {
  let lotsen: Lotsen;
  let app: ReturnType<typeof createWebApp>;
  let it_: Awaited<ReturnType<typeof ticketReceiver>>;
  let dataDir: string;
  const cookies: Record<string, string> = {};
  const env = () => ({ LOTSEN_DATA_DIR: dataDir, LOTSEN_TICKET_WEBHOOK_URL: it_.url, LOTSEN_TICKET_WEBHOOK_SECRET: SECRET, LOTSEN_FEED_TOKEN: FEED_TOKEN, LOTSEN_RATE_USER_PER_MIN: '1000' });

  const signIn = async (name: string, role: string, site = 'Akuten') => {
    const res = await app.request('/signin', { method: 'POST', body: new URLSearchParams({ name, role, site }) });
    expect(res.status).toBe(303);
    cookies[`${name}/${site}`] = res.headers.get('set-cookie')!.split(';')[0]!;
    return `${name}/${site}`;
  };
  const post = (who: string, path: string, body: unknown) => app.request(path, { method: 'POST', headers: { cookie: cookies[who]!, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  /** Runs the background work until IT has had `n` deliveries (they are paced per ticket). */
  const delivered = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while (it_.deliveries.length < n && Date.now() < deadline) {
      await lotsen.runWorkersOnce();
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(it_.deliveries.length).toBe(n);
  };
  const takeNotices = () => takeSlackNotices(lotsen);

  const feed = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });

  beforeAll(async () => {
    it_ = await ticketReceiver();
    dataDir = await tempDir('lotsen-failures-');
    lotsen = await testLotsen(env());
    app = createWebApp(lotsen);
  });
  afterAll(async () => {
    await lotsen.close();
    await it_.close();
  });

  it('groups eleven differently worded reports from three units into one ticket that keeps itself up to date', async () => {
    // Through the assistant as every platform adapter calls it (the web's sign-in is rate-limited per address).
    const replies: Reply[] = [];
    for (const [name, site, text] of BLANK_BANDS) {
      const asker = { platform: 'slack' as const, userId: `U-${name}`, role: 'staff' as const, site };
      replies.push(await lotsen.assistant.handle({ text, asker, conversation: { platform: 'slack', channel: `D-${name}` }, eventId: `Ev-${name}` }));
    }
    const groups = new Set(replies.map((r) => r.failureGroup?.id));
    expect(replies.map((r) => r.triage.intent)).toEqual(BLANK_BANDS.map(() => 'failure'));
    expect(BLANK_BANDS.filter((_, i) => !replies[i]!.failureGroup).map((b) => b[2])).toEqual([]);
    expect(groups.size).toBe(1);
    // The reporter hears it was registered; once it is a ticket, that IT has it.
    expect(replies[0]!.answer).toContain('registrerat felet');
    expect(replies[10]!.answer).toMatch(/IT|ärende|ticket/);

    const [group] = await lotsen.failures.list({ ticket: true });
    expect(group).toMatchObject({ group: { count: 11 }, status: 'open' });
    expect(new Set(group!.group.sites)).toEqual(new Set(['Akuten', 'Avd 12', 'BB']));
    expect(group!.label.toLowerCase()).toMatch(/wristband|armband/);

    await delivered(9);
    // Created at the third report (two users), then updated by each later one; every delivery signed.
    const events = it_.deliveries.map((d) => d.body.event);
    expect(events[0]).toBe('ticket.created');
    expect(events.slice(1).every((e) => e === 'ticket.updated')).toBe(true);
    expect(events).toHaveLength(9);
    for (const d of it_.deliveries) {
      expect(d.headers['x-lotsen-signature']).toBe(ticketSignature(SECRET, d.headers['x-lotsen-timestamp']!, d.raw));
      expect(d.headers['idempotency-key']).toBe(`${d.body.ticket.id}:${d.body.ticket.revision}:${d.body.event}`);
    }
    expect(new Set(it_.deliveries.map((d) => d.body.ticket.id)).size).toBe(1);
    expect(it_.deliveries.at(-1)!.body.ticket).toMatchObject({ id: group!.id, reports: 11, users: 11, status: 'open' });
    expect(it_.deliveries.at(-1)!.body.ticket.sites).toEqual(['Akuten', 'Avd 12', 'BB']);
  });

  it('serves the tickets as JSON Feed 1.1, Atom and CSV, only with the feed token or a manager sign-in', async () => {
    expect((await feed('/feed/tickets.json')).status).toBe(401);
    expect((await feed('/feed/tickets.json', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    const staff = await signIn('Stina', 'staff');
    expect((await feed('/feed/tickets.json', { cookie: cookies[staff]! })).status).toBe(403);
    const manager = await signIn('Chef', 'manager');
    expect((await feed('/feed/tickets.csv', { cookie: cookies[manager]! })).status).toBe(200);

    const json = await feed('/feed/tickets.json', { authorization: `Bearer ${FEED_TOKEN}` });
    expect(json.headers.get('content-type')).toContain('application/feed+json');
    const body = await json.json();
    expect(body.version).toBe('https://jsonfeed.org/version/1.1');
    expect(body.items).toHaveLength(1);
    expect(body.items[0]).toMatchObject({ _lotsen: { reports: 11, users: 11 } });
    expect(body.items[0].content_text).toContain('Akuten');

    const atom = await (await feed(`/feed/tickets.atom?token=${FEED_TOKEN}`)).text();
    expect(atom).toContain('<feed xmlns="http://www.w3.org/2005/Atom"');
    expect(atom).toContain(`urn:lotsen:ticket:${body.items[0].id}`);

    const csv = (await (await feed('/feed/tickets.csv', { authorization: `Bearer ${FEED_TOKEN}` })).text()).trim().split('\r\n');
    expect(csv[0]).toBe('id,revision,title,status,module,reports,users,sites,first_seen,last_seen,created_at,updated_at,workaround,fix_note,merged_into,url');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain(',11,11,');
  });

  it('gives a known issue\'s workaround to the next person who asks, and tells IT when it is fixed', async () => {
    const [group] = await lotsen.failures.list({ ticket: true });
    const staff = await signIn('Ny', 'staff', 'Avd 12');
    const superuser = await signIn('Anna', 'superuser');
    // Staff may not mark known issues; an empty workaround is refused and changes nothing.
    expect((await post(staff, `/api/failures/${group!.id}/known`, { workaround: 'x' })).status).toBe(403);
    expect((await post(superuser, `/api/failures/${group!.id}/known`, { workaround: '  ' })).status).toBe(400);
    expect((await post(superuser, `/api/failures/nope-123/known`, { workaround: 'x' })).status).toBe(404);
    const workaround = 'Byt etikettrulle och välj **Reservskrivare 2** under Skrivare i PowerChart.';
    const marked = await post(superuser, `/api/failures/${group!.id}/known`, { workaround });
    expect(marked.status).toBe(200);

    const asked = await (await post(staff, '/api/ask', { question: 'armbandsskrivaren skriver bara ut tomma armband, vad gör jag?' })).json();
    expect(asked.failureGroup).toMatchObject({ id: group!.id, known: true });
    expect(asked.answer).toContain('känt fel');
    expect(asked.answer).toContain('Reservskrivare 2');
    // A how-to question about something else is still answered from the knowledge base.
    const other = await (await post(staff, '/api/ask', { question: 'Hur dokumenterar jag vitalparametrar i iView?' })).json();
    expect(other.failureGroup).toBeUndefined();

    expect((await post(superuser, `/api/failures/${group!.id}/fixed`, { note: 'Ny drivrutin installerad.' })).status).toBe(200);
    expect((await post(superuser, `/api/failures/${group!.id}/fixed`, {})).status).toBe(409);
    // known (with the asker's report counted) and fixed
    await delivered(12);
    const last = it_.deliveries.at(-1)!.body;
    expect(last).toMatchObject({ event: 'ticket.fixed', ticket: { status: 'fixed', fix_note: 'Ny drivrutin installerad.', workaround: workaround } });
    const audit = await lotsen.store.listAudit({ subject: group!.id });
    expect(audit.map((a) => a.action).sort()).toEqual(['failure.fixed', 'failure.known']);
    // Everyone who reported it hears of the workaround and of the fix, in their own conversation, once each.
    const notices = await takeNotices();
    const reporters = BLANK_BANDS.map(([name]) => `D-${name}`).sort();
    expect(notices.filter((n) => n.text.includes('Reservskrivare 2')).map((n) => n.channel).sort()).toEqual(reporters);
    expect(notices.filter((n) => n.text.includes('Ny drivrutin installerad')).map((n) => n.channel).sort()).toEqual(reporters);
    expect(notices).toHaveLength(22);
  });

  it('loses no ticket delivery while IT\'s endpoint is down, across a restart', async () => {
    it_.fail(1000);
    const before = it_.deliveries.length;
    const who = await signIn('Ulf', 'staff', 'BB');
    await post(who, '/api/ask', { question: 'armbandsskrivaren skriver ut tomma armband igen' });
    await lotsen.runWorkersOnce();
    expect(it_.deliveries.length).toBe(before);
    await lotsen.close();
    it_.fail(0);
    lotsen = await testLotsen(env());
    app = createWebApp(lotsen);
    // Backoff: the retry is due a few seconds after the failure.
    const deadline = Date.now() + 15_000;
    while (it_.deliveries.length === before && Date.now() < deadline) {
      await lotsen.runWorkersOnce();
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(it_.deliveries.length).toBe(before + 1);
    expect(it_.deliveries.at(-1)!.body.ticket.reports).toBe(13);
  }, 30_000);
});

describe('recurring failures across instances', () => {
  it('two instances on one Redis count every report of the same failure in one group', async () => {
    const { startRedis } = await import('./support/redis-server.ts');
    const { RedisStore } = await import('../src/adapters/store/redis-store.ts');
    const { FailureDesk } = await import('../src/core/failures/failure-desk.ts');
    const { silentLogger } = await import('../src/core/ports.ts');
    const redis = await startRedis();
    const stores = await Promise.all([0, 1].map(() => RedisStore.connect(redis.url, { prefix: `${redis.prefix}fg:` })));
    try {
      const desks = stores.map((store) => new FailureDesk({ store, log: silentLogger }));
      const report = (i: number) => ({
        reportId: `r${i}`,
        text: BLANK_BANDS[i % BLANK_BANDS.length]![2],
        asker: { platform: 'teams' as const, userId: `u${i}`, site: BLANK_BANDS[i % BLANK_BANDS.length]![1] },
        conversation: { platform: 'teams' as const, channel: `c${i}` },
        at: new Date(Date.UTC(2026, 10, 20, 8, 0, i)),
      });
      // Both instances at once, interleaved: saves collide and are redone on the fresh group.
      await Promise.all(Array.from({ length: 40 }, (_, i) => desks[i % 2]!.report(report(i))));
      const groups = await stores[0]!.listFailureGroups();
      expect(groups).toHaveLength(1);
      expect(groups[0]!.group.count).toBe(40);
      expect(new Set(groups[0]!.group.members)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `r${i}`)));
      expect(groups[0]!.ticket?.revision).toBe(38);
      expect(await stores[1]!.listFailureReporters(groups[0]!.id)).toHaveLength(40);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
      await redis.stop();
    }
  });
});
