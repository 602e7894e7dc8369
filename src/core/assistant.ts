import { randomUUID } from 'node:crypto';
import type { AskResult, Citation } from './answer/answerer.ts';
import type { Answerer } from './answer/answerer.ts';
import { messages } from './answer/messages.ts';
import type { Identity } from './identity/roles.ts';
import type { Lang } from './kb/article.ts';
import type { Logger } from './ports.ts';
import { redact, redactedKinds, type PiiKind } from './privacy/redact.ts';
import type { Retriever } from './retrieval/retriever.ts';
import type { SafetyDesk } from './safety/safety-desk.ts';
import type { EscalationDesk } from './escalation/desk.ts';
import type { FailureDesk } from './failures/failure-desk.ts';
import type { Conversation, Store } from './store/store.ts';
import { detectLanguage } from './text/language.ts';
import { triage } from './triage/classify.ts';
import type { Triage } from './triage/triage.ts';

/** How long a first attempt may take before a redelivery is handled again; how long handled events are remembered. */
const EVENT_LEASE_MS = 60_000;
const EVENT_TTL_MS = 2 * 3600_000;
/** Retrieval confidence from which the best articles' module and tags count for routing. */
const ROUTE_BY_ARTICLES = 0.35;

export interface Inbound {
  text: string;
  asker: Identity;
  conversation: Conversation;
  /** The platform's id for this message, so a redelivery is recognised. */
  eventId?: string;
}

export interface Reply {
  /** answered / escalated as in the CLI contract; safety = S1 fast path; limited = refused by a rate limit. */
  outcome: AskResult['outcome'] | 'safety' | 'limited';
  answer: string;
  citations: Citation[];
  ranked: string[];
  confidence: number;
  lang: Lang;
  triage: Triage;
  /** The message as kept, with personal data replaced by tags. */
  question: string;
  /** Kinds of personal data removed from the message, and the kind note to the asker when any were. */
  redacted: PiiKind[];
  privacyNote?: string;
  escalationId?: string;
  /** For questions handed to super-users: where it went and whether it joined someone else's. */
  escalation?: { status: 'open' | 'claimed' | 'answered' | 'closed' | 'pending'; linked: boolean; destination: string; topic: string };
  /** For rate-limited replies: when to try again. */
  retryAfterS?: number;
  /** The recurring failure the message was counted in, or whose known-issue workaround answered it. */
  failureGroup?: { id: string; label: string; module?: string; known: boolean; count: number; ticket: boolean };
}

type ReplyBase = Pick<Reply, 'question' | 'triage' | 'redacted' | 'privacyNote'>;

/** --- Tally report (issue 7): what a reply listener learns besides the reply: the asker's site (never who), and whether the asker asked for a person after an answer. */
export interface ReplyContext {
  site?: string;
  followUp: boolean;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterS: number; scope: 'user' | 'global' };

export interface RateLimiter {
  consume(userKey: string): Promise<LimitDecision>;
}

/** Where questions go when the store cannot take them (e.g. Redis is down), until it can. */
export interface EscalationBuffer {
  hold(input: { text: string; lang: Lang; asker: Identity; conversation: Conversation; best: string[]; sourceEventId?: string }): void;
}

export interface AssistantOptions {
  answerer: Answerer;
  retriever: () => Retriever;
  safety: SafetyDesk;
  /** Unset (CLI), an unanswerable question is only offered to super-users. */
  desk?: EscalationDesk;
  buffer?: EscalationBuffer;
  limiter?: RateLimiter;
  log: Logger;
  /** How long an attempt at a platform event holds it before another may take over (it crashed). */
  eventLeaseMs?: number;
  /** The failure tally; unset (CLI), failure reports are answered but not counted. */
  failures?: FailureDesk;
  /** Intent and severity of a redacted message by a configured model, given the lexical triage; unset, the lexical triage is final. */
  classify?: (text: string, lexical: Triage) => Promise<Triage>;
}

/** Another attempt at the same platform event is in hand (or crashed less than a lease ago): try again later. */
export class EventBusyError extends Error {
  override name = 'EventBusyError';
  constructor(eventId: string) {
    super(`event ${eventId} is being handled by an earlier attempt`);
  }
}

/**
 * One inbound message, whatever the platform: personal data out first, then safety before anything
 * else (never rate-limited, never generated), then the answer.
 */
export class Assistant {
  private readonly o: AssistantOptions;
  private readonly replyListeners: ((reply: Reply, platform: string, context: ReplyContext) => void)[] = [];

  constructor(options: AssistantOptions) {
    this.o = options;
  }

