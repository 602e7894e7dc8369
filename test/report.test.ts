import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLotsen, type Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { SqliteStatsStore } from '../src/adapters/store/sqlite-stats.ts';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { loadConfig } from '../src/config.ts';
import {
  formatWeek,
  lastCompleteWeek,
  nextRun,
  parseSchedule,
  parseWeek,
  previousRun,
  weekBoundaries,
  weekOfInstant,
  weeksInYear,
} from '../src/core/report/calendar.ts';
import { groupGaps } from '../src/core/report/gaps.ts';
import { reportSources } from '../src/core/report/publish.ts';
import { renderCsv, renderHtml, renderMarkdown } from '../src/core/report/render.ts';
import { buildWeeklyReport, type WeeklyReport } from '../src/core/report/report.ts';
import { silentLogger } from '../src/core/ports.ts';
import { summarize } from '../src/core/stats/counters.ts';
import type { FailureGroupSummary, MessageRecord } from '../src/core/stats/stats.ts';
import { root, sampleKb, tempDir } from './helpers.ts';

const TZ = 'Europe/Stockholm';
const run = promisify(execFile);

describe('calendar: ISO weeks and the weekly schedule in Stockholm time', () => {
  it('reads ISO weeks and refuses what is not one, saying why', () => {
    expect(parseWeek('2026-W47')).toEqual({ year: 2026, week: 47 });
    expect(parseWeek('2026w05')).toEqual({ year: 2026, week: 5 });
    expect(weeksInYear(2026)).toBe(53);
    expect(weeksInYear(2025)).toBe(52);
    expect(parseWeek('2026-W53')).toEqual({ year: 2026, week: 53 });
    expect(() => parseWeek('2025-W53')).toThrow('weeks run from W01 to W52');
    expect(() => parseWeek('2026-47')).toThrow('write it like 2026-W47');
    expect(() => parseWeek('W47')).toThrow('write it like 2026-W47');
    expect(() => parseWeek('2026-W00')).toThrow('is not a week of 2026');
  });

  it('finds the week of an instant and the last complete week on the local calendar', () => {
    // Monday 00:30 in Stockholm is still Sunday in UTC.
    expect(formatWeek(weekOfInstant(Date.parse('2026-11-22T23:30:00Z'), TZ))).toBe('2026-W48');
    expect(formatWeek(weekOfInstant(Date.parse('2026-11-22T22:30:00Z'), TZ))).toBe('2026-W47');
    expect(formatWeek(lastCompleteWeek(new Date('2026-11-23T06:00:00Z'), TZ))).toBe('2026-W47');
    expect(formatWeek(lastCompleteWeek(new Date('2026-11-22T22:59:00Z'), TZ))).toBe('2026-W46');
    // Week 1 of 2027 starts on Monday 4 January; 1–3 January belong to 2026-W53.
    expect(formatWeek(weekOfInstant(Date.parse('2027-01-03T12:00:00Z'), TZ))).toBe('2026-W53');
    expect(weekBoundaries(parseWeek('2027-W01'), TZ)[0]!.toISOString()).toBe('2027-01-03T23:00:00.000Z');
  });

  it('runs at 07:00 local time on the Monday after clocks go back in late October', () => {
    const mon0700 = parseSchedule('Mon 07:00')!;
    // Before the change (CEST, UTC+2): the Monday before is at 05:00 UTC.
    expect(nextRun(mon0700, TZ, new Date('2026-10-19T04:59:00Z')).toISOString()).toBe('2026-10-19T05:00:00.000Z');
    // Clocks go back on Sunday 25 October: the next Monday 07:00 is CET, 06:00 UTC, not 05:00.
    expect(nextRun(mon0700, TZ, new Date('2026-10-19T05:00:00Z')).toISOString()).toBe('2026-10-26T06:00:00.000Z');
    expect(nextRun(mon0700, TZ, new Date('2026-10-24T10:00:00Z')).toISOString()).toBe('2026-10-26T06:00:00.000Z');
    expect(nextRun(mon0700, TZ, new Date('2026-10-25T01:30:00Z')).toISOString()).toBe('2026-10-26T06:00:00.000Z');
    expect(previousRun(mon0700, TZ, new Date('2026-10-26T05:59:00Z')).toISOString()).toBe('2026-10-19T05:00:00.000Z');
  });

  it('runs at 07:00 local time on the Monday after clocks go forward in late March', () => {
    const mon0700 = parseSchedule('måndag 07:00')!;
    expect(mon0700).toEqual({ weekday: 1, hour: 7, minute: 0 });
    expect(nextRun(mon0700, TZ, new Date('2026-03-22T12:00:00Z')).toISOString()).toBe('2026-03-23T06:00:00.000Z');
    // Clocks go forward on Sunday 29 March: Monday 07:00 is CEST, 05:00 UTC.
    expect(nextRun(mon0700, TZ, new Date('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-30T05:00:00.000Z');
    expect(nextRun(mon0700, TZ, new Date('2026-03-29T01:30:00Z')).toISOString()).toBe('2026-03-30T05:00:00.000Z');
    expect(parseSchedule('Mon 7')).toBeUndefined();
    expect(parseSchedule('Funday 07:00')).toBeUndefined();
    expect(parseSchedule('Fri 24:00')).toBeUndefined();
  });
});

describe('knowledge-base gaps', () => {
  it('groups questions by the content words they share and names the group by them', () => {
    const { groups, ungrouped } = groupGaps([
      'hur bokar jag tolk i tidboken?',
      'Tolk bokning i tidboken, hur?',
      'hur beställer jag tolk till tidboken',
      'var hittar jag min lönespec?',
      'hur ändrar jag min signatur för [NAME]?',
      'kan jag ändra signaturen i Message Center',
    ]);
    expect(groups.map((g) => [g.words.join(' '), g.count])).toEqual([
      ['tidboken tolk', 3],
      // "ändra" folds to "andra" ("other"), a stop word: only the signature is shared.
      ['signatur', 2],
    ]);
    expect(groups[0]!.examples).toHaveLength(3);
    expect(ungrouped).toBe(1);
  });
});

// -------------------------------------------------------------------------------------------------

const at = (iso: string) => new Date(iso);
const rec = (iso: string, over: Partial<MessageRecord> = {}): MessageRecord => ({ at: at(iso), platform: 'web', site: 'SÄS Borås avd 12', intent: 'question', severity: 'S4', outcome: 'answered', module: 'PowerChart', ...over });

/** Week 47 of 2026 (16–22 November) and the week before, as the stats store counts them. */
function seed(): MessageRecord[] {
  const r: MessageRecord[] = [];
  for (let i = 0; i < 10; i++) r.push(rec(`2026-11-${16 + (i % 5)}T0${8 + (i % 2)}:00:00Z`));
  // Two askers said "didn't help" afterwards.
  r.push(rec('2026-11-16T08:05:00Z', { outcome: 'escalated', followUp: true }), rec('2026-11-17T09:05:00Z', { outcome: 'escalated', followUp: true }));
  r.push(rec('2026-11-18T10:00:00Z', { outcome: 'escalated', module: undefined, gap: 'hur bokar jag tolk i tidboken?' }));
  r.push(rec('2026-11-18T11:00:00Z', { outcome: 'escalated', module: undefined, gap: 'Tolk bokning i tidboken fungerar inte' }));
  r.push(rec('2026-11-19T12:00:00Z', { outcome: 'escalated', module: undefined, gap: 'hur beställer jag tolk till tidboken' }));
  r.push(rec('2026-11-20T12:00:00Z', { outcome: 'escalated', module: undefined, gap: 'var hittar jag min lönespec?' }));
  const failure = (iso: string, groupId: string, outcome: MessageRecord['outcome'], site = 'NÄL akuten') => rec(iso, { intent: 'failure', severity: 'S2', outcome, groupId, module: groupId === 'g-print' ? 'Etiketter' : 'Inloggning', site });
  r.push(failure('2026-11-17T07:00:00Z', 'g-print', 'escalated'), failure('2026-11-18T07:00:00Z', 'g-print', 'escalated'), failure('2026-11-19T07:00:00Z', 'g-print', 'known-issue'));
  r.push(failure('2026-11-20T07:00:00Z', 'g-login', 'escalated'));
  r.push(rec('2026-11-21T07:00:00Z', { intent: 'safety', severity: 'S1', outcome: 'safety', module: undefined }));
  r.push(rec('2026-11-21T07:30:00Z', { outcome: 'limited' }));
  // Sunday 22 November 23:30 in Stockholm is 22:30 UTC: still week 47. Monday 00:30 is week 48 and not counted.
  r.push(rec('2026-11-22T22:30:00Z'));
  r.push(rec('2026-11-22T23:30:00Z'));
  // Week 46.
  for (let i = 0; i < 5; i++) r.push(rec(`2026-11-1${i}T09:00:00Z`));
  r.push(failure('2026-11-10T07:00:00Z', 'g-print', 'escalated'));
  for (let i = 0; i < 3; i++) r.push(failure(`2026-11-11T0${7 + i}:00:00Z`, 'g-login', 'escalated', 'SÄS Borås avd 12'));
  return r;
}

describe('the weekly report', () => {
  let store: SqliteStore;
  let report: WeeklyReport;
  const groupsAsked: string[][] = [];

  beforeAll(async () => {
    store = new SqliteStore(join(await tempDir('lotsen-report-'), 'lotsen.db'));
    const stats = new SqliteStatsStore(store.database);
    await stats.recordMessages(seed());
    for (const [id, created] of [['e1', '2026-11-18T10:00:00Z'], ['e2', '2026-11-18T11:00:00Z'], ['e3', '2026-11-19T12:00:00Z']] as const) {
      await stats.recordEscalationTiming({ id, at: at(created), event: 'created', seconds: 0 });
    }
    await stats.recordEscalationTiming({ id: 'e1', at: at('2026-11-18T10:02:00Z'), event: 'claim', seconds: 120 });
    await stats.recordEscalationTiming({ id: 'e2', at: at('2026-11-18T11:10:00Z'), event: 'claim', seconds: 600 });
    await stats.recordEscalationTiming({ id: 'e1', at: at('2026-11-18T10:15:00Z'), event: 'answer', seconds: 900 });
    const s1 = await store.createEscalation(
      { kind: 'safety', severity: 'S1', text: 'Labbsvaret hamnade på fel patient', lang: 'sv', asker: { platform: 'web', userId: 'u1', site: 'NÄL akuten' }, conversation: { platform: 'web', channel: 'u1' }, safetyKind: 'wrong-patient', reportBy: '2026-11-24T07:00:00.000Z' },
      at('2026-11-21T07:00:00Z'),
    );
    expect(s1.created).toBe(true);
    const summaries = async (ids: string[]): Promise<FailureGroupSummary[]> => {
      groupsAsked.push(ids);
      // The tally knows the printer failure; it has nothing on g-login, which is then shown by its id.
      return ids.includes('g-print')
        ? [{ id: 'g-print', label: 'Etikettskrivaren skriver inte <b>', module: 'Etiketter', status: 'known', ticket: true, count: 4, users: 4, sites: ['NÄL akuten'], firstSeen: '2026-11-10', lastSeen: '2026-11-19' }]
        : [];
    };
    report = await buildWeeklyReport({ week: '2026-W47', tz: TZ, lang: 'sv', now: at('2026-11-23T06:00:00Z') }, reportSources({ stats, store, failures: { summaries } }));
  });
  afterAll(() => store?.close());

  it('counts the week’s questions, answers, escalations and deflection in Stockholm time', () => {
    const t = report.totals;
    expect(report.week).toBe('2026-W47');
    expect(report.previousWeek).toBe('2026-W46');
    expect([report.firstDay, report.lastDay]).toEqual(['2026-11-16', '2026-11-22']);
    // 11 answered questions (one late on Sunday), 4 escalated questions, 3 printer failures (1 known issue), 1 login failure.
    expect(t.asked).toBe(19);
    expect(t.answeredByBot).toBe(12);
    expect(t.knownIssue).toBe(1);
    expect(t.escalated).toBe(7);
    expect(t.escalatedAfterAnswer).toBe(2);
    expect(t.deflected).toBe(10);
    expect(t.deflectionRate).toBeCloseTo(10 / 19);
    expect(t.failureReports).toBe(4);
    expect(t.safety).toBe(1);
    expect(t.limited).toBe(1);
    expect(t.messages).toBe(21);
    expect(t.medianClaimSeconds).toBe(360);
    expect(t.medianAnswerSeconds).toBe(900);
    expect(t.escalationsCreated).toBe(3);
    expect(t.unanswered).toBe(2);
    expect(report.previous.asked).toBe(9);
    expect(report.days.map((d) => d.asked)).toEqual([2, 3, 5, 4, 4, 0, 1]);
  });

  it('lists the recurring failures with labels from the tally, the id when it has none, and the trend', () => {
    expect(groupsAsked.at(-1)?.sort()).toEqual(['g-login', 'g-print']);
    expect(report.failures).toEqual([
      { id: 'g-print', label: 'Etikettskrivaren skriver inte <b>', module: 'Etiketter', status: 'known', ticket: true, count: 3, previous: 1, trend: 'up' },
      { id: 'g-login', label: 'g-login', count: 1, previous: 3, trend: 'down' },
    ]);
  });

  it('breaks the week down by site, module and severity, and lists open S1 items without their text', () => {
    expect(report.bySite.map((r) => [r.key, r.question, r.failure, r.safety, r.previousTotal])).toEqual([
      ['SÄS Borås avd 12', 16, 0, 1, 8],
      ['NÄL akuten', 0, 4, 0, 1],
    ]);
    expect(report.byModule.find((r) => r.key === 'Etiketter')).toMatchObject({ failure: 3, total: 3 });
    expect(report.bySeverity.map((r) => [r.key, r.total])).toEqual([['S1', 1], ['S2', 4], ['S3', 0], ['S4', 16]]);
    expect(report.openSafety).toHaveLength(1);
    expect(report.openSafety[0]).toMatchObject({ kind: 'wrong-patient', site: 'NÄL akuten', status: 'open', ageHours: 47, overdue: false });
    expect(JSON.stringify(report)).not.toContain('fel patient');
  });

  it('groups the knowledge-base gaps of the week', () => {
    expect(report.gaps.map((g) => [g.words.join(' '), g.count])).toEqual([['tidboken tolk', 3]]);
    expect(report.gapsUngrouped).toBe(1);
  });

  it('renders Markdown in Swedish and English with the figures a manager reads', () => {
    const sv = renderMarkdown(report);
    expect(sv).toContain('# Lotsen veckorapport, vecka 47 2026');
    expect(sv).toMatch(/- Frågor: \*\*19\*\* \(förra veckan 9\)/);
    expect(sv).toMatch(/- Avlastning: \*\*53\s%\*\*/u);
    expect(sv).toContain('- Tid tills någon tog frågan (median): **6 min**');
    expect(sv).toContain('- Obesvarade eskalerade frågor: **2**');
    expect(sv).toContain('1. Etikettskrivaren skriver inte <b> (Etiketter, känt problem, ärende): **3** (förra veckan 1, +2, ökar)');
    expect(sv).toContain('2. g-login: **1** (förra veckan 3, −2, minskar)');
    expect(sv).toContain('wrong-patient · NÄL akuten · öppet · 47 h gammalt');
    expect(sv).toContain('- **tidboken tolk**: 3 frågor, till exempel "hur bokar jag tolk i tidboken?"');
    expect(sv).toContain('Avlastning = frågor som Lotsen besvarade');
    const en = renderMarkdown({ ...report, lang: 'en' });
    expect(en).toContain('# Lotsen weekly report, week 47 2026');
    expect(en).toContain('- Deflection: **53%** (last week 56%)');
    expect(en).toContain('## Knowledge-base gaps');
    expect(en).toContain('Deflection = questions Lotsen answered');
  });

  it('renders HTML with labels escaped, and CSV with one row per figure', () => {
    const html = renderHtml(report);
    expect(html).toContain('<html lang="sv">');
    expect(html).toContain('Etikettskrivaren skriver inte &lt;b&gt;');
    expect(html).not.toContain('inte <b>');
    const csv = renderCsv({ ...report, lang: 'en' }).trim().split('\r\n');
    expect(csv[0]).toBe('section,key,label,2026-W47,2026-W46');
    expect(csv).toContain('summary,asked,Questions,19,9');
    expect(csv).toContain('summary,deflectionRate,Deflection,0.5263,0.5556');
    expect(csv).toContain('failure,g-print,Etikettskrivaren skriver inte <b>,3,1');
    expect(csv).toContain('severity,S2,S2,4,4');
  });

  it('writes the Swedish CSV as Swedish Excel opens it, and a label cannot run as a formula', () => {
    const labelled = (label: string) => ({ ...report.failures[0]!, label });
    const failures = [labelled('Skrivare; Akuten'), labelled('=HYPERLINK("http://x")'), labelled('-inget svar')];
    const sv = renderCsv({ ...report, lang: 'sv', failures });
    // A byte-order mark, or Excel reads "Frågor" as "FrÃ¥gor"; semicolons and decimal commas, as Swedish settings expect.
    expect(sv.startsWith('\uFEFFsection;key;label;2026-W47;2026-W46\r\n')).toBe(true);
    const rows = sv.slice(1).trim().split('\r\n');
    expect(rows).toContain('summary;asked;Frågor;19;9');
    expect(rows).toContain('summary;deflectionRate;Avlastning;0,5263;0,5556');
    expect(rows).toContain('failure;g-print;"Skrivare; Akuten";3;1');
    expect(rows).toContain(`failure;g-print;"'=HYPERLINK(""http://x"")";3;1`);
    expect(rows).toContain("failure;g-print;'-inget svar;3;1");
    expect(renderCsv({ ...report, lang: 'en', failures }).split('\r\n')).toContain(`failure,g-print,"'=HYPERLINK(""http://x"")",3,1`);
  });
});

// -------------------------------------------------------------------------------------------------

describe('wiring: replies and escalations feed the statistics', () => {
  let lotsen: Lotsen;
  afterEach(async () => lotsen?.close());

  it('counts web chat questions by site and outcome, keeps an unanswerable one as a gap, and times its claim and answer', async () => {
    lotsen = await createLotsen(loadConfig({ LOTSEN_KB_DIR: sampleKb, LOTSEN_DATA_DIR: await tempDir('lotsen-data-') }), silentLogger);
    const app = createWebApp(lotsen);
    const signIn = async (name: string, role: string, site: string) => {
      const res = await app.request('/signin', { method: 'POST', body: new URLSearchParams({ name, role, site }) });
      expect(res.status).toBe(303);
      return res.headers.get('set-cookie')!.split(';')[0]!;
    };
    const nurse = await signIn('Nina', 'staff', 'SÄS Borås avd 12');
    const ask = async (question: string) => {
      const res = await app.request('/api/ask', { method: 'POST', headers: { cookie: nurse, 'content-type': 'application/json' }, body: JSON.stringify({ question }) });
      expect(res.status).toBe(200);
      return (await res.json()) as { outcome: string; escalationId?: string };
    };
    expect((await ask('hur skriver jag ut ett nytt id-band?')).outcome).toBe('answered');
    const escalated = await ask('var hittar jag min lönespec? mejla nina.nilsson@example.se');
    expect(escalated.outcome).toBe('escalated');
    const superuser = await signIn('Sara', 'superuser', 'SÄS');
    for (const [action, body] of [['claim', {}], ['answer', { text: 'I Heroma, under Lön.' }]] as const) {
      const res = await app.request(`/api/escalations/${escalated.escalationId}/${action}`, { method: 'POST', headers: { cookie: superuser, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
    }
    // Counting is not awaited by the reply; give it a moment.
    await new Promise((r) => setTimeout(r, 50));
    const now = Date.now();
    const reading = await lotsen.stats.read([new Date(Math.floor(now / 3600_000 - 2) * 3600_000), new Date(Math.ceil(now / 3600_000 + 1) * 3600_000)], { gaps: true, timings: true });
    const s = summarize(reading.spans[0]!);
    expect(s.asked).toBe(2);
    expect(s.answered).toBe(1);
    expect(s.escalated).toBe(1);
    // The nurse's unit from her sign-in; the module of the cited article; the pay-slip question is about no module.
    expect(s.bySite).toEqual({ 'SÄS Borås avd 12': { question: 1, failure: 0, safety: 0, other: 1 } });
    expect(s.byModule['PM Conversation']?.question).toBe(1);
    expect(s.byModule['']?.other).toBe(1);
    // The gap is kept as redacted: the e-mail address never reaches the statistics.
    expect(reading.gaps).toHaveLength(1);
    expect(reading.gaps[0]).toContain('var hittar jag min lönespec?');
    expect(reading.gaps[0]).toContain('[EMAIL]');
    expect(reading.gaps[0]).not.toContain('nina.nilsson');
    expect(s.escalationsCreated).toBe(1);
    expect(s.answeredOfCreated).toBe(1);
    expect(reading.timings.map((t) => t.event)).toEqual(['claim', 'answer']);
  });
});

// -------------------------------------------------------------------------------------------------

async function cli(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'bin/lotsen.js'), ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: '', LOTSEN_KB_DIR: sampleKb, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lotsen report (CLI)', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir('lotsen-data-');
    const store = new SqliteStore(join(dataDir, 'lotsen.db'));
    await new SqliteStatsStore(store.database).recordMessages(seed());
    await store.close();
  });

  it('prints the week from the configured store as Markdown, CSV or JSON', async () => {
    const md = await cli(['report', '--week', '2026-W47'], { LOTSEN_DATA_DIR: dataDir });
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('# Lotsen veckorapport, vecka 47 2026');
    expect(md.stdout).toContain('- Frågor: **19** (förra veckan 9)');
    const csv = await cli(['report', '--week', '2026-W47', '--format', 'csv', '--lang', 'en'], { LOTSEN_DATA_DIR: dataDir });
    expect(csv.stdout.split('\r\n')).toContain('summary,asked,Questions,19,9');
    const json = await cli(['report', '--week', '2026-W46', '--json'], { LOTSEN_DATA_DIR: dataDir });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as WeeklyReport;
    expect(parsed.week).toBe('2026-W46');
    expect(parsed.totals.asked).toBe(9);
    expect(json.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('refuses a bad week with a clear message and exit code 2', async () => {
    for (const week of ['2026-47', '2025-W53', 'last']) {
      const r = await cli(['report', '--week', week], { LOTSEN_DATA_DIR: dataDir });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^lotsen: --week: "[^"]+" is not (an ISO week; write it like 2026-W47|a week of 2025: weeks run from W01 to W52)\n$/);
    }
    const format = await cli(['report', '--format', 'pdf'], { LOTSEN_DATA_DIR: dataDir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format must be md, html or csv');
  });
});

// -------------------------------------------------------------------------------------------------

describe('the scheduled weekly post', () => {
  let hook: Server;
  const received: { body: Record<string, unknown>; key: string | undefined }[] = [];
  const instances: Lotsen[] = [];

  beforeAll(async () => {
    hook = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push({ body: JSON.parse(body) as Record<string, unknown>, key: req.headers['idempotency-key'] as string | undefined });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    for (const l of instances) await l.close();
    await new Promise<void>((r) => hook.close(() => r()));
  });

  it('posts last week’s report once across two instances, on the Monday after the change to winter time, to the managers’ webhook', async () => {
    const dataDir = await tempDir('lotsen-data-');
    const env = { LOTSEN_KB_DIR: sampleKb, LOTSEN_DATA_DIR: dataDir, LOTSEN_MANAGERS_WEBHOOK_URL: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/managers` };
    const a = await createLotsen(loadConfig(env), silentLogger);
    const b = await createLotsen(loadConfig(env), silentLogger);
    instances.push(a, b);
    // Week 43 of 2026 ends on Sunday 25 October, the 25-hour day.
    await a.stats.recordMessages([rec('2026-10-25T22:30:00Z'), rec('2026-10-21T09:00:00Z', { outcome: 'escalated', gap: 'hur bokar jag tolk?' })]);
    const monday0700 = new Date('2026-10-26T06:00:00Z');
    expect(a.weeklyReport.dueWeek(new Date('2026-10-26T05:59:00Z'))).toBeUndefined();
    expect(a.weeklyReport.dueWeek(monday0700)).toBe('2026-W43');

    const results = await Promise.all([a.weeklyReport.runDue(monday0700), b.weeklyReport.runDue(monday0700)]);
    // One posts; the other finds it taken (still being posted, or done).
    expect(results.filter((r) => r === 'posted')).toHaveLength(1);
    expect(results.find((r) => r !== 'posted')).toMatch(/^(busy|duplicate)$/);
    expect(await b.weeklyReport.runDue(new Date('2026-10-26T08:00:00Z'))).toBe('duplicate');
    expect(await a.weeklyReport.runDue(new Date('2026-10-27T07:00:00Z'))).toBe('not-due');

    await a.runWorkersOnce();
    await expect.poll(() => received.length).toBe(1);
    const post = received[0]!.body as { text: string; lotsen: { event: string; week: string; report: WeeklyReport } };
    expect(post.lotsen.event).toBe('weekly-report');
    expect(post.lotsen.week).toBe('2026-W43');
    expect(post.text).toContain('# Lotsen veckorapport, vecka 43 2026');
    expect(post.text).toContain('- Frågor: **2**');
    expect(post.lotsen.report.totals.asked).toBe(2);
    expect(post).not.toHaveProperty('destination');
    await b.runWorkersOnce();
    expect(received).toHaveLength(1);
  });
});

describe('report settings', () => {
  it('defaults to Monday 07:00 in Stockholm, in Swedish, and names the variable of a bad value', () => {
    const base = { LOTSEN_KB_DIR: sampleKb };
    expect(loadConfig(base).report).toEqual({ schedule: { weekday: 1, hour: 7, minute: 0 }, tz: 'Europe/Stockholm', lang: 'sv', managersWebhookUrl: undefined });
    expect(loadConfig({ ...base, LOTSEN_REPORT_SCHEDULE: 'fre 15:30', LOTSEN_REPORT_LANG: 'en' }).report).toMatchObject({ schedule: { weekday: 5, hour: 15, minute: 30 }, lang: 'en' });
    expect(() => loadConfig({ ...base, LOTSEN_REPORT_SCHEDULE: 'Monday morning' })).toThrow('LOTSEN_REPORT_SCHEDULE must be a weekday and a 24-hour time');
    expect(() => loadConfig({ ...base, LOTSEN_REPORT_TZ: 'Europe/Stokholm' })).toThrow('LOTSEN_REPORT_TZ must be an IANA time zone');
    // Counters are per hour: a zone half an hour off UTC cannot have its days cut exactly.
    expect(() => loadConfig({ ...base, LOTSEN_REPORT_TZ: 'Asia/Kolkata' })).toThrow('LOTSEN_REPORT_TZ must be a whole number of hours from UTC');
    expect(() => loadConfig({ ...base, LOTSEN_REPORT_LANG: 'de' })).toThrow('LOTSEN_REPORT_LANG must be sv or en');
    expect(() => loadConfig({ ...base, LOTSEN_MANAGERS_WEBHOOK_URL: 'ftp://x' })).toThrow('LOTSEN_MANAGERS_WEBHOOK_URL must be an http(s) URL');
  });
});
