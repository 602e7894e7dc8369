import { App, LogLevel, SocketModeReceiver, webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { Lotsen } from '../../app.ts';
import type { SlackConfig } from '../../config.ts';
import type { DeskEvent } from '../../core/escalation/desk.ts';
import { apply, type Actor } from '../../core/escalation/lifecycle.ts';
import type { Identity } from '../../core/identity/roles.ts';
import type { Logger } from '../../core/ports.ts';
import type { Conversation, OutboundMessage } from '../../core/store/store.ts';
import { EventBusyError } from '../../core/assistant.ts';
import { ACTION, ANSWER_VIEW, answerModal, escalationCard, homeView, replyMessage, textMessage, type SlackMessage } from './blocks.ts';
import { SlackDirectory, type SuperuserCheck } from './directory.ts';
import { normalizeInbound } from './markup.ts';
import { WorkQueue } from '../work-queue.ts';
import { InboxReceiver } from './inbox.ts';
import { HonoReceiver } from './receiver.ts';
import { CardRegistry, SlackSender, slackErrorCode, type SlackPayload } from './sender.ts';
import { cardSteps } from '../../core/escalation/card-steps.ts';

/** The Slack side of Lotsen: the events endpoint (or Socket Mode), the outbox sender and the tally post. */
export interface SlackAdapter {
  readonly mode: 'http' | 'socket';
  /** POST /slack/events on the shared server (HTTP mode). */
  handle(request: Request): Promise<Response>;
  /** Connects Socket Mode (nothing to do in HTTP mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts the weekly tally (Block Kit text) to the managers' channel through the outbox. */
  postTally(channel: string | undefined, text: string): Promise<void>;
  /** Resolves when the work of every request received so far is done (tests, benchmarks). */
  idle(): Promise<void>;
  readonly sender: SlackSender;
}

/** How long a handled Slack event id is remembered (as in Assistant.handleOnce). */
const EVENT_TTL_MS = 2 * 3600_000;
/** Inbound text beyond this is cut (Slack allows 40,000 characters; questions are short). */
const MAX_TEXT = 4000;
/** A view submission must be answered within Slack's 3 s, look-ups included. */
const VIEW_CHECK_MS = 1500;
/**
 * Jobs in flight after the ack: sends to Slack first (what is answered goes out), then clicks (a
 * person is waiting), then new messages. Beyond the backlog, Slack is asked to send again later.
 */
const LANES = { send: 16, click: 8, message: 8 };
const MAX_BACKLOG = 5000;
/** The outbox channel of kept inbound events (see InboxReceiver). */
const INBOUND = 'slack-inbound';
/** When Slack could not say who the bot is, ask again after this long. */
const WHOAMI_RETRY_MS = 30_000;

const TEXT = {
  files:
    'Jag kan bara läsa text: beskriv problemet med ord – och lägg aldrig upp skärmbilder eller filer med patientuppgifter. / I can only read text; describe the problem in words – and never post screenshots or files with patient data.',
  edited: 'Jag svarar bara på nya meddelanden. Skicka den ändrade frågan som ett nytt meddelande. / I only answer new messages; send the corrected question as a new message.',
  empty: 'Skriv din fråga efter @Lotsen, till exempel: _@Lotsen hur skriver jag ut ett nytt id-band?_ / Write your question after @Lotsen.',
  usage: 'Skriv din fråga efter kommandot: `/lotsen hur skriver jag ut ett nytt id-band?` / Write your question after the command.',
  commandTaken: 'Jag svarar i ditt direktmeddelande med Lotsen. / I will answer in your direct messages with Lotsen.',
  cut: `Meddelandet var långt; jag läste de första ${MAX_TEXT} tecknen. / Your message was long; I read the first ${MAX_TEXT} characters.`,
  failed: 'Något gick fel hos mig och jag kunde inte svara. Skicka frågan igen om en liten stund. / Something went wrong on my side; please send the question again in a moment.',
  notSuperuser:
    'Det här är för superanvändare. Behöver du hjälp, fråga en superanvändare på din enhet eller go-live-ledningscentralen. / This is for super-users; if you need help, ask a super-user on your unit or the go-live command centre.',
  roleUnknown: 'Jag kunde inte kontrollera din superanvändarroll just nu. Försök igen om en liten stund. / I could not check your super-user role just now; please try again in a moment.',
  thanks: 'Tack! Det hjälper oss att förbättra svaren. / Thanks, that helps us improve the answers.',
  solved: 'Tack! Frågan är stängd. / Thanks! The question is closed.',
  reopened: 'Jag har skickat tillbaka frågan till superanvändarna. Svaret kommer här. / I have sent the question back to the super-users; the answer will arrive here.',
  emptyAnswer: 'Skriv ett svar. / Write an answer.',
  draftSaved: (id: string) => `Utkastet *${id}* är sparat; publicera det under /drafts. / Draft *${id}* saved; publish it at /drafts.`,
};

interface SlackMessageEvent {
  type: string;
  subtype?: string;
  user?: string;
  bot_id?: string;
  text?: string;
  channel: string;
  channel_type?: string;
  ts: string;
  thread_ts?: string;
  files?: unknown[];
  message?: { user?: string; bot_id?: string; subtype?: string; text?: string; thread_ts?: string; ts?: string };
  previous_message?: { text?: string };
}

interface ActionBody {
  user: { id: string };
  trigger_id?: string;
  channel?: { id: string };
  message?: { ts: string; thread_ts?: string };
  container?: { channel_id?: string; message_ts?: string; thread_ts?: string };
}

/** Bolt's and the Web API's log lines may quote requests; only short fixed texts and error kinds reach our log. */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.WARN;
  const describe = (args: unknown[]) => {
    const first = args[0];
    if (first instanceof Error) return { bolt: first.name, code: (first as { code?: string }).code };
    return { bolt: typeof first === 'string' ? first.replace(/\{[\s\S]*$/, '').slice(0, 120) : typeof first };
  };
  return {
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => log.warn(describe(args), 'slack'),
    error: (...args: unknown[]) => log.error(describe(args), 'slack'),
    setLevel: (l: LogLevel) => (level = l),
    getLevel: () => level,
    setName: () => {},
  };
}

export async function createSlackAdapter(lotsen: Lotsen, config: SlackConfig): Promise<SlackAdapter> {
  const { store, desk, assistant, log } = lotsen;
  const publicUrl = lotsen.config.publicUrl;
  const router = desk.router;
  const bolt = boltLogger(log);
  // Our own client: no hidden retries (the outbox retries, honouring Retry-After) and a 429 is an error, not a wait.
  const client = new webApi.WebClient(config.botToken, {
    slackApiUrl: config.apiUrl,
    logger: bolt,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: 10_000,
  });
  let closed = false;
  const work = new WorkQueue(LANES);

  const channelFor = (destination: string | undefined) => router.destination(destination).slackChannel ?? config.superuserChannel;
  const superuserChannels = () => [...new Set([config.superuserChannel, ...router.routing.destinations.map((d) => d.slackChannel)].filter((c): c is string => !!c))];
  const directory = new SlackDirectory({ client, roles: lotsen.config.roles, superuserChannels });
  const cards = new CardRegistry(store);
  const renderCard = (e: Parameters<typeof escalationCard>[0]) => escalationCard(e, { router, publicUrl, articleTitle: (id) => lotsen.knowledge.state.articles.get(id)?.title });
  // Sends take their turn with the other work (ahead of new questions), so a burst of answers going
  // out does not hold up acknowledgements either.
  const sender = new SlackSender({ client, store, cards, renderCard, publicUrl, turn: (job) => work.run('send', job) });
  lotsen.outbox.addSender(sender);

  // --- Outbound: everything goes through the persisted outbox ---------------------------------
  let draining = false;
  let again = false;
  /** Sends new outbox messages now rather than at the next poll. */
  const kick = () => {
    if (closed) return;
    if (draining) {
      again = true;
      return;
    }
    draining = true;
    void (async () => {
      try {
        do {
          again = false;
          while (!closed && (await lotsen.outbox.pump()) > 0);
        } while (again && !closed);
      } catch {
        // The outbox's own poll retries; its failures are logged there.
      } finally {
        draining = false;
      }
    })();
  };
  const enqueue = async (key: string, payload: SlackPayload) => {
    try {
      await store.enqueueOutbound({ key, channel: 'slack', payload }, new Date());
    } catch (err) {
      // The store is down: send now rather than lose the reply (without the outbox's retries).
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox unavailable; sending to Slack directly');
      const now = new Date().toISOString();
      const message: OutboundMessage = { id: `direct-${Date.now().toString(36)}`, key, channel: 'slack', payload, attempts: 0, dueAt: now, createdAt: now };
      await sender.send(message, AbortSignal.timeout(10_000)).catch((e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e) }, 'slack reply lost: store and Slack both failed'));
      return;
    }
    kick();
  };
  const post = (where: { channel: string; thread?: string }, m: SlackMessage) =>
    enqueue(`slack:${where.channel}`, { kind: 'post', channel: where.channel, thread: where.thread, text: m.text, blocks: m.blocks });
  /** Ephemeral notes answer a click at once and mean nothing later, so they bypass the outbox. */
  const ephemeral = async (channel: string | undefined, user: string, text: string) => {
    if (!channel) return;
    await client.chat.postEphemeral({ channel, user, text }).catch((err: unknown) => log.warn({ code: slackErrorCode(err) ?? 'error' }, 'slack ephemeral failed'));
  };

  /** Side effects of one Slack event happen once, also when Slack retries it. */
  const once = async (eventId: string, fn: () => Promise<void>) => {
    const seen = await store.beginEvent(eventId, lotsen.config.workLeaseMs, new Date()).catch(() => 'new' as const);
    if (seen === 'duplicate') return;
    if (seen === 'busy') throw new EventBusyError(eventId);
    await fn();
    await store.completeEvent(eventId, EVENT_TTL_MS, new Date()).catch(() => undefined);
  };

  // --- Who the bot is: its own messages are never answered --------------------------------------
  // Asked on first need, not at start: one-shot CLI commands create Lotsen too and must not call Slack.
  let identity: Promise<{ botUserId?: string; botId?: string }> | undefined;
  let known: { botUserId?: string; botId?: string } | undefined;
  const whoAmI = () =>
    (identity ??= client.auth
      .test()
      .then((r) => (known = { botUserId: r.user_id, botId: r.bot_id }))
      .catch((err: unknown): { botUserId?: string; botId?: string } => {
        log.warn({ code: slackErrorCode(err) ?? 'unreachable' }, 'slack auth.test failed; will ask again');
        setTimeout(() => (identity = undefined), WHOAMI_RETRY_MS).unref();
        return {};
      }));

  // --- Staff ------------------------------------------------------------------------------------
  const askerOf = (userId: string): Identity => ({ platform: 'slack', userId, role: directory.configuredRole(userId) });

  const answerQuestion = async (text: string, userId: string, where: { channel: string; thread?: string }, eventId: string, notes: string[]) => {
    const conversation: Conversation = { platform: 'slack', channel: where.channel, thread: where.thread };
    try {
      await assistant.handleOnce({ text, asker: askerOf(userId), conversation, eventId }, store, (reply) => post(where, replyMessage(reply, publicUrl, notes.join('\n') || undefined)));
    } catch (err) {
      if (err instanceof EventBusyError) throw err;
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack message could not be handled');
      await post(where, textMessage(TEXT.failed, publicUrl));
    }
  };

  const fromBot = (ev: { user?: string; bot_id?: string; subtype?: string }, botUserId: string | undefined) =>
    !!ev.bot_id || ev.subtype === 'bot_message' || !ev.user || (botUserId !== undefined && ev.user === botUserId);

  const staffMessage = async (ev: SlackMessageEvent, eventId: string, kind: 'dm' | 'mention') => {
    const { botUserId } = await whoAmI();
    if (ev.subtype === 'message_changed') {
      const m = ev.message ?? {};
      // Unfurls and our own edits also arrive as changes; only a person's new wording gets a reply.
      if (fromBot(m, botUserId) || (m.text ?? '') === (ev.previous_message?.text ?? '')) return;
      await once(eventId, () => post({ channel: ev.channel, thread: m.thread_ts }, textMessage(TEXT.edited, publicUrl)));
      return;
    }
    // A deleted message asks nothing; joins, topic changes and the like are not questions.
    if (ev.subtype && !['file_share', 'thread_broadcast', 'me_message'].includes(ev.subtype)) return;
    if (fromBot(ev, botUserId)) return;
    const where = { channel: ev.channel, thread: kind === 'mention' ? (ev.thread_ts ?? ev.ts) : ev.thread_ts };
    const raw = normalizeInbound(ev.text ?? '');
    const notes: string[] = [];
    if (ev.files?.length || ev.subtype === 'file_share') notes.push(TEXT.files);
    if (!raw) {
      await once(eventId, () => post(where, textMessage(notes[0] ?? TEXT.empty, publicUrl)));
      return;
    }
    if (raw.length > MAX_TEXT) notes.push(TEXT.cut);
    await answerQuestion(raw.slice(0, MAX_TEXT), ev.user!, where, eventId, notes);
  };

  // --- Super-users: cards follow every change of a question, from any platform --------------------
  const icons = { remind: ':alarm_clock:', reescalated: ':arrow_up:', stillStuck: ':warning:' };
  const cardsFollow = async (event: DeskEvent) => {
    const e = event.escalation;
    if (e.kind !== 'question' || closed) return;
    const channel = channelFor(e.destination);
    if (!channel) return;
    for (const step of await cardSteps(event, { store, router, remindAfterMin: lotsen.config.serviceLevels.remindAfterMin, icons })) {
      await enqueue(`slack:${channel}`, step.kind === 'card-note' ? { kind: 'card-note', escalationId: e.id, channel, text: step.text } : { kind: step.kind, escalationId: e.id, channel });
    }
  };
  desk.onChange(cardsFollow);

  const superuserCheck = (user: string, limitMs?: number): Promise<SuperuserCheck> => {
    const check = directory.superuser(user);
    if (!limitMs) return check;
    return Promise.race([check, new Promise<SuperuserCheck>((r) => setTimeout(() => r({ ok: false, reason: 'unknown' }), limitMs).unref())]);
  };
  const actorFor = async (user: string, role: Actor['role']): Promise<Actor> => ({ id: `slack:${user}`, name: (await directory.name(user)) ?? user, role });

  const onAction = async (body: ActionBody, action: { action_id: string; value?: string }) => {
    const user = body.user.id;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const messageTs = body.message?.ts ?? body.container?.message_ts;
    const thread = body.message?.thread_ts ?? body.container?.thread_ts ?? messageTs;
    const value = action.value ?? '';
    switch (action.action_id) {
      case ACTION.helped:
      case ACTION.notHelped: {
        const verdict = action.action_id === ACTION.helped ? 'helped' : 'not-helped';
        // Which articles helped or not, never the question: the tally of answer quality.
        await store
          .appendAudit({ actor: `slack:${user}`, role: 'staff', action: 'answer.feedback', subject: 'answers', detail: { verdict, articles: verdict === 'helped' ? value.split(',').filter((x) => x && x !== '-') : [] } }, new Date())
          .catch(() => undefined);
        if (verdict === 'helped') return ephemeral(channel, user, TEXT.thanks);
        return askPerson(user, channel, thread, messageTs, value);
      }
      case ACTION.ask:
        return askPerson(user, channel, thread, messageTs, value);
      case ACTION.solved:
      case ACTION.stillStuck: {
        const verdict = action.action_id === ACTION.solved ? 'solved' : 'still-stuck';
        const result = await desk.act(value, { type: verdict }, await actorFor(user, directory.configuredRole(user)));
        if (!result.ok) return ephemeral(channel, user, result.message);
        if (channel) await post({ channel, thread: body.message?.thread_ts }, textMessage(verdict === 'solved' ? TEXT.solved : TEXT.reopened, publicUrl));
        return;
      }
      case ACTION.claim:
      case ACTION.release:
      case ACTION.close:
      case ACTION.answer:
      case ACTION.draft: {
        const check = await superuserCheck(user);
        if (!check.ok) return ephemeral(channel, user, check.reason === 'unknown' ? TEXT.roleUnknown : TEXT.notSuperuser);
        const actor = await actorFor(user, check.role);
        if (action.action_id === ACTION.answer) return openAnswer(value, actor, body, channel);
        if (action.action_id === ACTION.draft) return saveDraft(value, actor, channel);
        const type = action.action_id === ACTION.claim ? 'claim' : action.action_id === ACTION.release ? 'release' : 'close';
        const result = await desk.act(value, { type }, actor);
        if (!result.ok) await ephemeral(channel, user, result.message);
        return;
      }
      default:
        return;
    }
  };

  /** "Didn't help" / "Ask a super-user": the same redacted question, straight to a person; once per answer message. */
  const askPerson = async (user: string, channel: string | undefined, thread: string | undefined, messageTs: string | undefined, question: string) => {
    if (!channel || !question.trim()) return;
    const eventId = `slack:ask:${channel}:${messageTs ?? thread}`;
    await once(eventId, async () => {
      const where = { channel, thread };
      const reply = await assistant.askSuperuser({ text: question, asker: askerOf(user), conversation: { platform: 'slack', channel, thread }, eventId }).catch((err: unknown) => {
        log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack escalation failed');
        return undefined;
      });
      await post(where, reply ? replyMessage(reply, publicUrl) : textMessage(TEXT.failed, publicUrl));
    });
  };

  const openAnswer = async (id: string, actor: Actor, body: ActionBody, channel: string | undefined) => {
    const e = await store.getEscalation(id);
    if (!e) return ephemeral(channel, body.user.id, 'There is no such question.');
    // Refusals (not claimed, someone else's) are told now rather than after writing an answer.
    const check = apply(e, { type: 'answer', text: '-' }, actor, lotsen.config.serviceLevels, new Date());
    if (!check.ok) return ephemeral(channel, body.user.id, check.message);
    if (!body.trigger_id) return;
    await client.views.open({ trigger_id: body.trigger_id, view: answerModal(e, channel) as never }).catch((err: unknown) => {
      log.warn({ code: slackErrorCode(err) ?? 'error' }, 'slack views.open failed');
      return ephemeral(channel, body.user.id, 'Slack kunde inte öppna svarsrutan; försök igen. / Slack could not open the answer form; please try again.');
    });
  };

  const saveDraft = async (id: string, actor: Actor, channel: string | undefined) => {
    const user = actor.id.slice('slack:'.length);
    const e = await store.getEscalation(id);
    if (!e?.answer) return ephemeral(channel, user, 'Svara på frågan innan du sparar den som utkast. / Answer the question before saving it as a draft.');
    let articleId: string;
    try {
      articleId = lotsen.drafts.save(e).id;
    } catch (err) {
      return ephemeral(channel, user, err instanceof Error ? err.message : String(err));
    }
    const result = await desk.act(id, { type: 'draft', articleId }, actor);
    if (!result.ok) return ephemeral(channel, user, result.message);
    await store.appendAudit({ actor: actor.id, role: actor.role, action: 'knowledge.draft', subject: articleId, detail: { escalation: id } }, new Date()).catch(() => undefined);
    await ephemeral(channel, user, TEXT.draftSaved(articleId));
  };

  const publishHome = async (user: string) => {
    const articles = [...lotsen.knowledge.state.articles.values()].filter((a) => a.status === 'published');
    const bySystem = new Map<string, number>();
    for (const a of articles) if (a.system) bySystem.set(a.system, (bySystem.get(a.system) ?? 0) + 1);
    const topics = [...bySystem.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([s]) => s);
    // Open ones, and answered ones still waiting for "solved" / "still stuck".
    const mine = await store.listEscalations({ kind: 'question', asker: `slack:${user}`, status: ['open', 'claimed', 'answered'], limit: 20 });
    const su = await superuserCheck(user, VIEW_CHECK_MS);
    const waiting = su.ok ? (await store.listEscalations({ kind: 'question', status: ['open'], limit: 300 })).length : undefined;
    await client.views.publish({ user_id: user, view: homeView({ articles: articles.length, topics, mine, router, waiting }) as never });
  };

  // --- Bolt -------------------------------------------------------------------------------------
  /** Kept events not yet handled by this instance (their outbox ids). */
  const unhandled = new Set<string>();
  const http = config.appToken ? undefined : new HonoReceiver({ signingSecret: config.signingSecret, log, overloaded: () => unhandled.size >= MAX_BACKLOG });
  const transport = http ?? new SocketModeReceiver({ appToken: config.appToken!, logger: bolt, installerOptions: { clientOptions: { slackApiUrl: config.apiUrl } } });
  const receiver = new InboxReceiver(transport, {
    log,
    keep: async (body) => {
      const channel = (body.event as { channel?: string } | undefined)?.channel ?? '-';
      // One key per conversation: its events are handled in the order they came.
      const kept = await store.enqueueOutbound({ key: `slack-in:${channel}`, channel: INBOUND, payload: { body } }, new Date());
      unhandled.add(kept.id);
      kick();
    },
  });
  lotsen.outbox.addSender({
    channel: INBOUND,
    paceMs: 0,
    send: async (m) => {
      await receiver.process((m.payload as { body: Record<string, unknown> }).body);
      unhandled.delete(m.id);
    },
  });
  const app = new App({
    receiver,
    logger: bolt,
    // One workspace, one bot token. auth.test is asked (and re-asked after a failure) by us and never
    // waited for here, so a slow or unreachable Slack API cannot delay an acknowledgement; until it
    // answers, our own listeners tell the bot's messages apart (see fromBot).
    authorize: async () => {
      if (!known) void whoAmI();
      return { botToken: config.botToken, ...known };
    },
    ignoreSelf: true,
    convoStore: false,
    clientOptions: { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 } },
  });
  app.error(async (err) => {
    // An event another attempt holds goes back to the inbox, to be tried again after that attempt.
    if ((err as { original?: unknown }).original instanceof EventBusyError || err instanceof EventBusyError) throw err;
    log.error({ err: err.name, code: err.code }, 'slack listener failed');
  });

  // Events reach these listeners from the inbox, after Slack was acknowledged.
  app.event('message', async ({ event, body }) => {
    const ev = event as unknown as SlackMessageEvent;
    // Channel messages arrive as app_mention; only direct messages are questions here.
    if (ev.channel_type !== undefined && ev.channel_type !== 'im') return;
    await work.run('message', () => staffMessage(ev, `slack:${(body as { event_id?: string }).event_id ?? `${ev.channel}:${ev.ts}`}`, 'dm'));
  });
  app.event('app_mention', async ({ event, body }) => {
    const ev = event as unknown as SlackMessageEvent;
    await work.run('message', () => staffMessage(ev, `slack:${(body as { event_id?: string }).event_id ?? `${ev.channel}:${ev.ts}`}`, 'mention'));
  });
  app.event('app_home_opened', async ({ event }) => {
    const ev = event as unknown as { user: string; tab?: string };
    if (ev.tab && ev.tab !== 'home') return;
    await work.run('click', () => publishHome(ev.user)).catch((err: unknown) => log.warn({ code: slackErrorCode(err) ?? (err instanceof Error ? err.message : 'error') }, 'slack home not published'));
  });
  app.command(/^\/lotsen/, async ({ command, ack }) => {
    const text = normalizeInbound(command.text ?? '');
    if (!text) {
      await ack({ response_type: 'ephemeral', text: TEXT.usage });
      return;
    }
    await ack({ response_type: 'ephemeral', text: TEXT.commandTaken });
    // Answered in the user's direct messages with the bot, where a super-user's answer can follow later.
    await work.run('message', () => answerQuestion(text.slice(0, MAX_TEXT), command.user_id, { channel: command.user_id }, `slack:command:${command.trigger_id}`, text.length > MAX_TEXT ? [TEXT.cut] : []));
  });
  app.action(/^lotsen_/, async ({ ack, body, action }) => {
    await ack();
    await work.run('click', () => onAction(body as unknown as ActionBody, action as unknown as { action_id: string; value?: string }));
  });
  app.view(ANSWER_VIEW, async ({ ack, body, view }) => {
    const user = body.user.id;
    let meta: { id?: string; channel?: string } = {};
    try {
      meta = JSON.parse(view.private_metadata || '{}') as typeof meta;
    } catch {
      // A view we did not build: nothing to answer.
    }
    const values = view.state.values as Record<string, Record<string, { value?: string | null }>>;
    const text = (values.answer?.text?.value ?? '').trim();
    const refuse = (message: string) => ack({ response_action: 'errors', errors: { answer: message.slice(0, 150) } });
    if (!text || !meta.id) return refuse(TEXT.emptyAnswer);
    const check = await superuserCheck(user, VIEW_CHECK_MS);
    if (!check.ok) return refuse(check.reason === 'unknown' ? TEXT.roleUnknown : TEXT.notSuperuser);
    // Only the id decides here; the name is looked up after the ack.
    const actor: Actor = { id: `slack:${user}`, name: user, role: check.role };
    const current = await store.getEscalation(meta.id);
    if (!current) return refuse('There is no such question.');
    const pre = apply(current, { type: 'answer', text }, actor, lotsen.config.serviceLevels, new Date());
    if (!pre.ok) return refuse(pre.message);
    await ack();
    const result = await work.run('click', async () => desk.act(meta.id!, { type: 'answer', text }, { ...actor, name: (await directory.name(user)) ?? user }));
    if (!result.ok) await ephemeral(meta.channel, user, result.message);
  });

  return {
    mode: http ? 'http' : 'socket',
    sender,
    handle: (request) => (http ? http.handle(request) : Promise.resolve(new Response('Slack runs in Socket Mode here.', { status: 404 }))),
    async start() {
      if (!http) await app.start();
    },
    async stop() {
      closed = true;
      await app.stop().catch(() => undefined);
    },
    async postTally(channel, text) {
      const target = channel ?? config.managersChannel;
      if (!target) throw new Error('SLACK_MANAGERS_CHANNEL is not set: say which channel the tally goes to');
      await store.enqueueOutbound({ key: `slack:${target}`, channel: 'slack', payload: { kind: 'post', channel: target, ...textMessage(text, publicUrl) } satisfies SlackPayload }, new Date());
      kick();
    },
    async idle() {
      await http?.idle();
      while (unhandled.size && !closed) await new Promise((r) => setTimeout(r, 5));
    },
  };
}
