import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OpenAI-compatible server for tests. It speaks the real wire protocol of
 * chat completions and embeddings, both in the OpenAI form (/v1/...) and the Azure form
 * (/openai/deployments/{deployment}/...?api-version=...), records every request, and
 * answers the way the current behaviour says.
 */

export interface ChatRequestMessage {
  role: string;
  content: unknown;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when the body was empty or not JSON). */
  body: any;
  kind: 'chat' | 'embeddings' | 'unknown';
  /** The deployment named in an Azure path. */
  deployment?: string;
}

export interface Behaviour {
  /** Builds the assistant's text from the chat request. */
  reply: (request: RecordedRequest) => string;
  /** Milliseconds to wait before the chat reply (a slow model). */
  delayMs: number;
  /** An HTTP error status for chat completions (e.g. 500, 429) instead of a reply. */
  status?: number;
  /** Milliseconds to wait before the embeddings reply (a slow embedding model). */
  embeddingDelayMs: number;
  /** An HTTP error status for embeddings instead of vectors. */
  embeddingStatus?: number;
  /** Dimensions of the embedding vectors. */
  dimensions: number;
}

export interface FakeOpenAI {
  /** Base URL of the OpenAI form, ending in /v1 (for OPENAI_BASE_URL). */
  url: string;
  /** Origin without a path (for AZURE_OPENAI_ENDPOINT). */
  origin: string;
  requests: RecordedRequest[];
  chatRequests(): RecordedRequest[];
  embeddingRequests(): RecordedRequest[];
  setBehaviour(change: Partial<Behaviour>): void;
  /** Forgets recorded requests and restores the default behaviour. */
  reset(): void;
  close(): Promise<void>;
}

/** Text of a chat message whether content is a string or a list of parts. */
export function messageText(message: ChatRequestMessage | undefined): string {
  if (!message) return '';
  const { content } = message;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (p && typeof p === 'object' && 'text' in p && typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

/** The article ids in a Lotsen prompt, in the order given. */
export function articleIdsIn(text: string): string[] {
  return [...text.matchAll(/<article id="([^"]+)"/g)].map((m) => m[1]!);
}

/** The default reply: a short grounded answer citing the first article in the prompt. */
export const citeFirstArticle = (request: RecordedRequest): string => {
  const messages: ChatRequestMessage[] = request.body?.messages ?? [];
  const user = messageText(messages.find((m) => m.role === 'user'));
  const id = articleIdsIn(user)[0] ?? 'unknown';
  return `1. Öppna patientens journal [${id}].\n2. Följ stegen i artikeln [${id}]. Läs mer: [hela artikeln](/kb/${id})`;
};

/** Deterministic embedding: a hashed bag of words, L2-normalised, so shared words mean nearby vectors. */
export function hashEmbedding(text: string, dimensions = 64): number[] {
  const v = new Array<number>(dimensions).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    // FNV-1a, 32 bit.
    let h = 0x811c9dc5;
    for (let i = 0; i < word.length; i++) {
      h ^= word.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    const sign = (h & 0x80000000) !== 0 ? -1 : 1;
    v[h % dimensions]! += sign;
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
  return norm ? v.map((x) => x / norm) : v;
}

const defaults = (): Behaviour => ({ reply: citeFirstArticle, delayMs: 0, embeddingDelayMs: 0, dimensions: 64 });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...extra });
  res.end(text);
}

function sendError(res: ServerResponse, status: number): void {
  const type = status === 429 ? 'rate_limit_exceeded' : 'server_error';
  sendJson(
    res,
    status,
    { error: { message: `fake-openai: status ${status}`, type, param: null, code: type } },
    // Tell the SDKs not to wait long should they retry.
    status === 429 ? { 'retry-after-ms': '10' } : {},
  );
}

const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

export async function startFakeOpenAI(options: Partial<Behaviour> = {}): Promise<FakeOpenAI> {
  let behaviour: Behaviour = { ...defaults(), ...options };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let counter = 0;

  /** Waits ms before replying; false when the client went away meanwhile. */
  const pause = async (res: ServerResponse, ms: number): Promise<boolean> => {
    if (ms <= 0) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        timers.delete(t);
        resolve();
      };
      const t = setTimeout(done, ms);
      timers.add(t);
      res.on('close', done);
    });
    return !(res.destroyed || res.writableEnded);
  };

  const server = createServer(async (req, res) => {
    const parsed = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: any;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = undefined;
    }
    const azure = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(parsed.pathname);
    const openai = /^\/v1\/(chat\/completions|embeddings)$/.exec(parsed.pathname);
    const endpoint = azure?.[2] ?? openai?.[1];
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: req.headers,
      body,
      kind: endpoint === 'chat/completions' ? 'chat' : endpoint === 'embeddings' ? 'embeddings' : 'unknown',
      deployment: azure ? decodeURIComponent(azure[1]!) : undefined,
    };
    requests.push(record);

    if (req.method !== 'POST' || record.kind === 'unknown') {
      sendJson(res, 404, { error: { message: `fake-openai: no route ${req.method} ${parsed.pathname}`, type: 'invalid_request_error' } });
      return;
    }
    if (!body || typeof body !== 'object') {
      sendJson(res, 400, { error: { message: 'fake-openai: body must be JSON', type: 'invalid_request_error' } });
      return;
    }
    if (azure && !parsed.searchParams.get('api-version')) {
      sendJson(res, 404, { error: { message: 'fake-openai: api-version missing', type: 'invalid_request_error' } });
      return;
    }
    const current = behaviour;
    const model: string = record.deployment ?? body.model ?? 'fake-model';

    if (record.kind === 'embeddings') {
      if (!(await pause(res, current.embeddingDelayMs))) return;
      if (current.embeddingStatus) return sendError(res, current.embeddingStatus);
      const input: string[] = Array.isArray(body.input) ? body.input : [body.input];
      if (input.some((t) => typeof t !== 'string')) {
        sendJson(res, 400, { error: { message: 'fake-openai: input must be text', type: 'invalid_request_error' } });
        return;
      }
      if (body.encoding_format === 'base64') {
        // The real API sends base64 when asked; this fake only speaks float.
        sendJson(res, 400, { error: { message: 'fake-openai: base64 not supported', type: 'invalid_request_error' } });
        return;
      }
      const total = input.reduce((s, t) => s + tokens(t), 0);
      sendJson(res, 200, {
        object: 'list',
        data: input.map((text, index) => ({ object: 'embedding', index, embedding: hashEmbedding(text, current.dimensions) })),
        model,
        usage: { prompt_tokens: total, total_tokens: total },
      });
      return;
    }

    // Chat completions.
    if (!(await pause(res, current.delayMs))) return;
    if (current.status) return sendError(res, current.status);
    const text = current.reply(record);
    const id = `chatcmpl-fake-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    const promptTokens = tokens(JSON.stringify(body.messages ?? []));
    const usage = { prompt_tokens: promptTokens, completion_tokens: tokens(text), total_tokens: promptTokens + tokens(text) };
    if (body.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      res.write(chunk({ content: text }, null));
      res.write(chunk({}, 'stop'));
      res.end('data: [DONE]\n\n');
      return;
    }
    sendJson(res, 200, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage,
      system_fingerprint: 'fp_fake',
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests: () => requests.filter((r) => r.kind === 'chat'),
    embeddingRequests: () => requests.filter((r) => r.kind === 'embeddings'),
    setBehaviour(change) {
      behaviour = { ...behaviour, ...change };
    },
    reset() {
      requests.length = 0;
      behaviour = { ...defaults(), ...options };
    },
    close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}
