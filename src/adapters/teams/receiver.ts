import type { ILogger } from '@microsoft/teams.common';
import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from '@microsoft/teams.apps';
import type { Logger } from '../../core/ports.ts';
import { readCapped } from '../request-body.ts';

/** Bot Framework activities are small (attachments are links); the cap keeps a forged body from being read whole. */
const MAX_BODY_BYTES = 1024 * 1024;

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(body === undefined ? null : JSON.stringify(body), { status, headers: body === undefined ? headers : { 'content-type': 'application/json; charset=utf-8', ...headers } });

/**
 * The Teams SDK's transport seam (IHttpServerAdapter) fed by the shared Hono server: the SDK registers
 * its messaging route here at initialize(), and POST /api/messages hands each request to it. The SDK
 * keeps what is protocol (JWT validation, routing, invoke responses); this keeps what is HTTP (body
 * limits, JSON, refusing requests without a token before reading them). Nothing listens on a port.
 */
export class HonoTeamsAdapter implements IHttpServerAdapter {
  private route?: HttpRouteHandler;
  private readonly path: string;
  private readonly log: Logger;
  private readonly authenticated: boolean;
  private refused = 0;
  private refusedLoggedAt = 0;
  private handling = 0;

  constructor(o: { path: string; log: Logger; authenticated: boolean }) {
    this.path = o.path;
    this.log = o.log;
    this.authenticated = o.authenticated;
  }

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    // Other routes (app.function, tabs) would need a port of their own; Lotsen uses none.
    if (method === 'POST' && path === this.path) this.route = handler;
  }

  /** Requests being acknowledged right now (work after the ack lets them go first). */
  get busy(): boolean {
    return this.handling > 0;
  }

  async handle(request: Request): Promise<Response> {
    this.handling++;
    try {
      return await this.acknowledge(request);
    } finally {
      this.handling--;
    }
  }

  private async acknowledge(request: Request): Promise<Response> {
    if (!this.route) return json({ error: 'Teams is starting; try again.' }, 503, { 'retry-after': '5' });
    // Without app credentials the SDK accepts any request (local testing on loopback only, see config).
    if (this.authenticated && !/^Bearer \S+$/i.test(request.headers.get('authorization') ?? '')) return this.refuse('unsigned');
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return json({ error: 'Payload too large.' }, 413);
    const raw = await readCapped(request, MAX_BODY_BYTES);
    if (raw === undefined) return json({ error: 'Payload too large.' }, 413);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return json({ error: 'The body is not JSON.' }, 400);
    }
    if (!body || typeof body !== 'object' || typeof (body as { type?: unknown }).type !== 'string') return json({ error: 'The body is not an activity.' }, 400);
    const headers: Record<string, string> = {};
    request.headers.forEach((v, k) => (headers[k] = v));
    const res = await this.route({ body, headers });
    if (res.status === 401) return this.refuse('invalid-token');
    return json(res.body, res.status);
  }

  /** Refusals are logged with their reason, at most every 10 s with a count (a flood must not flood the log). */
  private refuse(reason: string): Response {
    this.refused++;
    const now = Date.now();
    if (now - this.refusedLoggedAt > 10_000) {
      this.log.warn({ reason, refused: this.refused }, 'teams request refused');
      this.refusedLoggedAt = now;
      this.refused = 0;
    }
    return json({ error: 'Unauthorized: no valid Bot Framework token.' }, 401);
  }
}

/**
 * The SDK logs whole activities at debug and errors with their payloads; only short fixed texts and
 * error kinds reach our log. Its token-validation complaints are our refusals, logged above.
 */
export function teamsLogger(log: Logger, name = 'teams'): ILogger {
  const describe = (args: unknown[]) => {
    const first = args[0];
    if (first instanceof Error) return { teams: first.name, code: (first as { code?: string }).code };
    const text = typeof first === 'string' ? first.replace(/[{[(:][\s\S]*$/, '').slice(0, 120).trim() : typeof first;
    const err = args.find((a) => a instanceof Error) as (Error & { code?: string; response?: { status?: number } }) | undefined;
    return { teams: text, ...(err ? { err: err.name, code: err.code, status: err.response?.status } : {}) };
  };
  const quiet = (args: unknown[]) => typeof args[0] === 'string' && /JWT|token|inbound activity rejected|signing key/i.test(args[0]);
  const logger: ILogger = {
    debug: () => {},
    trace: () => {},
    info: () => {},
    warn: (...args: unknown[]) => (quiet(args) ? undefined : log.warn(describe(args), name)),
    error: (...args: unknown[]) => (quiet(args) ? undefined : log.error(describe(args), name)),
    log: (level, ...args: unknown[]) => (level === 'error' ? logger.error(...args) : level === 'warn' ? logger.warn(...args) : undefined),
    child: () => logger,
  };
  return logger;
}
