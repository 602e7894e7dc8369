import type { Escalation } from '../../core/store/store.ts';
import type { Identity } from '../../core/identity/roles.ts';
import { escapeHtml } from './markdown.ts';

/** A plain page in the chat's style. `body` must already be escaped HTML. */
export function page(title: string, body: string, lang = 'sv'): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Lotsen</title><link rel="stylesheet" href="/app.css"></head><body class="article-page"><main><p><a href="/">← Lotsen</a></p>${body}</main></body></html>`;
}

export function signInPage(options: { tokenNeeded: boolean; error?: string }): string {
  const token = options.tokenNeeded
    ? `<label>Åtkomstkod / Access code<input name="token" type="password" autocomplete="current-password" required maxlength="200"></label>`
    : '<p class="meta">Lokalt läge: ingen åtkomstkod behövs. / Local mode: no access code needed.</p>';
  return page(
    'Logga in / Sign in',
    `<h1>Logga in / Sign in</h1>${options.error ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>` : ''}
<form method="post" action="/signin" class="signin">
<label>Namn / Name<input name="name" required maxlength="80" autocomplete="name"></label>
<label>Roll / Role<select name="role"><option value="staff">Personal / Staff</option><option value="superuser">Superanvändare / Super-user</option><option value="manager">Chef / Manager</option><option value="admin">Administratör / Admin</option></select></label>
<label>Enhet / Unit<input name="site" maxlength="80" placeholder="t.ex. SÄS Borås avd 12"></label>
${token}
<button type="submit">Logga in / Sign in</button></form>`,
  );
}

const ago = (from: string, now: Date) => {
  const minutes = Math.max(0, Math.round((now.getTime() - new Date(from).getTime()) / 60_000));
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
};

function clock(reportBy: string, now: Date): string {
  const left = new Date(reportBy).getTime() - now.getTime();
  const hours = Math.floor(Math.abs(left) / 3600_000);
  const minutes = Math.floor((Math.abs(left) % 3600_000) / 60_000);
  return left >= 0
    ? `<span class="clock">IMY 72 h: ${hours} h ${minutes} min kvar / left</span>`
    : `<span class="clock overdue">IMY 72 h: ${hours} h ${minutes} min försenad / overdue</span>`;
}

/** The safety queue for super-users and managers: open items first, each with its 72-hour clock. */
export function safetyPage(items: Escalation[], options: { canClose: boolean; who: Identity; now: Date }): string {
  const open = items.filter((i) => i.status !== 'closed');
  const closed = items.filter((i) => i.status === 'closed');
  const row = (i: Escalation) => `<li class="safety-item ${i.status}" data-id="${escapeHtml(i.id)}">
<p><strong>S1 · ${escapeHtml(i.safetyKind ?? 'safety')}</strong> · ${escapeHtml(i.id)} · ${escapeHtml(i.asker.site ?? '–')} · ${ago(i.createdAt, options.now)} ${i.reportBy && i.status !== 'closed' ? clock(i.reportBy, options.now) : ''}</p>
<blockquote>${escapeHtml(i.text)}</blockquote>
${i.status === 'closed' ? `<p class="meta">Stängd av / closed by ${escapeHtml(i.closedBy ?? '')}: ${escapeHtml(i.closeNote ?? '')}</p>` : i.notifiedAt ? '' : '<p class="error">Inte levererad till säkerhetskanalen ännu – försöker igen. / Not yet delivered to the safety channel – retrying.</p>'}
${options.canClose && i.status !== 'closed' ? `<form method="post" action="/safety/${encodeURIComponent(i.id)}/close" class="close"><label>Vad gjordes? / What was done?<input name="note" required maxlength="2000"></label><button type="submit">Stäng / Close</button></form>` : ''}
</li>`;
  return page(
    'Säkerhetsärenden / Safety items',
    `<h1>Säkerhetsärenden / Safety items</h1><p class="meta">${escapeHtml(options.who.displayName ?? options.who.role)} · ${open.length} öppna / open</p>
<ol class="safety-list">${open.map(row).join('') || '<li>Inga öppna. / None open.</li>'}</ol>
${closed.length ? `<h2>Stängda / Closed</h2><ol class="safety-list">${closed.map(row).join('')}</ol>` : ''}`,
  );
}
