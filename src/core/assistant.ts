import type { AskResult, Citation } from './answer/answerer.ts';
import type { Answerer } from './answer/answerer.ts';
import { messages } from './answer/messages.ts';
import type { Identity } from './identity/roles.ts';
import type { Lang } from './kb/article.ts';
import type { Logger } from './ports.ts';
import { redact, redactedKinds, type PiiKind } from './privacy/redact.ts';
import type { Retriever } from './retrieval/retriever.ts';
import type { SafetyDesk } from './safety/safety-desk.ts';
import type { Conversation } from './store/store.ts';
import { detectLanguage } from './text/language.ts';
import { triage } from './triage/classify.ts';
import type { Triage } from './triage/triage.ts';

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
  /** For rate-limited replies: when to try again. */
  retryAfterS?: number;
}

export type LimitDecision = { ok: true } | { ok: false; retryAfterS: number; scope: 'user' | 'global' };

export interface RateLimiter {
  consume(userKey: string): Promise<LimitDecision>;
}

export interface AssistantOptions {
  answerer: Answerer;
  retriever: () => Retriever;
  safety: SafetyDesk;
  limiter?: RateLimiter;
  log: Logger;
}

/**
 * One inbound message, whatever the platform: personal data out first, then safety before anything
 * else (never rate-limited, never generated), then the answer.
 */
export class Assistant {
  private readonly o: AssistantOptions;

  constructor(options: AssistantOptions) {
    this.o = options;
  }

  async handle(message: Inbound): Promise<Reply> {
    const started = performance.now();
    const redaction = redact(message.text);
    const kinds = redactedKinds(redaction);
    const text = redaction.text;
    const triaged = triage(text);
    const detected = detectLanguage(text);
    const privacyNote = kinds.length ? messages[detected].redacted(kinds) : undefined;
    const base = { question: text, triage: triaged, redacted: kinds, privacyNote };
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
        const result = await this.o.answerer.ask(this.o.retriever(), text);
        reply = { ...base, outcome: result.outcome, answer: result.answer, citations: result.citations, ranked: result.ranked, confidence: result.confidence, lang: result.lang };
      }
    }
    // Counts and labels only: message text and personal data never reach the log.
    this.o.log.info(
      { platform: message.asker.platform, intent: triaged.intent, severity: triaged.severity, outcome: reply.outcome, redacted: kinds, confidence: reply.confidence, ms: Math.round(performance.now() - started) },
      'message',
    );
    return reply;
  }
}
