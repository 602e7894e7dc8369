import type { Context, Hono } from 'hono';
import { z } from 'zod';
import type { Lotsen } from '../../app.ts';
import type { Action, Identity } from '../../core/identity/roles.ts';
import { apply, type Actor, type Command, type Refusal } from '../../core/escalation/lifecycle.ts';
import type { ActResult } from '../../core/escalation/desk.ts';
import type { Escalation, Person } from '../../core/store/store.ts';
import { limit, readJson, readQuestion, replyResponse, type Env } from './http.ts';
import { renderMarkdown } from './markdown.ts';
import { draftsPage, queuePage } from './queue-pages.ts';

const feedbackSchema = z.object({ verdict: z.enum(['solved', 'still-stuck']) });
const answerSchema = z.object({ text: z.string().trim().min(1).max(4000) });
const noteSchema = z.object({ note: z.string().trim().max(2000).optional() });
const reassignSchema = z.object({ to: z.string().trim().min(1).max(200) });
const ESCALATION_ID = /^[0-9a-z]{6,40}$/;
const ACTIONS = ['claim', 'release', 'answer', 'close', 'reassign', 'draft'] as const;
type QueueAction = (typeof ACTIONS)[number];

const actorOf = (who: Identity): Actor => ({ id: `${who.platform}:${who.userId}`, name: who.displayName ?? who.userId, role: who.role });

/** What a staff member sees of their own question: never other askers, never who else is linked. */
function forAsker(e: Escalation, who: Identity, lotsen: Lotsen) {
  const me = `${who.platform}:${who.userId}`;
  const mine = `${e.asker.platform}:${e.asker.userId}` === me;
  return {
    id: e.id,
    status: e.status,
    question: mine ? e.text : ((e.linked ?? []).find((l) => `${l.asker.platform}:${l.asker.userId}` === me)?.text ?? e.text),
    destination: lotsen.desk.router.destination(e.destination).label,
    topic: lotsen.desk.router.topicLabel(e.topic),
    owner: e.owner?.name ?? null,
    answer: e.answer ? { text: e.answer.text, html: renderMarkdown(e.answer.text), by: e.answer.by.name, at: e.answer.at } : null,
    feedback: e.feedback ?? null,
    createdAt: e.createdAt,
  };
}

/**
 * Escalation on the web: staff see their questions' state and answers and say "solved" or "still
 * stuck"; super-users work the queue (claim, release, reassign, answer, close, save as draft) and
 * publish drafts. Every act goes through the escalation desk, so the rules are the same as on Slack and Teams.
 */
