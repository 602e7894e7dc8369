import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { Feed } from 'feed';
import { z } from 'zod';
import type { Lotsen } from '../../app.ts';
import type { Actor } from '../../core/escalation/lifecycle.ts';
import type { StatusChange, StatusResult } from '../../core/failures/failure-desk.ts';
import { toTicket, type Ticket } from '../../core/failures/ticket.ts';
import { can, type Action, type Identity } from '../../core/identity/roles.ts';
import type { FailureGroupRecord } from '../../core/store/store.ts';
import { toCsv } from '../../core/text/csv.ts';
import type { WebAuth } from './auth.ts';
import { limit, readJson, type Env } from './http.ts';
import { failuresPage } from './failure-pages.ts';
import { renderMarkdown } from './markdown.ts';

const GROUP_ID = /^[A-Za-z0-9-]{3,80}$/;
const knownSchema = z.object({ workaround: z.string().trim().min(1).max(4000) });
const fixedSchema = z.object({ note: z.string().trim().max(4000).optional() });
const mergeSchema = z.object({ into: z.string().trim().regex(/^[A-Za-z0-9-]{3,80}$/) });
const FEED_LIMIT = 500;

const sameSecret = (a: string, b: string) => timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
const actorOf = (who: Identity): Actor => ({ id: `${who.platform}:${who.userId}`, name: who.displayName ?? who.userId, role: who.role });

const CSV_COLUMNS: (keyof Ticket)[] = ['id', 'revision', 'title', 'status', 'module', 'reports', 'users', 'sites', 'first_seen', 'last_seen', 'created_at', 'updated_at', 'workaround', 'fix_note', 'merged_into', 'url'];

/**
 * The ticket feeds for IT: JSON Feed 1.1, Atom and CSV of every recurring failure that reached the
 * ticket threshold, newest change first. Read with the feed token (a ticket system polling) or as a
 * signed-in manager or admin; registered before the session check so the token alone suffices.
 */
