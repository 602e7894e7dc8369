import type { webApi } from '@slack/bolt';
import { DeliveryError, type Sender } from '../../core/outbox/worker.ts';
import type { Lang } from '../../core/kb/article.ts';
import type { Conversation, Escalation, OutboundMessage, Store } from '../../core/store/store.ts';
import { answerToAsker, textMessage, type Block, type SlackMessage } from './blocks.ts';

/** What Lotsen puts in the outbox for Slack; every kind is JSON and carries only redacted text. */
export type SlackPayload =
  /** A message (replies to staff, notes, the managers' tally); `channel` may be a user id for a DM. */
  | { kind: 'post'; channel: string; thread?: string; text: string; blocks?: Block[] }
  /** A super-user's answer for an asker on Slack (enqueued by the escalation relay). */
  | { kind: 'answer'; escalationId: string; conversation: Conversation; lang: Lang; question: string; answer: string; by: string }
  /** A note to someone in their own conversation, e.g. that a failure they reported is fixed (the failure relay). */
  | { kind: 'notice'; conversation: Conversation; text: string }
  /** A claimer who has not answered (enqueued by the escalation relay). */
  | { kind: 'nudge'; escalationId: string; userId: string; question: string }
  /** Make sure the escalation card is in `channel`, showing the state now. */
  | { kind: 'card'; escalationId: string; channel: string }
  /** Show the state now on every card of the escalation (posting one in `channel` if there is none yet). */
  | { kind: 'card-update'; escalationId: string; channel: string }
  /** A reply in the card's thread (reminders, re-escalation, "still stuck"). */
  | { kind: 'card-note'; escalationId: string; channel: string; text: string };

export interface CardRef {
  channel: string;
  ts: string;
}

/** Platform errors that retrying cannot fix; the outbox keeps such messages for a person to look at. */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'restricted_action',
  'user_not_found',
  'cannot_dm_bot',
  'invalid_arguments',
]);
const CARD_GONE = new Set(['message_not_found', 'cant_update_message', 'edit_window_closed']);

interface SlackishError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  headers?: Record<string, string>;
  data?: { error?: string; response_metadata?: { retry_after?: number } };
}

/** The platform's error code ("channel_not_found"), when Slack answered with one. */
export const slackErrorCode = (err: unknown): string | undefined => (err as SlackishError)?.data?.error;

/** Maps a Web API failure to the outbox's terms: 429 / `ratelimited` with Retry-After, permanent refusals, the rest retried. */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as SlackishError;
  if (e.code === 'slack_webapi_rate_limited_error') return new DeliveryError('slack: rate limited (429)', (e.retryAfter ?? 1) * 1000);
  const platform = e.data?.error;
  if (platform === 'ratelimited' || platform === 'rate_limited') {
    const after = e.data?.response_metadata?.retry_after;
    return new DeliveryError('slack: ratelimited', after !== undefined ? after * 1000 : undefined);
  }
  if (platform) return new DeliveryError(`slack: ${platform}`, undefined, PERMANENT.has(platform));
  if (e.code === 'slack_webapi_http_error') {
    const retryAfter = Number(e.headers?.['retry-after']);
    return new DeliveryError(`slack: HTTP ${e.statusCode}`, Number.isFinite(retryAfter) ? retryAfter * 1000 : undefined, e.statusCode !== undefined && e.statusCode < 500 && e.statusCode !== 408 && e.statusCode !== 429);
  }
  // Network failures and timeouts: the message text is a transport error, never user text.
  return new DeliveryError(`slack: ${e.code ?? (err instanceof Error ? err.name : 'error')}`);
}

/**
 * Where escalation cards are: kept in the audit log ("slack.card" events with channel and ts), which
 * both stores keep durably and every instance can read, with a cache in front.
 */
export class CardRegistry {
  private readonly store: Store;
  private readonly cache = new Map<string, CardRef[]>();

  constructor(store: Store) {
    this.store = store;
  }

  async all(escalationId: string): Promise<CardRef[]> {
    const hit = this.cache.get(escalationId);
    if (hit) return hit;
    const events = await this.store.listAudit({ subject: escalationId, limit: 500 });
    const cards: CardRef[] = [];
    // Oldest first; a later card in the same channel replaces an earlier one (e.g. after it was deleted).
    for (const e of events.reverse()) {
      if (e.action !== 'slack.card' || typeof e.detail?.channel !== 'string' || typeof e.detail?.ts !== 'string') continue;
      const i = cards.findIndex((c) => c.channel === e.detail!.channel);
      if (i >= 0) cards.splice(i, 1);
      cards.push({ channel: e.detail.channel, ts: e.detail.ts });
    }
    this.remember(escalationId, cards);
    return cards;
  }

  async find(escalationId: string, channel: string): Promise<CardRef | undefined> {
    return (await this.all(escalationId)).find((c) => c.channel === channel);
  }

