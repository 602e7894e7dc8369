import type { IAdaptiveCard } from '@microsoft/teams.cards';
import type { Client as ApiClient } from '@microsoft/teams.api';
import { DeliveryError, type Sender } from '../../core/outbox/worker.ts';
import type { Lang } from '../../core/kb/article.ts';
import type { Conversation, Escalation, OutboundMessage, Store } from '../../core/store/store.ts';
import { answerCard, textCard, type TeamsMessage } from './cards.ts';

/** What Lotsen puts in the outbox for Teams; every kind is JSON and carries only redacted text. */
export type TeamsPayload =
  /** A message in a conversation (replies to staff, notes, the managers' tally); `thread` is a channel thread's root message id. */
  | { kind: 'post'; conversation: string; thread?: string; serviceUrl?: string; text: string; card?: IAdaptiveCard }
  /** A super-user's answer for an asker on Teams (enqueued by the escalation relay). */
  | { kind: 'answer'; escalationId: string; conversation: Conversation; lang: Lang; question: string; answer: string; by: string }
  /** A claimer who has not answered (enqueued by the escalation relay); `userId` is their Entra object id. */
  /** A note to someone in their own conversation, e.g. that a failure they reported is fixed (the failure relay). */
  | { kind: 'notice'; conversation: Conversation; text: string }
  | { kind: 'nudge'; escalationId: string; userId: string; question: string }
  /** Make sure the escalation card is in `conversation`, showing the state now. */
  | { kind: 'card'; escalationId: string; conversation: string }
  /** Show the state now on every card of the escalation (posting one in `conversation` if there is none yet). */
  | { kind: 'card-update'; escalationId: string; conversation: string }
  /** A reply in the card's thread (reminders, re-escalation, "still stuck"). */
  | { kind: 'card-note'; escalationId: string; conversation: string; text: string };

/** Where a posted card is: the conversation it was posted to and the activity id Teams gave it. */
export interface CardRef {
  conversation: string;
  activityId: string;
}

/** How to reach a conversation proactively, as Teams told us with an activity from it. */
export interface ConversationRef {
  serviceUrl: string;
  tenantId?: string;
}

/** How to reach a person (a super-user to nudge): their Teams user id and, once there is one, the personal chat. */
export interface UserRef extends ConversationRef {
  /** Teams user id (29:…). */
  id: string;
  conversation?: string;
}

/** A channel thread is addressed as "conversation;messageid=root" (Teams' own form); other conversations as they are. */
export const threaded = (conversation: string, thread?: string) => (thread && /^\d+$/.test(thread) ? `${conversation.split(';')[0]};messageid=${thread}` : conversation);

/** HTTP statuses that retrying cannot fix (the outbox sets such messages aside after a few tries). */
const PERMANENT = new Set([400, 401, 403, 404, 405, 409, 413, 422]);

interface HttpishError {
  name?: string;
  code?: string;
  message?: string;
  response?: { status?: number; headers?: Record<string, unknown> };
}

/** Retry-After is seconds or an HTTP date. */
function retryAfterMs(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const s = Number(value);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const at = Date.parse(String(value));
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/** The HTTP status of a Bot Connector failure, when it answered. */
export const statusOf = (err: unknown): number | undefined => (err as HttpishError)?.response?.status;

/**
 * Maps a Bot Connector failure to the outbox's terms: 429, 412 (Teams' throttling), 5xx and network
 * errors are retried, honouring Retry-After; 400/403/404 and the like are permanent.
 */
export function toDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  const e = (err ?? {}) as HttpishError;
  const status = e.response?.status;
  if (status !== undefined) {
    const headers = e.response?.headers ?? {};
    return new DeliveryError(`teams: HTTP ${status}`, retryAfterMs(headers['retry-after']), PERMANENT.has(status));
  }
  // Network failures, timeouts and token errors: only kinds and codes, never payloads.
  return new DeliveryError(`teams: ${e.code ?? e.name ?? 'error'}`);
}

