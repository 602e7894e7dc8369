import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLotsen, type Lotsen } from '../src/app.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import type { Logger } from '../src/core/ports.ts';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveRole } from '../src/core/identity/roles.ts';
import { article, sampleKb, tempDir, writeTree } from './helpers.ts';

const PNR = '19121212-1212';
const STAFF = 'staff-token-0123456789';
const SUPER = 'super-token-0123456789';
const ADMIN = 'admin-token-0123456789';

/** A webhook receiver on loopback that records what arrives and can be told to fail. */
async function fakeWebhook() {
  const received: { at: number; body: { text: string; lotsen: Record<string, unknown> } }[] = [];
  let failing = false;
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      if (failing) {
        res.writeHead(503).end('down');
        return;
      }
      received.push({ at: Date.now(), body: JSON.parse(data) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return { url, received, setFailing: (f: boolean) => (failing = f), close: () => new Promise((r) => server.close(r)) };
}

function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (obj: object, msg?: string) => lines.push(JSON.stringify({ ...obj, msg }));
  return { lines, debug: write, info: write, warn: write, error: write };
}

async function lotsenWith(env: Record<string, string>, log: Logger = capturingLogger(), dataDir?: string): Promise<Lotsen> {
  return createLotsen(loadConfig({ LOTSEN_KB_DIR: sampleKb, LOTSEN_DATA_DIR: dataDir ?? (await tempDir('lotsen-data-')), ...env }), log);
}

const ask = (app: ReturnType<typeof createWebApp>, question: string, headers: Record<string, string> = {}) =>
  app.request('/api/ask', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ question }) });

describe('personal data is removed before anything is stored, logged or shown', () => {
  it('tells the asker kindly, and neither the store, the audit log nor the logs hold the number', async () => {
    const log = capturingLogger();
    const lotsen = await lotsenWith({}, log);
    const app = createWebApp(lotsen);
    const res = await ask(app, `patienten ${PNR} tel 070-123 45 67: labbsvaret hamnade på fel patient`);
    expect(res.status).toBe(200);
    const reply = await res.json();
    expect(reply.outcome).toBe('safety');
    expect(reply.redacted).toEqual(expect.arrayContaining(['PERSONNUMMER', 'PHONE']));
    expect(reply.privacyNote).toMatch(/tog bort personuppgifter \(personnummer, telefonnummer\)/);
    const items = await lotsen.store.listEscalations({});
    expect(items).toHaveLength(1);
    expect(items[0]!.text).toBe('patienten [PERSONNUMMER] tel [PHONE]: labbsvaret hamnade på fel patient');
    const everything = JSON.stringify([items, await lotsen.store.listAudit({}), log.lines]);
    expect(everything).not.toContain('1212-1212');
    expect(everything).not.toContain('123 45 67');
    expect(log.lines.join('\n')).not.toContain('labbsvaret');
    await lotsen.close();
  });

  it('answers an ordinary question with the personal data taken out first', async () => {
    const lotsen = await lotsenWith({});
    const reply = await (await ask(createWebApp(lotsen), `hur skriver jag ut ett nytt id-band till ${PNR}?`)).json();
    expect(reply.outcome).toBe('answered');
    expect(reply.citations[0].id).toBe('id-band-skriva-ut');
    expect(reply.privacyNote).toBeTruthy();
    await lotsen.close();
  });
});

