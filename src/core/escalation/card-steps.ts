import type { Store } from '../store/store.ts';
import type { DeskEvent } from './desk.ts';
import type { Router } from './routing.ts';

/** What an escalation card in a super-user channel must do after a change, on any platform. */
export type CardStep = { kind: 'card' } | { kind: 'card-update' } | { kind: 'card-note'; text: string };

/** The platform's own way of writing the three note icons (Slack emoji codes, Unicode for Teams). */
export interface NoteIcons {
  remind: string;
  reescalated: string;
  stillStuck: string;
}

/**
 * Cards follow every change of a question, whichever platform made it: a new question posts its card,
 * reminders, re-escalations and "still stuck" add a note in the card's thread, everything else shows
 * the new state on the card. A nudge goes to the claimer (see the relay), so the card stays as it is.
 */
export async function cardSteps({ type, escalation: e }: DeskEvent, o: { store: Store; router: Router; remindAfterMin: number; icons: NoteIcons }): Promise<CardStep[]> {
  switch (type) {
    case 'created':
      return [{ kind: 'card' }];
    case 'remind':
      return [{ kind: 'card-note', text: `${o.icons.remind} Påminnelse: ingen har tagit frågan på ${o.remindAfterMin} minuter. / Reminder: nobody has claimed this question for ${o.remindAfterMin} minutes.` }];
    case 'reescalate': {
      const from = (await o.store.listAudit({ subject: e.id, limit: 50 }).catch(() => [])).find((a) => a.action === 'escalation.reescalate')?.detail?.from;
      const label = o.router.destination(typeof from === 'string' ? from : undefined).label;
      // The card(s) elsewhere show where it went.
      return [{ kind: 'card-note', text: `${o.icons.reescalated} Eskalerad hit från ${label}: ingen tog frågan i tid. / Re-escalated here from ${label}: nobody claimed it in time.` }, { kind: 'card-update' }];
    }
    case 'reopen':
      return [{ kind: 'card-update' }, { kind: 'card-note', text: `${o.icons.stillStuck} Frågeställaren sitter fortfarande fast; frågan är öppen igen. / The asker is still stuck; the question is open again.` }];
    case 'nudge':
      return [];
    default:
      return [{ kind: 'card-update' }];
  }
}
