import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * A fake Slack Web API on loopback, for Bolt's `clientOptions.slackApiUrl`. It speaks the wire format
 * the Web API client uses (form-encoded POSTs to /api/<method>, JSON answers with `ok`), records every
 * call, and can be told to answer a method with 429 + Retry-After or a platform error.
 */
export interface SlackCall {
  method: string;
  /** Form fields, with `blocks`, `view` and `attachments` parsed from their JSON. */
  body: Record<string, any>;
  token?: string;
  at: number;
}

export interface FakeSlack {
  /** Base URL for SLACK_API_URL (ends in /api/). */
  url: string;
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /** Waits until a call to `method` matches (default 5 s). */
  waitFor(method: string, match?: (c: SlackCall) => boolean, timeoutMs?: number): Promise<SlackCall>;
  /** The next `times` calls to `method` get HTTP 429 with Retry-After: `retryAfterS`. */
  rateLimit(method: string, times: number, retryAfterS: number): void;
  /** The next `times` calls to `method` answer `{ok:false, error}`. */
  failWith(method: string, error: string, times?: number): void;
  /** users.info answers, usergroups and channel members. */
  users: Map<string, { name: string; displayName?: string }>;
  groups: Map<string, string[]>;
  members: Map<string, string[]>;
  /** Milliseconds to wait before answering any call. */
  delayMs: number;
  botUserId: string;
  botId: string;
  /** Socket Mode: apps.connections.open hands out this server's WebSocket. */
  socket: FakeSocketMode;
  reset(): void;
  close(): Promise<void>;
}

export interface FakeSocketMode {
  /** Resolves when a client is connected and has been said hello to. */
  connected(): Promise<void>;
  /** Sends an envelope (events_api, interactive, slash_commands); returns its envelope_id. */
  send(type: 'events_api' | 'interactive' | 'slash_commands', payload: Record<string, unknown>): string;
  /** Waits for the client's acknowledgement of an envelope and returns its payload. */
  ack(envelopeId: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** One WebSocket frame from a server (unmasked, final). */
function frame(opcode: number, payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? Buffer.from([0x80 | opcode, n]) : n < 65536 ? Buffer.from([0x80 | opcode, 126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; })()]);
  return Buffer.concat([head, payload]);
}

/**
 * Just enough of a WebSocket server (RFC 6455) for Socket Mode: the handshake, text frames both
 * ways, ping → pong and close. Client frames are masked; ours are not.
 */
