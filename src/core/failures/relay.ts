import type { Lang } from '../kb/article.ts';
import { messages } from '../answer/messages.ts';
import type { Store } from '../store/store.ts';
import type { FailureEvent } from './failure-desk.ts';
import { toTicket, type TicketEvent } from './ticket.ts';

const EVENT: Record<FailureEvent['type'], TicketEvent> = {
  'ticket-created': 'ticket.created',
  'ticket-updated': 'ticket.updated',
  known: 'ticket.known',
  fixed: 'ticket.fixed',
  reopened: 'ticket.reopened',
  merged: 'ticket.merged',
};

/**
 * Failure changes into the persisted outbox: tickets to the IT webhook (when one is configured), and a
 * workaround or the fix to everyone who reported the failure, in their own conversation (Slack and
 * Teams; the web chat has no conversation to write into later).
 */
export function failureRelay(store: Store, o: { ticketWebhook: boolean; publicUrl?: string; lang: (text: string) => Lang }) {
  return async (event: FailureEvent): Promise<void> => {
    const now = new Date();
    const r = event.record;
    // Groups below the threshold are not tickets yet; status changes on them still reach reporters.
    if (o.ticketWebhook && r.ticket) {
      await store.enqueueOutbound({ key: `tickets:${r.id}`, channel: 'ticket-webhook', payload: { event: EVENT[event.type], ticket: toTicket(r, o.publicUrl) } }, now);
    }
    // Reporters hear of a workaround and of the fix; a ticket's growth is IT's business.
    if (event.type !== 'fixed' && event.type !== 'known') return;
    const told = new Set<string>();
    // Whoever reported a group merged into this one reported this failure too.
    const reporters = (await Promise.all([r.id, ...(r.mergedFrom ?? [])].map((id) => store.listFailureReporters(id)))).flat();
    for (const reporter of reporters) {
      const c = reporter.conversation;
      if (c.platform === 'web' || c.platform === 'cli') continue;
      // One notice per conversation, however many times someone there reported it.
      const where = `${c.platform}:${c.channel}:${c.thread ?? ''}`;
      if (told.has(where)) continue;
      told.add(where);
      const lang = o.lang(r.group.examples[0] ?? '');
      const m = messages[lang];
      const text = event.type === 'fixed' ? m.failureFixed(r.label, r.fixNote) : m.knownIssue(r.label, r.workaround ?? '');
      await store.enqueueOutbound({ key: `${c.platform}:${c.channel}`, channel: c.platform, payload: { kind: 'notice', conversation: c, text } }, now);
    }
  };
}
