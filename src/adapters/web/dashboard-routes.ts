import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Context, Hono } from 'hono';
import type { Lotsen } from '../../app.ts';
import type { Action, Identity } from '../../core/identity/roles.ts';
import { buildDashboard, dashboardDays, type DashboardData } from '../../core/report/dashboard.ts';
import { reportSources } from '../../core/report/publish.ts';
import { duration, percent } from '../../core/report/render.ts';
import type { WeekNumbers } from '../../core/report/report.ts';
import type { Env } from './http.ts';
import { escapeHtml } from './markdown.ts';
import { page } from './pages.ts';

const publicFile = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');

/** Chart.js's UMD build from node_modules (no CDN: the wards' network may reach nothing else); the version is in its URL, so it can be cached for a year. */
function chartJs(): { version: string; path: string; read: () => string } {
  const dist = dirname(createRequire(import.meta.url).resolve('chart.js'));
  const version = (JSON.parse(readFileSync(join(dist, '..', 'package.json'), 'utf8')) as { version: string }).version;
  let body: string | undefined;
  return { version, path: `/vendor/chart-${version}.umd.min.js`, read: () => (body ??= readFileSync(join(dist, 'chart.umd.min.js'), 'utf8')) };
}

const STATUS: Record<string, string> = { open: 'Öppet / Open', known: 'Känt / Known', fixed: 'Åtgärdat / Fixed' };
const TREND: Record<string, string> = { new: '▲ nytt / new', up: '▲ ökar / rising', down: '▼ minskar / falling', same: '= oförändrat / unchanged', gone: '▼ inga / none' };
const SAFETY_STATUS: Record<string, string> = { open: 'Öppet / Open', claimed: 'Taget / Claimed', answered: 'Besvarat / Answered' };

const ROWS: [keyof WeekNumbers | 'escalatedAll', string][] = [
  ['asked', 'Frågor / Questions'],
  ['answeredByBot', 'Besvarade av Lotsen / Answered by Lotsen'],
  ['escalatedAll', 'Eskalerade / Escalated'],
  ['deflectionRate', 'Avlastning / Deflection'],
  ['medianClaimSeconds', 'Tid tills tagen (median) / Time to claim (median)'],
  ['medianAnswerSeconds', 'Tid till svar (median) / Time to answer (median)'],
  ['unanswered', 'Obesvarade / Unanswered'],
  ['failureReports', 'Felrapporter / Failure reports'],
  ['safety', 'Säkerhetsrapporter / Safety reports'],
];

function cell(n: WeekNumbers, key: (typeof ROWS)[number][0]): string {
  if (key === 'escalatedAll') return String(n.escalated + n.escalatedAfterAnswer);
  if (key === 'deflectionRate') return percent('sv', n.deflectionRate);
  if (key === 'medianClaimSeconds' || key === 'medianAnswerSeconds') return duration(n[key]);
  return String(n[key]);
}