  /**
   * A platform event (Slack event_id, Teams activity id) is handled once: a redelivery within the
   * TTL is ignored (undefined), unless the first attempt died before finishing (its lease ran out).
   * If the store cannot say, the message is handled: an answer twice beats a question lost.
   */
  async handleOnce(
    message: Inbound & { eventId: string },
    store: Pick<Store, 'beginEvent' | 'completeEvent'>,
    deliver?: (reply: Reply) => Promise<void>,
  ): Promise<Reply | undefined> {
    const seen = await store.beginEvent(message.eventId, this.o.eventLeaseMs ?? EVENT_LEASE_MS, new Date()).catch(() => 'new' as const);
    if (seen === 'duplicate') return undefined;
    if (seen === 'busy') throw new EventBusyError(message.eventId);
    const reply = await this.handle(message);
    // On its way before the event counts as handled: a crash in between sends the reply twice rather than never.
    await deliver?.(reply);
    await store.completeEvent(message.eventId, EVENT_TTL_MS, new Date()).catch((err: unknown) => this.o.log.warn({ err: String(err) }, 'cannot record a handled event'));
    return reply;
  }

  /** Told of every reply (metrics); never of the text. */
  onReply(listener: (reply: Reply, platform: string, context: ReplyContext) => void): void {
    this.replyListeners.push(listener);
  }

  async handle(message: Inbound): Promise<Reply> {
    const started = performance.now();
    const redaction = redact(message.text);
    const kinds = redactedKinds(redaction);
    const text = redaction.text;
    const lexical = triage(text);
    // With a model, its triage and the answer are asked for side by side, so the triage costs no
    // time; an answer to what turns out to be a safety report (or is rate-limited) is never shown.
    let early: Promise<AskResult> | undefined;
    if (this.o.classify && lexical.intent !== 'safety') {
      early = this.o.answerer.ask(this.o.retriever(), text);
      early.catch(() => undefined);
    }
    const triaged = this.o.classify ? await this.o.classify(text, lexical) : lexical;
    const detected = detectLanguage(text);
    const privacyNote = kinds.length ? messages[detected].redacted(kinds) : undefined;
    const base: ReplyBase = { question: text, triage: triaged, redacted: kinds, privacyNote };
    let reply: Reply;
    if (triaged.intent === 'safety') {
      const report = await this.o.safety.report({ text, lang: detected, triage: triaged, asker: message.asker, conversation: message.conversation, sourceEventId: message.eventId }, this.o.retriever());
      reply = { ...base, outcome: 'safety', answer: report.answer, citations: report.citations, ranked: report.citations.map((c) => c.id), confidence: 1, lang: detected, escalationId: report.escalation.id };
    } else {
      const limit = this.o.limiter ? await this.o.limiter.consume(`${message.asker.platform}:${message.asker.userId}`) : ({ ok: true } as const);
      if (!limit.ok) {
        const answer = limit.scope === 'user' ? messages[detected].tooMany(limit.retryAfterS) : messages[detected].busy;
        reply = { ...base, outcome: 'limited', answer, citations: [], ranked: [], confidence: 0, lang: detected, retryAfterS: limit.retryAfterS };
      } else {
        reply = (await this.knownIssue(base, message, detected)) ?? (await this.answer(base, message, early));
      }
    }
    // Counts and labels only: message text and personal data never reach the log.
    this.o.log.info(
      { platform: message.asker.platform, intent: triaged.intent, severity: triaged.severity, outcome: reply.outcome, redacted: kinds, confidence: reply.confidence, ms: Math.round(performance.now() - started) },
      'message',
    );
    for (const listener of this.replyListeners) listener(reply, message.asker.platform, { site: message.asker.site, followUp: false });
    return reply;
  }

