import { readFileSync } from 'node:fs';
import { Hono, type Context } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Lotsen } from '../../app.ts';
import { can, type Action } from '../../core/identity/roles.ts';
import { escapeHtml, renderMarkdown } from './markdown.ts';
import { WebAuth, signInSchema } from './auth.ts';
import { safetyPage, signInPage, page } from './pages.ts';
import { clientAddress, limit, readJson, readQuestion, replyResponse, type Env } from './http.ts';
import { registerEscalationRoutes } from './escalation-routes.ts';
import { registerDashboardRoutes } from './dashboard-routes.ts'; // --- Tally report (issue 7)
import { registerFailureRoutes, registerFeedRoutes } from './failure-routes.ts'; // --- Failure tally (issue 7)

const publicFile = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');
const closeSchema = z.object({ note: z.string().trim().min(1).max(2000) });

/** The local web chat, sign-in, the safety queue and article pages, on one Hono app that tests call in-process. */
export function createWebApp(lotsen: Lotsen): Hono<Env> {
  const app = new Hono<Env>();
  const auth = new WebAuth(lotsen.config.auth);
  const signInAttempts = new RateLimiterMemory({ points: 10, duration: 60 });
  const chatPage = publicFile('index.html');
  const script = publicFile('app.js');
  const style = publicFile('app.css');
  const now = () => new Date();

  app.use(secureHeaders({ contentSecurityPolicy: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:'], styleSrc: ["'self'"], scriptSrc: ["'self'"], frameAncestors: ["'none'"] } }));

  // Open to everyone: the style sheet, the sign-in page and liveness.
  app.get('/app.css', (c) => c.body(style, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/healthz', (c) => c.json({ ok: true }));
  // Ready when the store answers: a load balancer sends no traffic to an instance that cannot escalate.
  app.get('/readyz', async (c) => ((await lotsen.store.ping().catch(() => false)) ? c.json({ ok: true }) : c.json({ ok: false, store: 'unreachable' }, 503)));
  app.get('/signin', (c) => c.html(signInPage({ tokenNeeded: auth.required })));
  app.post('/signin', limit(4096), async (c) => {
    try {
      await signInAttempts.consume(clientAddress(c));
    } catch {
      return c.html(signInPage({ tokenNeeded: auth.required, error: 'Too many attempts. Wait a minute. / För många försök. Vänta en minut.' }), 429);
    }
    const form = await c.req.parseBody().catch(() => ({}));
    const parsed = signInSchema.safeParse(form);
    if (!parsed.success) return c.html(signInPage({ tokenNeeded: auth.required, error: 'Fill in your name and choose a role. / Fyll i namn och välj roll.' }), 400);
    const result = auth.signIn(parsed.data);
    if ('refused' in result) {
      lotsen.log.warn({ role: parsed.data.role }, 'sign-in refused');
      return c.html(signInPage({ tokenNeeded: auth.required, error: result.refused }), 401);
    }
    await auth.startSession(c, result);
    // Super-users' names are kept so that a question can be handed over to them by name.
    const superuser = result.role === 'superuser' || result.role === 'admin';
    // Staff must be able to sign in and get answers while the shared store is away; the sign-in is then only logged.
    await lotsen.store
      .appendAudit({ actor: `web:${result.userId}`, role: result.role, action: 'session.sign-in', subject: superuser ? 'superusers' : `web:${result.userId}`, detail: superuser ? { name: result.displayName } : undefined }, now())
      .catch((err: unknown) => lotsen.log.warn({ role: result.role, err: err instanceof Error ? err.message : String(err) }, 'sign-in not audited: store unavailable'));
    return c.redirect(result.role === 'staff' ? '/' : result.role === 'manager' ? '/dashboard' : '/queue', 303);
  });

  // --- Slack (issue 5): authenticated by Slack's signature, not a session, so before the sign-in check.
  const slack = lotsen.slack;
  if (slack) app.post('/slack/events', (c) => slack.handle(c.req.raw));
  // --- Teams (issue 6): authenticated by the Bot Framework's JWT (or loopback-only without credentials), not a session.
  const teams = lotsen.teams;
  if (teams) app.post('/api/messages', (c) => teams.handle(c.req.raw));

  // --- Failure tally (issue 7): the ticket feeds take their own token (IT's system polls them), so before the session check.
  registerFeedRoutes(app, lotsen, auth);

  // Everything else needs an identity; unsigned requests are turned away before any body is read.
  app.use('*', async (c, next) => {
    const who = await auth.identify(c);
    if (!who) {
      if (c.req.path.startsWith('/api/') || c.req.method !== 'GET') return c.json({ error: 'Sign in first.' }, 401);
      return c.redirect('/signin', 303);
    }
    c.set('who', who);
    await next();
  });
  const allowed = (c: Context<Env>, action: Action) => can(c.get('who').role, action);
  const forbidden = (c: Context<Env>) => c.json({ error: 'Your role does not allow this.' }, 403);

  app.get('/', (c) => c.html(chatPage));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/api/me', (c) => {
    const { displayName, role, site } = c.get('who');
    return c.json({ name: displayName ?? null, role, site: site ?? null, signInRequired: auth.required });
  });
  app.post('/signout', (c) => {
    auth.endSession(c);
    return c.redirect('/signin', 303);
  });

  app.post('/api/ask', limit(16 * 1024), async (c) => {
    const input = await readQuestion(c);
    if (!input.ok) return input.response;
    const who = c.get('who');
    return replyResponse(c, await lotsen.assistant.handle({ text: input.question, asker: who, conversation: { platform: 'web', channel: who.userId } }));
  });

  // Every read of the safety queue is audited: who saw which items.
  const readSafetyQueue = async (c: Context<Env>) => {
    const who = c.get('who');
    const items = await lotsen.store.listEscalations({ kind: 'safety', limit: 200 });
    await lotsen.store.appendAudit({ actor: `web:${who.userId}`, role: who.role, action: 'safety.read', subject: 'safety-queue', detail: { items: items.map((i) => i.id) } }, now());
    return items;
  };
  app.get('/safety', async (c) => {
    if (!allowed(c, 'read-safety')) return c.html(page('Lotsen', '<p>Your role does not allow this page. / Din roll får inte se den här sidan.</p>'), 403);
    return c.html(safetyPage(await readSafetyQueue(c), { canClose: allowed(c, 'close-safety'), who: c.get('who'), now: now() }));
  });
  app.get('/api/safety', async (c) => {
    if (!allowed(c, 'read-safety')) return forbidden(c);
    return c.json({ items: await readSafetyQueue(c) });
  });
  const close = async (c: Context<Env>, id: string, body: unknown) => {
    if (!allowed(c, 'close-safety')) return { status: 403 as const, error: 'Your role does not allow closing safety items.' };
    const parsed = closeSchema.safeParse(body);
    if (!parsed.success) return { status: 400 as const, error: 'Write what was done (1 to 2000 characters) before closing.' };
    const item = await lotsen.store.getEscalation(id);
    if (!item || item.kind !== 'safety') return { status: 404 as const, error: 'No such safety item.' };
    const who = c.get('who');
    const result = await lotsen.desk.act(id, { type: 'close', note: parsed.data.note }, { id: `${who.platform}:${who.userId}`, name: who.displayName ?? who.userId, role: who.role });
    if (!result.ok) return { status: 409 as const, error: result.message };
    return { status: 200 as const, item: result.escalation };
  };
  app.post('/api/safety/:id/close', limit(8192), async (c) => {
    const json = await readJson(c);
    if (!json.ok) return json.response;
    const result = await close(c, c.req.param('id'), json.body);
    return 'error' in result ? c.json({ error: result.error }, result.status) : c.json({ item: result.item });
  });
  app.post('/safety/:id/close', limit(8192), async (c) => {
    const result = await close(c, c.req.param('id'), await c.req.parseBody().catch(() => ({})));
    if ('error' in result) return c.html(page('Lotsen', `<p>${escapeHtml(result.error ?? "")}</p><p><a href="/safety">←</a></p>`), result.status);
    return c.redirect('/safety', 303);
  });

  registerEscalationRoutes(app, lotsen, { allowed, forbidden });
  registerDashboardRoutes(app, lotsen, { allowed, forbidden }); // --- Tally report (issue 7): managers and admins
  registerFailureRoutes(app, lotsen, { allowed, forbidden }); // --- Failure tally (issue 7)

  app.get('/api/audit', async (c) => {
    if (!allowed(c, 'read-audit')) return forbidden(c);
    const subject = c.req.query('subject');
    return c.json({ events: await lotsen.store.listAudit({ subject: subject?.slice(0, 200), limit: 500 }) });
  });

  app.get('/kb/:id', (c) => {
    const article = lotsen.knowledge.state.articles.get(c.req.param('id'));
    // Drafts wait for a super-user's review; only what staff may rely on is shown.
    if (!article || article.status !== 'published') {
      return c.html(page('Saknas / Not found', '<p>Artikeln finns inte. / The article does not exist.</p>'), 404);
    }
    const meta = [article.system, article.verified && `Verifierad ${article.verified}`, article.owner].filter(Boolean).map((s) => escapeHtml(String(s))).join(' · ');
    return c.html(page(article.title, `<article><h1>${escapeHtml(article.title)}</h1>${renderMarkdown(article.body)}</article><p class="meta">${meta}</p>`, article.lang));
  });

  app.onError((err, c) => {
    lotsen.log.error({ err: err.message, path: c.req.path }, 'request failed');
    return c.json({ error: 'Something went wrong on our side. Nothing you sent was lost; please try again.' }, 500);
  });
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  return app;
}