/** The managers' page: numbers as tables (readable without script), charts drawn by /dashboard.js from /api/dashboard. */
export function dashboardPage(d: DashboardData, options: { who: Identity; days: number; chartPath: string }): string {
  const e = escapeHtml;
  const weekRows = ROWS.map(([key, label]) => `<tr data-key="${key}"><th scope="row">${e(label)}</th><td data-week="this">${e(cell(d.thisWeek.numbers, key))}</td><td data-week="last">${e(cell(d.lastWeek.numbers, key))}</td></tr>`).join('');
  const failureRows = d.failures
    .map(
      (f) =>
        `<tr data-group="${e(f.id)}"><th scope="row">${e(f.label)}</th><td>${e(f.module ?? '–')}</td><td>${e(f.status ? (STATUS[f.status] ?? f.status) : '–')}</td><td data-col="this">${f.count}</td><td data-col="last">${f.previous}</td><td>${e(TREND[f.trend] ?? f.trend)}</td><td data-col="period">${f.total}</td></tr>`,
    )
    .join('');
  const safety = d.openSafety
    .map((s) => `<li data-id="${e(s.id)}"><strong>S1 · ${e(s.kind ?? 'safety')}</strong> · ${e(s.id)} · ${e(s.site ?? '–')} · ${e(SAFETY_STATUS[s.status] ?? s.status)} · ${s.ageHours} h${s.overdue ? ' · <span class="clock overdue">IMY 72 h försenad / overdue</span>' : ''}</li>`)
    .join('');
  const periods = [7, 28, 90].map((n) => (n === options.days ? `<strong>${n}</strong>` : `<a href="/dashboard?days=${n}">${n}</a>`)).join(' · ');
  const body = `<h1>Veckotal och trender / Weekly tally and trends</h1>
<p class="meta">${e(options.who.displayName ?? options.who.role)} · ${e(d.tz)} · dagar / days: ${periods} · <a href="/safety">Säkerhet / Safety</a> · <a href="/failures">Återkommande fel / Recurring failures</a></p>
<section><h2>Veckans siffror / The week's numbers</h2>
<table class="numbers" id="week-numbers"><thead><tr><th scope="col"></th><th scope="col">${e(d.thisWeek.week)} (hittills / so far)</th><th scope="col">${e(d.lastWeek.week)}</th></tr></thead><tbody>${weekRows}</tbody></table>
<p class="meta">Avlastning = frågor som Lotsen besvarade och som inte eskalerades efteråt ÷ alla frågor. / Deflection = questions Lotsen answered that were not escalated afterwards ÷ all questions.</p></section>
<section><h2>Återkommande fel per dag / Recurring failures per day</h2>
<div class="chart-box"><canvas id="failures-chart" role="img" aria-label="Återkommande fel per dag / Recurring failures per day"></canvas></div>
<table class="numbers" id="failures"><thead><tr><th scope="col">Fel / Failure</th><th scope="col">Modul / Module</th><th scope="col">Status</th><th scope="col">Denna vecka / This week</th><th scope="col">Förra veckan / Last week</th><th scope="col">Trend</th><th scope="col">${options.days} dagar / days</th></tr></thead><tbody>${failureRows || '<tr><td colspan="7">Inga återkommande fel. / No recurring failures.</td></tr>'}</tbody></table></section>
<section><h2>Frågor och avlastning per dag / Questions and deflection per day</h2>
<div class="chart-box"><canvas id="deflection-chart" role="img" aria-label="Frågor och avlastning per dag / Questions and deflection per day"></canvas></div></section>
<section><h2>Öppna säkerhetsärenden / Open safety items <span class="meta">(${d.openSafety.length})</span></h2>
<ol class="safety-list" id="open-safety">${safety || '<li>Inga öppna. / None open.</li>'}</ol></section>`;
  // The chat's page frame, with the chart library and this page's script and style added.
  return page('Veckotal / Weekly tally', body)
    .replace('<link rel="stylesheet" href="/app.css">', '<link rel="stylesheet" href="/app.css"><link rel="stylesheet" href="/dashboard.css">')
    .replace('<body class="article-page">', `<body class="article-page dashboard" data-days="${options.days}">`)
    .replace('</body>', `<script src="${e(options.chartPath)}"></script><script src="/dashboard.js"></script></body>`);
}

/** GET /dashboard and /api/dashboard?days=28 for managers and admins; the chart library and the page's script and style. */
export function registerDashboardRoutes(app: Hono<Env>, lotsen: Lotsen, h: { allowed: (c: Context<Env>, action: Action) => boolean; forbidden: (c: Context<Env>) => Response }): void {
  const chart = chartJs();
  const script = publicFile('dashboard.js');
  const style = publicFile('dashboard.css');
  const YEAR = 'public, max-age=31536000, immutable';
  app.get(chart.path, (c) => c.body(chart.read(), 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': YEAR }));
  app.get('/dashboard.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/dashboard.css', (c) => c.body(style, 200, { 'content-type': 'text/css; charset=utf-8' }));

  const data = async (c: Context<Env>, days: number) => {
    const d = await buildDashboard({ days, tz: lotsen.config.report.tz }, reportSources(lotsen));
    const who = c.get('who');
    // Like the safety queue: who saw which safety items (ids only are shown here) is on record.
    await lotsen.store.appendAudit({ actor: `web:${who.userId}`, role: who.role, action: 'dashboard.read', subject: 'dashboard', detail: { safetyItems: d.openSafety.map((s) => s.id) } }, new Date());
    return d;
  };
  app.get('/dashboard', async (c) => {
    if (!h.allowed(c, 'read-dashboard')) return c.html(page('Lotsen', '<p>Sidan är för chefer. / This page is for managers.</p>'), 403);
    const days = dashboardDays(c.req.query('days'));
    return c.html(dashboardPage(await data(c, days), { who: c.get('who'), days, chartPath: chart.path }));
  });
  app.get('/api/dashboard', async (c) => {
    if (!h.allowed(c, 'read-dashboard')) return h.forbidden(c);
    return c.json(await data(c, dashboardDays(c.req.query('days'))));
  });
}