/** A small LRU over a Map (insertion order); old entries are read back from the store when needed. */
class Lru<V> {
  private readonly map = new Map<string, V>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): V | undefined {
    return this.map.get(key);
  }
  set(key: string, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

/**
 * Conversation and user references, kept in the audit log ("teams.reference" events), which both stores
 * keep durably and every instance can read: so an answer reaches a Teams asker after a restart, from
 * any instance. Written only when new or changed; read through a cache.
 */
export class References {
  private readonly store: Store;
  private readonly conversations = new Lru<ConversationRef | null>(20_000);
  private readonly users = new Lru<UserRef | null>(5000);

  constructor(store: Store) {
    this.store = store;
  }

  conversation(id: string): Promise<ConversationRef | undefined> {
    return this.read(this.conversations, `teams:conversation:${id.split(';')[0]}`);
  }

  user(aadObjectId: string): Promise<UserRef | undefined> {
    return this.read(this.users, `teams:user:${aadObjectId}`);
  }

  async rememberConversation(id: string, ref: ConversationRef): Promise<void> {
    await this.write(this.conversations, `teams:conversation:${id.split(';')[0]}`, { serviceUrl: ref.serviceUrl, tenantId: ref.tenantId });
  }

  /** Keeps what was known (e.g. the personal chat) unless told anew. */
  async rememberUser(aadObjectId: string, ref: UserRef): Promise<void> {
    const subject = `teams:user:${aadObjectId}`;
    const known = await this.read(this.users, subject).catch(() => undefined);
    await this.write(this.users, subject, { id: ref.id, serviceUrl: ref.serviceUrl, tenantId: ref.tenantId, conversation: ref.conversation ?? known?.conversation });
  }

  private async read<T extends object>(cache: Lru<T | null>, subject: string): Promise<T | undefined> {
    const hit = cache.get(subject);
    if (hit !== undefined) return hit ?? undefined;
    const events = await this.store.listAudit({ subject, limit: 20 });
    const found = events.find((e) => e.action === 'teams.reference')?.detail as T | undefined;
    // Only found references are cached: one that appears later (another instance) is still read.
    if (found) cache.set(subject, found);
    return found;
  }

  private async write<T extends object>(cache: Lru<T | null>, subject: string, ref: T): Promise<void> {
    const clean = Object.fromEntries(Object.entries(ref).filter(([, v]) => v !== undefined)) as T;
    const known = await this.read(cache, subject).catch(() => undefined);
    if (known && JSON.stringify(known) === JSON.stringify(clean)) return;
    cache.set(subject, clean);
    await this.store.appendAudit({ actor: 'lotsen', role: 'system', action: 'teams.reference', subject, detail: clean as Record<string, unknown> }, new Date());
  }
}

/** Where escalation cards are ("teams.card" events in the audit log), with a cache in front; as the Slack adapter's CardRegistry. */
export class CardRegistry {
  private readonly store: Store;
  private readonly cache = new Lru<CardRef[]>(5000);

  constructor(store: Store) {
    this.store = store;
  }

  async all(escalationId: string): Promise<CardRef[]> {
    const hit = this.cache.get(escalationId);
    if (hit) return hit;
    const events = await this.store.listAudit({ subject: escalationId, limit: 500 });
    const cards: CardRef[] = [];
    // Oldest first; a later card in the same conversation replaces an earlier one (e.g. after it was deleted).
    for (const e of events.reverse()) {
      const d = e.detail;
      if (e.action !== 'teams.card' || typeof d?.conversation !== 'string' || typeof d?.activityId !== 'string') continue;
      const i = cards.findIndex((c) => c.conversation === d.conversation);
      if (i >= 0) cards.splice(i, 1);
      cards.push({ conversation: d.conversation, activityId: d.activityId });
    }
    this.cache.set(escalationId, cards);
    return cards;
  }

  async find(escalationId: string, conversation: string): Promise<CardRef | undefined> {
    return (await this.all(escalationId)).find((c) => c.conversation === conversation);
  }

  async record(escalationId: string, card: CardRef): Promise<void> {
    const cards = (await this.all(escalationId).catch(() => [])).filter((c) => c.conversation !== card.conversation);
    this.cache.set(escalationId, [...cards, card]);
    await this.store.appendAudit({ actor: 'lotsen', role: 'system', action: 'teams.card', subject: escalationId, detail: { conversation: card.conversation, activityId: card.activityId } }, new Date());
  }
}

export interface TeamsSenderOptions {
  /** The Teams SDK's Bot Connector client for a service URL. */
  api: (serviceUrl: string) => ApiClient;
  store: Store;
  cards: CardRegistry;
  refs: References;
  /** The card for an escalation as it is now. */
  renderCard: (e: Escalation) => TeamsMessage;
  publicUrl: string;
  /** For conversations Lotsen has no reference for (TEAMS_SERVICE_URL). */
  fallbackServiceUrl: string;
  botId?: string;
  tenantId?: string;
  /** Runs a send when the event loop has room; by default at once. */
  turn?: <T>(job: () => Promise<T>) => Promise<T>;
}

/**
 * Delivers the outbox's Teams messages through the Bot Connector (the Teams SDK's api client): replies
 * and answers into the asker's conversation or thread, cards posted once and then updated in place,
 * notes in the card's thread. Seven messages a second per conversation (Teams' limit per bot and
 * conversation); a 429 or 412 becomes a retry after its Retry-After.
 */
export class TeamsSender implements Sender {
  readonly channel = 'teams';
  readonly paceMs = 143;
  private readonly o: TeamsSenderOptions;
  private sending = 0;

  constructor(options: TeamsSenderOptions) {
    this.o = options;
  }

  /** Deliveries in progress (the outbox takes the next messages when each one finishes). */
  get active(): number {
    return this.sending;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<void> {
    this.sending++;
    try {
      await (this.o.turn ?? ((job) => job()))(() => this.deliver(message.payload as TeamsPayload, signal));
    } finally {
      this.sending--;
    }
  }

  private async deliver(p: TeamsPayload, signal: AbortSignal): Promise<void> {
    if (signal.aborted) throw new DeliveryError('teams: timed out before sending');
    try {
      switch (p.kind) {
        case 'post':
          await this.post(p.conversation, { text: p.text, card: p.card }, p.thread, p.serviceUrl);
          return;
        case 'answer':
          await this.post(p.conversation.channel, answerCard(p, this.o.publicUrl), p.conversation.thread);
          return;
        case 'notice':
          await this.post(p.conversation.channel, textCard(p.text, this.o.publicUrl), p.conversation.thread);
          return;
        case 'nudge':
          await this.nudge(p);
          return;
        case 'card':
          await this.ensureCard(p.escalationId, p.conversation);
          return;
        case 'card-update':
          await this.updateCards(p.escalationId, p.conversation);
          return;
        case 'card-note': {
          const card = await this.ensureCard(p.escalationId, p.conversation);
          await this.post(p.conversation, textCard(p.text, this.o.publicUrl), card?.activityId);
          return;
        }
        default:
          throw new DeliveryError(`teams: unknown payload kind ${(p as { kind?: string }).kind}`, undefined, true);
      }
    } catch (err) {
      throw toDeliveryError(err);
    }
  }

  private async serviceUrl(conversation: string, given?: string): Promise<string> {
    return given ?? (await this.o.refs.conversation(conversation))?.serviceUrl ?? this.o.fallbackServiceUrl;
  }

  private activity(m: TeamsMessage) {
    // The card is the message; `summary` is what the activity feed and notifications show.
    return m.card
      ? { type: 'message' as const, summary: m.text, attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: m.card }] }
      : { type: 'message' as const, text: m.text };
  }

  private async post(conversation: string, m: TeamsMessage, thread?: string, serviceUrl?: string): Promise<{ id: string }> {
    const api = this.o.api(await this.serviceUrl(conversation, serviceUrl));
    const res = await api.conversations.createActivity(threaded(conversation, thread), this.activity(m) as never);
    return { id: res?.id ?? '' };
  }

  private async nudge(p: Extract<TeamsPayload, { kind: 'nudge' }>): Promise<void> {
    const user = await this.o.refs.user(p.userId);
    // Known from their clicks on a card; without it there is no way to write to them.
    if (!user) throw new DeliveryError('teams: no reference for the claimer; cannot nudge', undefined, true);
    const m = textCard(`Påminnelse: du har tagit en fråga som väntar på ditt svar (${p.escalationId}). / Reminder: a question you claimed is waiting for your answer.\n\n> ${p.question.slice(0, 500)}`, this.o.publicUrl);
    let conversation = user.conversation;
    if (!conversation) {
      const created = await this.o.api(user.serviceUrl).conversations.create({
        isGroup: false,
        bot: this.o.botId ? { id: this.o.botId } : undefined,
        members: [{ id: user.id, role: 'user' } as never],
        tenantId: user.tenantId ?? this.o.tenantId,
        channelData: { tenant: { id: user.tenantId ?? this.o.tenantId } },
      });
      conversation = created.id;
      await this.o.refs.rememberUser(p.userId, { ...user, conversation }).catch(() => undefined);
      await this.o.refs.rememberConversation(conversation, { serviceUrl: user.serviceUrl, tenantId: user.tenantId }).catch(() => undefined);
    }
    await this.post(conversation, m, undefined, user.serviceUrl);
  }

  private async escalation(id: string): Promise<Escalation> {
    const e = await this.o.store.getEscalation(id);
    // Gone from the store (it should never be): nothing to show, and retrying cannot bring it back.
    if (!e) throw new DeliveryError(`teams: escalation ${id} not found`, undefined, true);
    return e;
  }

  /** The card in `conversation`, rendered from the store now: updated if it is there, posted if not. */
  private async ensureCard(id: string, conversation: string): Promise<CardRef | undefined> {
    const e = await this.escalation(id);
    const card = await this.o.cards.find(id, conversation);
    if (card && (await this.update(card, e))) return card;
    const posted = await this.post(conversation, this.o.renderCard(e));
    const ref = { conversation, activityId: posted.id };
    // Posted but not recorded: this instance remembers it; others would post a fresh card, which is better than none.
    await this.o.cards.record(id, ref).catch(() => undefined);
    return ref;
  }

  private async updateCards(id: string, conversation: string): Promise<void> {
    const cards = await this.o.cards.all(id);
    if (!cards.length) {
      await this.ensureCard(id, conversation);
      return;
    }
    const e = await this.escalation(id);
    for (const card of cards) if (!(await this.update(card, e))) await this.ensureCard(id, card.conversation);
  }

  /** False when the card is gone (deleted in Teams); other failures are thrown for a retry. */
  private async update(card: CardRef, e: Escalation): Promise<boolean> {
    const api = this.o.api(await this.serviceUrl(card.conversation));
    try {
      await api.conversations.updateActivity(card.conversation, card.activityId, this.activity(this.o.renderCard(e)) as never);
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }
}