  async record(escalationId: string, card: CardRef): Promise<void> {
    const cards = (await this.all(escalationId).catch(() => [])).filter((c) => c.channel !== card.channel);
    this.remember(escalationId, [...cards, card]);
    await this.store.appendAudit({ actor: 'lotsen', role: 'system', action: 'slack.card', subject: escalationId, detail: { channel: card.channel, ts: card.ts } }, new Date());
  }

  private remember(id: string, cards: CardRef[]): void {
    this.cache.delete(id);
    this.cache.set(id, cards);
    // Insertion order makes this a simple LRU; old questions are read back from the store when needed.
    if (this.cache.size > 5000) this.cache.delete(this.cache.keys().next().value!);
  }
}

export interface SlackSenderOptions {
  client: webApi.WebClient;
  store: Store;
  cards: CardRegistry;
  /** The card for an escalation as it is now. */
  renderCard: (e: Escalation) => SlackMessage;
  publicUrl: string;
  /** Runs a send when the event loop has room (see WorkQueue); by default at once. */
  turn?: <T>(job: () => Promise<T>) => Promise<T>;
}

/**
 * Delivers the outbox's Slack messages through the Web API: answers into the asker's thread, cards
 * posted once and then updated in place, notes in the card's thread. One message per second per
 * conversation (Slack's pace for chat.postMessage); a 429 becomes a retry after its Retry-After.
 */
export class SlackSender implements Sender {
  readonly channel = 'slack';
  readonly paceMs = 1000;
  private readonly o: SlackSenderOptions;

  constructor(options: SlackSenderOptions) {
    this.o = options;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<void> {
    await (this.o.turn ?? ((job) => job()))(() => this.deliver(message.payload as SlackPayload, signal));
  }

  private async deliver(p: SlackPayload, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new DeliveryError('slack: timed out before sending');
    try {
      switch (p.kind) {
        case 'post':
          await this.post(p.channel, { text: p.text, blocks: p.blocks ?? [] }, p.thread);
          return;
        case 'answer':
          await this.post(p.conversation.channel, answerToAsker(p, this.o.publicUrl), p.conversation.thread);
          return;
        case 'notice':
          await this.post(p.conversation.channel, textMessage(p.text, this.o.publicUrl), p.conversation.thread);
          return;
        case 'nudge':
          await this.post(p.userId, textMessage(`Påminnelse: du har tagit en fråga som väntar på ditt svar (${p.escalationId}). / Reminder: a question you claimed is waiting for your answer.\n\n> ${p.question.slice(0, 500)}`, this.o.publicUrl));
          return;
        case 'card':
          await this.ensureCard(p.escalationId, p.channel);
          return;
        case 'card-update':
          await this.updateCards(p.escalationId, p.channel);
          return;
        case 'card-note': {
          const card = await this.ensureCard(p.escalationId, p.channel);
          await this.post(p.channel, textMessage(p.text, this.o.publicUrl), card?.ts);
          return;
        }
        default:
          throw new DeliveryError(`slack: unknown payload kind ${(p as { kind?: string }).kind}`, undefined, true);
      }
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  private async post(channel: string, m: SlackMessage, thread?: string): Promise<{ channel: string; ts: string }> {
    const res = await this.o.client.chat.postMessage({ channel, text: m.text, blocks: m.blocks as never, thread_ts: thread, unfurl_links: false, unfurl_media: false });
    return { channel: res.channel ?? channel, ts: res.ts ?? '' };
  }

  private async escalation(id: string): Promise<Escalation> {
    const e = await this.o.store.getEscalation(id);
    // Gone from the store (it should never be): nothing to show, and retrying cannot bring it back.
    if (!e) throw new DeliveryError(`slack: escalation ${id} not found`, undefined, true);
    return e;
  }

  /** The card in `channel`, rendered from the store now: updated if it is there, posted if not. */
  private async ensureCard(id: string, channel: string): Promise<CardRef | undefined> {
    const e = await this.escalation(id);
    const card = await this.o.cards.find(id, channel);
    if (card && (await this.update(card, e))) return card;
    const posted = await this.post(channel, this.o.renderCard(e));
    const ref = { channel: posted.channel, ts: posted.ts };
    // Posted but not recorded: this instance remembers it; others would post a fresh card, which is better than none.
    await this.o.cards.record(id, ref).catch(() => undefined);
    return ref;
  }

  private async updateCards(id: string, channel: string): Promise<void> {
    const cards = await this.o.cards.all(id);
    if (!cards.length) {
      await this.ensureCard(id, channel);
      return;
    }
    const e = await this.escalation(id);
    for (const card of cards) if (!(await this.update(card, e))) await this.ensureCard(id, card.channel);
  }

  /** False when the card is gone (deleted in Slack); other failures are thrown for a retry. */
  private async update(card: CardRef, e: Escalation): Promise<boolean> {
    const m = this.o.renderCard(e);
    try {
      await this.o.client.chat.update({ channel: card.channel, ts: card.ts, text: m.text, blocks: m.blocks as never });
      return true;
    } catch (err) {
      if (CARD_GONE.has(slackErrorCode(err) ?? '')) return false;
      throw err;
    }
  }
}