export function registerFeedRoutes(app: Hono<Env>, lotsen: Lotsen, auth: WebAuth): void {
  const publicUrl = lotsen.config.publicUrl;
  const permitted = async (c: Context<Env>): Promise<Response | undefined> => {
    const header = c.req.header('authorization');
    const given = header?.startsWith('Bearer ') ? header.slice(7).trim() : c.req.query('token');
    const feedToken = lotsen.config.tickets.feedToken;
    if (given && feedToken && sameSecret(given, feedToken)) return undefined;
    const who = await auth.identify(c);
    if (!who || who.userId === 'local') return c.json({ error: 'The ticket feed needs the feed token (Authorization: Bearer …) or a manager sign-in.' }, 401);
    return can(who.role, 'read-feed') ? undefined : c.json({ error: 'Your role does not allow the ticket feed.' }, 403);
  };
  // Merged tickets stay in the feed, saying where they went, so that a polling tracker closes them.
  const tickets = async () => (await lotsen.failures.list({ ticket: true, limit: FEED_LIMIT, merged: true })).map((r) => toTicket(r, publicUrl));
  const description = (t: Ticket) =>
    [`${t.reports} rapporter / reports, ${t.users} användare / users`, `Enheter / sites: ${t.sites.join(', ') || '–'}`, `Modul / module: ${t.module ?? '–'}`, `Status: ${t.status}`, t.merged_into ? `Sammanslaget med / merged into: ${t.merged_into}` : '', t.workaround ? `Tillfällig lösning / workaround: ${t.workaround}` : '', ...t.examples.map((x) => `> ${x}`)]
      .filter(Boolean)
      .join('\n');

  app.get('/feed/tickets.json', async (c) => {
    const refused = await permitted(c);
    if (refused) return refused;
    const items = await tickets();
    const feed = {
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Lotsen – återkommande fel / recurring failures',
      home_page_url: `${publicUrl}/failures`,
      feed_url: `${publicUrl}/feed/tickets.json`,
      language: 'sv',
      items: items.map((t) => ({
        id: t.id,
        url: t.url ?? undefined,
        title: `${t.title} (${t.reports})`,
        content_text: description(t),
        date_published: t.created_at,
        date_modified: t.updated_at,
        tags: [t.status, ...(t.merged_into ? ['merged'] : []), ...(t.module ? [t.module] : [])],
        _lotsen: t,
      })),
    };
    return c.body(JSON.stringify(feed), 200, { 'content-type': 'application/feed+json; charset=utf-8', 'cache-control': 'no-store' });
  });

  app.get('/feed/tickets.atom', async (c) => {
    const refused = await permitted(c);
    if (refused) return refused;
    const items = await tickets();
    const feed = new Feed({
      title: 'Lotsen – återkommande fel / recurring failures',
      id: `${publicUrl}/feed/tickets.atom`,
      link: `${publicUrl}/failures`,
      language: 'sv',
      copyright: '',
      updated: items[0] ? new Date(items[0].updated_at) : new Date(0),
      feedLinks: { atom: `${publicUrl}/feed/tickets.atom`, json: `${publicUrl}/feed/tickets.json` },
    });
    for (const t of items) {
      feed.addItem({ title: `${t.title} (${t.reports})`, id: `urn:lotsen:ticket:${t.id}`, link: t.url ?? `${publicUrl}/failures`, description: description(t), date: new Date(t.updated_at), published: new Date(t.created_at), category: [{ name: t.status }, ...(t.merged_into ? [{ name: 'merged' }] : [])] });
    }
    return c.body(feed.atom1(), 200, { 'content-type': 'application/atom+xml; charset=utf-8', 'cache-control': 'no-store' });
  });

  app.get('/feed/tickets.csv', async (c) => {
    const refused = await permitted(c);
    if (refused) return refused;
    const rows = (await tickets()).map((t) => CSV_COLUMNS.map((k) => (Array.isArray(t[k]) ? (t[k] as string[]).join('; ') : (t[k] ?? ''))));
    return c.body(toCsv([CSV_COLUMNS, ...rows]), 200, { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="lotsen-tickets.csv"', 'cache-control': 'no-store' });
  });
}

/**
 * Recurring failures for super-users (mark known with a workaround, fixed, open again) and managers
 * (read). Every change goes through the failure desk: audited, ticket updated, reporters told.
 */
export function registerFailureRoutes(app: Hono<Env>, lotsen: Lotsen, h: { allowed: (c: Context<Env>, action: Action) => boolean; forbidden: (c: Context<Env>) => Response }): void {
  const canRead = (c: Context<Env>) => h.allowed(c, 'claim') || h.allowed(c, 'read-dashboard');
  const change = (action: string, body: unknown): StatusChange | string => {
    if (action === 'known') {
      const p = knownSchema.safeParse(body);
      return p.success ? { status: 'known', workaround: p.data.workaround } : 'Skriv en tillfällig lösning (högst 4000 tecken). / Write a workaround (at most 4000 characters).';
    }
    if (action === 'fixed') {
      const p = fixedSchema.safeParse(body);
      return p.success ? { status: 'fixed', note: p.data.note || undefined } : 'A note is at most 4000 characters.';
    }
    if (action === 'open') return { status: 'open' };
    return 'No such action.';
  };
  const perform = async (c: Context<Env>, body: unknown): Promise<StatusResult> => {
    if (!h.allowed(c, 'claim')) return { ok: false, status: 403, message: 'Only super-users mark known issues, fixes and merges.' };
    const id = c.req.param('id')!;
    if (!GROUP_ID.test(id)) return { ok: false, status: 404, message: 'There is no such failure group.' };
    if (c.req.param('action') === 'merge') {
      const p = mergeSchema.safeParse(body);
      if (!p.success) return { ok: false, status: 400, message: 'Välj gruppen att slå ihop med. / Choose the group to merge into.' };
      return lotsen.failures.merge(id, p.data.into, actorOf(c.get('who')));
    }
    const cmd = change(c.req.param('action')!, body);
    if (typeof cmd === 'string') return { ok: false as const, status: cmd === 'No such action.' ? (404 as const) : (400 as const), message: cmd };
    return lotsen.failures.setStatus(id, cmd, actorOf(c.get('who')));
  };
  const view = (r: FailureGroupRecord) => ({ ...toTicket(r, lotsen.config.publicUrl), ticket: !!r.ticket });

  // A reporter's chat follows its failure: what super-users said, never other reporters' words.
  app.get('/api/failures/:id/status', async (c) => {
    const id = c.req.param('id');
    // A reporter of a group that was merged follows the group that has its reports now.
    const r = GROUP_ID.test(id) ? await lotsen.failures.current(id) : undefined;
    if (!r) return c.json({ error: 'There is no such failure group.' }, 404);
    return c.json({ id: r.id, label: r.label, status: r.status, reports: r.group.count, ticket: !!r.ticket, workaroundHtml: r.workaround ? renderMarkdown(r.workaround) : null, fixNote: r.fixNote ?? null });
  });
  app.get('/api/failures', async (c) => {
    if (!canRead(c)) return h.forbidden(c);
    return c.json({ items: (await lotsen.failures.list({ limit: 500 })).map(view) });
  });
  app.post('/api/failures/:id/:action', limit(16 * 1024), async (c) => {
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const result = await perform(c, json.body);
    return result.ok ? c.json({ item: view(result.record) }) : c.json({ error: result.message }, result.status);
  });
  app.get('/failures', async (c) => {
    if (!canRead(c)) return c.redirect('/', 303);
    const items = await lotsen.failures.list({ limit: 500 });
    const canAct = h.allowed(c, 'claim');
    const similar = canAct ? new Map(await Promise.all(items.map(async (r) => [r.id, await lotsen.failures.similar(r.id)] as const))) : undefined;
    return c.html(failuresPage(items, { canAct, similar, now: new Date(), message: c.req.query('msg')?.slice(0, 300) }));
  });
  app.post('/failures/:id/:action', limit(16 * 1024), async (c) => {
    const result = await perform(c, await c.req.parseBody().catch(() => ({})));
    return c.redirect(result.ok ? '/failures' : `/failures?msg=${encodeURIComponent(result.message)}`, 303);
  });
}
