import { connect } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { testLotsen } from './helpers.ts';
import { seededRandom } from './support/seeded-random.ts';

// 10,000 random and malformed requests to every endpoint: never a 5xx, never an unhandled rejection.
const SEED = 20261121;
const TOKEN = 'staff-token-fuzz-0123456789';

const random = seededRandom(SEED);
const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
const randomAscii = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => String.fromCharCode(33 + Math.floor(random() * 94))).join('');
const randomString = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');

const PATHS = ['/', '/app.js', '/app.css', '/healthz', '/signin', '/signout', '/api/me', '/api/ask', '/safety', '/api/safety', '/api/safety/abc/close', '/safety/abc/close', '/api/audit', '/kb/id-band-skriva-ut', '/kb/..%2F..%2Fetc%2Fpasswd', `/kb/${'x'.repeat(5000)}`, '/nope', '/api/ask?x=%ZZ', '/%00'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'];
const BODIES = [
  () => JSON.stringify({ question: randomString(200) }),
  () => JSON.stringify({ question: 'x'.repeat(17_000) }),
  () => JSON.stringify({ question: pick([null, 1, [], {}, true]) }),
  () => pick(['null', '1', '[]', '"str"', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"question":{"__proto__":{"toString":1}}}']),
  () => '{"question":',
  () => randomString(500),
  () => Buffer.from(Array.from({ length: 300 }, () => Math.floor(random() * 256))).toString('latin1'),
  () => new URLSearchParams([['name', randomString(100)], ['name', 'x'], ['role', pick(['admin', 'superuser', 'x', ''])], ['token', randomString(30)]]).toString(),
  () => JSON.stringify({ note: randomString(3000) }),
  () => '',
];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''];
const AUTH = [undefined, `Bearer ${TOKEN}`, 'Bearer nope', 'Basic Zm9vOmJhcg==', `Bearer ${randomAscii(40)}`];
const COOKIES = [undefined, 'lotsen_session=garbage', 'lotsen_session=eyJ1IjoiYSJ9.c2lnbmF0dXJl', `lotsen_session=${'A'.repeat(4000)}`];

let lotsen: Lotsen;
let open: Lotsen;
const problems: unknown[] = [];
const onProblem = (e: unknown) => problems.push(e);

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  // One app that requires sign-in and one on loopback without it, so both paths are exercised.
  lotsen = await testLotsen({ LOTSEN_REQUIRE_SIGN_IN: 'true', LOTSEN_STAFF_TOKEN: TOKEN, LOTSEN_RATE_USER_PER_MIN: '10000', LOTSEN_RATE_GLOBAL_PER_SEC: '100000' });
  open = await testLotsen({ LOTSEN_RATE_USER_PER_MIN: '10000', LOTSEN_RATE_GLOBAL_PER_SEC: '100000' });
});

afterAll(async () => {
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
  await lotsen.close();
  await open.close();
});

describe('fuzzing every endpoint', () => {
  it(`answers 10,000 random and malformed requests without a 5xx (seed ${SEED})`, async () => {
    const apps = [createWebApp(lotsen), createWebApp(open)];
    const statuses = new Map<number, number>();
    for (let i = 0; i < 10_000; i++) {
      const method = pick(METHODS);
      const path = pick(PATHS);
      const headers: Record<string, string> = {};
      const type = pick(CONTENT_TYPES);
      if (type) headers['content-type'] = type;
      const auth = pick(AUTH);
      if (auth) headers.authorization = auth;
      const cookie = pick(COOKIES);
      if (cookie) headers.cookie = cookie;
      const body = method === 'GET' || method === 'HEAD' ? undefined : pick(BODIES)();
      const request = `#${i} ${method} ${path.slice(0, 80)} ${JSON.stringify(headers).slice(0, 200)} ${JSON.stringify(body ?? '').slice(0, 200)}`;
      const res = await pick(apps).request(path, { method, headers, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      expect(res.status, request).toBeLessThan(500);
      const text = await res.text();
      if (path.startsWith('/api/') && res.status >= 400 && method !== 'HEAD') {
        expect(() => JSON.parse(text), request).not.toThrow();
        const parsed = JSON.parse(text);
        expect(typeof (parsed.error ?? parsed.answer), request).toBe('string');
      }
      if (path.startsWith('/api/ask') && res.status === 200) expect(JSON.parse(text).outcome, request).toMatch(/^(answered|escalated|safety)$/);
    }
    // The mix reached the code behind authentication, not only the gate.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(401) ?? 0).toBeGreaterThan(100);
    expect([...statuses.keys()].some((s) => s === 400 || s === 413 || s === 415)).toBe(true);
    expect(problems).toEqual([]);
  }, 120_000);

  it('keeps serving after raw garbage, truncated requests and huge headers over real HTTP', async () => {
    let server: ServerType | undefined;
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: createWebApp(open).fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port));
    });
    const raw = [
      () => Buffer.from(Array.from({ length: 500 }, () => Math.floor(random() * 256))),
      () => 'POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"question":"hej',
      () => 'POST /api/ask HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n',
      () => `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(70_000)}\r\n\r\n`,
      () => 'GET /healthz HTTP/9.9\r\n\r\n',
      () => 'POST /api/ask HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\nzz\r\n',
    ];
    for (let i = 0; i < 300; i++) {
      await new Promise<void>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end(pick(raw)());
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.setTimeout(500, () => socket.destroy());
        socket.resume();
      });
    }
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(problems).toEqual([]);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
  }, 60_000);
});
