import type { Lang } from '../kb/article.ts';
import { RFC4180, SWEDISH_EXCEL, toCsv } from '../text/csv.ts';
import type { BreakdownRow, FailureRow, SafetyRow, WeeklyReport, WeekNumbers } from './report.ts';

export type ReportFormat = 'md' | 'html' | 'csv';
export const FORMATS: readonly ReportFormat[] = ['md', 'html', 'csv'];

const T = {
  sv: {
    title: (week: number, year: number) => `Lotsen veckorapport, vecka ${week} ${year}`,
    asked: 'Frågor',
    answeredByBot: 'Besvarade av Lotsen',
    knownIssue: 'varav kända problem',
    escalated: 'Eskalerade till superanvändare',
    afterAnswer: 'efter Lotsens svar',
    deflection: 'Avlastning',
    lastWeek: 'förra veckan',
    claim: 'Tid tills någon tog frågan (median)',
    answer: 'Tid till svar (median)',
    unanswered: 'Obesvarade eskalerade frågor',
    failureReports: 'Felrapporter',
    safety: 'Säkerhetsrapporter (S1)',
    limited: 'Stoppade av hastighetsgräns',
    messages: 'Meddelanden totalt',
    failures: 'Återkommande fel',
    noFailures: 'Inga återkommande fel den här veckan.',
    status: { open: 'öppet', known: 'känt problem', fixed: 'åtgärdat' } as Record<string, string>,
    ticket: 'ärende',
    trend: { new: 'nytt', up: 'ökar', down: 'minskar', same: 'oförändrat', gone: 'inga denna vecka' } as Record<FailureRow['trend'], string>,
    count: 'Antal',
    previous: 'Förra veckan',
    openSafety: 'Öppna S1-ärenden',
    noSafety: 'Inga öppna S1-ärenden.',
    safetyStatus: { open: 'öppet', claimed: 'taget', answered: 'besvarat', closed: 'stängt' } as Record<string, string>,
    overdue: 'IMY-fristen passerad',
    reportBy: 'anmäl till IMY senast',
    age: (h: number) => (h < 48 ? `${h} h gammalt` : `${Math.floor(h / 24)} dygn gammalt`),
    bySite: 'Per enhet',
    byModule: 'Per modul',
    bySeverity: 'Per allvarlighetsgrad',
    key: { site: 'Enhet', module: 'Modul', severity: 'Grad' },
    unknown: 'okänd',
    others: 'övriga',
    questions: 'frågor',
    failuresCol: 'fel',
    safetyCol: 'säkerhet',
    otherCol: 'övrigt',
    total: 'totalt',
    gaps: 'Luckor i kunskapsbanken',
    noGaps: 'Inga frågor utan bra artikel den här veckan.',
    gapCount: (n: number) => `${n} ${n === 1 ? 'fråga' : 'frågor'}`,
    example: 'till exempel',
    ungrouped: (n: number) => `${n} ${n === 1 ? 'fråga' : 'frågor'} till utan gemensamma ord.`,
    days: 'Per dag',
    day: 'Dag',
    definition:
      'Avlastning = frågor som Lotsen besvarade (ur kunskapsbanken eller med ett känt problems lösning) och som inte eskalerades efteråt, delat med alla frågor. Säkerhetsrapporter och meddelanden som stoppades av hastighetsgränsen räknas inte som frågor.',
    generated: 'Skapad',
    none: '–',
  },
  en: {
    title: (week: number, year: number) => `Lotsen weekly report, week ${week} ${year}`,
    asked: 'Questions',
    answeredByBot: 'Answered by Lotsen',
    knownIssue: 'of which known issues',
    escalated: 'Escalated to super-users',
    afterAnswer: "after Lotsen's answer",
    deflection: 'Deflection',
    lastWeek: 'last week',
    claim: 'Time until claimed (median)',
    answer: 'Time to answer (median)',
    unanswered: 'Escalated questions unanswered',
    failureReports: 'Failure reports',
    safety: 'Safety reports (S1)',
    limited: 'Refused by the rate limit',
    messages: 'Messages in all',
    failures: 'Recurring failures',
    noFailures: 'No recurring failures this week.',
    status: { open: 'open', known: 'known issue', fixed: 'fixed' } as Record<string, string>,
    ticket: 'ticket',
    trend: { new: 'new', up: 'rising', down: 'falling', same: 'unchanged', gone: 'none this week' } as Record<FailureRow['trend'], string>,
    count: 'Count',
    previous: 'Last week',
    openSafety: 'Open S1 items',
    noSafety: 'No open S1 items.',
    safetyStatus: { open: 'open', claimed: 'claimed', answered: 'answered', closed: 'closed' } as Record<string, string>,
    overdue: 'IMY deadline passed',
    reportBy: 'report to IMY by',
    age: (h: number) => (h < 48 ? `${h} h old` : `${Math.floor(h / 24)} days old`),
    bySite: 'By site',
    byModule: 'By module',
    bySeverity: 'By severity',
    key: { site: 'Site', module: 'Module', severity: 'Severity' },
    unknown: 'unknown',
    others: 'others',
    questions: 'questions',
    failuresCol: 'failures',
    safetyCol: 'safety',
    otherCol: 'other',
    total: 'total',
    gaps: 'Knowledge-base gaps',
    noGaps: 'No questions without a good article this week.',
    gapCount: (n: number) => `${n} ${n === 1 ? 'question' : 'questions'}`,
    example: 'for example',
    ungrouped: (n: number) => `${n} more ${n === 1 ? 'question' : 'questions'} sharing no words with others.`,
    days: 'By day',
    day: 'Day',
    definition:
      'Deflection = questions Lotsen answered (from the knowledge base or with a known issue’s workaround) and that were not escalated afterwards, divided by all questions. Safety reports and messages refused by the rate limit do not count as questions.',
    generated: 'Generated',
    none: '–',
  },
} as const;

