import { App } from '@microsoft/teams.apps';
import { PUBLIC, withOverrides, type Client as ApiClient } from '@microsoft/teams.api';
import type { AdaptiveCardActionResponse } from '@microsoft/teams.api';
import type { Lotsen } from '../../app.ts';
import type { TeamsConfig } from '../../config.ts';
import type { DeskEvent } from '../../core/escalation/desk.ts';
import type { Actor } from '../../core/escalation/lifecycle.ts';
import type { Identity } from '../../core/identity/roles.ts';
import { askerKey, type Conversation, type Escalation, type OutboundMessage } from '../../core/store/store.ts';
import { ANSWER_INPUT, answerCard, escalationCard, replyCard, textCard, VERB, type TeamsMessage } from './cards.ts';
import { TeamsDirectory, type SuperuserCheck, type TeamsUser } from './directory.ts';
import { normalizeInbound } from './markup.ts';
import { HonoTeamsAdapter, teamsLogger } from './receiver.ts';
import { CardRegistry, References, TeamsSender, type TeamsPayload } from './sender.ts';
import { clientCredentialsToken } from './token.ts';
import { WorkQueue } from '../work-queue.ts';
import { cardSteps } from '../../core/escalation/card-steps.ts';

/** The Teams side of Lotsen: the messaging endpoint, the outbox sender and the managers' tally. */
export interface TeamsAdapter {
  /** POST /api/messages on the shared server. */
  handle(request: Request): Promise<Response>;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Posts the weekly tally (Markdown) to TEAMS_MANAGERS_CHANNEL through the outbox. */
  postTally(text: string): Promise<void>;
  /** Resolves when the work of every activity received so far is done (tests, benchmarks). */
  idle(): Promise<void>;
  readonly sender: TeamsSender;
}

export const MESSAGING_ENDPOINT = '/api/messages';
/** How long a handled activity id is remembered; how long a first attempt may take (as in Assistant.handleOnce). */
const EVENT_LEASE_MS = 60_000;
const EVENT_TTL_MS = 2 * 3600_000;
/** Inbound text beyond this is cut (Teams allows about 28 KB; questions are short). */
const MAX_TEXT = 4000;
/** A card action must be answered while the person watches the button spin, look-ups included. */
const ROLE_CHECK_MS = 1500;
/** Sends first (what is answered goes out), then clicks (a person is waiting), then new messages. */
const LANES = { send: 16, click: 8, message: 8 };
/** Beyond this many waiting messages Teams is answered 503, so the sender sees a failure rather than silence. */
const MAX_BACKLOG = 5000;

const TEXT = {
  files:
    'Jag kan bara läsa text: beskriv problemet med ord – och lägg aldrig upp skärmbilder eller filer med patientuppgifter. / I can only read text; describe the problem in words – and never post screenshots or files with patient data.',
  edited: 'Jag svarar bara på nya meddelanden. Skicka den ändrade frågan som ett nytt meddelande. / I only answer new messages; send the corrected question as a new message.',
  empty: 'Skriv din fråga efter @Lotsen, till exempel: _@Lotsen hur skriver jag ut ett nytt id-band?_ / Write your question after @Lotsen.',
  cut: `Meddelandet var långt; jag läste de första ${MAX_TEXT} tecknen. / Your message was long; I read the first ${MAX_TEXT} characters.`,
  failed: 'Något gick fel hos mig och jag kunde inte svara. Skicka frågan igen om en liten stund. / Something went wrong on my side; please send the question again in a moment.',
  notSuperuser:
    'Det här är för superanvändare. Behöver du hjälp, fråga en superanvändare på din enhet eller go-live-ledningscentralen. / This is for super-users; if you need help, ask a super-user on your unit or the go-live command centre.',
  roleUnknown: 'Jag kunde inte kontrollera din superanvändarroll just nu. Försök igen om en liten stund. / I could not check your super-user role just now; please try again in a moment.',
  thanks: 'Tack! Det hjälper oss att förbättra svaren. / Thanks, that helps us improve the answers.',
  askSent: 'Jag skickar frågan till superanvändarna; svaret kommer här. / I am sending the question to the super-users; the answer will arrive here.',
  solved: 'Tack! Frågan är stängd. / Thanks! The question is closed.',
  reopened: 'Jag har skickat tillbaka frågan till superanvändarna. Svaret kommer här. / I have sent the question back to the super-users; the answer will arrive here.',
  emptyAnswer: 'Skriv ett svar i rutan först. / Write an answer in the box first.',
  noSuchQuestion: 'Frågan finns inte. / There is no such question.',
};