describe('S1 safety fast path', () => {
  let hook: Awaited<ReturnType<typeof fakeWebhook>>;
  beforeAll(async () => {
    hook = await fakeWebhook();
  });
  afterAll(() => hook.close());
  afterEach(() => {
    hook.received.length = 0;
    hook.setFailing(false);
  });

  it('reaches the safety webhook within a second and gives stop-the-line guidance from the knowledge base with the 72-hour clock', async () => {
    const lotsen = await lotsenWith({ LOTSEN_SAFETY_WEBHOOK_URL: hook.url, LOTSEN_ONCALL: 'ledningscentralen 010-100 00 00' });
    const app = createWebApp(lotsen);
    const sent = Date.now();
    const reply = await (await ask(app, 'I remissvaret står det "blödning" men jag dikterade "ingen blödning"')).json();
    expect(reply.outcome).toBe('safety');
    expect(reply.triage).toMatchObject({ intent: 'safety', severity: 'S1', safety: 'text-integrity' });
    expect(reply.answer).toMatch(/patientsäkerhetsrisk/);
    expect(reply.answer).toMatch(/ledningscentralen 010-100 00 00/);
    expect(reply.answer).toMatch(/IMY inom 72 timmar/);
    expect(reply.citations[0].id).toBe('saknade-ord-i-text');
    // The steps come verbatim from the article, not from a model.
    expect(reply.answer).toContain('Sluta använda funktionen där felet syns.');
    await expect.poll(() => hook.received.length, { timeout: 1000, interval: 10 }).toBe(1);
    expect(hook.received[0]!.at - sent).toBeLessThan(1000);
    expect(hook.received[0]!.body.lotsen).toMatchObject({ id: reply.escalationId, severity: 'S1', kind: 'text-integrity' });
    expect(hook.received[0]!.body.lotsen.reportBy).toBeTruthy();
    await lotsen.close();
  });

  it('is never answered by a how-to, even when the question is phrased as one, but a hypothetical how-to is answered', async () => {
    const lotsen = await lotsenWith({});
    const app = createWebApp(lotsen);
    const report = await (await ask(app, 'jag har dokumenterat på fel patient, hur tar jag bort anteckningen?')).json();
    expect(report.outcome).toBe('safety');
    const question = await (await ask(app, 'hur skriver jag en avvikelse?')).json();
    expect(question.outcome).toBe('answered');
    await lotsen.close();
  });

  it('keeps retrying while the safety destination is down, and a restart sends what was not delivered', async () => {
    const dataDir = await tempDir('lotsen-data-');
    hook.setFailing(true);
    const first = await lotsenWith({ LOTSEN_SAFETY_WEBHOOK_URL: hook.url }, capturingLogger(), dataDir);
    const reply = await (await ask(createWebApp(first), 'allergin mot penicillin syns inte i läkemedelslistan')).json();
    expect(reply.outcome).toBe('safety');
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.received).toHaveLength(0);
    expect((await first.store.getEscalation(reply.escalationId))!.notifiedAt).toBeUndefined();
    await first.close();
    hook.setFailing(false);
    const second = await lotsenWith({ LOTSEN_SAFETY_WEBHOOK_URL: hook.url }, capturingLogger(), dataDir);
    await expect.poll(() => hook.received.length, { timeout: 3000 }).toBe(1);
    expect(hook.received[0]!.body.lotsen.id).toBe(reply.escalationId);
    await expect.poll(async () => (await second.store.getEscalation(reply.escalationId))!.notifiedAt, { timeout: 2000 }).toBeTruthy();
    await second.close();
  });

  it('a redelivered platform event does not make a second safety item', async () => {
    const lotsen = await lotsenWith({});
    const message = { text: 'provsvaret hamnade hos fel patient', asker: { platform: 'slack' as const, userId: 'U1', role: 'staff' as const }, conversation: { platform: 'slack' as const, channel: 'D1' }, eventId: 'Ev123' };
    const a = await lotsen.assistant.handle(message);
    const b = await lotsen.assistant.handle(message);
    expect(a.escalationId).toBe(b.escalationId);
    expect(await lotsen.store.listEscalations({ kind: 'safety' })).toHaveLength(1);
    await lotsen.close();
  });
});

