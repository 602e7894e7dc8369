import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventEnvelope, messageTs, slackSignature, startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { makeQuestions, pool, sleep, startServer, type Server } from './support/lotsen-process.ts';
import { tempDir } from './helpers.ts';

const SECRET = 'crash-signing-secret-0123456789abcdef';
const EVENTS = 150;

/**
 * Slack does not send an acknowledged event again. The proof that none is lost: a burst of direct
 * messages is acknowledged, the server is killed before it could answer them all, and after a
 * restart on the same data every one of them is answered.
 */
describe('Slack events acknowledged before a crash', () => {
  let fake: FakeSlack;
  let server: Server | undefined;

  beforeAll(async () => {
    fake = await startFakeSlack({ light: true });
  });
  afterEach(async () => {
    await server?.kill();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('are all answered after kill -9 and a restart, none more than twice', async () => {
    const dataDir = await tempDir('lotsen-slack-crash-');
    const env = {
      LOTSEN_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.url,
      SLACK_SUPERUSER_CHANNEL: 'CSUPER',
      // A crashed instance's hold on its work runs out quickly here, so the proof takes seconds.
      LOTSEN_WORK_LEASE_MS: '2000',
      LOTSEN_TIMER_INTERVAL_MS: '100',
    };
    server = await startServer(env);
    // Slow Web API: answers cannot all go out before the kill.
    fake.delayMs = 200;
    const questions = makeQuestions(EVENTS, 'slk');
    const channels = questions.map((_, i) => `D${String(i).padStart(5, '0')}`);
    const acked: number[] = [];
    await pool(
      questions.map((q, i) => i),
      30,
      async (i) => {
        const body = JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: channels[i], user: `U${i}`, text: questions[i], ts: messageTs() }, `EvCrash${i}`));
        const res = await fetch(`${server!.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(body, SECRET) }, body });
        if (res.status === 200) acked.push(i);
        await res.body?.cancel();
      },
    );
    expect(acked).toHaveLength(EVENTS);
    await server.kill('SIGKILL');
    // Replies to the askers (escalation cards go to the super-user channel).
    const replies = () => fake.callsTo('chat.postMessage').filter((c) => String(c.body.channel).startsWith('D'));
    const answered = () => new Set(replies().map((c) => c.body.channel));
    const answeredBeforeCrash = answered().size;
    expect(answeredBeforeCrash).toBeLessThan(EVENTS * 0.8); // else the crash proves little

    fake.delayMs = 0;
    server = await startServer(env);
    const deadline = Date.now() + 60_000;
    while (answered().size < EVENTS && Date.now() < deadline) await sleep(100);
    expect(answered().size).toBe(EVENTS);
    const perChannel = new Map<string, number>();
    for (const c of replies()) perChannel.set(c.body.channel, (perChannel.get(c.body.channel) ?? 0) + 1);
    // At least once: only an event caught between its reply being queued and being marked handled is answered again.
    expect(Math.max(...perChannel.values())).toBeLessThanOrEqual(2);
    expect([...perChannel.keys()].sort()).toEqual([...channels].sort());
  }, 120_000);
});