/** The parts of an activity Lotsen reads (the SDK's types are a union over every activity type). */
interface Activity {
  type: string;
  id: string;
  name?: string;
  serviceUrl?: string;
  text?: string;
  replyToId?: string;
  from: { id: string; name?: string; aadObjectId?: string; role?: string };
  recipient: { id: string };
  conversation: { id: string; conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelData?: { tenant?: { id?: string }; eventType?: string };
  entities?: { type: string; mentioned?: { id: string } }[];
  attachments?: { contentType?: string }[];
  value?: { action?: { type?: string; verb?: string; data?: Record<string, unknown> } };
}

/** Where a reply goes: the conversation without any thread suffix, and for channels the thread's root message. */
interface Where {
  conversation: string;
  thread?: string;
  serviceUrl?: string;
}

const tenantOf = (a: Activity) => a.conversation.tenantId ?? a.channelData?.tenant?.id;

/** Channel messages carry their thread in the conversation id ("…;messageid=root"); a new post is its own root. */
function whereOf(a: Activity): Where {
  const [conversation, ...rest] = a.conversation.id.split(';');
  const root = rest.find((p) => p.startsWith('messageid='))?.slice('messageid='.length);
  const thread = a.conversation.conversationType === 'channel' ? (root ?? a.id) : undefined;
  return { conversation: conversation!, thread, serviceUrl: a.serviceUrl?.replace(/\/+$/, '') };
}

/** Replies only go back to a Bot Connector: https, or http on this machine (the Agents Playground, tests). */
const safeServiceUrl = (url: string | undefined) => {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || (u.protocol === 'http:' && /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(u.hostname));
  } catch {
    return false;
  }
};