export function registerEscalationRoutes(
  app: Hono<Env>,
  lotsen: Lotsen,
  h: { allowed: (c: Context<Env>, action: Action) => boolean; forbidden: (c: Context<Env>) => Response },
): void {
  const now = () => new Date();
  // Ids are ours (time in base 36 and random hex); anything else is no question, and never a store key.
  const isQuestion = async (id: string) => ESCALATION_ID.test(id) && (await lotsen.store.getEscalation(id))?.kind === 'question';

  // Staff
  app.get('/api/escalations/mine', async (c) => {
    const who = c.get('who');
    const items = await lotsen.store.listEscalations({ kind: 'question', asker: `${who.platform}:${who.userId}`, limit: 50 });
    return c.json({ items: items.map((e) => forAsker(e, who, lotsen)) });
  });
  app.post('/api/escalations', limit(16 * 1024), async (c) => {
    const input = await readQuestion(c);
    if (!input.ok) return input.response;
    const who = c.get('who');
    // A client that lost the response sends the same Idempotency-Key again and gets the same question back, not a second one.
    const key = c.req.header('idempotency-key')?.trim().slice(0, 100);
    return replyResponse(c, await lotsen.assistant.askSuperuser({ text: input.question, asker: who, conversation: { platform: 'web', channel: who.userId }, eventId: key ? `web:${who.userId}:${key}` : undefined }));
  });
  app.post('/api/escalations/:id/feedback', limit(1024), async (c) => {
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const parsed = feedbackSchema.safeParse(json.body);
    if (!parsed.success) return c.json({ error: 'verdict is "solved" or "still-stuck".' }, 400);
    if (!(await isQuestion(c.req.param('id')))) return c.json({ error: 'There is no such question.' }, 404);
    const result = await lotsen.desk.act(c.req.param('id'), { type: parsed.data.verdict }, actorOf(c.get('who')));
    return respond(c, result, (e) => forAsker(e, c.get('who'), lotsen), false);
  });

  // Super-users
  const candidates = async (): Promise<Person[]> => {
    const events = await lotsen.store.listAudit({ subject: 'superusers', limit: 500 });
    const seen = new Map<string, Person>();
    for (const e of events) if (!seen.has(e.actor) && typeof e.detail?.name === 'string') seen.set(e.actor, { id: e.actor, name: e.detail.name });
    return [...seen.values()];
  };
  const command = async (action: QueueAction, body: unknown, escalationId: string, actor: Actor): Promise<Command | string> => {
    switch (action) {
      case 'claim':
      case 'release':
        return { type: action };
      case 'answer': {
        const p = answerSchema.safeParse(body);
        return p.success ? { type: 'answer', text: p.data.text } : 'Write an answer (1 to 4000 characters).';
      }
      case 'close': {
        const p = noteSchema.safeParse(body);
        return p.success ? { type: 'close', note: p.data.note || undefined } : 'A note is at most 2000 characters.';
      }
      case 'reassign': {
        const p = reassignSchema.safeParse(body);
        if (!p.success) return 'Say whom to hand it to.';
        const wanted = p.data.to.toLowerCase();
        const person = (await candidates()).find((x) => x.id.toLowerCase() === wanted || x.name.toLowerCase() === wanted);
        return person ? { type: 'reassign', to: person } : `Nobody called "${p.data.to}" has signed in as a super-user.`;
      }
      case 'draft': {
        const e = await lotsen.store.getEscalation(escalationId);
        if (!e?.answer) return 'Answer the question before saving it as a draft.';
        // Decide first, write the file only when the act will be allowed.
        const check = apply(e, { type: 'draft', articleId: 'check' }, actor, lotsen.config.serviceLevels, now());
        if (!check.ok) return check.message;
        try {
          return { type: 'draft', articleId: lotsen.drafts.save(e).id };
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      }
    }
  };
  const perform = async (c: Context<Env>, action: string, body: unknown): Promise<ActResult | { ok: false; status: 400 | 403 | 404; message: string }> => {
    if (!(ACTIONS as readonly string[]).includes(action)) return { ok: false, status: 404, message: 'No such action.' };
    if (!h.allowed(c, 'claim')) return { ok: false, status: 403, message: 'Only super-users work the queue.' };
    const id = c.req.param('id')!;
    // Safety items have their own page, audit and rules; the question queue never touches them.
    if (!(await isQuestion(id))) return { ok: false, status: 404, message: 'There is no such question.' };
    const cmd = await command(action as QueueAction, body, id, actorOf(c.get('who')));
    if (typeof cmd === 'string') return { ok: false, status: 400, message: cmd };
    const result = await lotsen.desk.act(id, cmd, actorOf(c.get('who')));
    if (result.ok && cmd.type === 'draft') await lotsen.store.appendAudit({ actor: actorOf(c.get('who')).id, role: c.get('who').role, action: 'knowledge.draft', subject: cmd.articleId, detail: { escalation: id } }, now());
    return result;
  };

  app.get('/api/queue', async (c) => {
    if (!h.allowed(c, 'claim')) return h.forbidden(c);
    return c.json({ items: await lotsen.store.listEscalations({ kind: 'question', limit: 300 }) });
  });
  app.post('/api/escalations/:id/:action', limit(16 * 1024), async (c) => {
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const result = await perform(c, c.req.param('action'), json.body);
    return respond(c, result, (e) => e, true);
  });
  app.get('/queue', async (c) => {
    if (!h.allowed(c, 'claim')) return c.redirect('/', 303);
    const items = await lotsen.store.listEscalations({ kind: 'question', limit: 300 });
    return c.html(queuePage(items, { who: c.get('who'), router: lotsen.desk.router, now: now(), message: c.req.query('msg')?.slice(0, 300) }));
  });
  app.post('/queue/:id/:action', limit(16 * 1024), async (c) => {
    const result = await perform(c, c.req.param('action'), await c.req.parseBody().catch(() => ({})));
    // Post/redirect/get, with the refusal (e.g. "Anna has already claimed it") shown on the queue.
    return c.redirect(result.ok ? '/queue' : `/queue?msg=${encodeURIComponent(result.message)}`, 303);
  });

  // Drafts
  app.get('/api/drafts', (c) => (h.allowed(c, 'claim') ? c.json({ drafts: lotsen.drafts.list() }) : h.forbidden(c)));
  app.get('/drafts', (c) => (h.allowed(c, 'claim') ? c.html(draftsPage(lotsen.drafts.list(), { canPublish: h.allowed(c, 'publish-knowledge'), message: c.req.query('msg')?.slice(0, 300) })) : c.redirect('/', 303)));
  const publish = async (c: Context<Env>) => {
    if (!h.allowed(c, 'publish-knowledge')) return undefined;
    const draft = lotsen.drafts.publish(c.req.param('id')!, now());
    if (draft) await lotsen.store.appendAudit({ actor: actorOf(c.get('who')).id, role: c.get('who').role, action: 'knowledge.publish', subject: draft.id, detail: { escalation: draft.source } }, now());
    return draft;
  };
  app.post('/api/drafts/:id/publish', async (c) => {
    if (!h.allowed(c, 'publish-knowledge')) return h.forbidden(c);
    const draft = await publish(c);
    return draft ? c.json({ published: draft.id }) : c.json({ error: 'No such draft.' }, 404);
  });
  app.post('/drafts/:id/publish', async (c) => {
    const draft = await publish(c);
    return c.redirect(draft ? '/drafts' : '/drafts?msg=' + encodeURIComponent('No such draft, or your role may not publish.'), 303);
  });

  // Operations: Prometheus scrapes with a manager or admin token beyond loopback.
  app.get('/metrics', async (c) => {
    if (!h.allowed(c, 'read-dashboard') && lotsen.config.auth.required) return h.forbidden(c);
    return c.body(await lotsen.metrics.registry.metrics(), 200, { 'content-type': lotsen.metrics.registry.contentType });
  });
}

const STATUS_OF: Partial<Record<Refusal | 'not-found', 400 | 403 | 404>> = { 'not-found': 404, 'not-owner': 403, 'not-asker': 403, empty: 400, 'note-required': 400 };

/** A refusal's status: 404 unknown, 403 not yours, 400 incomplete, 409 the state does not allow it. */
function respond<T>(c: Context<Env>, result: ActResult | { ok: false; status: 400 | 403 | 404; message: string }, view: (e: Escalation) => T, showOwner: boolean): Response {
  if (result.ok) return c.json({ item: view(result.escalation) });
  const status = 'status' in result ? result.status : (STATUS_OF[result.reason] ?? 409);
  // Only super-users learn who has a question.
  const owner = showOwner && 'escalation' in result ? (result.escalation?.owner?.name ?? null) : null;
  return c.json({ error: result.message, reason: 'reason' in result ? result.reason : undefined, owner }, status);
}
