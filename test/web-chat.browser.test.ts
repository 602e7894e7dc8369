import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { testLotsen } from './helpers.ts';

// The local web chat as a nurse would use it on a phone: real page, real server, sample knowledge base.
const CHROMIUM = '/usr/bin/chromium';
const PHONE = { width: 390, height: 844 };
const SCREENSHOT = '/tmp/lotsen-chat.png';

let lotsen: Lotsen;
let server: ServerType;
let baseUrl: string;
let browser: Browser;
let context: BrowserContext | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser test needs Chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium`);
  }
  lotsen = await testLotsen();
  const app = createWebApp(lotsen);
  const port = await new Promise<number>((resolve, reject) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    server.once('error', reject);
  });
  expect(port).toBe((server.address() as AddressInfo).port);
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
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

/** A fresh phone-sized tab with a Swedish browser, as on the wards; page script errors are collected. */
async function openChat(): Promise<Page> {
  context = await browser.newContext({ viewport: PHONE, locale: 'sv-SE', isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('dialog', (dialog) => {
    pageErrors.push(`unexpected dialog: ${dialog.type()} ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(baseUrl);
  await expect.poll(() => page.locator('#send').textContent()).toBe('Skicka');
  return page;
}

/** Types the question, presses Enter and returns the bot reply once the answer (or error) is shown. */
async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.locator('#log > li.bot').count();
  const input = page.locator('#question');
  await input.fill(question);
  await input.press('Enter');
  const reply = page.locator('#log > li.bot').nth(before);
  await reply.locator('.answer, .error').first().waitFor({ state: 'visible', timeout: 10_000 });
  expect(await reply.locator('.error').count(), `the chat showed an error instead of an answer: ${await reply.innerText()}`).toBe(0);
  return reply.locator('.answer');
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(widths.scroll, `page is ${widths.scroll}px wide on a ${PHONE.width}px screen`).toBeLessThanOrEqual(PHONE.width);
}