describe('roles, sign-in and the audit log', () => {
  const tokens = { LOTSEN_REQUIRE_SIGN_IN: 'true', LOTSEN_STAFF_TOKEN: STAFF, LOTSEN_SUPERUSER_TOKEN: SUPER, LOTSEN_ADMIN_TOKEN: ADMIN };

  it('refuses to serve beyond loopback without tokens, naming the variable', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(ConfigError);
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/LOTSEN_STAFF_TOKEN/);
    expect(() => loadConfig({ HOST: '0.0.0.0', LOTSEN_STAFF_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(loadConfig({ HOST: '0.0.0.0', LOTSEN_STAFF_TOKEN: STAFF }).auth.required).toBe(true);
  });

  it('turns away unsigned requests before reading them, and serves signed ones', async () => {
    const lotsen = await lotsenWith(tokens);
    const app = createWebApp(lotsen);
    expect((await ask(app, 'hur loggar jag in?')).status).toBe(401);
    expect((await app.request('/')).headers.get('location')).toBe('/signin');
    expect((await app.request('/kb/id-band-skriva-ut')).status).toBe(303);
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await ask(app, 'hur loggar jag in?', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await ask(app, 'hur loggar jag in?', { authorization: `Bearer ${STAFF}` })).status).toBe(200);
    await lotsen.close();
  });

  it('signs in with name, role and the role token; a wrong token changes nothing', async () => {
    const lotsen = await lotsenWith(tokens);
    const app = createWebApp(lotsen);
    const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
    const refused = await app.request('/signin', form({ name: 'Eva Super', role: 'superuser', token: STAFF }));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('set-cookie')).toBeNull();
    const ok = await app.request('/signin', form({ name: 'Eva Super', role: 'superuser', site: 'SÄS Borås', token: SUPER }));
    expect(ok.status).toBe(303);
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect(ok.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const me = await (await app.request('/api/me', { headers: { cookie } })).json();
    expect(me).toMatchObject({ name: 'Eva Super', role: 'superuser', site: 'SÄS Borås' });
    // A tampered cookie is no session.
    expect((await app.request('/api/me', { headers: { cookie: cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')) } })).status).toBe(401);
    await lotsen.close();
  });

  it('lets super-users read and close safety items, records who did, and refuses staff', async () => {
    const lotsen = await lotsenWith(tokens);
    const app = createWebApp(lotsen);
    const staff = { authorization: `Bearer ${STAFF}` };
    const superuser = { authorization: `Bearer ${SUPER}` };
    const reply = await (await ask(app, 'skyddad identitet syns på armbandet', staff)).json();
    expect(reply.outcome).toBe('safety');
    expect((await app.request('/api/safety', { headers: staff })).status).toBe(403);
    const list = await (await app.request('/api/safety', { headers: superuser })).json();
    expect(list.items.map((i: { id: string }) => i.id)).toContain(reply.escalationId);
    const page = await (await app.request('/safety', { headers: superuser })).text();
    expect(page).toContain('skyddad identitet syns på armbandet');
    expect(page).toMatch(/IMY 72 h: 71 h 5\d min kvar|IMY 72 h: 72 h 0 min kvar/);
    const closeJson = (body: unknown, headers: Record<string, string>) => app.request(`/api/safety/${reply.escalationId}/close`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    expect((await closeJson({ note: 'klart' }, staff)).status).toBe(403);
    expect((await closeJson({ note: '' }, superuser)).status).toBe(400);
    expect((await closeJson({ note: 'Armbanden omskrivna, IMY-anmälan gjord' }, superuser)).status).toBe(200);
    expect((await closeJson({ note: 'igen' }, superuser)).status).toBe(409);
    const audit = await (await app.request('/api/audit', { headers: { authorization: `Bearer ${ADMIN}` } })).json();
    const actions = audit.events.map((e: { action: string; subject: string }) => `${e.action} ${e.subject}`);
    expect(actions).toEqual(expect.arrayContaining([`escalation.create ${reply.escalationId}`, 'safety.read safety-queue', `escalation.close ${reply.escalationId}`]));
    expect((await app.request('/api/audit', { headers: superuser })).status).toBe(403);
    await lotsen.close();
  });

  it('records knowledge-base changes in the audit log', async () => {
    const kb = await writeTree({ 'a.md': article('forsta-artikeln') });
    const lotsen = await lotsenWith({ LOTSEN_KB_DIR: kb });
    lotsen.watchKnowledge();
    await writeFile(join(kb, 'b.md'), article('andra-artikeln'));
    await expect.poll(async () => (await lotsen.store.listAudit({ subject: 'knowledge-base' }))[0]?.detail, { timeout: 5000 }).toEqual({ added: ['andra-artikeln'], changed: [], removed: [] });
    await lotsen.close();
  });

  it('gives platform users the highest role their ids and groups carry', () => {
    const { roles } = loadConfig({ LOTSEN_SUPERUSERS: 'slack:U1', LOTSEN_ADMINS: 'teams:29:a', LOTSEN_MANAGER_GROUPS: 'S-MGR' });
    expect(resolveRole(roles, 'slack', 'U1')).toBe('superuser');
    expect(resolveRole(roles, 'slack', 'U1', ['S-MGR'])).toBe('manager');
    expect(resolveRole(roles, 'teams', '29:a')).toBe('admin');
    expect(resolveRole(roles, 'teams', 'U1')).toBe('staff');
  });

  it('keeps the audit log append-only in the database itself', async () => {
    const lotsen = await lotsenWith({});
    await lotsen.store.appendAudit({ actor: 'web:x', role: 'admin', action: 'test', subject: 's' }, new Date());
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(`${lotsen.config.dataDir}/lotsen.db`);
    expect(() => db.exec('UPDATE audit SET actor = ?')).toThrow();
    expect(() => db.exec('DELETE FROM audit')).toThrow(/append-only/);
    db.close();
    await lotsen.close();
  });
});

describe('abuse and overload', () => {
  it('limits each user with a friendly reply, but a safety report always gets through', async () => {
    const lotsen = await lotsenWith({ LOTSEN_RATE_USER_PER_MIN: '2' });
    const app = createWebApp(lotsen);
    expect((await ask(app, 'hur loggar jag in?')).status).toBe(200);
    expect((await ask(app, 'hur loggar jag ut?')).status).toBe(200);
    const limited = await ask(app, 'hur byter jag lösenord?');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).answer).toMatch(/Vänta \d+ sekunder/);
    const safety = await ask(app, 'mätvärdena hamnade på fel patient');
    expect(safety.status).toBe(200);
    expect((await safety.json()).outcome).toBe('safety');
    await lotsen.close();
  });

  it('rejects oversized, non-JSON and malformed bodies with a clear 4xx and stores nothing', async () => {
    const lotsen = await lotsenWith({});
    const app = createWebApp(lotsen);
    const big = await app.request('/api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ question: 'x'.repeat(20_000) }) });
    expect(big.status).toBe(413);
    const form = await app.request('/api/ask', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'question=hej' });
    expect(form.status).toBe(415);
    const broken = await app.request('/api/ask', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"question":' });
    expect(broken.status).toBe(400);
    expect((await ask(app, 'x'.repeat(2001))).status).toBe(400);
    expect(await lotsen.store.listEscalations({})).toHaveLength(0);
    await lotsen.close();
  });
});
