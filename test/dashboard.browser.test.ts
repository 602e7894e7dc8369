import { existsSync } from 'node:fs';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { addDays, civilDateOf, formatWeek, lastCompleteWeek, weekOfInstant, zonedTime } from '../src/core/report/calendar.ts';
import type { MessageRecord } from '../src/core/stats/stats.ts';
import { testLotsen } from './helpers.ts';

// The managers' dashboard in headless Chromium: real server, real sign-in, questions asked through the
// web chat's API, a month of failure reports written to the stats store, charts drawn by Chart.js.
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/lotsen-dashboard.png';
const TZ = 'Europe/Stockholm';
const TOKENS = {
  LOTSEN_REQUIRE_SIGN_IN: 'true',
  LOTSEN_STAFF_TOKEN: 'staff-token-0123456789abcdef',
  LOTSEN_MANAGER_TOKEN: 'manager-token-0123456789abcdef',
  LOTSEN_SESSION_SECRET: 'session-secret-0123456789abcdef0123',
};

let lotsen: Lotsen;
let server: ServerType;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext | undefined;
const problems: string[] = [];

/** Failure reports on each of the last 20 days (local noon): the printer every day, the login every other day. */
const seeded: MessageRecord[] = [];
const now = new Date();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`The browser test needs Chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
  lotsen = await testLotsen(TOKENS);
  const app = createWebApp(lotsen);
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    server.once('error', reject);
  });
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });

  // A nurse asks through the web chat's API: two answered questions, one the knowledge base does not cover, one safety report.
  const signin = await fetch(`${baseUrl}/signin`, { method: 'POST', body: new URLSearchParams({ name: 'Nina', role: 'staff', site: 'SÄS Borås avd 12', token: TOKENS.LOTSEN_STAFF_TOKEN }), redirect: 'manual' });
  const cookie = signin.headers.get('set-cookie')!.split(';')[0]!;
  for (const [question, outcome] of [
    ['hur skriver jag ut ett nytt id-band?', 'answered'],
    ['hur byter jag lösenord?', 'answered'],
    ['var hittar jag min lönespec?', 'escalated'],
    ['Labbsvaret hamnade på fel patient, provsvar från en annan patient syns i journalen', 'safety'],
  ] as const) {
    const res = await fetch(`${baseUrl}/api/ask`, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { outcome: string }).outcome).toBe(outcome);
  }

  const today = civilDateOf(now.getTime(), TZ);
  for (let d = 1; d <= 20; d++) {
    const at = zonedTime(addDays(today, -d), 12, 0, TZ);
    const failure = (groupId: string): MessageRecord => ({ at, platform: 'teams', site: 'NÄL akuten', intent: 'failure', severity: 'S2', outcome: 'escalated', groupId, module: 'Etiketter' });
    seeded.push(failure('g-printer'), failure('g-printer'));
    if (d % 2 === 0) seeded.push(failure('g-login'));
  }
  await lotsen.stats.recordMessages(seeded);
});

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(async () => {
  await browser?.close();
  if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  await lotsen?.close();
});

async function newPage(): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'sv-SE' });
  const page = await context.newPage();
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  // A Content-Security-Policy refusal (an inline style or script) shows up here.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console: ${m.text()}`);
  });
  // The browser asks for /favicon.ico on its own; everything the page itself loads must be there.
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico') && r.request().resourceType() !== 'document' && r.request().resourceType() !== 'fetch') problems.push(`${r.status()} ${r.url()}`);
  });
  return page;
}

async function signIn(page: Page, role: 'manager' | 'staff', token: string): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.fill('input[name=name]', role === 'manager' ? 'Maria Chef' : 'Nils');
  await page.selectOption('select[name=role]', role);
  await page.fill('input[name=token]', token);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/signin')), page.click('button[type=submit]')]);
}

/** Pixels that are clearly coloured (a line or bar), not white, grey grid or black text. */
function colouredPixels(page: Page, id: string): Promise<number> {
  return page.evaluate((canvasId) => {
    const canvas = document.getElementById(canvasId) as HTMLCanvasElement;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
      if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) n++;
    }
    return n;
  }, id);
}

const cell = (page: Page, selector: string) => page.locator(selector).innerText();

