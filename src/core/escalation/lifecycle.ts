import type { Role } from '../identity/roles.ts';
import type { Escalation, EscalationStatus, LinkedAsker, NewAuditEvent, Person } from '../store/store.ts';
import { askerKey } from '../store/store.ts';

/** Service levels in minutes: remind the destination, re-escalate to the backup, nudge the claimer. */
export interface ServiceLevels {
  remindAfterMin: number;
  reescalateAfterMin: number;
  nudgeAfterMin: number;
}

export interface Actor extends Person {
  role: Role | 'system';
}

export type Command =
  | { type: 'claim' }
  | { type: 'release' }
  | { type: 'reassign'; to: Person }
  | { type: 'answer'; text: string }
  | { type: 'close'; note?: string }
  | { type: 'solved' }
  | { type: 'still-stuck' }
  | { type: 'link'; linked: LinkedAsker }
  | { type: 'draft'; articleId: string }
  | { type: 'remind' }
  | { type: 'reescalate'; backup: string }
  | { type: 'nudge' };

export type Refusal =
  | 'already-claimed'
  | 'not-claimed'
  | 'not-owner'
  | 'closed'
  | 'not-answered'
  | 'not-asker'
  | 'not-due'
  | 'note-required'
  | 'empty'
  | 'same-owner';

export type Outcome = { ok: true; next: Escalation; event: NewAuditEvent } | { ok: false; reason: Refusal; message: string; current: Escalation };

const addMinutes = (now: Date, min: number) => new Date(now.getTime() + min * 60_000).toISOString();
const isAsker = (e: Escalation, actor: Actor) => askerKey(e.asker) === actor.id || (e.linked ?? []).some((l) => askerKey(l.asker) === actor.id);
const isSuperuser = (actor: Actor) => actor.role === 'superuser' || actor.role === 'admin';

/** Timers for a new question: the reminder first. Safety items have their own desk and no such timers. */
export function initialDue(kind: Escalation['kind'], sl: ServiceLevels, now: Date): Escalation['due'] {
  return kind === 'question' ? { kind: 'remind', at: addMinutes(now, sl.remindAfterMin) } : undefined;
}

/**
 * The escalation state machine: open → claimed → answered → closed, with release, reassign,
 * "still stuck" (re-open) and the service-level timers. Pure: it returns the next state and the audit
 * event, or a refusal with a reason a person can read; the store applies it with compare-and-set.
 */