export async function createTeamsAdapter(lotsen: Lotsen, config: TeamsConfig): Promise<TeamsAdapter> {
  const { store, desk, assistant, log } = lotsen;
  const publicUrl = lotsen.config.publicUrl;
  const router = desk.router;
  const sdkLog = teamsLogger(log);
  const cloud = config.openIdMetadataUrl ? withOverrides(PUBLIC, { openIdMetadataUrl: config.openIdMetadataUrl }) : PUBLIC;
  // MSAL (the SDK's default) talks only to Microsoft's https authorities; a configured token URL is the test seam.
  const token = config.tokenUrl && config.appId && config.appPassword ? clientCredentialsToken({ url: config.tokenUrl, clientId: config.appId, clientSecret: config.appPassword }) : undefined;
  const transport = new HonoTeamsAdapter({ path: MESSAGING_ENDPOINT, log, authenticated: !config.local });
  const app = new App({
    // Everything explicit: the SDK would otherwise read CLIENT_ID, SERVICE_URL, CLOUD … from the environment itself.
    clientId: config.appId,
    clientSecret: token ? undefined : config.appPassword,
    tenantId: config.tenantId,
    token: token ? (scope: string | string[]) => token(scope) : undefined,
    cloud,
    serviceUrl: config.serviceUrl,
    logger: sdkLog,
    // No hidden retries: the outbox retries, honouring Retry-After.
    client: { timeout: 10_000, logger: sdkLog },
    httpServerAdapter: transport,
    messagingEndpoint: MESSAGING_ENDPOINT,
    dangerouslyAllowUnauthenticatedRequests: config.local,
    state: false,
    telemetry: { agent365: false },
  });
  await app.initialize();

  let closed = false;
  // New questions wait while activities are being acknowledged (one starts every 50 ms regardless, and
  // none waits more than half a second for it); sends and clicks do not wait.
  const work = new WorkQueue<keyof typeof LANES>(LANES, { lanes: ['message'], busy: () => transport.busy, maxMs: 50, maxWaitMs: 500 });
  const apis = new Map<string, ApiClient>();
  const api = (serviceUrl: string) => {
    let client = apis.get(serviceUrl);
    if (!client) apis.set(serviceUrl, (client = app.api.clone({ serviceUrl })));
    return client;
  };
  const refs = new References(store);
  const cards = new CardRegistry(store);
  const directory = new TeamsDirectory({
    roles: lotsen.config.roles,
    graphUrl: config.graphUrl ?? 'https://graph.microsoft.com',
    graphToken: async () => (await app.tokenProvider.getAppToken(cloud.graphScope, config.tenantId))?.toString(),
  });
  const renderCard = (e: Escalation) => escalationCard(e, { router, publicUrl, articleTitle: (id) => lotsen.knowledge.state.articles.get(id)?.title });
  const sender = new TeamsSender({
    api,
    store,
    cards,
    refs,
    renderCard,
    publicUrl,
    fallbackServiceUrl: config.serviceUrl,
    botId: config.appId,
    tenantId: config.tenantId,
    // Sends take their turn with the other work (ahead of new questions), so a burst of answers going
    // out does not hold up acknowledgements either.
    turn: (job) => work.run('send', job),
  });
  lotsen.outbox.addSender(sender);

  // --- Outbound: everything goes through the persisted outbox ---------------------------------
  let kicked = false;
  /**
   * Sends new outbox messages now rather than at the next poll: one pump per turn of the event loop
   * however many replies were queued in it (each pump is a query over the outbox). While Teams
   * deliveries are in flight nothing is needed: each one that finishes takes the next messages.
   */
  const kick = () => {
    if (closed || kicked || sender.active > 0) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      // The outbox's own poll retries; its failures are logged there.
      if (!closed) void lotsen.outbox.pump().catch(() => 0);
    });
  };
  const enqueue = async (key: string, payload: TeamsPayload) => {
    try {
      await store.enqueueOutbound({ key, channel: 'teams', payload }, new Date());
    } catch (err) {
      // The store is down: send now rather than lose the reply (without the outbox's retries).
      log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox unavailable; sending to Teams directly');
      const now = new Date().toISOString();
      const message: OutboundMessage = { id: `direct-${Date.now().toString(36)}`, key, channel: 'teams', payload, attempts: 0, dueAt: now, createdAt: now };
      await sender.send(message, AbortSignal.timeout(10_000)).catch((e: unknown) => log.error({ err: e instanceof Error ? e.message : String(e) }, 'teams reply lost: store and Teams both failed'));
      return;
    }
    kick();
  };
  // One pacing key per conversation (threads of a channel share the channel's), as Teams limits per conversation.
  const post = (where: Where, m: TeamsMessage) =>
    enqueue(`teams:${where.conversation}`, { kind: 'post', conversation: where.conversation, thread: where.thread, serviceUrl: where.serviceUrl, text: m.text, card: m.card });

  /** Side effects of one activity happen once, also when Teams delivers it again. */
  const once = async (eventId: string, fn: () => Promise<void>): Promise<boolean> => {
    const seen = await store.beginEvent(eventId, EVENT_LEASE_MS, new Date()).catch(() => 'new' as const);
    if (seen === 'duplicate') return false;
    await fn();
    await store.completeEvent(eventId, EVENT_TTL_MS, new Date()).catch(() => undefined);
    return true;
  };

  /** Whom to answer later: references are kept only for conversations with a question handed to people. */
  const remember = (where: Where, a: Activity) =>
    where.serviceUrl ? refs.rememberConversation(where.conversation, { serviceUrl: where.serviceUrl, tenantId: tenantOf(a) }).catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'teams reference not stored')) : undefined;

  // --- Staff ------------------------------------------------------------------------------------
  const userOf = (a: Activity): TeamsUser => ({ aadObjectId: a.from.aadObjectId, id: a.from.id });
  // The Entra object id where Teams gives it: stable across chats, and what LOTSEN_SUPERUSERS lists.
  const userIdOf = (a: Activity) => a.from.aadObjectId ?? a.from.id;
  const askerOf = (a: Activity): Identity => ({ platform: 'teams', userId: userIdOf(a), role: directory.configuredRole(userOf(a)) });
  const eventIdOf = (a: Activity) => `teams:${a.conversation.id.split(';')[0]}:${a.id}`;

  const answerQuestion = async (text: string, a: Activity, where: Where, notes: string[]) => {
    const conversation: Conversation = { platform: 'teams', channel: where.conversation, thread: where.thread };
    let reply;
    try {
      reply = await assistant.handleOnce({ text, asker: askerOf(a), conversation, eventId: eventIdOf(a) }, store);
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'teams message could not be handled');
      await post(where, textCard(TEXT.failed, publicUrl));
      return;
    }
    if (!reply) return;
    if (reply.escalationId) await remember(where, a);
    await post(where, replyCard(reply, publicUrl, notes.join('\n\n') || undefined));
  };

  const accepted = (a: Activity) => {
    // Only people; and with a tenant configured, only ours (an app installed elsewhere answers nobody there).
    if (a.from.role === 'bot' || a.from.id === a.recipient.id) return false;
    const tenant = tenantOf(a);
    if (config.tenantId && tenant && tenant !== config.tenantId && /^[0-9a-f-]{36}$/i.test(config.tenantId)) return false;
    // A reply could carry our bearer token to whatever serviceUrl says.
    return safeServiceUrl(a.serviceUrl);
  };

  const staffMessage = async (a: Activity) => {
    if (!accepted(a)) return;
    const personal = a.conversation.conversationType === 'personal' || (!a.conversation.conversationType && !a.conversation.isGroup);
    // In channels and group chats Teams sends the bot only messages that @mention it; make sure.
    if (!personal && !(a.entities ?? []).some((e) => e.type === 'mention' && e.mentioned?.id === a.recipient.id)) return;
    const where = whereOf(a);
    const raw = normalizeInbound(a.text ?? '');
    const notes: string[] = [];
    // Every formatted message also comes as text/html; cards are ours. Anything else is a file or an image.
    if ((a.attachments ?? []).some((x) => x.contentType !== 'text/html' && !String(x.contentType).startsWith('application/vnd.microsoft.card'))) notes.push(TEXT.files);
    if (!raw) {
      await once(eventIdOf(a), () => post(where, textCard(notes[0] ?? TEXT.empty, publicUrl)));
      return;
    }
    if (raw.length > MAX_TEXT) notes.push(TEXT.cut);
    await answerQuestion(raw.slice(0, MAX_TEXT), a, where, notes);
  };

  const editedMessage = async (a: Activity) => {
    if (!accepted(a) || a.channelData?.eventType !== 'editMessage') return;
    await once(`${eventIdOf(a)}:edit`, () => post(whereOf(a), textCard(TEXT.edited, publicUrl)));
  };

  // --- Super-users: cards follow every change of a question, from any platform --------------------
  const conversationFor = (destination: string | undefined) => router.destination(destination).teamsConversation ?? config.superuserChannel;
  const icons = { remind: '⏰', reescalated: '⬆', stillStuck: '⚠' };
  // Card updates also follow changes made here: the invoke's response shows the new card only to the one who clicked.
  const cardsFollow = async (event: DeskEvent) => {
    const e = event.escalation;
    if (e.kind !== 'question' || closed) return;
    const conversation = conversationFor(e.destination);
    if (!conversation) return;
    for (const step of await cardSteps(event, { store, router, remindAfterMin: lotsen.config.serviceLevels.remindAfterMin, icons })) {
      await enqueue(`teams:${conversation}`, step.kind === 'card-note' ? { kind: 'card-note', escalationId: e.id, conversation, text: step.text } : { kind: step.kind, escalationId: e.id, conversation });
    }
  };
  desk.onChange(cardsFollow);

  const superuserCheck = (user: TeamsUser): Promise<SuperuserCheck> =>
    Promise.race([directory.superuser(user), new Promise<SuperuserCheck>((r) => setTimeout(() => r({ ok: false, reason: 'unknown' }), ROLE_CHECK_MS).unref())]);

  type CardResponse = AdaptiveCardActionResponse;
  const message = (value: string): CardResponse => ({ statusCode: 200, type: 'application/vnd.microsoft.activity.message', value });
  const showCard = (m: TeamsMessage): CardResponse => (m.card ? { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: m.card } : message(m.text));

  /** "Didn't help" / "Ask a super-user": the same redacted question, straight to a person; once per answer card. */
  const askPerson = async (a: Activity, question: string): Promise<CardResponse> => {
    const where = whereOf(a);
    if (!question.trim()) return message(TEXT.failed);
    const eventId = `teams:ask:${where.conversation}:${a.replyToId ?? a.id}`;
    await once(eventId, async () => {
      const reply = await assistant
        .askSuperuser({ text: question.slice(0, MAX_TEXT), asker: askerOf(a), conversation: { platform: 'teams', channel: where.conversation, thread: where.thread }, eventId })
        .catch((err: unknown) => {
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'teams escalation failed');
          return undefined;
        });
      if (reply?.escalationId) await remember(where, a);
      await post(where, reply ? replyCard(reply, publicUrl) : textCard(TEXT.failed, publicUrl));
    });
    return message(TEXT.askSent);
  };

  const verdict = async (a: Activity, id: string, type: 'solved' | 'still-stuck'): Promise<CardResponse> => {
    const actorId = `teams:${userIdOf(a)}`;
    const result = await desk.act(id, { type }, { id: actorId, name: a.from.name || userIdOf(a), role: directory.configuredRole(userOf(a)) });
    if (!result.ok) return message(result.message);
    const e = result.escalation;
    await post(whereOf(a), textCard(type === 'solved' ? TEXT.solved : TEXT.reopened, publicUrl));
    // The asker's card loses its buttons; each asker is shown their own wording.
    const question = e.linked?.find((l) => askerKey(l.asker) === actorId)?.text ?? e.text;
    return e.answer ? showCard(answerCard({ escalationId: e.id, lang: e.lang, question, answer: e.answer.text, by: e.answer.by.name }, publicUrl, type)) : message(type === 'solved' ? TEXT.solved : TEXT.reopened);
  };

  const saveDraft = async (id: string, actor: Actor): Promise<CardResponse> => {
    const e = await store.getEscalation(id);
    if (!e?.answer) return message('Svara på frågan innan du sparar den som utkast. / Answer the question before saving it as a draft.');
    let articleId: string;
    try {
      articleId = lotsen.drafts.save(e).id;
    } catch (err) {
      return message(err instanceof Error ? err.message : String(err));
    }
    const result = await desk.act(id, { type: 'draft', articleId }, actor);
    if (!result.ok) return message(result.message);
    await store.appendAudit({ actor: actor.id, role: actor.role, action: 'knowledge.draft', subject: articleId, detail: { escalation: id } }, new Date()).catch(() => undefined);
    return showCard(renderCard(result.escalation));
  };

  const onAction = async (a: Activity): Promise<CardResponse> => {
    if (!accepted(a)) return message(TEXT.notSuperuser);
    const verb = a.value?.action?.verb ?? '';
    const data = a.value?.action?.data ?? {};
    const str = (k: string) => (typeof data[k] === 'string' ? (data[k] as string) : '');
    const id = str('id');
    switch (verb) {
      case VERB.helped:
        // Which articles helped, never the question: the tally of answer quality.
        await store
          .appendAudit({ actor: `teams:${userIdOf(a)}`, role: 'staff', action: 'answer.feedback', subject: 'answers', detail: { verdict: 'helped', articles: str('articles').split(',').filter(Boolean) } }, new Date())
          .catch(() => undefined);
        return message(TEXT.thanks);
      case VERB.notHelped:
        await store.appendAudit({ actor: `teams:${userIdOf(a)}`, role: 'staff', action: 'answer.feedback', subject: 'answers', detail: { verdict: 'not-helped', articles: [] } }, new Date()).catch(() => undefined);
        return askPerson(a, str('question'));
      case VERB.ask:
        return askPerson(a, str('question'));
      case VERB.solved:
        return verdict(a, id, 'solved');
      case VERB.stillStuck:
        return verdict(a, id, 'still-stuck');
      case VERB.refresh: {
        const e = id ? await store.getEscalation(id) : undefined;
        return e ? showCard(renderCard(e)) : message(TEXT.noSuchQuestion);
      }
      case VERB.claim:
      case VERB.release:
      case VERB.close:
      case VERB.answer:
      case VERB.draft: {
        const check = await superuserCheck(userOf(a));
        if (!check.ok) return message(check.reason === 'unknown' ? TEXT.roleUnknown : TEXT.notSuperuser);
        // How to reach them later (a nudge) and where this card's conversation is, kept only when new.
        if (a.from.aadObjectId && a.serviceUrl) void refs.rememberUser(a.from.aadObjectId, { id: a.from.id, serviceUrl: a.serviceUrl.replace(/\/+$/, ''), tenantId: tenantOf(a) }).catch(() => undefined);
        void remember(whereOf(a), a);
        const actor: Actor = { id: `teams:${userIdOf(a)}`, name: a.from.name || userIdOf(a), role: check.role };
        if (verb === VERB.draft) return saveDraft(id, actor);
        let result;
        if (verb === VERB.answer) {
          const text = str(ANSWER_INPUT).trim();
          if (!text) return message(TEXT.emptyAnswer);
          result = await desk.act(id, { type: 'answer', text: text.slice(0, 4000) }, actor);
        } else {
          result = await desk.act(id, { type: verb === VERB.claim ? 'claim' : verb === VERB.release ? 'release' : 'close' }, actor);
        }
        return result.ok ? showCard(renderCard(result.escalation)) : message(result.message);
      }
      default:
        return message(TEXT.failed);
    }
  };

  // --- The SDK's routes ---------------------------------------------------------------------------
  // Messages are acknowledged at once and answered after; card actions are answered in the response.
  // The SDK calls server.onRequest once it has validated a request's token. New messages go straight
  // to the queue from there: Lotsen replies through its outbox, so the per-turn context the SDK builds
  // (API and Graph clients, state, streaming) would be thrown away, and building it was most of the
  // cost of an acknowledgement. Everything else goes on to the SDK's router.
  const routed = app.server.onRequest!;
  let refused = 0;
  let refusedLoggedAt = 0;
  app.server.onRequest = async (event) => {
    const a = event.body as unknown as Activity;
    if (a?.type !== 'message') return routed(event);
    if (work.backlog('message') >= MAX_BACKLOG) {
      // Logged at most every 10 s with a count: an overload must not also flood the log.
      refused++;
      if (Date.now() - refusedLoggedAt > 10_000) {
        log.warn({ refused, waiting: work.backlog('message') }, 'teams messages refused: too much work waiting');
        refusedLoggedAt = Date.now();
        refused = 0;
      }
      return { status: 503 };
    }
    void work.run('message', () => staffMessage(a)).catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'teams message failed'));
    return { status: 200 };
  };
  app.on('messageUpdate', async ({ activity }) => {
    void work.run('message', () => editedMessage(activity as unknown as Activity)).catch(() => undefined);
  });
  app.on('card.action', async ({ activity }) => {
    try {
      return await work.run('click', () => onAction(activity as unknown as Activity));
    } catch (err) {
      log.error({ err: err instanceof Error ? err.message : String(err) }, 'teams card action failed');
      return message(TEXT.failed);
    }
  });
  // Installed in a team or chat: its reference lets cards and the tally reach it before anyone writes there.
  const installed = async ({ activity }: { activity: unknown }) => {
    const a = activity as Activity;
    if (a.conversation?.id && safeServiceUrl(a.serviceUrl)) void remember(whereOf(a), a);
  };
  app.on('conversationUpdate', installed);
  app.on('installationUpdate', installed);

  return {
    sender,
    handle: (request) => transport.handle(request),
    async start() {},
    async stop() {
      closed = true;
      await work.idle();
    },
    async postTally(text) {
      const target = config.managersChannel;
      if (!target) throw new Error('TEAMS_MANAGERS_CHANNEL is not set: say which conversation the tally goes to');
      const m = textCard(text, publicUrl);
      await store.enqueueOutbound({ key: `teams:${target}`, channel: 'teams', payload: { kind: 'post', conversation: target, text: m.text, card: m.card } satisfies TeamsPayload as never }, new Date());
      kick();
    },
    idle: () => work.idle(),
  };
}