describe('managers’ dashboard in a headless browser', () => {
  it('shows a manager the week’s numbers, the recurring failures per day with their trend, the deflection and the open safety items', async () => {
    const page = await newPage();
    await signIn(page, 'manager', TOKENS.LOTSEN_MANAGER_TOKEN);
    const response = await page.goto(`${baseUrl}/dashboard`);
    expect(response?.status()).toBe(200);
    await page.waitForSelector('body[data-charts="ready"]', { timeout: 15_000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Both charts have drawn their data (coloured lines and bars), not only axes.
    expect(await colouredPixels(page, 'failures-chart')).toBeGreaterThan(500);
    expect(await colouredPixels(page, 'deflection-chart')).toBeGreaterThan(500);

    // What was seeded, counted the way the page says: this ISO week so far and the last complete week, in Stockholm time.
    const thisWeek = formatWeek(weekOfInstant(now.getTime(), TZ));
    const lastWeek = formatWeek(lastCompleteWeek(now, TZ));
    const inWeek = (week: string, groupId?: string) => seeded.filter((r) => formatWeek(weekOfInstant(r.at.getTime(), TZ)) === week && (!groupId || r.groupId === groupId)).length;
    expect(await page.locator('#week-numbers thead').innerText()).toContain(thisWeek);
    const askedNow = 3 + inWeek(thisWeek);
    expect(await cell(page, '#week-numbers tr[data-key="asked"] td[data-week="this"]')).toBe(String(askedNow));
    expect(await cell(page, '#week-numbers tr[data-key="asked"] td[data-week="last"]')).toBe(String(inWeek(lastWeek)));
    expect(await cell(page, '#week-numbers tr[data-key="answeredByBot"] td[data-week="this"]')).toBe('2');
    expect(await cell(page, '#week-numbers tr[data-key="escalatedAll"] td[data-week="this"]')).toBe(String(1 + inWeek(thisWeek)));
    expect(await cell(page, '#week-numbers tr[data-key="safety"] td[data-week="this"]')).toBe('1');
    expect((await cell(page, '#week-numbers tr[data-key="deflectionRate"] td[data-week="this"]')).replace(/\s/g, ' ')).toBe(`${Math.round((2 / askedNow) * 100)} %`);

    // The recurring failures: the printer first; labels fall back to the id when the tally does not know the group.
    const rows = page.locator('#failures tbody tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).getAttribute('data-group')).toBe('g-printer');
    expect(await cell(page, '#failures tr[data-group="g-printer"] th')).toBe('g-printer');
    expect(await cell(page, '#failures tr[data-group="g-printer"] td[data-col="this"]')).toBe(String(inWeek(thisWeek, 'g-printer')));
    expect(await cell(page, '#failures tr[data-group="g-printer"] td[data-col="last"]')).toBe(String(inWeek(lastWeek, 'g-printer')));
    expect(await cell(page, '#failures tr[data-group="g-printer"] td[data-col="period"]')).toBe('40');
    expect(await cell(page, '#failures tr[data-group="g-login"] td[data-col="period"]')).toBe('10');

    // The safety report is listed as an open S1 item, without its text.
    const safety = page.locator('#open-safety li');
    expect(await safety.count()).toBe(1);
    expect(await safety.innerText()).toContain('S1 · wrong-patient');
    expect(await safety.innerText()).toContain('SÄS Borås avd 12');
    expect(await page.locator('main').innerText()).not.toContain('Labbsvaret');

    // The API the charts read gives the same figures, one entry per day.
    const api = await page.evaluate(async () => (await fetch('/api/dashboard?days=28')).json());
    expect(api.days).toHaveLength(28);
    expect(api.days.at(-1).asked).toBe(3);
    expect(api.failures[0]).toMatchObject({ id: 'g-printer', total: 40 });
    expect(api.failures[0].daily.reduce((a: number, b: number) => a + b, 0)).toBe(40);

    // Chart.js comes from this server, cached for a year; nothing was refused by the page's security policy.
    const script = await page.locator('script[src^="/vendor/chart-"]').getAttribute('src');
    const lib = await page.request.get(`${baseUrl}${script}`);
    expect(lib.status()).toBe(200);
    expect(lib.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(problems).toEqual([]);
  });

  it('refuses staff (403) and sends a signed-out visitor to the sign-in page', async () => {
    const page = await newPage();
    const anonymous = await page.goto(`${baseUrl}/dashboard`);
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(anonymous?.status()).toBe(200);
    expect((await page.request.get(`${baseUrl}/api/dashboard`, { maxRedirects: 0 })).status()).toBe(401);

    await signIn(page, 'staff', TOKENS.LOTSEN_STAFF_TOKEN);
    const refused = await page.goto(`${baseUrl}/dashboard`);
    expect(refused?.status()).toBe(403);
    expect(await page.locator('main').innerText()).toContain('This page is for managers');
    expect(await page.locator('canvas').count()).toBe(0);
    expect((await page.request.get(`${baseUrl}/api/dashboard`)).status()).toBe(403);
  });
});
