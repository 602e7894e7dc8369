import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './config.ts';
import { Answerer, type Prompts } from './core/answer/answerer.ts';
import { Assistant } from './core/assistant.ts';
import type { Logger } from './core/ports.ts';
import { SafetyDesk, type SafetyNotifier } from './core/safety/safety-desk.ts';
import type { Store } from './core/store/store.ts';
import { SqliteStore } from './adapters/store/sqlite-store.ts';
import { WebhookNotifier } from './adapters/notify/webhook-notifier.ts';
import { MemoryRateLimiter } from './adapters/rate-limit/memory-limiter.ts';
import { KnowledgeService } from './knowledge-service.ts';
import { EscalationDesk } from './core/escalation/desk.ts';
import { Router } from './core/escalation/routing.ts';
import { outboxRelay } from './core/escalation/relay.ts';
import { OutboxWorker } from './core/outbox/worker.ts';
import { WebhookSender } from './adapters/notify/webhook-sender.ts';
import { EscalationSpool, type SpooledEscalation } from './adapters/store/spool.ts';
import { LotsenMetrics } from './adapters/metrics/prometheus.ts';
import { DraftWriter } from './adapters/kb/draft-writer.ts';
import type { Article } from './core/kb/article.ts';
import { triage } from './core/triage/classify.ts';
import { ModelTriage } from './core/triage/model-triage.ts';
import { ModelGrouping } from './core/tally/model-grouping.ts';
import type { ModelCall } from './core/model-call.ts';
import type { Triage } from './core/triage/triage.ts';
import type { ChatModel } from './core/ports.ts';
import type { SlackAdapter } from './adapters/slack/adapter.ts';
import { FailureDesk } from './core/failures/failure-desk.ts'; // --- Failure tally (issue 7)
import { failureRelay } from './core/failures/relay.ts';
import { TicketWebhookSender } from './adapters/notify/ticket-webhook-sender.ts';
import { detectLanguage } from './core/text/language.ts';
import type { TeamsAdapter } from './adapters/teams/adapter.ts'; // --- Teams (issue 6)
// --- Tally report (issue 7)
import type { StatsStore } from './core/stats/stats.ts';
import { SqliteStatsStore } from './adapters/store/sqlite-stats.ts';
import type { RedisStore } from './adapters/store/redis-store.ts';
import { messageRecordOf, timingOf } from './core/stats/record.ts';
import { MANAGERS_WEBHOOK, WeeklyPost, managersDestinations, reportSources } from './core/report/publish.ts';

export interface Lotsen {
  config: Config;
  knowledge: KnowledgeService;
  answerer: Answerer;
  store: Store;
  safety: SafetyDesk;
  desk: EscalationDesk;
  /** Recurring failures, their tickets and known issues. --- Failure tally (issue 7) */
  failures: FailureDesk;
  /** Message statistics for the weekly tally and the dashboard, on the store's connection. --- Tally report (issue 7) */
  stats: StatsStore;
  /** The managers' weekly post (started by startWorkers). --- Tally report (issue 7) */
  weeklyReport: WeeklyPost;
  outbox: OutboxWorker;
  drafts: DraftWriter;
  metrics: LotsenMetrics;
  assistant: Assistant;
  log: Logger;
  /** The Slack adapter, when SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set. */
  slack?: SlackAdapter;
  /** The Teams adapter, when TEAMS_APP_ID and TEAMS_APP_PASSWORD (or TEAMS_LOCAL on loopback) are set. --- Teams (issue 6) */
  teams?: TeamsAdapter;
  /** Starts the service-level timers, the outbox and the flush of held escalations (serve only). */
  startWorkers(): void;
  /** One round of the background work, for tests and the CLI. */
  runWorkersOnce(): Promise<void>;
  /** Reloads the knowledge base on change and records what changed in the audit log. */
  watchKnowledge(): void;
  close(): Promise<void>;
}

const fingerprint = (a: Article) => `${a.status}\u0000${a.title}\u0000${a.body}`;

