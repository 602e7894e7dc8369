import type { SimilarGroup } from '../../core/failures/failure-desk.ts';
import type { FailureGroupRecord } from '../../core/store/store.ts';
import { escapeHtml, renderMarkdown } from './markdown.ts';
import { page } from './pages.ts';
import { age } from './queue-pages.ts';

const STATUS: Record<FailureGroupRecord['status'], string> = { open: 'Öppet / Open', known: 'Känt fel / Known issue', fixed: 'Åtgärdat / Fixed' };

const MERGE_OTHERS = 30;
const percent = (x: number) => `${Math.round(x * 100)} %`;

/**
 * Merging, for a failure the tally split in two: the groups most like this one first (with how alike
 * the tally finds them), then the largest other groups (a page of hundreds of groups must stay light).
 */
function mergeForm(r: FailureGroupRecord, all: FailureGroupRecord[], similar: SimilarGroup[]): string {
  const suggested = new Set(similar.map((g) => g.id));
  const others = all.filter((o) => o.id !== r.id && !suggested.has(o.id)).sort((a, b) => b.group.count - a.group.count).slice(0, MERGE_OTHERS);
  if (!similar.length && !others.length) return '';
  const option = (id: string, text: string) => `<option value="${escapeHtml(id)}">${escapeHtml(text)}</option>`;
  const options = [
    ...(similar.length ? [`<optgroup label="Liknande / Similar">${similar.map((g) => option(g.id, `${g.label} (${g.count}) · ${percent(g.similarity)}`)).join('')}</optgroup>`] : []),
    ...(others.length ? [`<optgroup label="Övriga / Others">${others.map((o) => option(o.id, `${o.label} (${o.group.count})`)).join('')}</optgroup>`] : []),
  ].join('');
  return `<form method="post" action="/failures/${encodeURIComponent(r.id)}/merge" class="act"><label>Samma fel som / Same failure as<select name="into" required>${options}</select></label><button type="submit">Slå ihop / Merge</button></form>`;
}

function actions(r: FailureGroupRecord): string {
  const form = (action: string, label: string, field = '') =>
    `<form method="post" action="/failures/${encodeURIComponent(r.id)}/${action}" class="act">${field}<button type="submit">${label}</button></form>`;
  const parts: string[] = [];
  parts.push(
    form(
      'known',
      r.status === 'known' ? 'Ändra lösningen / Change the workaround' : 'Markera som känt fel / Mark as known issue',
      `<label>Tillfällig lösning som Lotsen ger den som frågar / Workaround Lotsen gives to whoever asks<textarea name="workaround" required maxlength="4000" rows="3">${escapeHtml(r.workaround ?? '')}</textarea></label>`,
    ),
  );
  if (r.status !== 'fixed') parts.push(form('fixed', 'Markera som åtgärdat / Mark as fixed', `<label>Till dem som rapporterade (valfritt) / To the reporters (optional)<input name="note" maxlength="4000"></label>`));
  if (r.status !== 'open') parts.push(form('open', 'Öppna igen / Reopen'));
  return parts.join('');
}

/** Recurring failures, tickets first: what broke, how often, where, and what super-users said about it. */
export function failuresPage(items: FailureGroupRecord[], o: { canAct: boolean; now: Date; message?: string; similar?: Map<string, SimilarGroup[]> }): string {
  const sorted = [...items].sort((a, b) => Number(!!b.ticket) - Number(!!a.ticket) || b.group.count - a.group.count || b.updatedAt.localeCompare(a.updatedAt));
  const row = (r: FailureGroupRecord) => `<li class="failure ${r.status}" data-id="${escapeHtml(r.id)}">
<p><strong>${escapeHtml(r.label)}</strong> · ${STATUS[r.status]}${r.ticket ? ` · ärende / ticket <code>${escapeHtml(r.ticket.id)}</code>` : ''}</p>
<p class="meta"><span class="count">${r.group.count}</span> rapporter / reports · ${r.group.users.length} användare / users · ${escapeHtml(r.group.sites.join(', ') || 'okänd enhet / unknown unit')} · senast / last ${age(r.group.lastSeen, o.now)} sedan / ago${r.module ? ` · ${escapeHtml(r.module)}` : ''}</p>
${r.group.examples.map((x) => `<blockquote>${escapeHtml(x)}</blockquote>`).join('')}
${r.workaround ? `<div class="workaround"><p class="meta">Tillfällig lösning / Workaround</p>${renderMarkdown(r.workaround)}</div>` : ''}
${r.fixNote ? `<p class="meta">Åtgärdat / Fixed: ${escapeHtml(r.fixNote)}</p>` : ''}
${o.canAct ? actions(r) + mergeForm(r, items, o.similar?.get(r.id) ?? []) : ''}
</li>`;
  return page(
    'Återkommande fel / Recurring failures',
    `<h1>Återkommande fel / Recurring failures</h1>
${o.message ? `<p class="error" role="alert">${escapeHtml(o.message)}</p>` : ''}
<p class="meta">Rapporter om samma fel samlas här. En grupp blir ett ärende till IT när den når tröskeln. / Reports of the same failure are grouped here; a group becomes a ticket for IT when it reaches the threshold.</p>
${sorted.length ? `<ul class="failures">${sorted.map(row).join('')}</ul>` : '<p>Inga felrapporter ännu. / No failure reports yet.</p>'}`,
  );
}
