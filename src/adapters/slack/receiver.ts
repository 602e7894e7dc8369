import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../core/ports.ts';
import { readCapped } from '../request-body.ts';

/** Slack retries after 3 s without an answer; whatever a listener has not acknowledged by then is answered empty. */
const ACK_DEADLINE_MS = 2500;
/** Slack's own requests are far smaller; the cap keeps a forged body from being read whole. */
const MAX_BODY_BYTES = 1024 * 1024;
/** Slack refuses timestamps more than five minutes off, and so do we (in both directions). */
const MAX_SKEW_S = 5 * 60;

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8' } });
const plain = (text: string, status: number) => new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** What an ack was called with, as Slack expects it on the HTTP response (as Bolt's HTTPResponseAck does). */
function ackResponse(response: unknown): Response {
  if (response === undefined || response === null || response === '') return new Response(null, { status: 200 });
  if (typeof response === 'string') return plain(response, 200);
  return json(response);
}

/**
 * Slack's v0 signature: HMAC-SHA256 over "v0:timestamp:body", compared in constant time. The same check
 * as Bolt's verifySlackRequest, with the key prepared once: Bolt's builds it from the string on every
 * request and compares through two more HMACs, which was half the cost of an acknowledgement here.
 */
function validSignature(key: KeyObject, timestamp: number, body: string, signature: string): boolean {
  // Exactly what Slack sends (Buffer.from would skip a stray character or accept upper case).
  if (!/^v0=[0-9a-f]{64}$/.test(signature)) return false;
  const given = Buffer.from(signature.slice(3), 'hex');
  const expected = createHmac('sha256', key).update(`v0:${timestamp}:`).update(body).digest();
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Events API bodies are JSON; interactivity is form-encoded with a `payload` field; slash commands are plain form fields. */
function parseBody(raw: string, contentType: string): Record<string, unknown> | undefined {
  try {
    if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    if (payload !== null) return JSON.parse(payload) as Record<string, unknown>;
    return Object.fromEntries(form);
  } catch {
    return undefined;
  }
}

/**
 * A Bolt receiver that the shared Hono server feeds: it checks the signature before any work, answers
 * Slack as soon as a listener acknowledges, and lets the listener's work go on after the response, so
 * every request is answered well within Slack's 3 seconds however slow the answer is.
 */
export class HonoReceiver implements Receiver {
  private app?: App;
  private readonly key: KeyObject;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly overloaded: () => boolean;
  private deferred = 0;
  private deferredLoggedAt = 0;
  /** Listener work still running after its ack (for a clean stop and for tests). */
  private readonly inFlight = new Set<Promise<unknown>>();

  /** `overloaded`: too much work is waiting; Slack is told to send again later rather than have it queued. */
  constructor(o: { signingSecret: string; log: Logger; now?: () => number; overloaded?: () => boolean }) {
    this.key = createSecretKey(Buffer.from(o.signingSecret, 'utf8'));
    this.log = o.log;
    this.now = o.now ?? Date.now;
    this.overloaded = o.overloaded ?? (() => false);
  }

  init(app: App): void {
    this.app = app;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    await this.idle();
  }

  /** Resolves when all work started by requests so far is done. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  async handle(request: Request): Promise<Response> {
    const signature = request.headers.get('x-slack-signature');
    const timestamp = Number(request.headers.get('x-slack-request-timestamp'));
    // Refused before the body is read: no signature, or a timestamp that cannot be Slack's now.
    if (!signature || !Number.isInteger(timestamp) || Math.abs(this.now() / 1000 - timestamp) > MAX_SKEW_S) {
      this.log.warn({ reason: signature ? 'stale-timestamp' : 'unsigned' }, 'slack request refused');
      return plain('Unauthorized: unsigned or stale Slack request.', 401);
    }
    if (Number(request.headers.get('content-length') ?? 0) > MAX_BODY_BYTES) return plain('Payload too large.', 413);
    const raw = await readCapped(request, MAX_BODY_BYTES);
    if (raw === undefined) return plain('Payload too large.', 413);
    if (!validSignature(this.key, timestamp, raw, signature)) {
      this.log.warn({ reason: 'bad-signature' }, 'slack request refused');
      return plain('Unauthorized: the Slack signature does not match.', 401);
    }
    const body = parseBody(raw, (request.headers.get('content-type') ?? '').toLowerCase());
    if (!body) return plain('The body is neither JSON nor a Slack form.', 400);
    if (body.type === 'url_verification') return json({ challenge: body.challenge });
    if (body.ssl_check) return new Response(null, { status: 200 });
    if (!this.app) return plain('Slack is starting; try again.', 503);
    // Slack sends an event again after a failure (three times, over minutes), so nothing is lost by
    // asking. Clicks and commands are not sent again, and a person is waiting: they always go through.
    if (body.type === 'event_callback' && this.overloaded()) {
      this.deferred++;
      if (this.now() - this.deferredLoggedAt > 10_000) {
        this.log.warn({ deferred: this.deferred }, 'slack events deferred: too much work waiting');
        this.deferredLoggedAt = this.now();
        this.deferred = 0;
      }
      return new Response('Busy; send again later.', { status: 503, headers: { 'retry-after': '30' } });
    }

    const retryNum = request.headers.get('x-slack-retry-num');
    const retryReason = request.headers.get('x-slack-retry-reason') ?? undefined;
    let acked!: (response: Response) => void;
    const ackedResponse = new Promise<Response>((resolve) => (acked = resolve));
    let done = false;
    const event: ReceiverEvent = {
      body,
      retryNum: retryNum === null ? undefined : Number(retryNum),
      retryReason,
      ack: async (response?: unknown) => {
        if (done) return;
        done = true;
        acked(ackResponse(response));
      },
    };
    const work = this.app
      .processEvent(event)
      .catch((err: unknown) => this.log.error({ err: err instanceof Error ? err.name : 'error', code: (err as { code?: string }).code }, 'slack listener failed'))
      .finally(() => {
        this.inFlight.delete(work);
        // A request no listener acknowledged (no listener for it) is still answered.
        if (!done) void event.ack();
      });
    this.inFlight.add(work);
    const deadline = setTimeout(() => {
      if (!done) this.log.warn({ type: String(body.type ?? 'command') }, 'slack request not acknowledged in time; answered empty');
      void event.ack();
    }, ACK_DEADLINE_MS);
    try {
      return await ackedResponse;
    } finally {
      clearTimeout(deadline);
    }
  }
}
