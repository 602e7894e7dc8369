import type { Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Identity } from '../../core/identity/roles.ts';

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

