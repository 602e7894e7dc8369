import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWebApp } from '../src/adapters/web/server.ts';
import { loadConfig } from '../src/config.ts';
import { normalizeInbound, toCardMarkdown } from '../src/adapters/teams/markup.ts';
import { toDeliveryError } from '../src/adapters/teams/sender.ts';
import { WorkQueue } from '../src/adapters/work-queue.ts';
import { root, sampleKb, tempDir, testLotsen } from './helpers.ts';
import { eventEnvelope, messageTs, slackSignature, startFakeSlack, type FakeSlack, type SlackCall } from './support/fake-slack.ts';
import { makeQuestions } from './support/lotsen-process.ts';
import { cardAction, cardText, messageActivity, messageId, startFakeTeams, verbs, type ConnectorCall, type FakeTeams, type Person } from './support/fake-teams.ts';

const PUBLIC_URL = 'https://lotsen.example.org';
const SUPER_CHANNEL = '19:superusers@thread.tacv2';
const MANAGERS_CHANNEL = '19:managers@thread.tacv2';
const SUPERUSER_GROUP = '0f0f0f0f-1111-2222-3333-444444444444';

const staff: Person = { id: '29:staff-1', aadObjectId: 'a0000000-0000-0000-0000-000000000001', name: 'Stina Staff' };
const anna: Person = { id: '29:super-1', aadObjectId: 'a0000000-0000-0000-0000-0000000000a1', name: 'Anna Super' };
const bo: Person = { id: '29:super-2', aadObjectId: 'a0000000-0000-0000-0000-0000000000b2', name: 'Bo Group' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment of a Lotsen with Teams pointed at the fake (credentials on, so every activity needs a token). */
export function teamsEnv(fake: FakeTeams): Record<string, string> {
  return {
    TEAMS_APP_ID: fake.appId,
    TEAMS_APP_PASSWORD: fake.appPassword,
    TEAMS_TENANT_ID: fake.tenantId,
    TEAMS_OPENID_METADATA_URL: fake.openIdMetadataUrl,
    TEAMS_TOKEN_URL: fake.tokenUrl,
    TEAMS_GRAPH_URL: fake.graphUrl,
    TEAMS_SERVICE_URL: fake.serviceUrl('teams'),
    TEAMS_SUPERUSER_CHANNEL: SUPER_CHANNEL,
    TEAMS_MANAGERS_CHANNEL: MANAGERS_CHANNEL,
  };
}

/** Lotsen's one HTTP server on a free loopback port, with Teams pointed at the fake. */
async function teamsLotsen(fake: FakeTeams, env: Record<string, string> = {}) {
  const kbDir = await tempDir('lotsen-kb-');
  await cp(sampleKb, kbDir, { recursive: true });
  const lotsen = await testLotsen({
    LOTSEN_KB_DIR: kbDir,
    ...teamsEnv(fake),
    LOTSEN_SUPERUSERS: `teams:${anna.aadObjectId}`,
    LOTSEN_SUPERUSER_GROUPS: SUPERUSER_GROUP,
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
  /** POSTs an activity as the Bot Framework does: with a token whose serviceurl is the activity's. */
  const send = (activity: Record<string, any>, token: string | null = fake.sign({ serviceurl: activity.serviceUrl })) =>
    fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(activity) });
  /** A card click; resolves to the invoke response (the card shown now, or a message). */
  const click = async (activity: Record<string, any>) => {
    const res = await send(activity);
    expect(res.status).toBe(200);
    return (await res.json()) as { statusCode: number; type: string; value: any };
  };
  return {
    lotsen,
    kbDir,
    base,
    send,
    click,
    async close() {
      await new Promise((r) => server.close(r));
      await lotsen.close();
    },
  };
}
type Harness = Awaited<ReturnType<typeof teamsLotsen>>;

const isCard = (c: ConnectorCall) => c.body?.attachments?.[0]?.contentType === 'application/vnd.microsoft.card.adaptive';

/** The escalation id a card's buttons carry. */
const cardId = (card: any): string => {
  let id: string | undefined;
  const walk = (x: any) => {
    if (!x || typeof x !== 'object' || id) return;
    if (Array.isArray(x)) return x.forEach(walk);
    if (x.type === 'Action.Execute' && typeof x.data?.id === 'string') id = x.data.id;
    for (const v of Object.values(x)) walk(v);
  };
  walk(card?.attachments?.[0]?.content ?? card);
  if (!id) throw new Error('no escalation id on the card');
  return id;
};

describe('Teams', () => {
  let fake: FakeTeams;
  let h: Harness;
  const questions = makeQuestions(10, 'teams');

  beforeAll(async () => {
    fake = await startFakeTeams();
    fake.groups.set(bo.aadObjectId, [SUPERUSER_GROUP]);
    h = await teamsLotsen(fake);
  });
  afterAll(async () => {
    await h.close();
    await fake.close();
  });
  beforeEach(() => fake.reset());

  const postsTo = (conversation: string) => fake.calls.filter((c) => c.method === 'create' && c.conversation.split(';')[0] === conversation);
  /** The escalation card posted in the super-user channel for a question (a new post, not a thread reply). */
  const superCard = (text: string) => fake.waitFor((c) => c.method === 'create' && c.conversation === SUPER_CHANNEL && cardText(c).includes(text));

  it('refuses activities without a valid Bot Framework token with 401 before any work', async () => {
    const a = messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-auth' });
    const before = await h.lotsen.store.outboxDepth();
    const now = Math.floor(Date.now() / 1000);
    const refused = {
      absent: await h.send(a, null),
      notBearer: await fetch(`${h.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Basic eDp5' }, body: JSON.stringify(a) }),
      forged: await h.send(a, fake.sign({ serviceurl: a.serviceUrl }, { untrusted: true })),
      unknownKey: await h.send(a, fake.sign({ serviceurl: a.serviceUrl }, { untrusted: true, kid: 'someone-elses' })),
      // Past the 5 minutes of clock skew the Bot Framework allows.
      expired: await h.send(a, fake.sign({ serviceurl: a.serviceUrl, iat: now - 7200, nbf: now - 7200, exp: now - 600 })),
      wrongAudience: await h.send(a, fake.sign({ serviceurl: a.serviceUrl, aud: '99999999-2222-3333-4444-555555555555' })),
      wrongIssuer: await h.send(a, fake.sign({ serviceurl: a.serviceUrl, iss: 'https://example.org' })),
      // A token for one service URL cannot send the bot's replies (and its token) elsewhere.
      otherServiceUrl: await h.send(a, fake.sign({ serviceurl: fake.serviceUrl('elsewhere') })),
      garbage: await h.send(a, 'not.a.jwt'),
    };
    expect(Object.fromEntries(Object.entries(refused).map(([k, r]) => [k, r.status]))).toEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, 401])));
    await h.lotsen.teams!.idle();
    await sleep(300);
    expect(postsTo('a:dm-auth')).toEqual([]);
    expect(await h.lotsen.store.outboxDepth()).toBe(before);
    // A valid token still goes through; a body that is not an activity is refused.
    expect((await h.send(a)).status).toBe(200);
    expect((await fetch(`${h.base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${fake.sign()}` }, body: '{nope' })).status).toBe(400);
    await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-auth');
    // The web identity still guards everything else.
    expect((await fetch(`${h.base}/api/queue`)).status).toBe(403);
  });

  it('answers a personal chat with an Adaptive Card: answer, citation links and Helped / Didn\u2019t help / Ask a super-user', async () => {
    const res = await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-answer' }));
    expect(res.status).toBe(200);
    const reply = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-answer');
    expect(isCard(reply)).toBe(true);
    const text = cardText(reply);
    expect(text).toContain('**Skriva ut ett nytt ID-band**');
    expect(text).toContain(`[Skriva ut ett nytt ID-band](${PUBLIC_URL}/kb/id-band-skriva-ut)`);
    expect(verbs(reply)).toEqual(['lotsen.helped', 'lotsen.notHelped', 'lotsen.ask']);
    expect(text).toContain('Hjälpte / Helped');
    expect(text).toContain('Hjälpte inte / Didn\u2019t help');
    expect(text).toContain('Fråga en superanvändare / Ask a super-user');
    expect(reply.serviceUrl).toBe(fake.serviceUrl());
    expect(reply.body.summary).toContain('Skriva ut ett nytt ID-band');
    expect(reply.body.summary).not.toContain('**');
    // The bot's token came from the token endpoint, for the Bot Framework.
    expect(fake.issued.some((t) => t.token === reply.token && t.scope === 'https://api.botframework.com/.default')).toBe(true);
    // "Helped" is thanked for in the response and counted by article, never with the question.
    const helped = await h.click(cardAction(fake, staff, 'lotsen.helped', { articles: 'id-band-skriva-ut' }, { conversation: 'a:dm-answer', type: 'personal', replyToId: reply.activityId }));
    expect(helped).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
    expect(helped.value).toContain('Thanks');
    const feedback = (await h.lotsen.store.listAudit({ subject: 'answers' })).find((e) => e.actor === `teams:${staff.aadObjectId}`);
    expect(feedback?.detail).toEqual({ verdict: 'helped', articles: ['id-band-skriva-ut'] });
  });

  it('answers an @mention in a channel in the thread of the mention, with the mention stripped', async () => {
    const a = messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { type: 'channel', conversation: '19:unit12@thread.tacv2' });
    await h.send(a);
    const reply = await fake.waitFor((c) => c.method === 'create' && c.conversation.startsWith('19:unit12@thread.tacv2'));
    expect(reply.conversation).toBe(`19:unit12@thread.tacv2;messageid=${a.id}`);
    expect(cardText(reply)).toContain('id-band-skriva-ut');
    // A reply inside an existing thread stays in that thread.
    const root = messageId();
    const inThread = messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { type: 'channel', conversation: '19:unit13@thread.tacv2', thread: root });
    await h.send(inThread);
    expect((await fake.waitFor((c) => c.method === 'create' && c.conversation.startsWith('19:unit13@thread.tacv2'))).conversation).toBe(`19:unit13@thread.tacv2;messageid=${root}`);
    // Group chats: no threads. Channel messages that do not @mention the bot are not questions.
    await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { type: 'groupChat', conversation: '19:group-1@thread.v2' }));
    expect((await fake.waitFor((c) => c.method === 'create' && c.conversation === '19:group-1@thread.v2')).conversation).toBe('19:group-1@thread.v2');
    await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { type: 'channel', conversation: '19:unit14@thread.tacv2', mention: false }));
    await h.lotsen.teams!.idle();
    await sleep(300);
    expect(postsTo('19:unit14@thread.tacv2')).toEqual([]);
    expect(normalizeInbound('<at>Lotsen</at> hur skriver jag&nbsp;ut <b>ett</b> id-band?<br>tack &amp; hej &#228;')).toBe('hur skriver jag ut ett id-band?\ntack & hej ä');
    expect(toCardMarkdown('# Rubrik\n* punkt [Länk](/kb/a) `kod` __fet__', PUBLIC_URL)).toBe(`**Rubrik**\n- punkt [Länk](${PUBLIC_URL}/kb/a) kod **fet**`);
  });

  it('answers a redelivered activity once', async () => {
    const a = messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-retry' });
    const [x, y] = await Promise.all([h.send(a), h.send(a)]);
    expect([x.status, y.status]).toEqual([200, 200]);
    await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-retry');
    expect((await h.send(a)).status).toBe(200);
    await h.lotsen.teams!.idle();
    await sleep(1000);
    expect(postsTo('a:dm-retry')).toHaveLength(1);
  });

  it('replies politely to files and edits, and says nothing to bots', async () => {
    await h.send(messageActivity(fake, staff, '', { conversation: 'a:dm-file', attachments: [{ contentType: 'image/png', contentUrl: 'https://x/y.png' }] }));
    expect(cardText(await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-file'))).toContain('never post screenshots');
    const edit = { ...messageActivity(fake, staff, 'ny text', { conversation: 'a:dm-edit' }), type: 'messageUpdate', channelData: { eventType: 'editMessage', tenant: { id: fake.tenantId } } };
    await h.send(edit);
    expect(cardText(await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-edit'))).toContain('only answer new messages');
    const bot = messageActivity(fake, { id: '28:other-bot', aadObjectId: 'b0000000-0000-0000-0000-000000000001', name: 'Bot' }, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-bot' });
    bot.from.role = 'bot';
    await h.send(bot);
    await h.lotsen.teams!.idle();
    await sleep(300);
    expect(postsTo('a:dm-bot')).toEqual([]);
  });

  it('takes a question end to end: card, refusal, claim, answer on the card, answer to the asker, draft, still stuck, solved', async () => {
    const question = questions[0]!;
    // The asker's service URL differs from TEAMS_SERVICE_URL: replies must follow the stored reference.
    const asked = messageActivity(fake, staff, question, { conversation: 'a:dm-e2e', serviceUrl: fake.serviceUrl('emea') });
    await h.send(asked);
    const reply = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-e2e');
    expect(cardText(reply)).toContain('superanvändarna');
    expect(verbs(reply)).toEqual([]);

    // The card in the super-user channel: the question, topic, unit, age, and Claim / Close.
    const card = await superCard(question.slice(0, 30));
    const id = cardId(card);
    expect(cardText(card)).toContain('Ämne / Topic');
    expect(cardText(card)).toContain('{{DATE(');
    expect(cardText(card)).toContain(`${id} · via teams`);
    expect(verbs(card)).toEqual(['lotsen.claim', 'lotsen.close']);
    const where = { conversation: SUPER_CHANNEL, type: 'channel' as const, replyToId: card.activityId };

    // Staff may not claim: a polite refusal, nothing changes.
    const version = (await h.lotsen.store.getEscalation(id))!.version;
    const refusal = await h.click(cardAction(fake, staff, 'lotsen.claim', { id }, where));
    expect(refusal.type).toBe('application/vnd.microsoft.activity.message');
    expect(refusal.value).toContain('This is for super-users');
    expect((await h.lotsen.store.getEscalation(id))!.version).toBe(version);

    // A super-user by Entra ID group (Graph says so) claims: the response is the card as it is now,
    // and the posted card is updated for everyone else.
    const claimed = await h.click(cardAction(fake, bo, 'lotsen.claim', { id }, where));
    expect(claimed.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(cardText(claimed.value)).toContain('Claimed by Bo Group');
    expect(cardText(claimed.value)).toContain('"type":"Input.Text"');
    expect(verbs(claimed.value)).toEqual(['lotsen.answer', 'lotsen.release', 'lotsen.close']);
    await fake.waitFor((c) => c.method === 'update' && c.activityId === card.activityId && cardText(c).includes('Claimed by Bo Group'));
    expect((await h.lotsen.store.getEscalation(id))!.owner).toEqual({ id: `teams:${bo.aadObjectId}`, name: 'Bo Group' });

    // A configured super-user cannot answer someone else's claim; an empty answer is refused.
    expect((await h.click(cardAction(fake, anna, 'lotsen.answer', { id, answer: 'Mitt svar' }, where))).value).toContain('Bo Group has claimed it');
    expect((await h.click(cardAction(fake, bo, 'lotsen.answer', { id, answer: '   ' }, where))).value).toContain('Write an answer');

    // The owner answers in the card's text box.
    const answered = await h.click(cardAction(fake, bo, 'lotsen.answer', { id, answer: 'Bakgrunden styrs centralt av IT. Ring 070-123 45 67 vid frågor.' }, where));
    expect(cardText(answered.value)).toContain('Answered by Bo Group');
    expect(verbs(answered.value)).toEqual(['lotsen.draft', 'lotsen.close']);

    // The answer reaches the asker proactively, redacted, through the stored reference, with Solved / Still stuck.
    const answer = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-e2e' && cardText(c).includes('Bakgrunden styrs'));
    expect(answer.serviceUrl).toBe(fake.serviceUrl('emea'));
    expect(cardText(answer)).toContain('[PHONE]');
    expect(cardText(answer)).not.toContain('070-123');
    expect(cardText(answer)).toContain('Svar från superanvändare Bo Group');
    expect(verbs(answer)).toEqual(['lotsen.solved', 'lotsen.stillStuck']);
    await fake.waitFor((c) => c.method === 'update' && c.activityId === card.activityId && cardText(c).includes('Answered by Bo Group'));

    // Save the answer as a knowledge-base draft from the card.
    const drafted = await h.click(cardAction(fake, anna, 'lotsen.draft', { id }, where));
    expect(cardText(drafted.value)).toContain('utkast / draft: svar-');

    // "Still stuck" re-opens it: the asker's card loses its buttons, the card thread hears it, the card shows it open.
    const stuck = await h.click(cardAction(fake, staff, 'lotsen.stillStuck', { id }, { conversation: 'a:dm-e2e', type: 'personal', replyToId: answer.activityId, serviceUrl: fake.serviceUrl('emea') }));
    expect(verbs(stuck.value)).toEqual([]);
    expect(cardText(stuck.value)).toContain('Sent back to the super-users');
    await fake.waitFor((c) => c.method === 'create' && c.conversation === `${SUPER_CHANNEL};messageid=${card.activityId}` && cardText(c).includes('still stuck'));
    await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-e2e' && cardText(c).includes('sent the question back'));
    expect((await h.lotsen.store.getEscalation(id))!.status).toBe('open');

    // The configured super-user claims and answers; the asker gets the second answer.
    expect(cardText((await h.click(cardAction(fake, anna, 'lotsen.claim', { id }, where))).value)).toContain('Claimed by Anna Super');
    await h.click(cardAction(fake, anna, 'lotsen.answer', { id, answer: 'Det går inte att ändra; IT styr bakgrunden.' }, where));
    const second = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-e2e' && cardText(c).includes('IT styr bakgrunden'));

    // Only the asker marks it solved; then it is closed and the card says so.
    expect((await h.click(cardAction(fake, anna, 'lotsen.solved', { id }, { conversation: 'a:dm-e2e', type: 'personal', replyToId: second.activityId }))).value).toContain('Only the person who asked');
    const solved = await h.click(cardAction(fake, staff, 'lotsen.solved', { id }, { conversation: 'a:dm-e2e', type: 'personal', replyToId: second.activityId, serviceUrl: fake.serviceUrl('emea') }));
    expect(cardText(solved.value)).toContain('Solved');
    await fake.waitFor((c) => c.method === 'update' && c.activityId === card.activityId && cardText(c).includes('Closed'));
    expect((await h.lotsen.store.getEscalation(id))!.status).toBe('closed');
    // A refresh (Teams asks when a card is shown) gets the card as it is now.
    expect(cardText((await h.click(cardAction(fake, staff, 'lotsen.refresh', { id }, where))).value)).toContain('Closed');

    const trail = (await h.lotsen.store.listAudit({ subject: id })).reverse().map((e) => e.action);
    expect(trail.filter((a) => a.startsWith('escalation.'))).toEqual(['escalation.create', 'escalation.claim', 'escalation.answer', 'escalation.draft', 'escalation.reopen', 'escalation.claim', 'escalation.answer', 'escalation.solved']);
    expect(trail).toContain('teams.card');
  });

  it("'Didn\u2019t help' sends the same redacted question to a super-user once and says where it went", async () => {
    await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band? ring mig på 070-123 45 67', { conversation: 'a:dm-help' }));
    const reply = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-help');
    expect(cardText(reply)).toContain('telefonnummer');
    const question = JSON.stringify(reply.body).match(/"verb":"lotsen.notHelped"/) ? reply.body.attachments[0].content.actions[1].data.question : '';
    expect(question).toContain('[PHONE]');
    const click = cardAction(fake, staff, 'lotsen.notHelped', { question }, { conversation: 'a:dm-help', type: 'personal', replyToId: reply.activityId });
    // A double click escalates once.
    const [r1, r2] = await Promise.all([h.click(click), h.click({ ...click, id: `f:${messageId()}` })]);
    expect(r1.value).toContain('super-users');
    expect(r2.value).toContain('super-users');
    const where = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-help' && cardText(c).includes('IT-servicedesk'));
    expect(where).toBeTruthy();
    const escalation = (await h.lotsen.store.listEscalations({ kind: 'question', asker: `teams:${staff.aadObjectId}` })).find((e) => e.conversation.channel === 'a:dm-help')!;
    expect(escalation.text).toContain('[PHONE]');
    await superCard(escalation.id);
    await sleep(300);
    expect(postsTo('a:dm-help')).toHaveLength(2);
  });

  it('counts a failure report from a personal chat in its recurring failure and tells the reporter there when it is fixed', async () => {
    await h.send(messageActivity(fake, staff, 'Etikettskrivaren på avdelningen skriver ut helt tomma provetiketter sedan i morse', { conversation: 'a:dm-failure' }));
    const registered = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-failure');
    expect(cardText(registered)).toContain('registrerat felet');
    const [group] = await h.lotsen.failures.list();
    const result = await h.lotsen.failures.setStatus(group!.id, { status: 'fixed', note: 'Skrivaren är utbytt.' }, { id: 'web:anna', name: 'Anna Super', role: 'superuser' });
    expect(result.ok).toBe(true);
    const told = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-failure' && cardText(c).includes('Skrivaren är utbytt'));
    expect(cardText(told)).toContain('åtgärdat');
  });

  it('nudges a claimer who has not answered, in a personal chat it opens', async () => {
    const question = questions[1]!;
    await h.send(messageActivity(fake, staff, question, { conversation: 'a:dm-nudge' }));
    const card = await superCard(question.slice(0, 30));
    const id = cardId(card);
    await h.click(cardAction(fake, anna, 'lotsen.claim', { id }, { conversation: SUPER_CHANNEL, replyToId: card.activityId }));
    // Arrange: the nudge is due now (the service level is minutes; the timer is what is tested).
    const e = (await h.lotsen.store.getEscalation(id))!;
    await h.lotsen.store.updateEscalation({ ...e, due: { kind: 'nudge', at: new Date(Date.now() - 1000).toISOString() } }, e.version, { actor: 'test', role: 'system', action: 'test.due', subject: id }, new Date());
    const opened = await fake.waitFor((c) => c.method === 'createConversation');
    expect(opened.body.members).toEqual([{ id: anna.id, role: 'user' }]);
    expect(opened.body.tenantId).toBe(fake.tenantId);
    const nudge = await fake.waitFor((c) => c.method === 'create' && c.conversation.startsWith('a:fake-'));
    expect(cardText(nudge)).toContain('Reminder: a question you claimed');
  });

  it('posts the managers\u2019 tally through the outbox, at most 7 messages a second per conversation', async () => {
    for (let i = 1; i <= 4; i++) await h.lotsen.teams!.postTally(`**Veckans fel** ${i}: 3 nya`);
    const until = Date.now() + 5000;
    while (postsTo(MANAGERS_CHANNEL).length < 4 && Date.now() < until) await sleep(20);
    const posts = postsTo(MANAGERS_CHANNEL);
    expect(posts.map((p) => cardText(p).match(/Veckans fel\*\* (\d)/)?.[1])).toEqual(['1', '2', '3', '4']);
    for (let i = 1; i < posts.length; i++) expect(posts[i]!.at - posts[i - 1]!.at).toBeGreaterThanOrEqual(140);
    expect(posts[0]!.serviceUrl).toBe(fake.serviceUrl('teams'));
  });

  it('retries 429, 412, 502 and 504 with backoff, honouring Retry-After, and loses nothing', async () => {
    fake.failNext({ conversation: 'a:dm-429' }, 429, 1, 1);
    fake.failNext({ conversation: 'a:dm-412' }, 412, 1);
    fake.failNext({ conversation: 'a:dm-502' }, 502, 1);
    fake.failNext({ conversation: 'a:dm-504' }, 504, 2);
    for (const c of ['a:dm-429', 'a:dm-412', 'a:dm-502', 'a:dm-504']) await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: c }));
    const delivered = async (conversation: string, n: number) => {
      const until = Date.now() + 10_000;
      while (postsTo(conversation).length < n && Date.now() < until) await sleep(20);
      return postsTo(conversation);
    };
    const r429 = await delivered('a:dm-429', 2);
    expect(r429).toHaveLength(2);
    // Retry-After: 1 s is a floor, never shortened.
    expect(r429[1]!.at - r429[0]!.at).toBeGreaterThanOrEqual(1000);
    for (const c of ['a:dm-412', 'a:dm-502']) {
      const r = await delivered(c, 2);
      expect(r).toHaveLength(2);
      // Backoff with jitter: 1 s ± 25 % for the first retry.
      expect(r[1]!.at - r[0]!.at).toBeGreaterThanOrEqual(700);
    }
    expect(await delivered('a:dm-504', 3)).toHaveLength(3);
    await sleep(500);
    expect(postsTo('a:dm-429')).toHaveLength(2);
    expect(await h.lotsen.store.outboxDepth()).toBe(0);
    expect(toDeliveryError({ response: { status: 429, headers: { 'retry-after': '7' } } })).toMatchObject({ retryAfterMs: 7000, permanent: false });
    for (const status of [400, 403, 404]) expect(toDeliveryError({ response: { status, headers: {} } }).permanent).toBe(true);
    for (const status of [412, 500, 502, 503, 504]) expect(toDeliveryError({ response: { status, headers: {} } }).permanent).toBe(false);
    expect(toDeliveryError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })).message).toBe('teams: ECONNREFUSED');
  });

  it('sets aside a message Teams refuses for good (403) and goes on with the next one', async () => {
    fake.failNext({ conversation: 'a:dm-403' }, 403, 3);
    await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-403' }));
    const until = Date.now() + 25_000;
    let dead;
    while (!dead && Date.now() < until) {
      dead = (await h.lotsen.store.listAudit({ limit: 200 })).find((e) => e.action === 'outbound.dead' && e.detail?.key === 'teams:a:dm-403');
      if (!dead) await sleep(100);
    }
    expect(dead?.detail).toMatchObject({ channel: 'teams', error: 'teams: HTTP 403' });
    expect(postsTo('a:dm-403')).toHaveLength(3);
    await h.send(messageActivity(fake, staff, 'hur loggar jag in med SITHS-kort?', { conversation: 'a:dm-403' }));
    expect(cardText(await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-403' && cardText(c).includes('SITHS')))).toContain('SITHS');
  }, 40_000);

  it('tells a super-user by group to try again when Graph cannot say, and accepts them when it can', async () => {
    const question = questions[2]!;
    await h.send(messageActivity(fake, staff, question, { conversation: 'a:dm-graph' }));
    const card = await superCard(question.slice(0, 30));
    const id = cardId(card);
    const carl: Person = { id: '29:super-3', aadObjectId: 'a0000000-0000-0000-0000-0000000000c3', name: 'Carl Group' };
    fake.groups.set(carl.aadObjectId, [SUPERUSER_GROUP]);
    fake.graphStatus = 503;
    expect((await h.click(cardAction(fake, carl, 'lotsen.claim', { id }, { conversation: SUPER_CHANNEL, replyToId: card.activityId }))).value).toContain('try again');
    fake.graphStatus = 200;
    expect(cardText((await h.click(cardAction(fake, carl, 'lotsen.claim', { id }, { conversation: SUPER_CHANNEL, replyToId: card.activityId }))).value)).toContain('Claimed by Carl Group');
  });
});

describe('Teams after a restart', () => {
  it('relays an answer to the Teams asker through the stored conversation reference', async () => {
    const fake = await startFakeTeams();
    const dataDir = await tempDir('lotsen-teams-restart-');
    const [question] = makeQuestions(1, 'restart');
    const first = await teamsLotsen(fake, { LOTSEN_DATA_DIR: dataDir });
    await first.send(messageActivity(fake, staff, question!, { conversation: 'a:dm-restart', serviceUrl: fake.serviceUrl('emea') }));
    await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-restart');
    const card = await fake.waitFor((c) => c.method === 'create' && c.conversation === SUPER_CHANNEL);
    const id = cardId(card);
    await first.close();

    // A new Lotsen on the same data folder: nothing of the first is in memory.
    fake.reset();
    const second = await teamsLotsen(fake, { LOTSEN_DATA_DIR: dataDir });
    try {
      await second.click(cardAction(fake, anna, 'lotsen.claim', { id }, { conversation: SUPER_CHANNEL, replyToId: card.activityId }));
      await second.click(cardAction(fake, anna, 'lotsen.answer', { id, answer: 'Det finns under Inställningar → Utseende.' }, { conversation: SUPER_CHANNEL, replyToId: card.activityId }));
      const answer = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-restart' && cardText(c).includes('Inställningar'));
      // The asker's own service URL, from the store, not TEAMS_SERVICE_URL.
      expect(answer.serviceUrl).toBe(fake.serviceUrl('emea'));
      // The card posted before the restart is the one updated.
      await fake.waitFor((c) => c.method === 'update' && c.activityId === card.activityId && cardText(c).includes('Answered by Anna Super'));
    } finally {
      await second.close();
      await fake.close();
    }
  });
});

describe('Teams without credentials (local testing)', () => {
  it('takes activities without a token on loopback, and refuses to be configured beyond it', async () => {
    expect(() => loadConfig({ TEAMS_LOCAL: 'true', HOST: '0.0.0.0', LOTSEN_STAFF_TOKEN: 'x'.repeat(16) })).toThrow(/TEAMS_LOCAL: .*runs only on loopback; HOST=0\.0\.0\.0/);
    expect(loadConfig({ TEAMS_LOCAL: 'true' }).teams).toMatchObject({ local: true, appId: undefined });
    const fake = await startFakeTeams({ open: true });
    const h = await teamsLotsen(fake, { TEAMS_APP_ID: '', TEAMS_APP_PASSWORD: '', TEAMS_TENANT_ID: '', TEAMS_LOCAL: 'true' });
    try {
      expect((await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-local' }), null)).status).toBe(200);
      const reply = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-local');
      // Without credentials the bot sends no token (as the Agents Playground expects).
      expect(reply.token).toBeUndefined();
      // Replies go only to a connector on https or on this machine.
      await h.send(messageActivity(fake, staff, 'hur skriver jag ut ett nytt id-band?', { conversation: 'a:dm-evil', serviceUrl: 'http://evil.example.org/' }), null);
      await h.lotsen.teams!.idle();
      await sleep(300);
      expect(await h.lotsen.store.outboxDepth()).toBe(0);
    } finally {
      await h.close();
      await fake.close();
    }
  });
});

describe('Teams configuration', () => {
  it('is on with the app id and password, and names what is missing or wrong', () => {
    const id = '11111111-2222-3333-4444-555555555555';
    expect(loadConfig({}).teams).toBeUndefined();
    expect(() => loadConfig({ TEAMS_APP_ID: id })).toThrow('TEAMS_APP_PASSWORD');
    expect(() => loadConfig({ TEAMS_APP_PASSWORD: 'secret' })).toThrow('TEAMS_APP_ID');
    expect(() => loadConfig({ TEAMS_APP_ID: 'lotsen', TEAMS_APP_PASSWORD: 'secret' })).toThrow('TEAMS_APP_ID must be');
    expect(() => loadConfig({ TEAMS_APP_ID: id, TEAMS_APP_PASSWORD: 's', TEAMS_SUPERUSER_CHANNEL: 'Superanvändare' })).toThrow('TEAMS_SUPERUSER_CHANNEL must be a Teams conversation id');
    expect(() => loadConfig({ TEAMS_APP_ID: id, TEAMS_APP_PASSWORD: 's', TEAMS_TOKEN_URL: 'http://login.example.org/token' })).toThrow('TEAMS_TOKEN_URL must be an https URL');
    expect(() => loadConfig({ TEAMS_APP_ID: id, CLIENT_ID: '99999999-2222-3333-4444-555555555555', TEAMS_APP_PASSWORD: 's' })).toThrow('TEAMS_APP_ID: differs from CLIENT_ID');
    expect(() => loadConfig({ TEAMS_SUPERUSER_CHANNEL: '19:x@thread.tacv2' })).toThrow('set TEAMS_APP_ID and TEAMS_APP_PASSWORD too');
    // The Teams SDK's own names work too; with credentials Teams may listen beyond loopback.
    expect(loadConfig({ CLIENT_ID: id, CLIENT_SECRET: 's', TENANT_ID: 'contoso.onmicrosoft.com', HOST: '0.0.0.0', LOTSEN_STAFF_TOKEN: 'x'.repeat(16) }).teams).toMatchObject({
      appId: id,
      appPassword: 's',
      tenantId: 'contoso.onmicrosoft.com',
      local: false,
      serviceUrl: 'https://smba.trafficmanager.net/teams',
    });
  });
});

describe('Teams and Slack together', () => {
  const SECRET = 'test-signing-secret-0123456789abcdef';
  let fake: FakeTeams;
  let slack: FakeSlack;
  let h: Harness;

  beforeAll(async () => {
    fake = await startFakeTeams();
    slack = await startFakeSlack();
    slack.users.set('USUPER1', { name: 'Sara Slack' });
    slack.users.set('USTAFF1', { name: 'Stig Staff' });
    h = await teamsLotsen(fake, {
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: slack.url,
      SLACK_SUPERUSER_CHANNEL: 'CSUPER',
      LOTSEN_SUPERUSERS: `teams:${anna.aadObjectId},slack:USUPER1`,
    });
  });
  afterAll(async () => {
    await h.close();
    await slack.close();
    await fake.close();
  });

  const slackSend = (body: string, contentType: string) => fetch(`${h.base}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignature(body, SECRET) }, body });
  const interact = (payload: Record<string, unknown>) => slackSend(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded');
  const blockAction = (user: string, actionId: string, value: string, where: { channel: string; ts: string }) => ({
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: user, team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trigger-${messageTs()}`,
    channel: { id: where.channel, name: 'x' },
    container: { type: 'message', channel_id: where.channel, message_ts: where.ts },
    message: { type: 'message', ts: where.ts, text: '' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', value, action_ts: messageTs() }],
  });
  const blockText = (c: SlackCall) => JSON.stringify(c.body.blocks ?? []);

  it('a question asked in Teams is claimed and answered in Slack; both platforms\u2019 cards follow', async () => {
    const [question] = makeQuestions(1, 'crossa');
    await h.send(messageActivity(fake, staff, question!, { conversation: 'a:dm-cross' }));
    const teamsCard = await fake.waitFor((c) => c.method === 'create' && c.conversation === SUPER_CHANNEL && cardText(c).includes(question!.slice(0, 30)));
    const id = cardId(teamsCard);
    const slackCard = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && blockText(c).includes(id));
    expect(blockText(slackCard)).toContain('via teams');
    // Where the Slack adapter recorded its card (just after Slack answered the post).
    let ts: unknown;
    for (let i = 0; i < 100 && !ts; i++) {
      ts = (await h.lotsen.store.listAudit({ subject: id })).find((e) => e.action === 'slack.card')?.detail?.ts;
      if (!ts) await sleep(20);
    }
    const where = { channel: 'CSUPER', ts: String(ts) };

    await interact(blockAction('USUPER1', 'lotsen_claim', id, where));
    await slack.waitFor('chat.update', (c) => blockText(c).includes('Claimed by Sara Slack'));
    await fake.waitFor((c) => c.method === 'update' && c.activityId === teamsCard.activityId && cardText(c).includes('Claimed by Sara Slack'));

    const open = blockAction('USUPER1', 'lotsen_answer', id, where);
    await interact(open);
    const modal = await slack.waitFor('views.open', (c) => c.body.trigger_id === open.trigger_id);
    const submit = await interact({ type: 'view_submission', team: { id: 'T1' }, user: { id: 'USUPER1', team_id: 'T1' }, api_app_id: 'A1', view: { ...modal.body.view, id: 'V1', state: { values: { answer: { text: { type: 'plain_text_input', value: 'Svaret från Slack: välj Visa → Zooma.' } } } } } });
    expect(submit.status).toBe(200);

    const answer = await fake.waitFor((c) => c.method === 'create' && c.conversation === 'a:dm-cross' && cardText(c).includes('Svaret från Slack'));
    expect(cardText(answer)).toContain('Sara Slack');
    expect(verbs(answer)).toEqual(['lotsen.solved', 'lotsen.stillStuck']);
    await slack.waitFor('chat.update', (c) => blockText(c).includes('Answered by Sara Slack'));
    await fake.waitFor((c) => c.method === 'update' && c.activityId === teamsCard.activityId && cardText(c).includes('Answered by Sara Slack'));
    // The Teams asker marks the Slack super-user's answer solved; the Slack card closes too.
    await h.click(cardAction(fake, staff, 'lotsen.solved', { id }, { conversation: 'a:dm-cross', type: 'personal', replyToId: answer.activityId }));
    await slack.waitFor('chat.update', (c) => blockText(c).includes(id) && blockText(c).includes('Closed'));
  });

  it('a question asked in Slack is claimed and answered in Teams; both platforms\u2019 cards follow', async () => {
    const [question] = makeQuestions(1, 'crossb');
    await slackSend(JSON.stringify(eventEnvelope({ type: 'message', channel_type: 'im', channel: 'DCROSS', user: 'USTAFF1', text: question, ts: messageTs() })), 'application/json');
    const teamsCard = await fake.waitFor((c) => c.method === 'create' && c.conversation === SUPER_CHANNEL && cardText(c).includes(question!.slice(0, 30)));
    const id = cardId(teamsCard);
    expect(cardText(teamsCard)).toContain('via slack');
    await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'CSUPER' && blockText(c).includes(id));
    const where = { conversation: SUPER_CHANNEL, replyToId: teamsCard.activityId };

    expect(cardText((await h.click(cardAction(fake, anna, 'lotsen.claim', { id }, where))).value)).toContain('Claimed by Anna Super');
    await slack.waitFor('chat.update', (c) => blockText(c).includes(id) && blockText(c).includes('Claimed by Anna Super'));
    await h.click(cardAction(fake, anna, 'lotsen.answer', { id, answer: 'Svaret från Teams: högerklicka och välj Egenskaper.' }, where));

    const answer = await slack.waitFor('chat.postMessage', (c) => c.body.channel === 'DCROSS' && blockText(c).includes('Svaret från Teams'));
    expect(blockText(answer)).toContain('Anna Super');
    await slack.waitFor('chat.update', (c) => blockText(c).includes(id) && blockText(c).includes('Answered by Anna Super'));
    await fake.waitFor((c) => c.method === 'update' && c.activityId === teamsCard.activityId && cardText(c).includes('Answered by Anna Super'));
  });
});

describe('Teams app package', () => {
  /** RGBA pixels of an 8-bit RGBA PNG (no interlace), enough to check the icons. */
  function pixels(png: Uint8Array): { width: number; height: number; rgba: Buffer } {
    const b = Buffer.from(png);
    const width = b.readUInt32BE(16);
    const height = b.readUInt32BE(20);
    const idat: Buffer[] = [];
    for (let at = 8; at < b.length; ) {
      const len = b.readUInt32BE(at);
      if (b.toString('ascii', at + 4, at + 8) === 'IDAT') idat.push(b.subarray(at + 8, at + 8 + len));
      at += 12 + len;
    }
    const raw = inflateSync(Buffer.concat(idat));
    const stride = width * 4;
    const rgba = Buffer.alloc(stride * height);
    for (let y = 0; y < height; y++) {
      const filter = raw[y * (stride + 1)]!;
      for (let x = 0; x < stride; x++) {
        const v = raw[y * (stride + 1) + 1 + x]!;
        const left = x >= 4 ? rgba[y * stride + x - 4]! : 0;
        const up = y ? rgba[(y - 1) * stride + x]! : 0;
        const ul = x >= 4 && y ? rgba[(y - 1) * stride + x - 4]! : 0;
        const p = left + up - ul;
        const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - ul) ? left : Math.abs(p - up) <= Math.abs(p - ul) ? up : ul;
        rgba[y * stride + x] = (v + [0, left, up, (left + up) >> 1, paeth][filter]!) & 255;
      }
    }
    return { width, height, rgba };
  }

  it('`lotsen teams package` writes manifest.json and the two icons as a zip ready to upload', async () => {
    const out = join(await tempDir('lotsen-teams-pkg-'), 'lotsen.zip');
    const run = spawnSync(process.execPath, [join(root, 'bin/lotsen.js'), 'teams', 'package', '--out', out], {
      env: { PATH: process.env.PATH, TEAMS_APP_ID: '11111111-2222-3333-4444-555555555555', TEAMS_APP_PASSWORD: 'secret', LOTSEN_PUBLIC_URL: 'https://lotsen.example.org' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    const files = unzipSync(new Uint8Array(readFileSync(out)));
    expect(Object.keys(files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(Buffer.from(files['manifest.json']!).toString('utf8'));
    expect(Number(manifest.manifestVersion)).toBeGreaterThanOrEqual(1.17);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);
    expect(manifest.id).toBe('11111111-2222-3333-4444-555555555555');
    expect(manifest.bots[0]).toMatchObject({ botId: '11111111-2222-3333-4444-555555555555', scopes: ['personal', 'team', 'groupChat'] });
    expect(manifest.bots[0].commandLists[0].commands.length).toBeGreaterThan(0);
    for (const c of manifest.bots[0].commandLists[0].commands) expect(c.title.length).toBeLessThanOrEqual(32);
    expect(manifest.validDomains).toEqual(['lotsen.example.org']);
    expect(manifest.developer.websiteUrl).toBe('https://lotsen.example.org');
    expect(manifest.name.short.length).toBeLessThanOrEqual(30);
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(JSON.stringify(manifest)).not.toContain('{{');
    const color = pixels(files['color.png']!);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = pixels(files['outline.png']!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    // White on transparent: every pixel that shows is white; the corners are clear.
    for (let i = 0; i < outline.rgba.length; i += 4) if (outline.rgba[i + 3]) expect([outline.rgba[i], outline.rgba[i + 1], outline.rgba[i + 2]]).toEqual([255, 255, 255]);
    expect(outline.rgba[3]).toBe(0);

    // Without TEAMS_APP_ID: a placeholder and a clear message.
    const placeholder = spawnSync(process.execPath, [join(root, 'bin/lotsen.js'), 'teams', 'package', '--out', out], { env: { PATH: process.env.PATH }, encoding: 'utf8' });
    expect(placeholder.status).toBe(0);
    expect(placeholder.stderr).toContain('TEAMS_APP_ID is not set');
    expect(JSON.parse(Buffer.from(unzipSync(new Uint8Array(readFileSync(out)))['manifest.json']!).toString('utf8')).bots[0].botId).toBe('00000000-0000-0000-0000-000000000000');
  });
});

describe('Teams work queue', () => {
  it('lets acknowledgements in progress go first, but holds new questions at most maxMs, and never holds sends', async () => {
    let busy = true;
    const work = new WorkQueue<'send' | 'message'>({ send: 2, message: 2 }, { lanes: ['message'], busy: () => busy, maxMs: 80, maxWaitMs: 1000 });
    const started: string[] = [];
    const t0 = performance.now();
    const at: Record<string, number> = {};
    const job = (name: string) => async () => {
      started.push(name);
      at[name] = performance.now() - t0;
    };
    await Promise.all([work.run('message', job('m1')), work.run('send', job('s1')), work.run('message', job('m2'))]);
    // The send went first; while busy, questions start one per hold (at least one every maxMs).
    expect(started[0]).toBe('s1');
    expect(at.m2! - at.m1!).toBeGreaterThanOrEqual(70);
    busy = false;
    const t1 = performance.now();
    await work.run('message', job('m3'));
    expect(performance.now() - t1).toBeLessThan(50);
    // Under sustained pressure nothing is held once it has waited maxWaitMs.
    busy = true;
    const patient = new WorkQueue<'message'>({ message: 1 }, { lanes: ['message'], busy: () => busy, maxMs: 10_000, maxWaitMs: 60 });
    await patient.run('message', job('p1'));
    const t2 = performance.now();
    await patient.run('message', job('p2'));
    expect(performance.now() - t2).toBeLessThan(1000);
    expect(performance.now() - t2).toBeGreaterThanOrEqual(55);
    await work.idle();
  });
});
