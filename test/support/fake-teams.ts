import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The Microsoft side of a Teams bot, on loopback: the Bot Framework's OpenID metadata and signing keys
 * (JWKS) and a token issuer for the activities it sends; the Entra token endpoint (client
 * credentials) the bot asks for its own tokens; the Bot Connector the bot posts to (each activity's
 * serviceUrl; any path prefix works, so tests can tell service URLs apart); and Microsoft Graph's
 * checkMemberGroups. Records every connector call and can be told to fail the next ones.
 */
export interface ConnectorCall {
  method: 'create' | 'update' | 'createConversation';
  /** The service URL the call went to (the fake's base plus the prefix before /v3). */
  serviceUrl: string;
  /** Conversation id as addressed (with ";messageid=" for a channel thread). */
  conversation: string;
  activityId?: string;
  /** The activity (or the create-conversation parameters) as sent. */
  body: any;
  token?: string;
  at: number;
}

export interface FakeTeams {
  /** http://127.0.0.1:port */
  url: string;
  /** A service URL on the fake (activities carry it; replies go there). */
  serviceUrl(region?: string): string;
  openIdMetadataUrl: string;
  tokenUrl: string;
  graphUrl: string;
  appId: string;
  appPassword: string;
  tenantId: string;
  calls: ConnectorCall[];
  /** Tokens the bot fetched (client credentials), with their scopes. */
  issued: { scope: string; token: string }[];
  /** Entra object id → group ids, for checkMemberGroups. */
  groups: Map<string, string[]>;
  /** The next `times` connector calls matching get `status` (with Retry-After when given). */
  failNext(match: { method?: ConnectorCall['method']; conversation?: string | RegExp }, status: number, times?: number, retryAfterS?: number): void;
  /** checkMemberGroups answers this status while set. */
  graphStatus: number;
  /** A Bot Framework token for an activity (signed by the fake's trusted key unless told otherwise). */
  sign(claims?: Record<string, unknown>, o?: { untrusted?: boolean; kid?: string; alg?: string }): string;
  /** Waits until a connector call matches (default 5 s). */
  waitFor(match: (c: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall>;
  /** Forgets the calls and failures (not the issued tokens). */
  reset(): void;
  close(): Promise<void>;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

function jwt(key: KeyObject, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const head = b64url(JSON.stringify(header));
  const body = b64url(JSON.stringify(claims));
  const signature = createSign('RSA-SHA256').update(`${head}.${body}`).sign(key);
  return `${head}.${body}.${b64url(signature)}`;
}

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

/** `open`: the connector takes calls without a token (as the Agents Playground does, for a bot without credentials). */
export async function startFakeTeams(o: { appId?: string; appPassword?: string; tenantId?: string; light?: boolean; open?: boolean } = {}): Promise<FakeTeams> {
  const trusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const untrusted = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `fake-${randomBytes(4).toString('hex')}`;
  const jwk = { ...trusted.publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256', endorsements: ['msteams'] };
  const calls: ConnectorCall[] = [];
  const issued: { scope: string; token: string }[] = [];
  const failures: { match: { method?: ConnectorCall['method']; conversation?: string | RegExp }; status: number; times: number; retryAfterS?: number }[] = [];
  const created = new Set<string>();
  let seq = 1_700_000_000_000;
  let base = '';

  const fake: FakeTeams = {
    url: '',
    serviceUrl: (region = 'teams') => `${base}/${region}/`,
    openIdMetadataUrl: '',
    tokenUrl: '',
    graphUrl: '',
    appId: o.appId ?? '11111111-2222-3333-4444-555555555555',
    appPassword: o.appPassword ?? `secret-${randomBytes(8).toString('hex')}`,
    tenantId: o.tenantId ?? 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
    calls,
    issued,
    groups: new Map(),
    graphStatus: 200,
    failNext: (match, status, times = 1, retryAfterS) => void failures.push({ match, status, times, retryAfterS }),
    sign(claims = {}, so = {}) {
      const now = Math.floor(Date.now() / 1000);
      return jwt(so.untrusted ? untrusted.privateKey : trusted.privateKey, { alg: so.alg ?? 'RS256', typ: 'JWT', kid: so.kid ?? kid }, {
        iss: BOT_FRAMEWORK_ISSUER,
        aud: fake.appId,
        serviceurl: fake.serviceUrl(),
        nbf: now - 10,
        iat: now - 10,
        exp: now + 3600,
        ...claims,
      });
    },
    async waitFor(match, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const hit = calls.find(match);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`no connector call matched within ${timeoutMs} ms (calls: ${calls.map((c) => `${c.method} ${c.conversation}`).join(', ')})`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    reset() {
      calls.length = 0;
      failures.length = 0;
      fake.graphStatus = 200;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };

  const send = (res: import('node:http').ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers }).end(body === undefined ? undefined : JSON.stringify(body));
  };
  const bearer = (auth: string | undefined) => (auth ?? '').replace(/^Bearer /, '') || undefined;

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', base);
      const path = url.pathname;
      if (req.method === 'GET' && path === '/v1/.well-known/openidconfiguration') {
        return send(res, 200, { issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${base}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'], token_endpoint_auth_methods_supported: ['private_key_jwt'] });
      }
      if (req.method === 'GET' && path === '/v1/.well-known/keys') return send(res, 200, { keys: [jwk] });
      if (req.method === 'POST' && path === '/oauth2/v2.0/token') {
        const form = new URLSearchParams(raw);
        if (form.get('grant_type') !== 'client_credentials' || form.get('client_id') !== fake.appId || form.get('client_secret') !== fake.appPassword) {
          return send(res, 401, { error: 'invalid_client' });
        }
        const scope = form.get('scope') ?? '';
        const now = Math.floor(Date.now() / 1000);
        // Shaped like Entra's (a JWT), since the SDK decodes it; signed with a key nobody checks.
        const token = jwt(untrusted.privateKey, { alg: 'RS256', typ: 'JWT' }, { aud: scope.replace(/\/\.default$/, ''), appid: fake.appId, tid: fake.tenantId, iat: now, exp: now + 3600, jti: randomBytes(6).toString('hex') });
        issued.push({ scope, token });
        return send(res, 200, { token_type: 'Bearer', expires_in: 3599, access_token: token });
      }
      const graph = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/.exec(path);
      if (req.method === 'POST' && graph) {
        if (fake.graphStatus !== 200) return send(res, fake.graphStatus, { error: { code: 'fake' } });
        if (!issued.some((t) => t.token === bearer(req.headers.authorization) && t.scope.startsWith('https://graph.microsoft.com'))) return send(res, 401, { error: { code: 'InvalidAuthenticationToken' } });
        const member = new Set(fake.groups.get(decodeURIComponent(graph[1]!)) ?? []);
        const asked = (JSON.parse(raw || '{}') as { groupIds?: string[] }).groupIds ?? [];
        return send(res, 200, { value: asked.filter((g) => member.has(g)) });
      }
      const connector = /^(.*)\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?\/?$/.exec(path);
      if (connector) {
        const [, prefix, conv, activityId] = connector;
        const method: ConnectorCall['method'] = !conv ? 'createConversation' : req.method === 'PUT' ? 'update' : 'create';
        const conversation = conv ? decodeURIComponent(conv) : '';
        const token = bearer(req.headers.authorization);
        const call: ConnectorCall = { method, serviceUrl: `${base}${prefix}/`, conversation, activityId: activityId ? decodeURIComponent(activityId) : undefined, body: o.light ? undefined : raw ? JSON.parse(raw) : undefined, token, at: Date.now() };
        calls.push(call);
        // The bot must present a token it got from the token endpoint for the Bot Framework's scope.
        if (!o.open && !issued.some((t) => t.token === token && t.scope === 'https://api.botframework.com/.default')) return send(res, 401, { error: { code: 'Unauthorized' } });
        const fail = failures.find((f) => f.times > 0 && (!f.match.method || f.match.method === method) && (!f.match.conversation || (typeof f.match.conversation === 'string' ? f.match.conversation === conversation : f.match.conversation.test(conversation))));
        if (fail) {
          fail.times--;
          return send(res, fail.status, { error: { code: 'Fake', message: 'failed on purpose' } }, fail.retryAfterS !== undefined ? { 'retry-after': String(fail.retryAfterS) } : {});
        }
        if (method === 'createConversation') return send(res, 201, { id: `a:fake-${++seq}`, serviceUrl: call.serviceUrl });
        if (method === 'update') {
          if (!created.has(call.activityId!)) return send(res, 404, { error: { code: 'ActivityNotFoundInConversation' } });
          return send(res, 200, { id: call.activityId });
        }
        const id = String(++seq);
        created.add(id);
        call.activityId = id;
        return send(res, 201, { id });
      }
      send(res, 404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.url = base;
  fake.openIdMetadataUrl = `${base}/v1/.well-known/openidconfiguration`;
  fake.tokenUrl = `${base}/oauth2/v2.0/token`;
  fake.graphUrl = base;
  return fake;
}

let n = 0;
/** A fresh numeric message id, as Teams gives them. */
export const messageId = () => String(1_800_000_000_000 + ++n);

export interface Person {
  id: string;
  aadObjectId: string;
  name: string;
}

/** A message activity from a person; `channel` puts it in a team channel (a new post unless `thread` is given). */
export function messageActivity(
  fake: FakeTeams,
  from: Person,
  text: string,
  o: { conversation?: string; type?: 'personal' | 'channel' | 'groupChat'; thread?: string; mention?: boolean; id?: string; serviceUrl?: string; attachments?: unknown[]; tenantId?: string } = {},
): Record<string, any> {
  const id = o.id ?? messageId();
  const type = o.type ?? 'personal';
  const base = o.conversation ?? (type === 'personal' ? `a:personal-${from.aadObjectId}` : type === 'channel' ? '19:unit12@thread.tacv2' : '19:group-chat@thread.v2');
  const conversationId = type === 'channel' ? `${base};messageid=${o.thread ?? id}` : base;
  const bot = { id: `28:${fake.appId}`, name: 'Lotsen' };
  const mention = o.mention ?? type !== 'personal';
  return {
    type: 'message',
    id,
    timestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl ?? fake.serviceUrl(),
    channelId: 'msteams',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: bot,
    conversation: { id: conversationId, conversationType: type, tenantId: o.tenantId ?? fake.tenantId, isGroup: type !== 'personal' },
    text: mention ? `<at>Lotsen</at> ${text}` : text,
    textFormat: 'plain',
    entities: mention ? [{ type: 'mention', text: '<at>Lotsen</at>', mentioned: bot }] : [],
    attachments: o.attachments ?? [],
    channelData: { tenant: { id: o.tenantId ?? fake.tenantId }, ...(type === 'channel' ? { channel: { id: base }, team: { id: base } } : {}) },
    locale: 'sv-SE',
  };
}

/** An adaptiveCard/action invoke: a click on an Action.Execute button of the card `replyToId`. */
export function cardAction(
  fake: FakeTeams,
  from: Person,
  verb: string,
  data: Record<string, unknown>,
  o: { conversation: string; type?: 'personal' | 'channel' | 'groupChat'; replyToId?: string; serviceUrl?: string },
): Record<string, any> {
  const bot = { id: `28:${fake.appId}`, name: 'Lotsen' };
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `f:${messageId()}`,
    timestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl ?? fake.serviceUrl(),
    channelId: 'msteams',
    from: { id: from.id, name: from.name, aadObjectId: from.aadObjectId },
    recipient: bot,
    conversation: { id: o.conversation, conversationType: o.type ?? 'channel', tenantId: fake.tenantId },
    replyToId: o.replyToId,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
    channelData: { tenant: { id: fake.tenantId } },
    locale: 'sv-SE',
  };
}

/** Every text on an Adaptive Card (or in an activity's card attachments), flattened: what a reader sees. */
export function cardText(activityOrCard: any): string {
  const card = activityOrCard?.attachments?.[0]?.content ?? activityOrCard;
  return JSON.stringify(card ?? {});
}

/** Verbs of the card's Action.Execute buttons, in order. */
export function verbs(activityOrCard: any): string[] {
  const card = activityOrCard?.attachments?.[0]?.content ?? activityOrCard;
  const out: string[] = [];
  const walk = (x: any) => {
    if (!x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(walk);
    if (x.type === 'Action.Execute' && x !== card?.refresh?.action) out.push(x.verb);
    for (const [k, v] of Object.entries(x)) if (k !== 'refresh') walk(v);
  };
  walk(card);
  return out;
}
