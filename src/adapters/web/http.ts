import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import { z } from 'zod';
import type { Identity } from '../../core/identity/roles.ts';
import type { Reply } from '../../core/assistant.ts';
import { renderMarkdown } from './markdown.ts';

export type Env = { Variables: { who: Identity } };

export const limit = (maxSize: number) => bodyLimit({ maxSize, onError: (c) => c.json({ error: 'The message is too long.' }, 413) });

export function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (tests) have no socket.
    return 'local';
  }
}

export async function readJson(c: Context): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('application/json')) {
    return { ok: false, response: c.json({ error: 'Send JSON (content-type: application/json).' }, 415) };
  }
  try {
    return { ok: true, body: await c.req.json() };
  } catch {
    return { ok: false, response: c.json({ error: 'The body is not valid JSON.' }, 400) };
  }
}


const MAX_QUESTION_CHARS = 2000;
const questionSchema = z.object({ question: z.string().trim().min(1).max(MAX_QUESTION_CHARS) });

/** The `{ question }` body of the chat's and the escalation's POSTs, or the response that refuses it. */
export async function readQuestion(c: Context): Promise<{ ok: true; question: string } | { ok: false; response: Response }> {
  const json = await readJson(c);
  if (!json.ok) return json;
  const parsed = questionSchema.safeParse(json.body);
  if (!parsed.success) return { ok: false, response: c.json({ error: `A question is 1 to ${MAX_QUESTION_CHARS} characters of text.` }, 400) };
  return { ok: true, question: parsed.data.question };
}

/** A reply as the chat renders it; a rate-limited one is a 429 with Retry-After. */
export function replyResponse(c: Context, reply: Reply): Response {
  const body = { ...reply, answerHtml: renderMarkdown(reply.answer) };
  if (reply.outcome === 'limited') return c.json(body, 429, { 'retry-after': String(reply.retryAfterS ?? 60) });
  return c.json(body);
}