export function apply(current: Escalation, command: Command, actor: Actor, sl: ServiceLevels, now: Date): Outcome {
  const at = now.toISOString();
  const refuse = (reason: Refusal, message: string): Outcome => ({ ok: false, reason, message, current });
  const to = (patch: Partial<Escalation>, action: string, detail?: Record<string, unknown>): Outcome => {
    const next: Escalation = { ...current, ...patch };
    for (const k of Object.keys(patch) as (keyof Escalation)[]) if (patch[k] === undefined) delete next[k];
    const event: NewAuditEvent = { actor: actor.id, role: actor.role, action: `escalation.${action}`, subject: current.id, from: current.status, to: next.status };
    if (detail) event.detail = detail;
    return { ok: true, next, event };
  };
  const status: EscalationStatus = current.status;
  const ownerName = current.owner?.name ?? 'someone';
  // A solved question is the best source of a knowledge-base draft, so that stays possible.
  if (status === 'closed' && command.type !== 'still-stuck' && command.type !== 'draft') return refuse('closed', 'This question is already closed.');

  switch (command.type) {
    case 'claim':
      if (status === 'claimed') return refuse('already-claimed', current.owner?.id === actor.id ? 'You have already claimed it.' : `${ownerName} has already claimed it.`);
      if (status === 'answered') return refuse('already-claimed', `${ownerName} has already answered it.`);
      return to({ status: 'claimed', owner: { id: actor.id, name: actor.name }, claimedAt: at, due: current.kind === 'question' ? { kind: 'nudge', at: addMinutes(now, sl.nudgeAfterMin) } : undefined }, 'claim');
    case 'release':
      if (status !== 'claimed') return refuse('not-claimed', 'Only a claimed question can be released.');
      if (current.owner?.id !== actor.id && actor.role !== 'admin') return refuse('not-owner', `${ownerName} has it; only they (or an admin) can release it.`);
      return to({ status: 'open', owner: undefined, claimedAt: undefined, due: initialDue(current.kind, sl, now) }, 'release');
    case 'reassign':
      if (status === 'answered') return refuse('already-claimed', 'It has already been answered.');
      if (current.owner?.id === command.to.id) return refuse('same-owner', `${command.to.name} already has it.`);
      if (status === 'claimed' && current.owner?.id !== actor.id && actor.role !== 'admin') return refuse('not-owner', `${ownerName} has it; only they (or an admin) can hand it on.`);
      return to(
        { status: 'claimed', owner: command.to, claimedAt: at, due: current.kind === 'question' ? { kind: 'nudge', at: addMinutes(now, sl.nudgeAfterMin) } : undefined },
        'reassign',
        { to: command.to.id },
      );
    case 'answer': {
      const text = command.text.trim();
      if (!text) return refuse('empty', 'Write an answer first.');
      if (status === 'open') return refuse('not-claimed', 'Claim the question before answering it.');
      if (status === 'answered') return refuse('already-claimed', `${ownerName} has already answered it.`);
      if (current.owner?.id !== actor.id) return refuse('not-owner', `${ownerName} has claimed it; only they can answer.`);
      return to({ status: 'answered', answer: { text, by: { id: actor.id, name: actor.name }, at }, due: undefined, feedback: undefined }, 'answer');
    }
    case 'close': {
      const note = command.note?.trim();
      // Only a person closes a safety item, and says why.
      if (current.kind === 'safety' && !note) return refuse('note-required', 'A safety item is closed only with a note saying what was done.');
      if (status === 'claimed' && current.owner?.id !== actor.id && actor.role !== 'admin' && !isAsker(current, actor)) return refuse('not-owner', `${ownerName} has it; only they (or an admin) can close it.`);
      return to({ status: 'closed', closedAt: at, closedBy: actor.name, closeNote: note, due: undefined }, 'close');
    }
    case 'solved':
      if (!isAsker(current, actor)) return refuse('not-asker', 'Only the person who asked can mark it solved.');
      if (status !== 'answered') return refuse('not-answered', 'There is no answer to mark as solved yet.');
      return to({ status: 'closed', feedback: 'solved', closedAt: at, closedBy: actor.name, due: undefined }, 'solved');
    case 'still-stuck':
      if (!isAsker(current, actor)) return refuse('not-asker', 'Only the person who asked can re-open it.');
      if (status !== 'answered' && status !== 'closed') return refuse('not-answered', 'It is still waiting for a super-user.');
      if (current.kind === 'safety') return refuse('closed', 'A closed safety item is not re-opened here; report it again.');
      return to(
        { status: 'open', feedback: 'still-stuck', owner: undefined, claimedAt: undefined, closedAt: undefined, closedBy: undefined, closeNote: undefined, due: initialDue(current.kind, sl, now) },
        'reopen',
      );
    case 'link': {
      const key = askerKey(command.linked.asker);
      if (askerKey(current.asker) === key || (current.linked ?? []).some((l) => askerKey(l.asker) === key)) return refuse('same-owner', 'Already linked.');
      return to({ linked: [...(current.linked ?? []), command.linked] }, 'link', { asker: key });
    }
    case 'draft':
      if (!current.answer) return refuse('not-answered', 'Answer the question before saving it as a draft.');
      if (current.kind === 'safety') return refuse('closed', 'Safety items do not become knowledge-base articles.');
      if (current.draftId) return refuse('same-owner', `It is already saved as ${current.draftId}.`);
      return to({ draftId: command.articleId }, 'draft', { article: command.articleId });
    case 'remind':
    case 'reescalate':
    case 'nudge': {
      const due = current.due;
      if (!due || due.kind !== command.type || Date.parse(due.at) > now.getTime()) return refuse('not-due', 'Nothing is due.');
      if (command.type === 'nudge') return to({ due: { kind: 'nudge', at: addMinutes(now, sl.nudgeAfterMin) } }, 'nudge');
      if (command.type === 'remind') {
        // First reminder, then the move to the backup after the rest of the re-escalation time; after that, reminders only.
        const next = current.reescalated
          ? { kind: 'remind' as const, at: addMinutes(now, sl.remindAfterMin) }
          : { kind: 'reescalate' as const, at: addMinutes(now, Math.max(0, sl.reescalateAfterMin - sl.remindAfterMin)) };
        return to({ due: next }, 'remind');
      }
      return to({ destination: command.backup, reescalated: true, due: { kind: 'remind', at: addMinutes(now, sl.remindAfterMin) } }, 'reescalate', { to: command.backup, from: current.destination });
    }
  }
}
