import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/core/ports.ts';
import { parseTriage } from '../src/core/triage/model-triage.ts';
import { triage } from '../src/core/triage/classify.ts';
import { messageText, startFakeOpenAI, type FakeOpenAI, type RecordedRequest } from './fake-openai.ts';
import { runLotsen } from './helpers.ts';

// The model's verdicts for these messages, as a real model would give them; the fake answers by the user message.
const VERDICTS: Record<string, string> = {
  'Toppen, nu har jag väntat tio minuter på att Millennium ska öppna journalen. Igen.': '{"intent":"failure","severity":"S3"}',
  'Det stod 0,5 mg i ordinationen men 5 mg i läkemedelslistan när jag skulle ge det': '{"intent":"safety","severity":"S1"}',
  'Provsvaret hamnade på fel patient i PowerChart': '{"intent":"other","severity":"S4"}',
  'hur signerar jag en anteckning?': 'Sure! {"intent":"question","severity":"S2"}',
  'tack för hjälpen': 'I think this is a thank-you.',
};
const userText = (r: RecordedRequest) => messageText((r.body?.messages ?? []).find((m: { role: string }) => m.role === 'user'));

describe('triage by a model, when one is configured', () => {
  let fake: FakeOpenAI;
  const env = () => ({ OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: 'test-key', OPENAI_CHAT_MODEL: 'fake-chat', LOTSEN_MODEL_TIMEOUT_MS: '3000' });
  beforeAll(async () => {
    fake = await startFakeOpenAI({ reply: (r) => VERDICTS[userText(r)] ?? '{"intent":"other","severity":"S4"}' });
  });
  beforeEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  it('reads what the rules miss, adds safety, never takes safety away, and keeps severities consistent', async () => {
    const classify = (await createClassifier(loadConfig(env()), silentLogger))!;
    expect(await classify('Toppen, nu har jag väntat tio minuter på att Millennium ska öppna journalen. Igen.')).toEqual({ intent: 'failure', severity: 'S3' });
    const dose = 'Det stod 0,5 mg i ordinationen men 5 mg i läkemedelslistan när jag skulle ge det';
    expect(await classify(dose)).toMatchObject({ intent: 'safety', severity: 'S1' });
    // The rules' safety stands whatever the model says, and the model is not even asked.
    const before = fake.chatRequests().length;
    expect(await classify('Provsvaret hamnade på fel patient i PowerChart')).toMatchObject({ intent: 'safety', severity: 'S1' });
    expect(fake.chatRequests().length).toBe(before);
    // A question is S4 whatever severity the model wrote; prose around the JSON is tolerated.
    expect(await classify('hur signerar jag en anteckning?')).toEqual({ intent: 'question', severity: 'S4' });
    // An answer that is not the JSON asked for: the lexical triage stands.
    expect(await classify('tack för hjälpen')).toEqual(triage('tack för hjälpen'));
    const sent = fake.chatRequests().at(-1)!;
    expect(messageText(sent.body.messages[0])).toContain('Answer with JSON only');
  });

  it('falls back to the lexical triage when the model fails', async () => {
    fake.setBehaviour({ status: 500 });
    const classify = (await createClassifier(loadConfig(env()), silentLogger))!;
    const text = 'Toppen, nu har jag väntat tio minuter på att Millennium ska öppna journalen. Igen.';
    expect(await classify(text)).toEqual(triage(text));
  });

  it('is used by lotsen classify when a model is configured', async () => {
    const input = ['{"id":"a","text":"Toppen, nu har jag väntat tio minuter på att Millennium ska öppna journalen. Igen."}', '{"id":"b","text":"hur signerar jag en anteckning?"}'].join('\n');
    const run = await runLotsen(['classify', '--json'], input, { ...process.env, ...env() });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: 'a', intent: 'failure', severity: 'S3' },
      { id: 'b', intent: 'question', severity: 'S4' },
    ]);
  });

  it('accepts only consistent JSON from the model', () => {
    expect(parseTriage('{"intent":"safety","severity":"S3"}')).toEqual({ intent: 'safety', severity: 'S1' });
    expect(parseTriage('{"intent":"failure","severity":"S1"}')).toEqual({ intent: 'failure', severity: 'S3' });
    expect(parseTriage('{"intent":"panic"}')).toBeUndefined();
    expect(parseTriage('not json')).toBeUndefined();
  });
});
