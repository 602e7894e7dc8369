import type { Reply, ReplyContext } from '../assistant.ts';
import type { Article } from '../kb/article.ts';
import type { DeskEvent } from '../escalation/desk.ts';
import type { EscalationTiming, MessageRecord } from './stats.ts';

/** Retrieval confidence from which the best article (when none was cited) says which module a message is about. */
const MODULE_FROM_RANKED = 0.35;

/**
 * What the tally keeps of one reply: counts and labels, the site but not the person, and the redacted
 * question only when it is a knowledge-base gap (a question the bot could not answer well).
 */
export function messageRecordOf(
  reply: Reply,
  platform: string,
  context: ReplyContext,
  o: { at: Date; threshold: number; articles: ReadonlyMap<string, Pick<Article, 'system'>> },
): MessageRecord {
  const group = reply.failureGroup;
  const best = reply.citations[0]?.id ?? (reply.confidence >= MODULE_FROM_RANKED ? reply.ranked[0] : undefined);
  const outcome: MessageRecord['outcome'] = group?.known && reply.outcome === 'answered' ? 'known-issue' : reply.outcome;
  // Failure and safety reports are tallied as failures; a gap is a question the knowledge base should answer.
  const question = reply.triage.intent === 'question' || reply.triage.intent === 'other';
  const weak = outcome === 'escalated' || (outcome === 'answered' && reply.confidence < o.threshold);
  return {
    at: o.at,
    platform,
    site: context.site,
    intent: reply.triage.intent,
    severity: reply.triage.severity,
    outcome,
    module: group?.module ?? (best ? o.articles.get(best)?.system : undefined),
    groupId: group?.id,
    gap: question && weak ? reply.question : undefined,
    followUp: context.followUp || undefined,
  };
}

/** An escalated question's creation, first claim and first answer, for the time to claim and to answer. Safety items are counted apart. */
export function timingOf(event: Pick<DeskEvent, 'type' | 'escalation'>, now: Date): EscalationTiming | undefined {
  const e = event.escalation;
  if (e.kind !== 'question') return undefined;
  const created = Date.parse(e.createdAt);
  if (event.type === 'created') return { id: e.id, at: new Date(created), event: 'created', seconds: 0 };
  const seconds = Math.max(0, (now.getTime() - created) / 1000);
  if (event.type === 'claim' && e.owner) return { id: e.id, at: now, event: 'claim', seconds };
  if (event.type === 'answer') return { id: e.id, at: now, event: 'answer', seconds };
  return undefined;
}