  /** A question or report about a known issue is answered with its workaround, and the asker is told when it is fixed. */
  private async knownIssue(base: ReplyBase, message: Inbound, lang: Lang): Promise<Reply | undefined> {
    const failures = this.o.failures;
    if (!failures || (base.triage.intent !== 'failure' && base.triage.intent !== 'question')) return undefined;
    const known = await failures.knownIssue(base.question).catch(() => undefined);
    if (!known?.workaround) return undefined;
    const input = { reportId: message.eventId ?? randomUUID(), text: base.question, asker: message.asker, conversation: message.conversation, at: new Date() };
    const counted = await (base.triage.intent === 'failure' ? failures.report(input) : failures.link(known.id, input).then(() => known)).catch((err: unknown) => {
      this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'failure report not counted');
      return known;
    });
    return {
      ...base,
      outcome: 'answered',
      answer: messages[lang].knownIssue(known.label, known.workaround),
      citations: [],
      ranked: [],
      confidence: 1,
      lang,
      failureGroup: { id: known.id, label: known.label, module: known.module, known: true, count: counted.group.count, ticket: !!counted.ticket },
    };
  }

  /**
   * From the knowledge base; a failure report is also counted in its recurring failure. What the
   * knowledge base does not cover goes to super-users, except a failure that is already a ticket:
   * IT has it, and its reporters need not fill the super-users' queue with it again.
   */
  private async answer(base: ReplyBase, message: Inbound, early?: Promise<AskResult>): Promise<Reply> {
    // The CLI answers one question and exits: nothing is counted and there is nobody to relay an answer to.
    const cli = message.asker.platform === 'cli';
    // Counted while the answer is sought: with a model configured, both wait for it.
    const counting = !cli && base.triage.intent === 'failure' && this.o.failures ? this.o.failures.report({ reportId: message.eventId ?? randomUUID(), text: base.question, asker: message.asker, conversation: message.conversation, at: new Date() }) : undefined;
    counting?.catch(() => undefined);
    const result = await (early ?? this.o.answerer.ask(this.o.retriever(), base.question));
    let reply: Reply = { ...base, outcome: result.outcome, answer: result.answer, citations: result.citations, ranked: result.ranked, confidence: result.confidence, lang: result.lang };
    if (cli) return reply;
    if (counting) {
      try {
        const g = await counting;
        const failureGroup = { id: g.id, label: g.label, module: g.module, known: false, count: g.group.count, ticket: !!g.ticket };
        const m = messages[reply.lang];
        if (g.ticket && reply.outcome === 'escalated') return { ...reply, answer: m.failureTicketed(g.label, g.group.count), failureGroup };
        reply = { ...reply, answer: `${m.failureRegistered(g.label, g.group.count)}\n\n${reply.answer}`, failureGroup };
      } catch (err) {
        // The report is still answered (and escalated) below; only the count misses it.
        this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'failure report not counted');
      }
    }
    if (reply.outcome === 'escalated' && this.o.desk) reply = await this.escalate(reply, message);
    return reply;
  }

  /**
   * "Ask a super-user" / "Didn't help": the asker wants a person. The message goes through the same
   * redaction and safety check, then straight to the super-users whatever the bot's confidence.
   */
  async askSuperuser(message: Inbound): Promise<Reply> {
    const redaction = redact(message.text);
    const kinds = redactedKinds(redaction);
    const text = redaction.text;
    const triaged = this.o.classify ? await this.o.classify(text, triage(text)) : triage(text);
    if (triaged.intent === 'safety') return this.handle(message);
    const lang = detectLanguage(text);
    // Each one reaches people (and webhooks), so it counts against the same limits as a question.
    const limit = this.o.limiter ? await this.o.limiter.consume(`${message.asker.platform}:${message.asker.userId}`) : ({ ok: true } as const);
    if (!limit.ok) {
      const answer = limit.scope === 'user' ? messages[lang].tooMany(limit.retryAfterS) : messages[lang].busy;
      return { outcome: 'limited', answer, citations: [], ranked: [], confidence: 0, lang, triage: triaged, question: text, redacted: kinds, retryAfterS: limit.retryAfterS };
    }
    const retrieval = await this.o.retriever().retrieve(text, AbortSignal.timeout(2000));
    const ranked = retrieval.hits.slice(0, 5).map((h) => h.id);
    const base: Reply = { outcome: 'escalated', answer: '', citations: [], ranked, confidence: retrieval.confidence, lang, triage: triaged, question: text, redacted: kinds, privacyNote: kinds.length ? messages[lang].redacted(kinds) : undefined };
    const reply = await this.escalate(base, message);
    const done = { ...reply, answer: reply.answer.trim() };
    for (const listener of this.replyListeners) listener(done, message.asker.platform, { site: message.asker.site, followUp: true });
    return done;
  }

  /** Hands a question to super-users; the asker is told where it went, or that it waits if the store is down. */
  async escalate(reply: Reply, message: Inbound): Promise<Reply> {
    const desk = this.o.desk!;
    const retriever = this.o.retriever();
    // Articles found for a question the knowledge base barely covers say little about its topic; then only its words route it.
    const best = reply.confidence >= ROUTE_BY_ARTICLES ? reply.ranked.map((id) => retriever.articles.get(id)).filter((a) => a !== undefined) : [];
    const m = messages[reply.lang];
    const route = desk.router.route(reply.question, best);
    try {
      const { escalation, linked } = await desk.escalate({ text: reply.question, lang: reply.lang, asker: message.asker, conversation: message.conversation, best, sourceEventId: message.eventId });
      const destination = desk.router.destination(escalation.destination).label;
      return {
        ...reply,
        answer: `${reply.answer}\n\n${m.escalatedTo(destination, linked)}`,
        escalationId: escalation.id,
        escalation: { status: escalation.status, linked, destination, topic: desk.router.topicLabel(escalation.topic) },
      };
    } catch (err) {
      if (!this.o.buffer) throw err;
      // The store is down: keep the question locally and send it on when the store is back.
      this.o.buffer.hold({ text: reply.question, lang: reply.lang, asker: message.asker, conversation: message.conversation, best: best.map((a) => a.id), sourceEventId: message.eventId });
      this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'store unavailable; escalation held locally');
      return { ...reply, answer: `${reply.answer}\n\n${m.escalationHeld}`, escalation: { status: 'pending', linked: false, destination: route.destination.label, topic: route.topicLabel } };
    }
  }
}