describe('web chat in a headless browser (phone viewport)', () => {
  it('answers the id-band question with numbered steps and a citation that opens the article', async () => {
    const page = await openChat();
    const answer = await ask(page, 'hur skriver jag ut ett nytt id-band?');

    await expect.poll(() => answer.getAttribute('data-outcome')).toBe('answered');
    await expect.poll(() => answer.locator('.answer-text').innerText()).toContain('Skriva ut ett nytt ID-band');
    const steps = answer.locator('.answer-text ol > li');
    expect(await steps.count()).toBeGreaterThanOrEqual(3);
    expect(await steps.first().isVisible()).toBe(true);

    const citation = answer.locator('.citations a');
    expect(await citation.count()).toBe(1);
    expect(await citation.getAttribute('href')).toBe('/kb/id-band-skriva-ut');
    expect(await citation.innerText()).toBe('Skriva ut ett nytt ID-band');
    expect(await answer.locator('.offer').count()).toBe(0);

    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // The citation opens in a new tab; the article is rendered HTML, not raw markdown.
    const [article] = await Promise.all([context!.waitForEvent('page'), citation.click()]);
    await article.waitForLoadState('domcontentloaded');
    expect(new URL(article.url()).pathname).toBe('/kb/id-band-skriva-ut');
    expect(await article.locator('h1').innerText()).toBe('Skriva ut ett nytt ID-band');
    const articleSteps = article.locator('article ol > li');
    expect(await articleSteps.count()).toBeGreaterThanOrEqual(3);
    expect(await article.locator('article').innerText()).not.toMatch(/\*\*|^\d+\.\s/m);
    await article.screenshot({ path: '/tmp/lotsen-article.png', fullPage: true });
    await noHorizontalScroll(article);
  });

  it('hands a question outside the knowledge base to the super-users; their answer arrives in the chat, and the asker marks it solved', async () => {
    const page = await openChat();
    // Poll quickly instead of every 5 s.
    await page.evaluate(() => (document.body.dataset.pollMs = '200'));
    const answer = await ask(page, 'var hittar jag min lönespec?');
    expect(await answer.getAttribute('data-outcome')).toBe('escalated');
    expect(await answer.locator('.citations').count()).toBe(0);
    expect(await answer.locator('a[href^="/kb/"]').count()).toBe(0);
    const status = answer.locator('.status');
    expect(await status.innerText()).toContain('Skickad till Go-live-ledningscentralen');
    expect(await status.getAttribute('data-status')).toBe('open');

    // A super-user, in another browser, claims and answers on the queue page.
    const superuser = await browser.newContext({ viewport: PHONE, locale: 'sv-SE' });
    const queue = await superuser.newPage();
    queue.on('pageerror', (err) => pageErrors.push(err.message));
    await queue.goto(`${baseUrl}/signin`);
    await queue.locator('input[name=name]').fill('Sam Superanvändare');
    await queue.locator('select[name=role]').selectOption('superuser');
    await queue.locator('button[type=submit]').click();
    await queue.waitForURL(`${baseUrl}/queue`);
    const item = queue.locator('.question.open', { hasText: 'var hittar jag min lönespec?' });
    expect(await item.locator('.age').innerText()).toMatch(/^\d+ min$/);
    await item.locator('button[value=claim]').click();
    await queue.waitForURL(`${baseUrl}/queue`);
    await expect.poll(() => status.getAttribute('data-status')).toBe('claimed');
    expect(await status.innerText()).toContain('Sam Superanvändare har tagit din fråga');
    const claimed = queue.locator('.question.claimed', { hasText: 'var hittar jag min lönespec?' });
    await claimed.locator('textarea[name=text]').fill('Lönespecen finns i **Heroma**, inte i Millennium.');
    await claimed.locator('button[value=answer]').click();
    await queue.waitForURL(`${baseUrl}/queue`);
    await noHorizontalScroll(queue);
    await superuser.close();

    await expect.poll(() => status.getAttribute('data-status')).toBe('answered');
    expect(await status.locator('.superuser-answer').innerText()).toContain('Lönespecen finns i Heroma');
    expect(await status.locator('.superuser-answer strong').innerText()).toBe('Heroma');
    await status.getByRole('button', { name: 'Löst, tack' }).click();
    await expect.poll(() => status.getAttribute('data-status')).toBe('closed');
    await noHorizontalScroll(page);
  });

  it('a reported failure: the reporter sees it registered, then the workaround a super-user gives on /failures, then that it is fixed', async () => {
    const page = await openChat();
    await page.evaluate(() => (document.body.dataset.pollMs = '100'));
    const answer = await ask(page, 'Skannern i läkemedelsrummet läser inte streckkoden på armbanden, det piper bara fel');
    const report = answer.locator('.report-status');
    await expect.poll(() => report.getAttribute('data-status')).toBe('open');
    expect(await report.innerText()).toContain('Felet är registrerat');

    const superuser = await browser.newContext({ viewport: PHONE, locale: 'sv-SE' });
    const failures = await superuser.newPage();
    failures.on('pageerror', (err) => pageErrors.push(err.message));
    await failures.goto(`${baseUrl}/signin`);
    await failures.locator('input[name=name]').fill('Sam Superanvändare');
    await failures.locator('select[name=role]').selectOption('superuser');
    await failures.locator('button[type=submit]').click();
    await failures.goto(`${baseUrl}/failures`);
    const group = failures.locator('.failure', { hasText: 'Skannern i läkemedelsrummet' });
    await group.locator('textarea[name=workaround]').fill('Skriv in patientens **id-nummer** för hand tills vidare.');
    await group.getByRole('button', { name: /Markera som känt fel/ }).click();
    await failures.waitForURL(`${baseUrl}/failures`);
    expect(await failures.locator('.failure.known').count()).toBe(1);
    await noHorizontalScroll(failures);

    await expect.poll(() => report.getAttribute('data-status')).toBe('known');
    expect(await report.locator('.workaround strong').innerText()).toBe('id-nummer');
    await failures.locator('.failure.known').getByRole('button', { name: /Markera som åtgärdat/ }).click();
    await failures.waitForURL(`${baseUrl}/failures`);
    await superuser.close();
    await expect.poll(() => report.getAttribute('data-status')).toBe('fixed');
    expect(await report.innerText()).toContain('Åtgärdat');
    await noHorizontalScroll(page);
  });

  it('switches to English and answers an English question with a citation', async () => {
    const page = await openChat();
    await page.locator('#lang-toggle').click();
    await expect.poll(() => page.locator('#send').textContent()).toBe('Send');
    expect(await page.locator('#lang-toggle').textContent()).toBe('Svenska');
    expect(await page.locator('#question').getAttribute('placeholder')).toMatch(/^e\.g\./);
    expect(await page.getAttribute('html', 'lang')).toBe('en');

    const answer = await ask(page, 'how do I grant a proxy in message center');
    expect(await answer.getAttribute('data-outcome')).toBe('answered');
    expect(await answer.locator('.citations .label').innerText()).toMatch(/sources/i);
    const citation = answer.locator('.citations a');
    expect(await citation.count()).toBeGreaterThanOrEqual(1);
    expect(await citation.first().getAttribute('href')).toBe('/kb/message-center-proxy');

    // The choice survives a reload.
    await page.reload();
    await expect.poll(() => page.locator('#send').textContent()).toBe('Send');
  });

  it('has no horizontal scroll at 390 px, also with answers and a long unbroken word in the log', async () => {
    const page = await openChat();
    await noHorizontalScroll(page);
    await ask(page, 'hur skriver jag ut ett nytt id-band?');
    await ask(page, 'var hittar jag min lönespec?');
    await ask(page, `https://example.invalid/${'x'.repeat(120)}`);
    await noHorizontalScroll(page);
  });

  it('brings the reply to a follow-up question into view above the sticky composer', async () => {
    const page = await openChat();
    await ask(page, 'hur skriver jag ut ett nytt id-band?');
    const reply = await ask(page, 'var hittar jag min lönespec?');
    const where = () =>
      reply.evaluate((el) => {
        const top = Math.round(el.getBoundingClientRect().top);
        const composerTop = Math.round(document.getElementById('ask')!.getBoundingClientRect().top);
        return { top, composerTop, firstLineVisible: top >= 0 && top + 40 <= composerTop };
      });
    // The app scrolls smoothly; give it time to settle, then report where the reply ended up.
    let last = await where();
    await expect
      .poll(async () => (last = await where()).firstLineVisible, { timeout: 3_000 })
      .toBe(true)
      .catch(() => {});
    expect(last, `the reply's first line must be on the ${PHONE.height}px screen, above the composer`).toMatchObject({ firstLineVisible: true });
  });

  it('shows HTML in a question as text and creates no element from it', async () => {
    const page = await openChat();
    const question = 'hur skriver jag ut <img src=x onerror=alert(1)> ett id-band?';
    await ask(page, question);
    expect(await page.locator('#log > li.me').last().innerText()).toBe(question);
    expect(await page.locator('#log img').count()).toBe(0);
    expect(await page.evaluate(() => document.querySelectorAll('img').length)).toBe(0);
  });

  it('a safety report with a personnummer: the asker sees it removed and the stop-the-line steps; a super-user closes it on /safety', async () => {
    const page = await openChat();
    const answer = await ask(page, 'pat 19121212-1212: provsvaret hamnade på fel patient');
    expect(await answer.getAttribute('data-outcome')).toBe('safety');
    expect(await answer.locator('.privacy-note').innerText()).toContain('personnummer');
    expect(await answer.locator('.safety-label').innerText()).toBe('Skickat till patientsäkerhet');
    expect(await answer.locator('.answer-text').innerText()).toContain('patientsäkerhetsrisk');
    expect(await answer.locator('.citations a').getAttribute('href')).toBe('/kb/fel-patient');
    // The asker's own bubble now shows what was kept.
    expect(await page.locator('#log > li.me').last().innerText()).toBe('pat [PERSONNUMMER]: provsvaret hamnade på fel patient');

    await page.goto(`${baseUrl}/signin`);
    await page.locator('input[name=name]').fill('Sara Superanvändare');
    await page.locator('select[name=role]').selectOption('superuser');
    await page.locator('input[name=site]').fill('SÄS Borås');
    await page.locator('button[type=submit]').click();
    // Super-users land on their queue, which links to the safety items.
    await page.waitForURL(`${baseUrl}/queue`);
    await page.locator('a[href="/safety"]').click();
    await page.waitForURL(`${baseUrl}/safety`);
    const item = page.locator('.safety-item.open').first();
    expect(await item.innerText()).toContain('pat [PERSONNUMMER]: provsvaret hamnade på fel patient');
    expect(await item.locator('.clock').innerText()).toMatch(/IMY 72 h: (71|72) h \d+ min/);
    expect(await page.content()).not.toContain('1212-1212');
    await page.screenshot({ path: '/tmp/lotsen-safety.png', fullPage: true });
    await noHorizontalScroll(page);
    await item.locator('input[name=note]').fill('Provsvaret flyttat av lab, avvikelse skriven');
    await item.locator('button[type=submit]').click();
    await page.waitForURL(`${baseUrl}/safety`);
    expect(await page.locator('.safety-item.closed').first().innerText()).toContain('Sara Superanvändare: Provsvaret flyttat av lab, avvikelse skriven');
  });

  it('raised no script errors or dialogs in any page', () => {
    expect(pageErrors).toEqual([]);
  });
});
