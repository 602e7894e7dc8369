import type { Article, Lang } from '../kb/article.ts';
import type { Identity } from '../identity/roles.ts';
import type { Logger } from '../ports.ts';
import { redact } from '../privacy/redact.ts';
import type { Conversation, Escalation, Store } from '../store/store.ts';
import { askerKey } from '../store/store.ts';
import { isStopword, tokenize } from '../text/normalize.ts';
import { apply, initialDue, type Actor, type Command, type Refusal, type ServiceLevels } from './lifecycle.ts';
import type { Router } from './routing.ts';

export type DeskEventType =
  | 'created'
  | 'linked'
  | 'claim'
  | 'release'
  | 'reassign'
  | 'answer'
  | 'close'
  | 'solved'
  | 'reopen'
  | 'draft'
  | 'remind'
  | 'reescalate'
  | 'nudge';

export interface DeskEvent {
  type: DeskEventType;
  escalation: Escalation;
  actor?: Actor;
}

/** Told of every change after it is stored: the outbox relay, metrics, platform cards. */
export type DeskListener = (event: DeskEvent) => Promise<void> | void;

export type ActResult = { ok: true; escalation: Escalation } | { ok: false; reason: Refusal | 'not-found'; message: string; escalation?: Escalation };

export interface EscalateInput {
  /** Redacted text. */
  text: string;
  lang: Lang;
  asker: Identity;
  conversation: Conversation;
  /** Best articles found for it, best first. */
  best: readonly Article[];
  sourceEventId?: string;
}

export interface DeskOptions {
  store: Store;
  router: Router;
  serviceLevels: ServiceLevels;
  log: Logger;
  now?: () => Date;
}

/** Jaccard overlap of content words above which a new question joins an open one. */
const LINK_SIMILARITY = 0.6;
const MAX_CAS_RETRIES = 8;

const contentWords = (text: string) => new Set(tokenize(text).filter((t) => t.length > 2 && !isStopword(t) && !/^\[/.test(t)));
function similarity(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

const TIMER_COMMAND = { remind: 'remind', reescalate: 'reescalate', nudge: 'nudge' } as const;

/**
 * Escalation to super-users: routes a question to its topic's destination (or links it to an open
 * one that asks the same), and applies super-users' and askers' acts through the state machine with
 * compare-and-set, so that across instances exactly one claim wins and each timer fires once.
 */
export class EscalationDesk {
  private readonly o: DeskOptions;
  private readonly now: () => Date;
  private readonly listeners: DeskListener[] = [];

  constructor(options: DeskOptions) {
    this.o = options;
    this.now = options.now ?? (() => new Date());
  }

  get router(): Router {
    return this.o.router;
  }

  onChange(listener: DeskListener): void {
    this.listeners.push(listener);
  }

  async escalate(input: EscalateInput): Promise<{ escalation: Escalation; linked: boolean }> {
    const now = this.now();
    const route = this.o.router.route(input.text, input.best);
    const asker = { platform: input.asker.platform, userId: input.asker.userId, displayName: input.asker.displayName, site: input.asker.site };
    const open = await this.o.store.listEscalations({ kind: 'question', status: ['open', 'claimed'], limit: 300 });
    const words = contentWords(input.text);
    const match = open
      .filter((e) => e.topic === route.topic)
      .map((e) => ({ e, s: similarity(words, contentWords(e.text)) }))
      .filter((m) => m.s >= LINK_SIMILARITY)
      .sort((a, b) => b.s - a.s)[0]?.e;
    if (match) {
      // The same person asking again (or a client retrying) is not a second asker.
      if (askerKey(match.asker) === askerKey(asker)) return { escalation: match, linked: false };
      if ((match.linked ?? []).some((l) => askerKey(l.asker) === askerKey(asker))) return { escalation: match, linked: true };
      const result = await this.act(match.id, { type: 'link', linked: { asker, conversation: input.conversation, text: input.text, at: now.toISOString() } }, { id: askerKey(asker), name: asker.displayName ?? asker.userId, role: input.asker.role });
      if (result.ok) return { escalation: result.escalation, linked: true };
      // A concurrent delivery of the same question linked this asker first.
      if (result.reason === 'same-owner' && result.escalation) return { escalation: result.escalation, linked: true };
    }
    const { escalation, created } = await this.o.store.createEscalation(
      {
        kind: 'question',
        severity: 'S4',
        text: input.text,
        lang: input.lang,
        asker,
        conversation: input.conversation,
        topic: route.topic,
        destination: route.destination.id,
        ranked: input.best.slice(0, 3).map((a) => a.id),
        due: initialDue('question', this.o.serviceLevels, now),
        sourceEventId: input.sourceEventId,
      },
      now,
    );
    if (created) await this.emit({ type: 'created', escalation });
    return { escalation, linked: false };
  }

  /** Applies one act; a stale read is re-read and re-decided, so the loser of a race is told who won. */
  async act(id: string, command: Command, actor: Actor): Promise<ActResult> {
    // Super-users' answers are stored and relayed, so personal data goes first, as with questions.
    if (command.type === 'answer') command = { type: 'answer', text: redact(command.text).text };
    if (command.type === 'close' && command.note) command = { type: 'close', note: redact(command.note).text };
    for (let attempt = 0; attempt < MAX_CAS_RETRIES; attempt++) {
      const current = await this.o.store.getEscalation(id);
      if (!current) return { ok: false, reason: 'not-found', message: 'There is no such question.' };
      const now = this.now();
      const outcome = apply(current, command, actor, this.o.serviceLevels, now);
      if (!outcome.ok) return { ok: false, reason: outcome.reason, message: outcome.message, escalation: current };
      if (await this.o.store.updateEscalation(outcome.next, current.version, outcome.event, now)) {
        const escalation = { ...outcome.next, version: current.version + 1 };
        await this.emit({ type: eventType(command), escalation, actor });
        return { ok: true, escalation };
      }
    }
    return { ok: false, reason: 'already-claimed', message: 'Others are changing this question right now; try again.' };
  }

  /** Fires the service-level timers that are due; returns how many fired here. */
  async tick(): Promise<number> {
    const now = this.now();
    const due = await this.o.store.dueEscalations(now, 100);
    let fired = 0;
    for (const e of due) {
      if (!e.due) continue;
      const command: Command =
        e.due.kind === 'reescalate'
          ? { type: 'reescalate', backup: this.o.router.backupOf(e.destination) ?? e.destination ?? this.o.router.routing.default }
          : { type: TIMER_COMMAND[e.due.kind] };
      // Another instance may fire the same timer: the compare-and-set lets one of them through.
      const current = await this.o.store.getEscalation(e.id);
      if (!current) continue;
      const outcome = apply(current, command, { id: 'lotsen', name: 'Lotsen', role: 'system' }, this.o.serviceLevels, now);
      if (!outcome.ok) continue;
      if (await this.o.store.updateEscalation(outcome.next, current.version, outcome.event, now)) {
        fired++;
        await this.emit({ type: command.type as DeskEventType, escalation: { ...outcome.next, version: current.version + 1 } });
      }
    }
    return fired;
  }

  private async emit(event: DeskEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        // The change is stored; a listener's failure (e.g. the outbox's store) must not undo it for the user.
        this.o.log.error({ escalation: event.escalation.id, event: event.type, err: err instanceof Error ? err.message : String(err) }, 'escalation listener failed');
      }
    }
  }
}

function eventType(command: Command): DeskEventType {
  return command.type === 'still-stuck' ? 'reopen' : command.type === 'link' ? 'linked' : command.type;
}
