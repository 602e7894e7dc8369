import type { Escalation } from '../../core/store/store.ts';
import type { Identity } from '../../core/identity/roles.ts';
import type { Router } from '../../core/escalation/routing.ts';
import type { Draft } from '../kb/draft-writer.ts';
import { escapeHtml, renderMarkdown } from './markdown.ts';
import { page } from './pages.ts';

const STATUS: Record<Escalation['status'], string> = { open: 'Öppen / Open', claimed: 'Tagen / Claimed', answered: 'Besvarad / Answered', closed: 'Stängd / Closed' };

export const age = (from: string, now: Date) => {
  const minutes = Math.max(0, Math.round((now.getTime() - new Date(from).getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

function actions(e: Escalation, me: string): string {
  const form = (action: string, label: string, field = '') =>
    `<form method="post" action="/queue/${encodeURIComponent(e.id)}/${action}" class="act">${field}<button type="submit" name="action" value="${action}">${label}</button></form>`;
  const mine = e.owner?.id === me;
  const parts: string[] = [];
  if (e.status === 'open') parts.push(form('claim', 'Ta / Claim'));
  if (e.status === 'claimed' && mine) {
    parts.push(form('answer', 'Svara / Answer', `<label>Svar till frågeställaren / Answer to the asker<textarea name="text" required maxlength="4000" rows="3"></textarea></label>`));
    parts.push(form('release', 'Släpp / Release'));
  }
  if (e.status === 'claimed') parts.push(form('reassign', 'Lämna över / Reassign', `<label>Till (namn) / To (name)<input name="to" required maxlength="80"></label>`));
  if (e.status === 'answered' && !e.draftId) parts.push(form('draft', 'Spara som kunskapsutkast / Save as KB draft'));
  if (e.status !== 'closed') parts.push(form('close', 'Stäng / Close', `<label>Anteckning (valfri) / Note (optional)<input name="note" maxlength="2000"></label>`));
  return parts.join('');
}

/** The super-user queue: open and claimed questions by topic, oldest first, with every action as a plain form. */
export function queuePage(items: Escalation[], options: { who: Identity; router: Router; now: Date; message?: string }): string {
  const me = `${options.who.platform}:${options.who.userId}`;
  const active = items.filter((e) => e.status === 'open' || e.status === 'claimed').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  const recent = items.filter((e) => e.status === 'answered' || e.status === 'closed').slice(0, 20);
  const byTopic = new Map<string, Escalation[]>();
  for (const e of active) byTopic.set(e.topic ?? 'general', [...(byTopic.get(e.topic ?? 'general') ?? []), e]);
  const row = (e: Escalation) => `<li class="question ${e.status}" data-id="${escapeHtml(e.id)}">
<p><strong>${STATUS[e.status]}</strong>${e.owner ? ` · ${escapeHtml(e.owner.name)}` : ''} · ${escapeHtml(options.router.destination(e.destination).label)}${e.reescalated ? ' · <span class="error">eskalerad / re-escalated</span>' : ''} · ${escapeHtml(e.asker.site ?? 'okänd enhet / unknown unit')} · <span class="age">${age(e.createdAt, options.now)}</span>${e.linked?.length ? ` · +${e.linked.length} frågar samma / asking the same` : ''}${e.feedback === 'still-stuck' ? ' · <span class="error">sitter fast igen / still stuck</span>' : ''}</p>
<blockquote>${escapeHtml(e.text)}</blockquote>
${e.answer ? `<div class="answer-text">${renderMarkdown(e.answer.text)}</div><p class="meta">${escapeHtml(e.answer.by.name)}</p>` : ''}
${e.draftId ? `<p class="meta">Utkast / Draft: ${escapeHtml(e.draftId)}</p>` : ''}
<div class="actions">${actions(e, me)}</div>
</li>`;
  const sections = [...byTopic.entries()]
    .map(([topic, list]) => `<section class="topic"><h2>${escapeHtml(options.router.topicLabel(topic))} <span class="meta">(${list.length})</span></h2><ol class="queue-list">${list.map(row).join('')}</ol></section>`)
    .join('');
  return page(
    'Superanvändarkö / Super-user queue',
    `<h1>Superanvändarkö / Super-user queue</h1><p class="meta">${escapeHtml(options.who.displayName ?? options.who.role)} · ${active.length} väntar / waiting · <a href="/drafts">Utkast / Drafts</a> · <a href="/failures">Återkommande fel / Recurring failures</a> · <a href="/safety">Säkerhet / Safety</a></p>
${options.message ? `<p class="error" role="alert">${escapeHtml(options.message)}</p>` : ''}
${sections || '<p>Inga väntande frågor. / No questions waiting.</p>'}
${recent.length ? `<h2>Senast besvarade / Recently answered</h2><ol class="queue-list">${recent.map(row).join('')}</ol>` : ''}`,
  );
}

export function draftsPage(drafts: Draft[], options: { canPublish: boolean; message?: string }): string {
  const row = (d: Draft) => `<li class="draft" data-id="${escapeHtml(d.id)}"><h2>${escapeHtml(d.title)}</h2><p class="meta">${escapeHtml(d.id)} · ${escapeHtml(d.owner ?? '')} · ${escapeHtml(d.source ?? '')}</p>
<div class="answer-text">${renderMarkdown(d.body)}</div>
${options.canPublish ? `<form method="post" action="/drafts/${encodeURIComponent(d.id)}/publish"><button type="submit">Publicera / Publish</button></form>` : ''}</li>`;
  return page(
    'Kunskapsutkast / Knowledge-base drafts',
    `<h1>Kunskapsutkast / Knowledge-base drafts</h1><p class="meta"><a href="/queue">← Kö / Queue</a></p>${options.message ? `<p class="error" role="alert">${escapeHtml(options.message)}</p>` : ''}<ol class="queue-list">${drafts.map(row).join('') || '<li>Inga utkast. / No drafts.</li>'}</ol>`,
  );
}