type Texts = (typeof T)['sv'] | (typeof T)['en'];
export const reportTexts = (lang: Lang): Texts => T[lang] ?? T.sv;

const locale = (lang: Lang) => (lang === 'en' ? 'en-GB' : 'sv-SE');
const num = (lang: Lang, n: number) => new Intl.NumberFormat(locale(lang)).format(n);
export const percent = (lang: Lang, r: number | null) => (r === null ? '–' : new Intl.NumberFormat(locale(lang), { style: 'percent', maximumFractionDigits: 0 }).format(r));

/** "45 s", "4 min", "1 h 5 min", "2 d 3 h". */
export function duration(seconds: number | null): string {
  if (seconds === null) return '–';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** "16–22 nov. 2026" / "16–22 Nov 2026" from local dates. */
function dateSpan(lang: Lang, first: string, last: string): string {
  const f = new Intl.DateTimeFormat(locale(lang), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return f.formatRange(new Date(`${first}T12:00:00Z`), new Date(`${last}T12:00:00Z`));
}

const weekParts = (week: string) => {
  const [year, w] = week.split('-W');
  return { year: Number(year), week: Number(w) };
};

/** Text from people (site names, labels, redacted questions) on one line, without Markdown that would change the post. */
const mdSafe = (s: string) => s.replace(/\s+/g, ' ').replace(/[*`~]/g, '').replace(/\]\(/g, '] (').trim();
const keyLabel = (t: Texts, key: string) => (key === '' ? t.unknown : key === '…' ? t.others : key);

function change(lang: Lang, now: number, before: number): string {
  const d = now - before;
  return d === 0 ? '±0' : `${d > 0 ? '+' : '−'}${num(lang, Math.abs(d))}`;
}

function failureLine(t: Texts, lang: Lang, f: FailureRow): string {
  const tags = [f.module, f.status && t.status[f.status], f.ticket ? t.ticket : undefined].filter(Boolean).map((x) => mdSafe(String(x)));
  return `${mdSafe(f.label)}${tags.length ? ` (${tags.join(', ')})` : ''}: **${num(lang, f.count)}** (${t.lastWeek} ${num(lang, f.previous)}, ${change(lang, f.count, f.previous)}, ${t.trend[f.trend]})`;
}

function safetyLine(t: Texts, lang: Lang, s: SafetyRow): string {
  const parts = [s.id, s.kind, s.site ? mdSafe(s.site) : t.unknown, t.safetyStatus[s.status] ?? s.status, t.age(s.ageHours)];
  if (s.reportBy) parts.push(s.overdue ? `**${t.overdue}**` : `${t.reportBy} ${s.reportBy.slice(0, 16).replace('T', ' ')} UTC`);
  return parts.filter(Boolean).join(' · ');
}

function breakdownLine(t: Texts, lang: Lang, r: BreakdownRow): string {
  const parts = [`${num(lang, r.question)} ${t.questions}`, `${num(lang, r.failure)} ${t.failuresCol}`];
  if (r.safety) parts.push(`${num(lang, r.safety)} ${t.safetyCol}`);
  return `${mdSafe(keyLabel(t, r.key))}: ${parts.join(', ')} (${t.lastWeek} ${num(lang, r.previousTotal)} ${t.total})`;
}

/** The week's headline figures, in the order shown: label, this week, a note on it, last week. */
function headline(t: Texts, lang: Lang, c: WeekNumbers, p: WeekNumbers): [string, string, string, string][] {
  return [
    [t.asked, num(lang, c.asked), '', num(lang, p.asked)],
    [t.answeredByBot, num(lang, c.answeredByBot), c.knownIssue ? `${t.knownIssue} ${num(lang, c.knownIssue)}` : '', num(lang, p.answeredByBot)],
    [t.escalated, num(lang, c.escalated + c.escalatedAfterAnswer), c.escalatedAfterAnswer ? `${num(lang, c.escalatedAfterAnswer)} ${t.afterAnswer}` : '', num(lang, p.escalated + p.escalatedAfterAnswer)],
    [t.deflection, percent(lang, c.deflectionRate), '', percent(lang, p.deflectionRate)],
    [t.claim, duration(c.medianClaimSeconds), '', duration(p.medianClaimSeconds)],
    [t.answer, duration(c.medianAnswerSeconds), '', duration(p.medianAnswerSeconds)],
    [t.unanswered, num(lang, c.unanswered), '', num(lang, p.unanswered)],
    [t.failureReports, num(lang, c.failureReports), '', num(lang, p.failureReports)],
    [t.safety, num(lang, c.safety), '', num(lang, p.safety)],
    [t.limited, num(lang, c.limited), '', num(lang, p.limited)],
    [t.messages, num(lang, c.messages), '', num(lang, p.messages)],
  ];
}

/**
 * Markdown without tables, so that it reads the same posted to Slack or Teams (their adapters turn
 * headings, bold and lists into their own markup) and as a file.
 */
export function renderMarkdown(r: WeeklyReport): string {
  const t = reportTexts(r.lang);
  const lang = r.lang;
  const w = weekParts(r.week);
  const out: string[] = [];
  out.push(`# ${t.title(w.week, w.year)}`, '', `${dateSpan(lang, r.firstDay, r.lastDay)} (${r.tz})`, '');
  for (const [label, now, note, before] of headline(t, lang, r.totals, r.previous)) out.push(`- ${label}: **${now}**${note ? `, ${note}` : ''} (${t.lastWeek} ${before})`);
  out.push('', `## ${t.failures}`, '');
  if (r.failures.length) r.failures.forEach((f, i) => out.push(`${i + 1}. ${failureLine(t, lang, f)}`));
  else out.push(t.noFailures);
  out.push('', `## ${t.openSafety}`, '');
  if (r.openSafety.length) for (const s of r.openSafety) out.push(`- ${safetyLine(t, lang, s)}`);
  else out.push(t.noSafety);
  for (const [title, rows] of [[t.bySite, r.bySite], [t.byModule, r.byModule], [t.bySeverity, r.bySeverity]] as const) {
    out.push('', `## ${title}`, '');
    const shown = rows.filter((x) => x.total || x.previousTotal || /^S\d$/.test(x.key));
    if (shown.length) for (const row of shown) out.push(`- ${breakdownLine(t, lang, row)}`);
    else out.push(t.none);
  }
  out.push('', `## ${t.gaps}`, '');
  if (r.gaps.length) {
    for (const g of r.gaps) out.push(`- **${mdSafe(g.words.join(' '))}**: ${t.gapCount(g.count)}, ${t.example} "${mdSafe(g.examples[0] ?? '')}"`);
    if (r.gapsUngrouped) out.push(`- ${t.ungrouped(r.gapsUngrouped)}`);
  } else if (r.gapsUngrouped) out.push(t.ungrouped(r.gapsUngrouped));
  else out.push(t.noGaps);
  out.push('', `_${t.definition}_`, '');
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A standalone HTML page with tables (e-mail, intranet, print). */
export function renderHtml(r: WeeklyReport): string {
  const t = reportTexts(r.lang);
  const lang = r.lang;
  const w = weekParts(r.week);
  const title = t.title(w.week, w.year);
  const table = (head: string[], rows: string[][], cls = '') =>
    `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((row) => `<tr>${row.map((c, i) => (i === 0 ? `<th scope="row">${c}</th>` : `<td>${c}</td>`)).join('')}</tr>`).join('')}</tbody></table>`;
  const section = (h: string, body: string) => `<section><h2>${esc(h)}</h2>${body}</section>`;
  const breakdownTable = (key: string, rows: BreakdownRow[]) =>
    rows.length
      ? table(
          [key, t.questions, t.failuresCol, t.safetyCol, t.otherCol, t.total, t.previous],
          rows.map((x) => [esc(keyLabel(t, x.key)), num(lang, x.question), num(lang, x.failure), num(lang, x.safety), num(lang, x.other), num(lang, x.total), num(lang, x.previousTotal)]),
        )
      : `<p>${t.none}</p>`;
  const parts = [
    `<h1>${esc(title)}</h1><p class="meta">${esc(dateSpan(lang, r.firstDay, r.lastDay))} (${esc(r.tz)})</p>`,
    table(['', r.week, r.previousWeek], headline(t, lang, r.totals, r.previous).map(([l, a, note, b]) => [esc(l), esc(note ? `${a} (${note})` : a), esc(b)]), 'headline'),
    section(
      t.failures,
      r.failures.length
        ? table(
            ['#', t.failures, t.key.module, 'Status', t.count, t.previous, ''],
            r.failures.map((f, i) => [String(i + 1), esc(f.label), esc(f.module ?? ''), esc(f.status ? t.status[f.status] ?? f.status : ''), num(lang, f.count), num(lang, f.previous), esc(`${change(lang, f.count, f.previous)} ${t.trend[f.trend]}`)]),
          )
        : `<p>${esc(t.noFailures)}</p>`,
    ),
    section(t.openSafety, r.openSafety.length ? `<ul>${r.openSafety.map((s) => `<li>${esc(safetyLine(t, lang, s).replace(/\*\*/g, ''))}</li>`).join('')}</ul>` : `<p>${esc(t.noSafety)}</p>`),
    section(t.bySite, breakdownTable(t.key.site, r.bySite)),
    section(t.byModule, breakdownTable(t.key.module, r.byModule)),
    section(t.bySeverity, breakdownTable(t.key.severity, r.bySeverity)),
    section(
      t.days,
      table(
        [t.day, t.asked, t.answeredByBot, t.escalated, t.deflection, t.failureReports, t.safety],
        r.days.map((d) => [esc(d.date), num(lang, d.asked), num(lang, d.answeredByBot), num(lang, d.escalated + d.escalatedAfterAnswer), percent(lang, d.deflectionRate), num(lang, d.failureReports), num(lang, d.safety)]),
      ),
    ),
    section(
      t.gaps,
      r.gaps.length
        ? `<ul>${r.gaps.map((g) => `<li><strong>${esc(g.words.join(' '))}</strong>: ${esc(t.gapCount(g.count))}<ul>${g.examples.map((e) => `<li>${esc(e)}</li>`).join('')}</ul></li>`).join('')}</ul>${r.gapsUngrouped ? `<p>${esc(t.ungrouped(r.gapsUngrouped))}</p>` : ''}`
        : `<p>${esc(r.gapsUngrouped ? t.ungrouped(r.gapsUngrouped) : t.noGaps)}</p>`,
    ),
    `<p class="definition">${esc(t.definition)}</p><p class="meta">${esc(t.generated)} ${esc(r.generatedAt.slice(0, 16).replace('T', ' '))} UTC</p>`,
  ];
  const style =
    'body{font:16px/1.5 system-ui,sans-serif;color:#1b2430;max-width:60rem;margin:1rem auto;padding:0 1rem}h1{color:#0b5cad;font-size:1.4rem}table{border-collapse:collapse;margin:.5rem 0}th,td{border:1px solid #dde3ea;padding:.25rem .5rem;text-align:left}td{text-align:right}.meta,.definition{color:#5b6676;font-size:.9rem}';
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${style}</style></head><body>${parts.join('\n')}</body></html>\n`;
}

/**
 * One long table: section, key, label, this week, last week. Numbers unformatted (rates as fractions,
 * times in seconds). The Swedish report opens in Swedish Excel (semicolons, decimal commas, BOM); the
 * English one is plain RFC 4180 for scripts.
 */
export function renderCsv(r: WeeklyReport): string {
  const t = reportTexts(r.lang);
  const rows: (string | number)[][] = [['section', 'key', 'label', r.week, r.previousWeek]];
  const n = (x: number | null) => (x === null ? '' : Number.isInteger(x) ? x : Math.round(x * 10000) / 10000);
  const c = r.totals;
  const p = r.previous;
  const summary: [keyof WeekNumbers, string][] = [
    ['asked', t.asked],
    ['answeredByBot', t.answeredByBot],
    ['knownIssue', t.knownIssue],
    ['escalated', t.escalated],
    ['escalatedAfterAnswer', `${t.escalated} (${t.afterAnswer})`],
    ['deflectionRate', t.deflection],
    ['medianClaimSeconds', `${t.claim} (s)`],
    ['medianAnswerSeconds', `${t.answer} (s)`],
    ['unanswered', t.unanswered],
    ['failureReports', t.failureReports],
    ['safety', t.safety],
    ['limited', t.limited],
    ['messages', t.messages],
    ['gaps', t.gaps],
  ];
  for (const [key, label] of summary) rows.push(['summary', key, label, n(c[key] as number | null), n(p[key] as number | null)]);
  for (const f of r.failures) rows.push(['failure', f.id, f.label, f.count, f.previous]);
  for (const [section, list] of [['site', r.bySite], ['module', r.byModule], ['severity', r.bySeverity]] as const) {
    for (const x of list) rows.push([section, x.key, keyLabel(t, x.key), x.total, x.previousTotal]);
  }
  for (const d of r.days) rows.push(['day', d.date, t.asked, d.asked, '']);
  for (const d of r.days) rows.push(['day-deflection', d.date, t.deflection, n(d.deflectionRate), '']);
  for (const s of r.openSafety) rows.push(['open-s1', s.id, [s.kind, s.site, s.status].filter(Boolean).join(' · '), s.ageHours, '']);
  for (const g of r.gaps) rows.push(['gap', g.words.join(' '), g.examples[0] ?? '', g.count, '']);
  return toCsv(rows, r.lang === 'sv' ? SWEDISH_EXCEL : RFC4180);
}

export function renderReport(r: WeeklyReport, format: ReportFormat): string {
  return format === 'html' ? renderHtml(r) : format === 'csv' ? renderCsv(r) : renderMarkdown(r);
}