/** Which article ids appeared, changed or went between two loads. */
function knowledgeDiff(before: ReadonlyMap<string, Article>, after: ReadonlyMap<string, Article>) {
  const added = [...after.keys()].filter((id) => !before.has(id));
  const removed = [...before.keys()].filter((id) => !after.has(id));
  const changed = [...after.values()].filter((a) => before.has(a.id) && fingerprint(before.get(a.id)!) !== fingerprint(a)).map((a) => a.id);
  return { added, changed, removed };
}

// Someone is waiting on a chat message; a model slower than this costs them more than it adds.
const CHAT_DEADLINE_MS = 4000;

/**
 * The configured chat model (or the one given) with a system prompt and a deadline: at most 4 s in
 * chat, the configured LOTSEN_MODEL_TIMEOUT_MS for batch commands, where nobody waits on one report
 * and a slow self-hosted model should still be heard.
 */
async function modelCall(config: Config, log: Logger, prompt: string, model?: ChatModel, batch = false): Promise<ModelCall | undefined> {
  const chat = model ?? (config.model ? (await import('./adapters/llm/langchain-chat.ts')).createChatModel(config.model) : undefined);
  if (!chat) return undefined;
  const timeoutMs = batch ? config.modelTimeoutMs : Math.min(config.modelTimeoutMs, CHAT_DEADLINE_MS);
  return { model: chat, systemPrompt: await readFile(join(config.promptsDir, prompt), 'utf8'), timeoutMs, log };
}

/**
 * Intent and severity of a redacted message: the lexical triage, and on top of it the configured
 * model (which can only add safety) when there is one.
 */
export async function createClassifier(config: Config, log: Logger, model?: ChatModel): Promise<((text: string, lexical?: Triage) => Promise<Triage>) | undefined> {
  const call = await modelCall(config, log, 'triage-system.md', model);
  if (!call) return undefined;
  const byModel = new ModelTriage(call);
  return (text, lexical = triage(text)) => byModel.classify(text, lexical);
}

/**
 * Grouping of failure reports by the model, when one is configured (the index decides otherwise);
 * `batch` for `lotsen tally`, which waits as long as LOTSEN_MODEL_TIMEOUT_MS says.
 */
export async function createGrouping(config: Config, log: Logger, model?: ChatModel, batch = false): Promise<ModelGrouping | undefined> {
  const call = await modelCall(config, log, 'grouping-system.md', model, batch);
  return call && new ModelGrouping(call);
}

async function loadPrompts(dir: string): Promise<Prompts> {
  const [system, user] = await Promise.all([readFile(join(dir, 'answer-system.md'), 'utf8'), readFile(join(dir, 'answer-user.md'), 'utf8')]);
  return { system, user };
}

