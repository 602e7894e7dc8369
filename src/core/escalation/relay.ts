import type { Store } from '../store/store.ts';
import type { DeskEvent } from './desk.ts';
import type { Router } from './routing.ts';

const REASON: Partial<Record<DeskEvent['type'], string>> = {
  created: 'Ny fråga / New question',
  remind: 'Påminnelse: ingen har tagit frågan / Reminder: still unclaimed',
  reescalate: 'Eskalerad: ingen tog frågan i tid / Re-escalated: nobody claimed it in time',
  reopen: 'Frågeställaren sitter fortfarande fast / The asker is still stuck',
};

/**
 * Turns escalation changes into outbound messages in the persisted outbox: destinations hear of new,
 * unclaimed and re-opened questions; askers on Slack or Teams get the answer in their own
 * conversation; a claimer is nudged. Web askers read their questions' state from the store.
 */
export function outboxRelay(store: Store, router: Router) {
  return async (event: DeskEvent): Promise<void> => {
    const e = event.escalation;
    if (e.kind !== 'question') return;
    const now = new Date();
    const reason = REASON[event.type];
    if (reason) {
      const destination = router.destination(e.destination);
      if (destination.webhook) {
        await store.enqueueOutbound(
          {
            key: `webhook:${destination.id}`,
            channel: 'webhook',
            payload: {
              destination: destination.id,
              text: `${reason}: ${router.topicLabel(e.topic)}, ${e.asker.site ?? 'okänd enhet'}\n> ${e.text.replace(/\n/g, '\n> ')}\n(${e.id})`,
              lotsen: { event: event.type, id: e.id, topic: e.topic, destination: destination.id, site: e.asker.site, createdAt: e.createdAt, linked: e.linked?.length ?? 0 },
            },
          },
          now,
        );
      }
    }
    if (event.type === 'answer' && e.answer) {
      // Each asker is quoted their own wording, never another asker's.
      const recipients = [{ asker: e.asker, conversation: e.conversation, text: e.text }, ...(e.linked ?? [])];
      for (const r of recipients) {
        if (r.conversation.platform === 'web' || r.conversation.platform === 'cli') continue;
        await store.enqueueOutbound(
          {
            key: `${r.conversation.platform}:${r.conversation.channel}`,
            channel: r.conversation.platform,
            payload: { kind: 'answer', escalationId: e.id, conversation: r.conversation, lang: e.lang, question: r.text, answer: e.answer.text, by: e.answer.by.name },
          },
          now,
        );
      }
    }
    if (event.type === 'nudge' && e.owner) {
      const [platform, userId] = [e.owner.id.slice(0, e.owner.id.indexOf(':')), e.owner.id.slice(e.owner.id.indexOf(':') + 1)];
      if (platform === 'slack' || platform === 'teams') {
        await store.enqueueOutbound({ key: `${platform}:user:${userId}`, channel: platform, payload: { kind: 'nudge', escalationId: e.id, userId, question: e.text } }, now);
      }
    }
  };
}