function fakeSocketMode(server: Server): FakeSocketMode & { destroy(): void } {
  let client: Socket | undefined;
  const sockets = new Set<Socket>();
  let hello!: () => void;
  let ready = new Promise<void>((r) => (hello = r));
  const acks = new Map<string, Record<string, unknown>>();
  let n = 0;
  server.on('upgrade', (req, socket: Socket) => {
    const accept = createHash('sha1').update(`${req.headers['sec-websocket-key']}${WS_GUID}`).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    client = socket;
    sockets.add(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        if (buffer.length < 2) return;
        const opcode = buffer[0]! & 0x0f;
        let len = buffer[1]! & 0x7f;
        let at = 2;
        if (len === 126) {
          if (buffer.length < 4) return;
          len = buffer.readUInt16BE(2);
          at = 4;
        } else if (len === 127) {
          if (buffer.length < 10) return;
          len = Number(buffer.readBigUInt64BE(2));
          at = 10;
        }
        if (buffer.length < at + 4 + len) return;
        const mask = buffer.subarray(at, at + 4);
        const payload = Buffer.from(buffer.subarray(at + 4, at + 4 + len).map((b, i) => b ^ mask[i % 4]!));
        buffer = buffer.subarray(at + 4 + len);
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x8) socket.end(frame(0x8, payload));
        else if (opcode === 0x1) {
          const message = JSON.parse(payload.toString('utf8')) as { envelope_id: string; payload?: Record<string, unknown> };
          acks.set(message.envelope_id, message.payload ?? {});
        }
      }
    });
    socket.on('close', () => {
      sockets.delete(socket);
      if (client === socket) client = undefined;
      ready = new Promise<void>((r) => (hello = r));
    });
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'fake' } }))));
    hello();
  });
  return {
    destroy: () => {
      for (const s of sockets) s.destroy();
    },
    connected: () => ready,
    send(type, payload) {
      const envelopeId = `env-${++n}`;
      if (!client) throw new Error('no Socket Mode client is connected');
      client.write(frame(0x1, Buffer.from(JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }))));
      return envelopeId;
    },
    async ack(envelopeId, timeoutMs = 3000) {
      const until = Date.now() + timeoutMs;
      while (!acks.has(envelopeId)) {
        if (Date.now() > until) throw new Error(`envelope ${envelopeId} not acknowledged within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return acks.get(envelopeId)!;
    },
  };
}

const JSON_FIELDS = new Set(['blocks', 'view', 'attachments']);

/** `light`: keep only the method and channel of each call (benchmarks: thousands of calls, nothing to inspect). */
export async function startFakeSlack(options: { light?: boolean } = {}): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const limited = new Map<string, { times: number; retryAfterS: number }>();
  const failing = new Map<string, { times: number; error: string }>();
  let ts = 1_700_000_000_000;
  const nextTs = () => `${Math.floor(++ts / 1000)}.${String(ts % 1_000_000).padStart(6, '0')}`;
  const fake: FakeSlack = {
    url: '',
    calls,
    callsTo: (method) => calls.filter((c) => c.method === method),
    async waitFor(method, match = () => true, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find((c) => c.method === method && match(c));
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no ${method} call matched within ${timeoutMs} ms (calls: ${calls.map((c) => c.method).join(', ')})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    rateLimit: (method, times, retryAfterS) => limited.set(method, { times, retryAfterS }),
    failWith: (method, error, times = 1) => failing.set(method, { times, error }),
    users: new Map(),
    groups: new Map(),
    members: new Map(),
    delayMs: 0,
    botUserId: 'UBOT',
    botId: 'BBOT',
    socket: undefined as unknown as FakeSocketMode,
    reset() {
      calls.length = 0;
      limited.clear();
      failing.clear();
      fake.delayMs = 0;
    },
    close: () =>
      new Promise<void>((r) => {
        socketMode.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };

  const answer = (method: string, body: Record<string, any>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://lotsen-test.slack.com/', team: 'Test', user: 'lotsen', team_id: 'T1', user_id: fake.botUserId, bot_id: fake.botId };
      case 'chat.postMessage': {
        // Posting to a user id opens the direct message with the bot, as on Slack.
        const channel = String(body.channel).replace(/^U/, 'D');
        return { ok: true, channel, ts: nextTs(), message: { text: body.text } };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: nextTs() };
      case 'views.open':
      case 'views.publish':
        return { ok: true, view: { id: `V${calls.length}`, ...(body.view ?? {}) } };
      case 'users.info': {
        const u = fake.users.get(String(body.user));
        if (!u) return { ok: false, error: 'user_not_found' };
        return { ok: true, user: { id: body.user, name: u.name.toLowerCase().replace(/\s+/g, '.'), real_name: u.name, profile: { display_name: u.displayName ?? '', real_name: u.name } } };
      }
      case 'usergroups.users.list':
        return fake.groups.has(String(body.usergroup)) ? { ok: true, users: fake.groups.get(String(body.usergroup)) } : { ok: false, error: 'no_such_subteam' };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/socket` };
      case 'conversations.members':
        return { ok: true, members: fake.members.get(String(body.channel)) ?? [], response_metadata: { next_cursor: '' } };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0]!;
      let body: Record<string, any> = {};
      if ((req.headers['content-type'] ?? '').includes('json')) body = raw ? JSON.parse(raw) : {};
      else if (options.light) body = { channel: new URLSearchParams(raw).get('channel') };
      else for (const [k, v] of new URLSearchParams(raw)) body[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || body.token;
      const reply = () => {
        calls.push({ method, body, token, at: Date.now() });
        const limit = limited.get(method);
        if (limit && limit.times > 0) {
          limit.times--;
          res.writeHead(429, { 'retry-after': String(limit.retryAfterS), 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: 'ratelimited' }));
          return;
        }
        const fail = failing.get(method);
        if (fail && fail.times > 0) {
          fail.times--;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error: fail.error }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, body)));
      };
      if (fake.delayMs) setTimeout(reply, fake.delayMs);
      else reply();
    });
  });
  const socketMode = fakeSocketMode(server);
  fake.socket = socketMode;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`;
  return fake;
}

/** Headers Slack sends with a request: a v0 HMAC-SHA256 signature of "v0:timestamp:body". */
export function slackSignature(body: string, secret: string, timestampS = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampS}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestampS), 'x-slack-signature': signature };
}

let seq = 0;
/** An Events API envelope around `event`, with a fresh event_id unless given. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${Date.now().toString(36)}${(++seq).toString(36)}`, botUserId = 'UBOT'): Record<string, unknown> {
  return {
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: botUserId, is_bot: true, is_enterprise_install: false }],
    event,
  };
}

/** A fresh message timestamp ("1700000000.000123"). */
export const messageTs = () => `${Math.floor(Date.now() / 1000)}.${String(++seq).padStart(6, '0')}`;