/** Wires configuration to the core: the model, embeddings and notifiers only when they are configured. */
export async function createLotsen(config: Config, log: Logger): Promise<Lotsen> {
  // The model SDKs take most of a second to import, so they load only when configured.
  const model = config.model ? (await import('./adapters/llm/langchain-chat.ts')).createChatModel(config.model) : undefined;
  const embedder = config.model
    ? (await import('./adapters/llm/openai-embedder.ts')).createEmbedder(config.model, config.modelTimeoutMs)
    : undefined;
  const prompts = model ? await loadPrompts(config.promptsDir) : undefined;
  const knowledge = new KnowledgeService(config.kbDir, log, embedder);
  await knowledge.load();
  const answerer = new Answerer({ threshold: config.answerThreshold, model, prompts, modelTimeoutMs: config.modelTimeoutMs, log });
  // Trains the triage model now (about 0.2 s) rather than on the first message.
  triage('');
  const store: Store = config.redisUrl
    ? await (await import('./adapters/store/redis-store.ts')).RedisStore.connect(config.redisUrl, { log })
    : new SqliteStore(join(config.dataDir, 'lotsen.db'));
  // --- Tally report (issue 7): message statistics share the store's connection (and its file or key prefix).
  const stats: StatsStore =
    store instanceof SqliteStore ? new SqliteStatsStore(store.database) : new (await import('./adapters/store/redis-stats.ts')).RedisStatsStore((store as RedisStore).shared);
  const spool = new EscalationSpool(config.dataDir);
  const notifiers: SafetyNotifier[] = config.safetyWebhookUrl ? [new WebhookNotifier(config.safetyWebhookUrl)] : [];
  const safety = new SafetyDesk({
    store,
    notifiers,
    oncallFor: (site) => (site && config.oncall.bySite.get(site.toLowerCase())) || config.oncall.default,
    log,
    hold: (escalation) => spool.add({ escalation, best: [] }),
  });
  await safety.resume();
  const router = new Router(config.routing);
  const desk = new EscalationDesk({ store, router, serviceLevels: config.serviceLevels, log });
  const metrics = new LotsenMetrics(() => store.outboxDepth());
  desk.onChange(outboxRelay(store, router));
  desk.onChange(({ type, escalation }) => {
    metrics.escalations.inc({ event: type });
    const since = (Date.now() - Date.parse(escalation.createdAt)) / 1000;
    if (type === 'claim' && escalation.owner) metrics.timeToClaim.observe(since);
    if (type === 'answer') metrics.timeToAnswer.observe(since);
  });
  // --- Tally report (issue 7): created, first claim and first answer of each escalated question.
  desk.onChange((event) => {
    const timing = timingOf(event, new Date());
    if (timing) return stats.recordEscalationTiming(timing).catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'escalation timing not counted'));
  });
  const outbox = new OutboxWorker({
    store,
    // --- Tally report (issue 7): the managers' weekly post goes to LOTSEN_MANAGERS_WEBHOOK_URL.
    senders: [new WebhookSender((id) => (id === MANAGERS_WEBHOOK ? config.report.managersWebhookUrl : router.routing.destinations.find((d) => d.id === id)?.webhook))],
    log,
    leaseMs: config.workLeaseMs,
    onDelivered: (m) => metrics.outboundDelivered.inc({ channel: m.channel }),
    onRetry: (m) => metrics.outboundRetries.inc({ channel: m.channel }),
    // Set aside, not silently dropped: the audit log keeps where it was going and why it was refused.
    onDead: (m, error) => store.appendAudit({ actor: 'lotsen', role: 'system', action: 'outbound.dead', subject: m.id, detail: { channel: m.channel, key: m.key, error } }, new Date()),
  });
  // --- Failure tally (issue 7)
  const failures = new FailureDesk({ store, threshold: config.tickets.threshold, log, grouping: await createGrouping(config, log, model) });
  failures.onChange(failureRelay(store, { ticketWebhook: !!config.tickets.webhook, publicUrl: config.publicUrl, lang: detectLanguage }));
  if (config.tickets.webhook) outbox.addSender(new TicketWebhookSender(config.tickets.webhook.url, config.tickets.webhook.secret));
  const drafts = new DraftWriter(join(config.kbDir, 'drafts'));
  const assistant = new Assistant({
    answerer,
    retriever: () => knowledge.state.retriever,
    safety,
    desk,
    buffer: {
      hold: (q) =>
        spool.add({
          escalation: {
            kind: 'question',
            severity: 'S4',
            text: q.text,
            lang: q.lang,
            asker: { platform: q.asker.platform, userId: q.asker.userId, displayName: q.asker.displayName, site: q.asker.site },
            conversation: q.conversation,
            sourceEventId: q.sourceEventId ?? spool.newEventId(),
          },
          best: q.best,
        }),
    },
    limiter: new MemoryRateLimiter(config.rateLimits),
    log,
    eventLeaseMs: config.workLeaseMs,
    failures,
    classify: await createClassifier(config, log, model),
  });
  assistant.onReply((reply, platform) => metrics.messages.inc({ platform, outcome: reply.outcome }));
  // --- Tally report (issue 7): counts and labels (and a gap's redacted question); never the asker.
  assistant.onReply((reply, platform, context) => {
    // `lotsen ask` in a terminal is a test of the bot, not staff traffic.
    if (platform === 'cli') return;
    const record = messageRecordOf(reply, platform, context, { at: new Date(), threshold: config.answerThreshold, articles: knowledge.state.articles });
    stats.recordMessage(record).catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'message not counted in the statistics'));
  });

  /** Stores what was held while the store was down, in order; questions are routed now. */
  const flushSpool = async () => {
    if (!spool.pending() || !(await store.ping())) return;
    const n = await spool.flush(async (entry: SpooledEscalation) => {
      const e = entry.escalation;
      if (e.kind === 'safety') {
        const { escalation } = await store.createEscalation(e, new Date());
        await safety.stored(e.sourceEventId, escalation);
        return;
      }
      const articles = knowledge.state.articles;
      const best = entry.best.map((id) => articles.get(id)).filter((a) => a !== undefined);
      await desk.escalate({ text: e.text, lang: e.lang, asker: { ...e.asker, role: 'staff' }, conversation: e.conversation, best, sourceEventId: e.sourceEventId });
    });
    if (n) log.info({ flushed: n }, 'held escalations stored');
  };
  const runWorkersOnce = async () => {
    await flushSpool();
    await desk.tick();
    await outbox.drain();
  };
  let timers: NodeJS.Timeout | undefined;
  let stopped = false;
  // --- Tally report (issue 7): destinations are looked up at each run, as the Slack and Teams adapters are added below.
  const weeklyReport = new WeeklyPost({
    store,
    sources: reportSources({ stats, store, failures }),
    destinations: () =>
      managersDestinations({
        store,
        slack: lotsen.slack,
        slackChannel: config.slack?.managersChannel,
        teams: lotsen.teams,
        teamsChannel: config.teams?.managersChannel,
        webhookUrl: config.report.managersWebhookUrl,
      }),
    schedule: config.report.schedule,
    tz: config.report.tz,
    lang: config.report.lang,
    log,
  });
  const lotsen: Lotsen = {
    config,
    knowledge,
    answerer,
    store,
    safety,
    desk,
    failures,
    stats, // --- Tally report (issue 7)
    weeklyReport,
    outbox,
    drafts,
    metrics,
    assistant,
    log,
    startWorkers() {
      outbox.start(Math.min(250, config.timerIntervalMs));
      const loop = async () => {
        // Separately, so that a spool that cannot be flushed does not hold up the service-level timers.
        for (const work of [flushSpool, () => desk.tick()]) {
          try {
            await work();
          } catch (err) {
            log.warn({ err: err instanceof Error ? err.message : String(err) }, 'background work: store unavailable; will retry');
          }
        }
        if (!stopped) timers = setTimeout(loop, config.timerIntervalMs).unref();
      };
      timers = setTimeout(loop, 0).unref();
      // --- Slack (issue 5): Socket Mode connects here; HTTP mode is served by the web server.
      void lotsen.slack?.start().catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'slack socket mode cannot connect'));
      // --- Teams (issue 6): served by the web server; nothing connects.
      void lotsen.teams?.start().catch((err: unknown) => log.error({ err: err instanceof Error ? err.message : String(err) }, 'teams cannot start'));
      weeklyReport.start(); // --- Tally report (issue 7)
    },
    runWorkersOnce,
    watchKnowledge() {
      let previous = knowledge.state.articles;
      knowledge.watch((state) => {
        const diff = knowledgeDiff(previous, state.articles);
        previous = state.articles;
        if (!diff.added.length && !diff.changed.length && !diff.removed.length) return;
        // Files carry no author; the folder is the actor. Drafts published in the app name the person.
        void store
          .appendAudit({ actor: `files:${config.kbDir}`, role: 'system', action: 'knowledge.change', subject: 'knowledge-base', detail: diff }, new Date())
          .catch((err: unknown) => log.error({ err: String(err) }, 'cannot write the audit log'));
      });
    },
    async close() {
      stopped = true;
      clearTimeout(timers);
      weeklyReport.stop(); // --- Tally report (issue 7)
      await lotsen.slack?.stop(); // --- Slack (issue 5)
      await lotsen.teams?.stop(); // --- Teams (issue 6)
      await outbox.stop();
      knowledge.close();
      safety.stop();
      await store.close();
    },
  };
  // --- Slack (issue 5): Bolt takes a while to import, so it loads only when configured.
  if (config.slack) lotsen.slack = await (await import('./adapters/slack/adapter.ts')).createSlackAdapter(lotsen, config.slack);
  // --- Teams (issue 6): the Teams SDK takes about a third of a second to import, so it loads only when configured.
  if (config.teams) lotsen.teams = await (await import('./adapters/teams/adapter.ts')).createTeamsAdapter(lotsen, config.teams);
  return lotsen;
}
