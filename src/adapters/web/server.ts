import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Lotsen } from '../../app.ts';
import { escapeHtml, renderMarkdown } from './markdown.ts';

const MAX_QUESTION_CHARS = 2000;
const publicFile = (name: string) => readFileSync(new URL(`./public/${name}`, import.meta.url), 'utf8');
const askSchema = z.object({ question: z.string().trim().min(1).max(MAX_QUESTION_CHARS) });

function articlePage(title: string, lang: string, bodyHtml: string, meta: string): string {
  return `<!doctype html><html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} – Lotsen</title><link rel="stylesheet" href="/app.css"></head><body class="article-page"><main><p><a href="/">← Lotsen</a></p><article><h1>${escapeHtml(title)}</h1>${bodyHtml}</article><p class="meta">${meta}</p></main></body></html>`;
}

/** The local web chat, article pages and health check, on one Hono app that tests call in-process. */
export function createWebApp(lotsen: Lotsen): Hono {
  const app = new Hono();
  const page = publicFile('index.html');
  const script = publicFile('app.js');
  const style = publicFile('app.css');

  app.get('/', (c) => c.html(page));
  app.get('/app.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/app.css', (c) => c.body(style, 200, { 'content-type': 'text/css; charset=utf-8' }));
  app.get('/healthz', (c) => c.json({ ok: true }));

  app.post(
    '/api/ask',
    bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: 'The message is too long.' }, 413) }),
    async (c) => {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        return c.json({ error: 'Send JSON: {"question": "…"}' }, 400);
      }
      const parsed = askSchema.safeParse(body);
      if (!parsed.success) {
        return c.json({ error: `A question is 1 to ${MAX_QUESTION_CHARS} characters of text.` }, 400);
      }
      const started = performance.now();
      const result = await lotsen.answerer.ask(lotsen.knowledge.state.retriever, parsed.data.question);
      lotsen.log.info({ outcome: result.outcome, confidence: result.confidence, source: result.source, ms: Math.round(performance.now() - started) }, 'question');
      return c.json({ ...result, answerHtml: renderMarkdown(result.answer) });
    },
  );

  app.get('/kb/:id', (c) => {
    const article = lotsen.knowledge.state.articles.get(c.req.param('id'));
    // Drafts wait for a super-user's review; only what staff may rely on is shown.
    if (!article || article.status !== 'published') {
      return c.html(articlePage('Saknas / Not found', 'sv', '<p>Artikeln finns inte. / The article does not exist.</p>', ''), 404);
    }
    const meta = [article.system, article.verified && `Verifierad ${article.verified}`, article.owner].filter(Boolean).map((s) => escapeHtml(String(s))).join(' · ');
    return c.html(articlePage(article.title, article.lang, renderMarkdown(article.body), meta));
  });

  app.onError((err, c) => {
    lotsen.log.error({ err: err.message, path: c.req.path }, 'request failed');
    return c.json({ error: 'Something went wrong on our side. Please try again.' }, 500);
  });
  app.notFound((c) => c.json({ error: 'Not found' }, 404));
  return app;
}
