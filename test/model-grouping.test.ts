import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/adapters/store/sqlite-store.ts';
import { createGrouping } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { FailureDesk } from '../src/core/failures/failure-desk.ts';
import { silentLogger, type ChatModel } from '../src/core/ports.ts';
import { ModelGrouping, parseGrouping } from '../src/core/tally/model-grouping.ts';
import { messageText, startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from './fake-openai.ts';
import { runLotsen, tempDir } from './helpers.ts';

// Two failures, each reported three ways that share almost no words: the lexical index alone splits them.
const REPORTS = [
  { id: 'a1', fault: 'dates', text: 'Datumen i vårdplanen visas som 11/22/26, amerikanskt format. Förvirrande för alla.' },
  { id: 'b1', fault: 'clock', text: 'Klockan i Millennium går en timme fel sedan helgen.' },
  { id: 'a2', fault: 'dates', text: 'Is it just me or does everything show month first now? 03/04 could be March or April.' },
  { id: 'b2', fault: 'clock', text: 'All the timestamps are sixty minutes behind since daylight saving ended' },
  { id: 'a3', fault: 'dates', text: 'vem har ställt om till månad/dag/år??' },
  { id: 'b3', fault: 'clock', text: 'Signeringstiden på anteckningarna stämmer inte, den ligger en timme efter väggklockan' },
];
const faultOf = (text: string) => REPORTS.find((r) => text.includes(JSON.stringify(r.text)))?.fault;

/**
 * Answers as a model that understands the reports would: the listed failure whose examples are about
 * the same fault as the new report, else 0.
 */
function judge(prompt: string): string {
  const [report, listed = ''] = prompt.split('Failures already reported:');
  const fault = faultOf(report!);
  const candidates = listed.split(/\n(?=\d+\. )/).filter((c) => c.trim());
  const n = candidates.findIndex((c) => faultOf(c) === fault);
  return JSON.stringify({ failure: n + 1 });
}
const userText = (r: RecordedRequest) => messageText((r.body?.messages ?? []).find((m: { role: string }) => m.role === 'user'));

async function tally(env: Record<string, string>): Promise<string[][]> {
  const input = REPORTS.map((r, i) => JSON.stringify({ id: r.id, text: r.text, user: `u${i}`, site: 'Avd 3', ts: `2026-11-20T0${i}:00:00Z` })).join('\n');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(OPENAI|AZURE_OPENAI)_/.test(k)));
  const { status, stdout, stderr } = await runLotsen(['tally', '--json'], input, { ...clean, ...env });
  expect(status, stderr).toBe(0);
  const { clusters } = JSON.parse(stdout) as { clusters: { members: string[] }[] };
  return clusters.map((c) => [...c.members].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
}

describe('grouping failure reports with a model, when one is configured', () => {
  let fake: FakeOpenAI;
  const env = () => ({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test-key', OPENAI_CHAT_MODEL: 'fake-chat', LOTSEN_MODEL_TIMEOUT_MS: '3000' });
  beforeAll(async () => {
    fake = await startFakeOpenAI({ reply: (r) => judge(userText(r)) });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  it('lotsen tally puts reports the lexicon cannot connect into one failure each, as the model says', async () => {
    const lexical = await tally({});
    expect(lexical.length).toBeGreaterThan(2);
    expect(await tally(env())).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ]);
    // The model saw the report and the candidates' examples, redacted, and was asked for JSON only.
    const sent = fake.chatRequests().at(-1)!;
    expect(messageText(sent.body.messages[0])).toContain('Answer with JSON only');
    expect(userText(sent)).toContain('Failures already reported:');
  });

  it('leaves grouping to the index when the model fails or answers out of turn', async () => {
    const lexical = await tally({});
    fake.setBehaviour({ status: 500 });
    expect(await tally(env())).toEqual(lexical);
    fake.setBehaviour({ status: undefined, reply: () => '{"failure": 42}' });
    expect(await tally(env())).toEqual(lexical);
  });

  it('in chat: each report joins the group the model chose and the ticket counts it', async () => {
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    const model: ChatModel = { complete: async (messages) => judge(messageText(messages[1])) };
    const desk = new FailureDesk({ store, log: silentLogger, grouping: new ModelGrouping({ model, systemPrompt: 'group', timeoutMs: 1000, log: silentLogger }) });
    const at = new Date('2026-11-20T08:00:00Z');
    const records = [];
    for (const [i, r] of REPORTS.entries()) {
      records.push(await desk.report({ reportId: r.id, text: r.text, asker: { platform: 'web', userId: `u${i}`, site: 'Avd 3' }, conversation: { platform: 'web', channel: `c${i}` }, at }));
    }
    const groups = await store.listFailureGroups({});
    expect(groups.map((g) => [...g.group.members].sort()).sort()).toEqual([
      ['a1', 'a2', 'a3'],
      ['b1', 'b2', 'b3'],
    ]);
    // Three reports from three people: both are tickets.
    expect(records.at(-1)!.ticket).toBeDefined();
    expect(groups.every((g) => g.ticket)).toBe(true);
    await store.close();
  });

  it('in chat: two reports of a new failure at once make one group, though each was judged new before the other was counted', async () => {
    const store = new SqliteStore(join(await tempDir(), 'lotsen.db'));
    const model: ChatModel = { complete: async () => '{"failure": 0}' };
    const desk = new FailureDesk({ store, log: silentLogger, grouping: new ModelGrouping({ model, systemPrompt: 'group', timeoutMs: 1000, log: silentLogger }) });
    const at = new Date('2026-11-20T08:00:00Z');
    const texts = ['Armbandsskrivaren på akuten skriver ut tomma armband', 'armbandsskrivaren ger bara tomma armband idag'];
    await Promise.all(texts.map((text, i) => desk.report({ reportId: `r${i}`, text, asker: { platform: 'web', userId: `u${i}`, site: 'Akuten' }, conversation: { platform: 'web', channel: `c${i}` }, at })));
    const groups = await store.listFailureGroups({});
    expect(groups.map((g) => g.group.count)).toEqual([2]);
    await store.close();
  });

  it('lotsen tally waits for a model slower than the chat deadline; chat does not', async () => {
    // Answers after 4.3 s, past chat's 4 s, well within the configured 10 s.
    const slow: ChatModel = {
      complete: (_messages, signal) =>
        new Promise((resolve, reject) => {
          const timer = setTimeout(() => resolve('{"failure": 1}'), 4300);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new DOMException('deadline', 'TimeoutError'));
          });
        }),
    };
    const config = loadConfig({ LOTSEN_MODEL_TIMEOUT_MS: '10000' });
    const batch = (await createGrouping(config, silentLogger, slow, true))!;
    const chat = (await createGrouping(config, silentLogger, slow))!;
    const candidates = [{ id: 'g1', label: 'Armbandsskrivare: tomma', examples: ['armbanden kommer ut tomma'] }];
    const text = 'skrivaren på akuten ger blanka band';
    const [inBatch, inChat] = await Promise.all([batch.choose(text, candidates), chat.choose(text, candidates)]);
    expect(inBatch).toBe('g1');
    expect(inChat).toBeUndefined();
  }, 15_000);

  it('accepts only a listed number or 0 from the model', () => {
    expect(parseGrouping('{"failure": 2}', 3)).toBe(1);
    expect(parseGrouping('Sure. {"failure": 0}', 3)).toBe(-1);
    expect(parseGrouping('{"failure": 4}', 3)).toBeUndefined();
    expect(parseGrouping('{"failure": "1"}', 3)).toBeUndefined();
    expect(parseGrouping('the first one', 3)).toBeUndefined();
  });
});
