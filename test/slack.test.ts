import { cp, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Lotsen } from '../src/app.ts';
import { createWebApp } from '../src/adapters/web/server.ts';
import { loadConfig } from '../src/config.ts';
import { isValidSlackRequest } from '@slack/bolt';
import { createHmac } from 'node:crypto';
import { normalizeInbound, toMrkdwn } from '../src/adapters/slack/markup.ts';
import { HonoReceiver } from '../src/adapters/slack/receiver.ts';
import { silentLogger } from '../src/core/ports.ts';
import { sampleKb, tempDir, testLotsen } from './helpers.ts';
import { eventEnvelope, messageTs, slackSignature, startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { startFakeOpenAI, type FakeOpenAI } from './fake-openai.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';
const PUBLIC_URL = 'https://lotsen.example.org';

/** A JSON receiver for the safety webhook that notes when each post arrived. */
async function safetyHook() {
  const received: { at: number; body: { text: string; lotsen: Record<string, unknown> } }[] = [];
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c) => (data += c));
    req.on('end', () => {
      received.push({ at: Date.now(), body: JSON.parse(data) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/safety`, received, close: () => new Promise((r) => server.close(r)) };
}

/** Lotsen's one HTTP server on a free loopback port, with Slack pointed at the fake Web API. */
async function slackLotsen(fake: FakeSlack, env: Record<string, string> = {}) {
  const kbDir = await tempDir('lotsen-kb-');
  await cp(sampleKb, kbDir, { recursive: true });
  const lotsen = await testLotsen({
    LOTSEN_KB_DIR: kbDir,
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.url,
    SLACK_SUPERUSER_CHANNEL: 'CSUPER',
    SLACK_MANAGERS_CHANNEL: 'CMANAGERS',
    LOTSEN_SUPERUSERS: 'slack:USUPER1',
    LOTSEN_SUPERUSER_GROUPS: 'SGROUP',
    LOTSEN_PUBLIC_URL: PUBLIC_URL,
    LOTSEN_TIMER_INTERVAL_MS: '100',
    // One test user asks many questions here; the limiter has its own tests.
    LOTSEN_RATE_USER_PER_MIN: '1000',
    ...env,
  });
  lotsen.startWorkers();
  const app = createWebApp(lotsen);
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const send = (body: string, contentType: string, headers: Record<string, string> = {}) =>
    fetch(`${base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignature(body, SECRET), ...headers }, body });
  return {
    lotsen,
    kbDir,
    base,
    send,
    event: (event: Record<string, unknown>, eventId?: string, headers: Record<string, string> = {}) => send(JSON.stringify(eventEnvelope(event, eventId)), 'application/json', headers),
    interact: (payload: Record<string, unknown>) => send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded'),
    command: (fields: Record<string, string>) => send(new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded'),
    async close() {
      await new Promise((r) => server.close(r));
      await lotsen.close();
    },
  };
}
type Harness = Awaited<ReturnType<typeof slackLotsen>>;

const dm = (user: string, channel: string, text: string, extra: Record<string, unknown> = {}) => ({ type: 'message', channel_type: 'im', channel, user, text, ts: messageTs(), ...extra });
/** Every text in a message's blocks, flattened (what a reader sees). */
const blockText = (c: SlackCall): string => JSON.stringify(c.body.blocks ?? []);
const buttons = (c: SlackCall): string[] => (c.body.blocks ?? []).filter((b: any) => b.type === 'actions').flatMap((b: any) => b.elements.map((e: any) => e.action_id));
const buttonValue = (c: SlackCall, actionId: string): string => (c.body.blocks ?? []).flatMap((b: any) => b.elements ?? []).find((e: any) => e.action_id === actionId)?.value;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function blockAction(user: string, actionId: string, value: string, where: { channel: string; ts: string; thread_ts?: string }) {
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: user, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trigger-${messageTs()}`,
    channel: { id: where.channel, name: 'x' },
    container: { type: 'message', channel_id: where.channel, message_ts: where.ts, thread_ts: where.thread_ts },
    message: { type: 'message', ts: where.ts, thread_ts: where.thread_ts, text: '' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: messageTs() }],
  };
}
/** Where a posted message is, for the buttons in it. */
const at = (c: SlackCall, ts: string) => ({ channel: String(c.body.channel).replace(/^U/, 'D'), ts, thread_ts: c.body.thread_ts as string | undefined });

describe('Slack', () => {
  let fake: FakeSlack;
  let hook: Awaited<ReturnType<typeof safetyHook>>;
  let h: Harness;

  beforeAll(async () => {
    fake = await startFakeSlack();
    hook = await safetyHook();
    fake.users.set('USUPER1', { name: 'Anna Super' });
    fake.users.set('USUPER2', { name: 'Bo Group', displayName: 'Bo' });
    fake.users.set('USUPER3', { name: 'Cia Channel' });
    fake.users.set('USTAFF1', { name: 'Stina Staff' });
    fake.groups.set('SGROUP', ['USUPER2']);
    fake.members.set('CSUPER', ['USUPER3', 'UBOT']);
    h = await slackLotsen(fake, { LOTSEN_SAFETY_WEBHOOK_URL: hook.url });
  });
  afterAll(async () => {
    await h.close();
    await hook.close();
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  /** Where Lotsen recorded the card of an escalation (recorded just after Slack answered the post). */
  const cardOf = async (id: string) => {
    for (let i = 0; i < 100; i++) {
      const card = (await h.lotsen.store.listAudit({ subject: id })).find((e) => e.action === 'slack.card');
      if (card) return card.detail as { channel: string; ts: string };
      await sleep(20);
    }
    throw new Error(`no card recorded for ${id}`);
  };
  /** Posted replies in a channel (after `since`). */
  const postsTo = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => String(c.body.channel).replace(/^U/, 'D') === channel);

  it('refuses unsigned, badly signed and stale requests with 401 before any work', async () => {
    const body = JSON.stringify(eventEnvelope(dm('USTAFF1', 'DSIG', 'hur skriver jag ut ett nytt id-band?')));
    const before = await h.lotsen.store.outboxDepth();
    const unsigned = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const forged = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(body, 'not-the-secret-at-all') }, body });
    expect(forged.status).toBe(401);
    const tampered = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(body, SECRET) }, body: body.replace('id-band', 'id-bänd') });
    expect(tampered.status).toBe(401);
    const stale = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(body, SECRET, Math.floor(Date.now() / 1000) - 6 * 60) }, body });
    expect(stale.status).toBe(401);
    const future = await fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json', ...slackSignature(body, SECRET, Math.floor(Date.now() / 1000) + 6 * 60) }, body });
    expect(future.status).toBe(401);
    await sleep(300);
    await h.lotsen.slack!.idle();
    expect(fake.callsTo('chat.postMessage')).toEqual([]);
    expect(await h.lotsen.store.outboxDepth()).toBe(before);
    // The web identity still guards everything else (an anonymous visitor on loopback is staff).
    expect((await fetch(`${h.base}/api/queue`)).status).toBe(403);
  });

  it('answers url_verification with the challenge', async () => {
    const res = await h.send(JSON.stringify({ type: 'url_verification', token: 't', challenge: 'abc123' }), 'application/json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'abc123' });
  });

  it('answers a direct message with Block Kit: mrkdwn text, citation links and feedback buttons', async () => {
    const res = await h.event(dm('USTAFF1', 'DSTAFF1', 'hur skriver jag ut ett nytt id-band?'));
    expect(res.status).toBe(200);
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSTAFF1');
    const text = blockText(reply);
    expect(text).toContain('*Skriva ut ett nytt ID-band*');
    expect(text).not.toContain('**');
    expect(text).toContain(`<${PUBLIC_URL}/kb/id-band-skriva-ut|Skriva ut ett nytt ID-band>`);
    expect(buttons(reply)).toEqual(['lotsen_helped', 'lotsen_not_helped', 'lotsen_ask']);
    expect(reply.body.thread_ts).toBeUndefined();
    expect(reply.token).toBe('xoxb-test-token');
    expect(reply.body.text.length).toBeGreaterThan(0);
  });

  it('answers an @mention in a channel in the thread of the mention', async () => {
    const ts = messageTs();
    await h.event({ type: 'app_mention', channel: 'CUNIT12', user: 'USTAFF1', text: '<@UBOT> hur skriver jag ut ett nytt id-band?', ts });
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CUNIT12');
    expect(reply.body.thread_ts).toBe(ts);
    expect(blockText(reply)).toContain('id-band-skriva-ut');
  });

  it('answers a retried event exactly once', async () => {
    const event = dm('USTAFF1', 'DRETRY', 'hur skriver jag ut ett nytt id-band?');
    const id = 'EvRETRY1';
    const [a, b] = await Promise.all([h.event(event, id), h.event(event, id, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DRETRY');
    expect((await h.event(event, id, { 'x-slack-retry-num': '2', 'x-slack-retry-reason': 'http_timeout' })).status).toBe(200);
    await h.lotsen.slack!.idle();
    await sleep(1500);
    expect(postsTo('DRETRY')).toHaveLength(1);
  });

  it("ignores its own and other bots' messages", async () => {
    await h.event(dm('UBOT', 'DBOTS', 'hur skriver jag ut ett nytt id-band?', { bot_id: 'BBOT' }));
    await h.event(dm('UOTHERBOT', 'DBOTS', 'hur skriver jag ut ett nytt id-band?', { bot_id: 'BOTHER' }));
    await h.event({ type: 'message', subtype: 'bot_message', channel_type: 'im', channel: 'DBOTS', bot_id: 'BOTHER', text: 'hur skriver jag ut ett nytt id-band?', ts: messageTs() });
    await h.event(dm('UBOT', 'DBOTS', 'hur skriver jag ut ett nytt id-band?'));
    await h.lotsen.slack!.idle();
    await sleep(500);
    expect(postsTo('DBOTS')).toEqual([]);
  });

  it('replies politely to files and screenshots, and to edits, and says nothing to deletions', async () => {
    await h.event(dm('USTAFF1', 'DFILES', '', { subtype: 'file_share', files: [{ id: 'F1', mimetype: 'image/png' }] }));
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DFILES');
    expect(blockText(reply)).toContain('I can only read text');
    expect(blockText(reply)).toContain('never post screenshots');
    // A file with a question: the question is answered and the warning added.
    await h.event(dm('USTAFF1', 'DFILES2', 'hur skriver jag ut ett nytt id-band?', { subtype: 'file_share', files: [{ id: 'F2' }] }));
    const both = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DFILES2');
    expect(blockText(both)).toContain('id-band-skriva-ut');
    expect(blockText(both)).toContain('I can only read text');

    await h.event({ type: 'message', subtype: 'message_changed', channel_type: 'im', channel: 'DEDIT', ts: messageTs(), message: { user: 'USTAFF1', text: 'ny text', ts: '1.1' }, previous_message: { user: 'USTAFF1', text: 'gammal text', ts: '1.1' } });
    expect(blockText(await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DEDIT'))).toContain('only answer new messages');
    await h.event({ type: 'message', subtype: 'message_deleted', channel_type: 'im', channel: 'DDEL', ts: messageTs(), deleted_ts: '1.1', previous_message: { user: 'USTAFF1', text: 'x' } });
    await h.lotsen.slack!.idle();
    await sleep(300);
    expect(postsTo('DDEL')).toEqual([]);
  });

  it('normalises Slack markup before answering', async () => {
    expect(normalizeInbound('<@U1> hur skriver jag ut <http://a|ett id-band> i <#C1|avd-12>? :printer: &amp; &lt;snabbt&gt;')).toBe('hur skriver jag ut ett id-band i #avd-12? & <snabbt>');
    expect(normalizeInbound('klockan 10:30:45 :+1::skin-tone-2: 08:00-16:00 :-1:')).toBe('klockan 10:30:45 08:00-16:00');
    expect(toMrkdwn('**Fet** och *kursiv* [Länk](/kb/a) & <x>\n- punkt', PUBLIC_URL)).toBe(`*Fet* och _kursiv_ <${PUBLIC_URL}/kb/a|Länk> &amp; &lt;x&gt;\n• punkt`);
    await h.event(dm('USTAFF1', 'DMARKUP', '<@U1> hur skriver jag ut ett nytt <http://a|id-band>? :pray:'));
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DMARKUP');
    expect(blockText(reply)).toContain('id-band-skriva-ut');
    expect(buttons(reply)).toContain('lotsen_helped');
  });

  it('answers /lotsen at once and puts the answer in the direct messages', async () => {
    const res = await h.command({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', channel_id: 'CUNIT12', user_id: 'USTAFF1', command: '/lotsen', text: 'hur skriver jag ut ett nytt id-band?', response_url: 'http://127.0.0.1:9/unused', trigger_id: 'trig-cmd-1' });
    expect(res.status).toBe(200);
    expect((await res.json()).response_type).toBe('ephemeral');
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'USTAFF1');
    expect(blockText(reply)).toContain('id-band-skriva-ut');
    const empty = await h.command({ team_id: 'T1', channel_id: 'CUNIT12', user_id: 'USTAFF1', command: '/lotsen', text: '  ', trigger_id: 'trig-cmd-2' });
    expect((await empty.json()).text).toContain('/lotsen');
  });

  it('publishes the App Home with what Lotsen knows and my questions', async () => {
    await h.lotsen.assistant.askSuperuser({ text: 'Var ställer jag in standardskrivare för armband på akuten?', asker: { platform: 'slack', userId: 'USTAFF2', role: 'staff' }, conversation: { platform: 'slack', channel: 'DSTAFF2' } });
    await h.event({ type: 'app_home_opened', user: 'USTAFF2', channel: 'DSTAFF2', tab: 'home' });
    const publish = await fake.waitFor('views.publish');
    expect(publish.body.user_id).toBe('USTAFF2');
    expect(JSON.stringify(publish.body.view)).toContain('standardskrivare för armband');
    expect(JSON.stringify(publish.body.view)).toContain('väntar / waiting');
    const text = JSON.stringify(publish.body.view);
    expect(publish.body.view.type).toBe('home');
    expect(text).toMatch(/\d+ artiklar/);
    expect(text).toContain('My open questions');
  });

  it('takes a question through escalation: card, refusal, claim, answer modal, answer in the staff thread, solved', async () => {
    const question = 'Hur byter jag färg på skrivbordsbakgrunden i Citrix?';
    const asked = dm('USTAFF1', 'DSTAFF9', question);
    await h.event(asked);
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSTAFF9');
    expect(blockText(reply)).toContain('superanvändarna');
    expect(buttons(reply)).toEqual([]);

    // The card in the super-user channel: redacted question, topic, unit, age, and Claim.
    const card = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && blockText(c).includes('skrivbordsbakgrunden'));
    expect(blockText(card)).toContain('{ago}');
    expect(blockText(card)).toContain('Ämne / Topic');
    expect(buttons(card)).toEqual(['lotsen_claim', 'lotsen_close']);
    const id = buttonValue(card, 'lotsen_claim');
    const cardRef = await cardOf(id);
    expect(cardRef.channel).toBe('CSUPER');

    // Staff may not claim: a polite ephemeral refusal, nothing changes.
    const version = (await h.lotsen.store.getEscalation(id))!.version;
    await h.interact(blockAction('USTAFF1', 'lotsen_claim', id, { channel: 'CSUPER', ts: cardRef.ts }));
    const refusal = await fake.waitFor('chat.postEphemeral', (c) => c.body.user === 'USTAFF1');
    expect(refusal.body.text).toContain('super-users');
    expect((await h.lotsen.store.getEscalation(id))!.version).toBe(version);

    // A super-user by group membership claims; the card is updated in place to show the owner.
    const claim = await h.interact(blockAction('USUPER2', 'lotsen_claim', id, { channel: 'CSUPER', ts: cardRef.ts }));
    expect(claim.status).toBe(200);
    const updated = await fake.waitFor('chat.update', (c) => c.body.ts === cardRef.ts && blockText(c).includes('Claimed by Bo'));
    expect(buttons(updated)).toEqual(['lotsen_answer', 'lotsen_release', 'lotsen_close']);
    expect((await h.lotsen.store.getEscalation(id))!.owner).toEqual({ id: 'slack:USUPER2', name: 'Bo' });

    // Another super-user (by channel membership) cannot answer someone else's claim.
    await h.interact(blockAction('USUPER3', 'lotsen_answer', id, { channel: 'CSUPER', ts: cardRef.ts }));
    expect((await fake.waitFor('chat.postEphemeral', (c) => c.body.user === 'USUPER3')).body.text).toContain('Bo has claimed it');

    // The owner opens the answer modal and submits.
    const open = blockAction('USUPER2', 'lotsen_answer', id, { channel: 'CSUPER', ts: cardRef.ts });
    await h.interact(open);
    const modal = await fake.waitFor('views.open');
    expect(modal.body.trigger_id).toBe(open.trigger_id);
    const empty = await h.interact({ type: 'view_submission', team: { id: 'T1' }, user: { id: 'USUPER2', team_id: 'T1' }, api_app_id: 'A1', view: { ...modal.body.view, id: 'V1', state: { values: { answer: { text: { type: 'plain_text_input', value: '  ' } } } } } });
    expect(await empty.json()).toMatchObject({ response_action: 'errors', errors: { answer: expect.stringContaining('answer') } });
    const submit = await h.interact({
      type: 'view_submission',
      team: { id: 'T1' },
      user: { id: 'USUPER2', team_id: 'T1' },
      api_app_id: 'A1',
      view: { ...modal.body.view, id: 'V1', state: { values: { answer: { text: { type: 'plain_text_input', value: 'Bakgrunden styrs centralt av IT. Ring 070-123 45 67 vid frågor.' } } } } },
    });
    expect(submit.status).toBe(200);
    expect(await submit.text()).toBe('');

    // The answer reaches the staff member's conversation, redacted, with Solved / Still stuck.
    const answer = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSTAFF9' && blockText(c).includes('Bakgrunden styrs'));
    expect(blockText(answer)).toContain('[PHONE]');
    expect(blockText(answer)).not.toContain('070-123');
    expect(buttons(answer)).toEqual(['lotsen_solved', 'lotsen_still_stuck']);
    expect(buttons(await fake.waitFor('chat.update', (c) => c.body.ts === cardRef.ts && blockText(c).includes('Answered by Bo')))).toEqual(['lotsen_draft', 'lotsen_close']);

    // Save the answer as a knowledge-base draft from the card.
    await h.interact(blockAction('USUPER1', 'lotsen_draft', id, { channel: 'CSUPER', ts: cardRef.ts }));
    const saved = await fake.waitFor('chat.postEphemeral', (c) => c.body.user === 'USUPER1');
    expect(saved.body.text).toContain('svar-');
    expect(await readdir(join(h.kbDir, 'drafts'))).toContain(`svar-${id.toLowerCase()}.md`);
    await fake.waitFor('chat.update', (c) => c.body.ts === cardRef.ts && blockText(c).includes('utkast / draft'));

    // "Still stuck" re-opens it: the asker is told, the card thread hears it, the card shows it open.
    await h.interact(blockAction('USTAFF1', 'lotsen_still_stuck', id, { channel: 'DSTAFF9', ts: messageTs() }));
    await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && c.body.thread_ts === cardRef.ts && blockText(c).includes('still stuck'));
    expect(blockText(await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSTAFF9' && blockText(c).includes('sent the question back')))).toBeTruthy();
    expect((await h.lotsen.store.getEscalation(id))!.status).toBe('open');
    // A configured super-user claims it and answers; the asker gets the second answer.
    await h.interact(blockAction('USUPER1', 'lotsen_claim', id, { channel: 'CSUPER', ts: cardRef.ts }));
    await fake.waitFor('chat.update', (c) => c.body.ts === cardRef.ts && blockText(c).includes('Claimed by Anna Super'));
    expect((await h.lotsen.desk.act(id, { type: 'answer', text: 'Det går inte att ändra; IT styr bakgrunden.' }, { id: 'slack:USUPER1', name: 'Anna Super', role: 'superuser' })).ok).toBe(true);
    await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSTAFF9' && blockText(c).includes('IT styr bakgrunden'));

    // Only the asker marks it solved; then it is closed and the card says so.
    await h.interact(blockAction('USUPER3', 'lotsen_solved', id, { channel: 'DSTAFF9', ts: messageTs() }));
    expect((await fake.waitFor('chat.postEphemeral', (c) => c.body.user === 'USUPER3' && c.body.text.includes('asked'))).body.text).toContain('Only the person who asked');
    await h.interact(blockAction('USTAFF1', 'lotsen_solved', id, { channel: 'DSTAFF9', ts: messageTs() }));
    await fake.waitFor('chat.update', (c) => c.body.ts === cardRef.ts && blockText(c).includes('Closed'));
    expect((await h.lotsen.store.getEscalation(id))!.status).toBe('closed');

    const trail = (await h.lotsen.store.listAudit({ subject: id })).reverse().map((e) => e.action);
    expect(trail.filter((a) => a.startsWith('escalation.'))).toEqual(['escalation.create', 'escalation.claim', 'escalation.answer', 'escalation.draft', 'escalation.reopen', 'escalation.claim', 'escalation.answer', 'escalation.solved']);
  });

  it("'Didn't help' sends the same redacted question to a super-user and says where it went, in the thread", async () => {
    await h.event(dm('USTAFF1', 'DHELP', 'hur skriver jag ut ett nytt id-band? ring mig på 070-123 45 67'));
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DHELP');
    expect(blockText(reply)).toContain('telefonnummer');
    const value = buttonValue(reply, 'lotsen_not_helped');
    expect(value).toContain('[PHONE]');
    const ts = messageTs();
    // A double click escalates once.
    await Promise.all([h.interact(blockAction('USTAFF1', 'lotsen_not_helped', value, { channel: 'DHELP', ts })), h.interact(blockAction('USTAFF1', 'lotsen_not_helped', value, { channel: 'DHELP', ts }))]);
    const where = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DHELP' && c.body.thread_ts === ts);
    expect(blockText(where)).toContain('IT-servicedesk');
    const mine = await h.lotsen.store.listEscalations({ kind: 'question', asker: 'slack:USTAFF1' });
    const escalation = mine.find((e) => e.conversation.channel === 'DHELP')!;
    expect(escalation.text).toContain('[PHONE]');
    expect(escalation.conversation.thread).toBe(ts);
    await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && blockText(c).includes(escalation.id));
    await sleep(300);
    expect(postsTo('DHELP').filter((c) => c.body.thread_ts === ts)).toHaveLength(1);
  });

  it('posts cards for questions from the web too, and reminders in the card thread by the service levels', async () => {
    const reply = await h.lotsen.assistant.askSuperuser({ text: 'Hur ändrar jag teckenstorleken i Message Center?', asker: { platform: 'web', userId: 'w1', role: 'staff', site: 'SÄS avd 12' }, conversation: { platform: 'web', channel: 'w1' } });
    const id = reply.escalationId!;
    const card = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && blockText(c).includes(id));
    expect(blockText(card)).toContain('SÄS avd 12');
    expect(blockText(card)).toContain('via web');
    // Arrange: the reminder is due now (the service level is minutes; the timer is what is tested).
    const e = (await h.lotsen.store.getEscalation(id))!;
    await h.lotsen.store.updateEscalation({ ...e, due: { kind: 'remind', at: new Date(Date.now() - 1000).toISOString() } }, e.version, { actor: 'test', role: 'system', action: 'test.due', subject: id }, new Date());
    const cardTs = (await cardOf(id)).ts;
    const reminder = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && c.body.thread_ts === cardTs);
    expect(blockText(reminder)).toContain('Reminder');
  });

  it('posts the managers\u2019 tally through the outbox', async () => {
    await h.lotsen.slack!.postTally(undefined, '**Veckans fel**: 3 nya');
    const post = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'CMANAGERS');
    expect(blockText(post)).toContain('*Veckans fel*');
  });

  it('counts a failure report from a DM in its recurring failure and tells the reporter in the DM when it is fixed', async () => {
    await h.event(dm('USTAFF1', 'DFAIL', 'Etikettskrivaren på avdelningen skriver ut helt tomma provetiketter sedan i morse'));
    const registered = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DFAIL');
    expect(JSON.stringify(registered.body)).toContain('registrerat felet');
    const [group] = await h.lotsen.failures.list();
    expect(group!.group.count).toBe(1);
    const result = await h.lotsen.failures.setStatus(group!.id, { status: 'fixed', note: 'Skrivaren är utbytt.' }, { id: 'web:anna', name: 'Anna Super', role: 'superuser' });
    expect(result.ok).toBe(true);
    const told = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DFAIL' && JSON.stringify(c.body).includes('Skrivaren är utbytt'));
    expect(JSON.stringify(told.body)).toContain('åtgärdat');
  });

  it('delivers after a 429 once Retry-After has passed, and loses nothing', async () => {
    fake.rateLimit('chat.postMessage', 1, 1);
    const started = Date.now();
    await h.event(dm('USTAFF1', 'D429', 'hur skriver jag ut ett nytt id-band?'));
    // The first attempt is refused with 429; the second comes after Retry-After (1 s) and is delivered.
    const delivered = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'D429' && postsTo('D429').indexOf(c) === 1, 8000);
    expect(delivered.at - postsTo('D429')[0]!.at).toBeGreaterThanOrEqual(1000);
    expect(blockText(delivered)).toContain('id-band-skriva-ut');
    await sleep(500);
    expect(postsTo('D429')).toHaveLength(2);
    expect(await h.lotsen.store.outboxDepth()).toBe(0);
  });

  it('sends a safety report from Slack to the safety webhook within a second, and tells the asker what to do now', async () => {
    const sent = Date.now();
    await h.event(dm('USTAFF1', 'DSAFE', 'labbsvaret hamnade på fel patient i journalen'));
    const until = Date.now() + 1000;
    while (!hook.received.length && Date.now() < until) await sleep(10);
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.at - sent).toBeLessThan(1000);
    expect(hook.received[0]!.body.lotsen).toMatchObject({ severity: 'S1' });
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSAFE');
    expect(blockText(reply)).toContain('patientsäkerhetsrisk');
    expect(buttons(reply)).toEqual([]);
  });
});

describe('Slack with a slow answer', () => {
  let fake: FakeSlack;
  let model: FakeOpenAI;
  let h: Harness;

  beforeAll(async () => {
    fake = await startFakeSlack();
    model = await startFakeOpenAI({ delayMs: 4000 });
    h = await slackLotsen(fake, { OPENAI_BASE_URL: model.url, LOTSEN_MODEL_TIMEOUT_MS: '10000' });
  });
  afterAll(async () => {
    await h.close();
    await model.close();
    await fake.close();
  });

  it('acknowledges within 3 s and answers after the ack', async () => {
    const started = Date.now();
    const res = await h.event(dm('USTAFF1', 'DSLOW', 'hur skriver jag ut ett nytt id-band?'));
    const ackMs = Date.now() - started;
    expect(res.status).toBe(200);
    expect(ackMs).toBeLessThan(3000);
    // The model takes 4 s; the answer comes after it, long after the ack.
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSLOW', 15_000);
    expect(reply.at - started).toBeGreaterThan(3500);
    // The model's triage and its answer, asked side by side.
    expect(model.chatRequests()).toHaveLength(2);
    expect(blockText(reply)).toContain('id-band-skriva-ut');
  });
});

describe('Slack in Socket Mode', () => {
  let fake: FakeSlack;
  let h: Harness;

  beforeAll(async () => {
    fake = await startFakeSlack();
    // startWorkers (in the harness) connects Socket Mode: apps.connections.open, then the WebSocket.
    h = await slackLotsen(fake, { SLACK_APP_TOKEN: 'xapp-1-A1-test' });
    await fake.socket.connected();
  });
  afterAll(async () => {
    await h.close();
    await fake.close();
  });

  it('answers events and commands that arrive over the socket, and serves no HTTP endpoint then', async () => {
    expect(fake.callsTo('apps.connections.open')[0]!.token).toBe('xapp-1-A1-test');
    const envelope = fake.socket.send('events_api', eventEnvelope(dm('USTAFF1', 'DSOCKET', 'hur skriver jag ut ett nytt id-band?')));
    expect(await fake.socket.ack(envelope)).toEqual({});
    const reply = await fake.waitFor('chat.postMessage', (c) => c.body.channel === 'DSOCKET');
    expect(blockText(reply)).toContain('id-band-skriva-ut');
    const command = fake.socket.send('slash_commands', { team_id: 'T1', api_app_id: 'A1', channel_id: 'CUNIT12', user_id: 'USTAFF1', command: '/lotsen', text: '', trigger_id: 'trig-sock' });
    expect((await fake.socket.ack(command)).text).toContain('/lotsen');
    expect((await h.event(dm('USTAFF1', 'DHTTP', 'hej'))).status).toBe(404);
  });
});

describe('Slack signature check', () => {
  it("accepts exactly what Bolt's verifySlackRequest accepts", async () => {
    const receiver = new HonoReceiver({ signingSecret: SECRET, log: silentLogger });
    const ts = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ type: 'url_verification', challenge: 'c' });
    const good = `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const candidates = [good, `v0=${good.slice(3).toUpperCase()}`, good.slice(0, -1), `${good}0`, `v1=${good.slice(3)}`, 'v0=', `v0=zz${good.slice(5)}`, `v0=${createHmac('sha256', 'other-secret-0123456789').update(`v0:${ts}:${body}`).digest('hex')}`];
    for (const signature of candidates) {
      const bolt = isValidSlackRequest({ signingSecret: SECRET, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts } });
      const res = await receiver.handle(new Request('http://local/slack/events', { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) }, body }));
      expect({ signature, ok: res.status === 200 }).toEqual({ signature, ok: bolt });
    }
  });
});

describe('Slack receiver under overload', () => {
  it('asks Slack to resend events (503) while too much work waits, but lets clicks through', async () => {
    const receiver = new HonoReceiver({ signingSecret: SECRET, log: silentLogger, overloaded: () => true });
    const acked: string[] = [];
    receiver.init({ processEvent: async (e: { body: { type: string }; ack: () => Promise<void> }) => (acked.push(e.body.type), e.ack()) } as never);
    const request = (body: string, type: string) => new Request('http://local/slack/events', { method: 'POST', headers: { 'content-type': type, ...slackSignature(body, SECRET) }, body });
    const event = JSON.stringify(eventEnvelope(dm('USTAFF1', 'DBUSY', 'hej')));
    const busy = await receiver.handle(request(event, 'application/json'));
    expect(busy.status).toBe(503);
    const click = new URLSearchParams({ payload: JSON.stringify(blockAction('USTAFF1', 'lotsen_helped', '-', { channel: 'DBUSY', ts: '1.1' })) }).toString();
    expect((await receiver.handle(request(click, 'application/x-www-form-urlencoded'))).status).toBe(200);
    expect(acked).toEqual(['block_actions']);
  });
});

describe('Slack configuration', () => {
  it('is on only with both the bot token and the signing secret, and names what is missing', () => {
    expect(loadConfig({}).slack).toBeUndefined();
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toThrow('SLACK_SIGNING_SECRET');
    expect(() => loadConfig({ SLACK_SIGNING_SECRET: SECRET })).toThrow('SLACK_BOT_TOKEN');
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'nope', SLACK_SIGNING_SECRET: SECRET })).toThrow('SLACK_BOT_TOKEN');
    expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET, SLACK_SUPERUSER_CHANNEL: '#superusers' })).toThrow('SLACK_SUPERUSER_CHANNEL');
    expect(() => loadConfig({ SLACK_APP_TOKEN: 'xapp-1' })).toThrow('SLACK_APP_TOKEN');
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: SECRET }).slack).toMatchObject({ botToken: 'xoxb-1', signingSecret: SECRET });
    expect(loadConfig({}).publicUrl).toBe('http://127.0.0.1:3000');
  });
});
