import { ActionSet, AdaptiveCard, Container, ExecuteAction, Fact, FactSet, TextBlock, TextInput, type IAdaptiveCard } from '@microsoft/teams.cards';
import type { Reply } from '../../core/assistant.ts';
import { messages } from '../../core/answer/messages.ts';
import type { Router } from '../../core/escalation/routing.ts';
import type { Lang } from '../../core/kb/article.ts';
import type { Escalation } from '../../core/store/store.ts';
import { cardLink, paragraphs, toCardMarkdown, truncate } from './markup.ts';

/** What the bot posts: notification text (shown in the activity feed and to screen readers) and an Adaptive Card. */
export interface TeamsMessage {
  text: string;
  card?: IAdaptiveCard;
}

/** Verbs of every Action.Execute Lotsen puts on a card (adaptiveCard/action invokes). */
export const VERB = {
  helped: 'lotsen.helped',
  notHelped: 'lotsen.notHelped',
  ask: 'lotsen.ask',
  solved: 'lotsen.solved',
  stillStuck: 'lotsen.stillStuck',
  claim: 'lotsen.claim',
  release: 'lotsen.release',
  answer: 'lotsen.answer',
  close: 'lotsen.close',
  draft: 'lotsen.draft',
  refresh: 'lotsen.refresh',
} as const;
/** Id of the answer box on the escalation card; Teams sends its value with the action's data. */
export const ANSWER_INPUT = 'answer';
/** Card action data stays well under Teams' message size (28 KB); questions are short. */
const MAX_DATA = 4000;
const VERSION = '1.5';

const text = (t: string, o: ConstructorParameters<typeof TextBlock>[1] = {}) => new TextBlock(t, { wrap: true, ...o });
const note = (t: string) => text(t, { isSubtle: true, size: 'Small', spacing: 'Small' });
const action = (title: string, verb: string, data: Record<string, string>, style?: 'positive' | 'destructive') =>
  new ExecuteAction({ title, verb, data, ...(style ? { style } : {}) });
/** RFC 3339 without fractions, as Adaptive Cards' DATE()/TIME() functions read it; the reader's client shows local time. */
const cardDate = (iso: string) => {
  const at = `${iso.slice(0, 19)}Z`;
  return `{{DATE(${at}, SHORT)}} {{TIME(${at})}}`;
};
const card = (...body: ConstructorParameters<typeof AdaptiveCard>) => new AdaptiveCard(...body).withVersion(VERSION).withMsteams({ width: 'full' });
/** The question as a quote: its own container, so it stands apart from Lotsen's words. */
const quote = (t: string, max = 1500) => new Container(text(truncate(t, max))).withStyle('emphasis');

export const UI = {
  helped: 'Hjälpte / Helped',
  notHelped: 'Hjälpte inte / Didn\u2019t help',
  ask: 'Fråga en superanvändare / Ask a super-user',
  solved: 'Löst / Solved',
  stillStuck: 'Sitter fortfarande fast / Still stuck',
  sources: { sv: 'Källa', en: 'Source' },
  question: { sv: 'Din fråga', en: 'Your question' },
} as const;

/** What staff see for a reply: the answer, its sources as links, the privacy note, and what they can do next. */
export function replyCard(reply: Reply, publicUrl: string, extra?: string): TeamsMessage {
  const body = toCardMarkdown(reply.answer, publicUrl);
  const c = card(...paragraphs(body).map((p) => text(p)));
  if (reply.citations.length) {
    c.withBody(...(c.body ?? []), text(`**${UI.sources[reply.lang] ?? UI.sources.sv}:** ${reply.citations.map((x) => cardLink(x.url, x.title, publicUrl)).join(' · ')}`));
  }
  if (extra) c.withBody(...(c.body ?? []), note(extra));
  if (reply.privacyNote) c.withBody(...(c.body ?? []), note(`🔒 ${reply.privacyNote}`));
  if (reply.outcome === 'answered') {
    // The redacted question travels in the buttons, so "ask a super-user" needs no state of ours.
    const q = reply.question.slice(0, MAX_DATA);
    c.withActions(
      action(UI.helped, VERB.helped, { articles: reply.citations.map((x) => x.id).join(',') }, 'positive'),
      action(UI.notHelped, VERB.notHelped, { question: q }),
      action(UI.ask, VERB.ask, { question: q }),
    );
  }
  return { text: truncate(plain(body), 500), card: c };
}

/** Plain text from Lotsen (notes, refusals, the managers' tally) as a card, so Markdown links render the same. */
export function textCard(markdown: string, publicUrl: string): TeamsMessage {
  const body = toCardMarkdown(markdown, publicUrl);
  return { text: truncate(plain(body), 500), card: card(...paragraphs(body).map((p) => text(p))) };
}

/** A super-user's answer in the asker's conversation, with "solved" / "still stuck" until the asker has said which. */
export function answerCard(p: { escalationId: string; lang: Lang; question: string; answer: string; by: string }, publicUrl: string, verdict?: 'solved' | 'still-stuck'): TeamsMessage {
  const m = messages[p.lang] ?? messages.sv;
  const answer = toCardMarkdown(p.answer, publicUrl);
  const c = card(
    text(`**${m.answerFrom(p.by)}**`),
    note(`${UI.question[p.lang] ?? UI.question.sv}:`),
    quote(p.question, 600),
    ...paragraphs(answer, 10).map((x) => text(x)),
  );
  if (verdict) c.withBody(...(c.body ?? []), note(verdict === 'solved' ? '✔ Löst / Solved' : '↩ Skickad tillbaka till superanvändarna / Sent back to the super-users'));
  else c.withActions(action(UI.solved, VERB.solved, { id: p.escalationId }, 'positive'), action(UI.stillStuck, VERB.stillStuck, { id: p.escalationId }));
  return { text: truncate(`${m.answerFrom(p.by)}: ${plain(answer)}`, 500), card: c };
}

const STATUS: Record<Escalation['status'], (e: Escalation) => string> = {
  open: () => '🟡 Öppen, ingen har tagit den / Open, unclaimed',
  claimed: (e) => `🔵 Tagen av ${e.owner?.name ?? '?'} / Claimed by ${e.owner?.name ?? '?'}`,
  answered: (e) => `🟢 Besvarad av ${e.answer?.by.name ?? '?'} / Answered by ${e.answer?.by.name ?? '?'}`,
  closed: (e) => `⚪ Stängd / Closed${e.feedback === 'solved' ? ' (löst / solved)' : ''}`,
};

/** The escalation card in a super-user conversation, showing the state and owner now; rebuilt after every change. */
export function escalationCard(e: Escalation, o: { router: Router; publicUrl: string; articleTitle: (id: string) => string | undefined }): TeamsMessage {
  const topic = o.router.topicLabel(e.topic);
  const destination = o.router.destination(e.destination).label;
  const c = card(
    text('Fråga till superanvändare / Question for super-users', { weight: 'Bolder', size: 'Medium' }),
    quote(e.text),
    new FactSet(
      new Fact('Ämne / Topic', topic),
      new Fact('Enhet / Unit', e.asker.site ?? 'okänd enhet / unknown unit'),
      new Fact('Hos / With', `${destination}${e.reescalated ? ' (eskalerad / re-escalated)' : ''}`),
    ),
    note(`Frågad / Asked: ${cardDate(e.createdAt)}`),
    text(`**${STATUS[e.status](e)}**`),
  );
  const add = (...items: NonNullable<AdaptiveCard['body']>) => c.withBody(...(c.body ?? []), ...items);
  const notes: string[] = [`${e.id} · via ${e.asker.platform}`];
  if (e.linked?.length) notes.push(`+${e.linked.length} frågar samma / asking the same`);
  if (e.feedback === 'still-stuck' && e.status !== 'closed') notes.push('⚠ sitter fast igen / still stuck');
  if (e.draftId) notes.push(`utkast / draft: ${e.draftId}`);
  const related = (e.ranked ?? []).flatMap((id) => {
    const title = o.articleTitle(id);
    return title ? [cardLink(`/kb/${encodeURIComponent(id)}`, title, o.publicUrl)] : [];
  });
  if (related.length) notes.push(`Närmaste artiklar / Nearest articles: ${related.join(', ')}`);
  add(note(notes.join(' · ')));
  if (e.answer) add(text(`**Svar / Answer (${e.answer.by.name}):**`), ...paragraphs(truncate(toCardMarkdown(e.answer.text, o.publicUrl), 2500), 5).map((x) => text(x)));
  const id = { id: e.id };
  const actions: ExecuteAction[] = [];
  if (e.status === 'open') actions.push(action('Ta / Claim', VERB.claim, id, 'positive'));
  if (e.status === 'claimed') {
    add(new TextInput({ id: ANSWER_INPUT, isMultiline: true, maxLength: 4000, label: 'Svar till frågeställaren / Answer to the asker', placeholder: 'Inga patientuppgifter. / No patient data.' }));
    actions.push(action('Svara / Answer', VERB.answer, id, 'positive'), action('Släpp / Release', VERB.release, id));
  }
  // The lifecycle takes drafts until the question is closed.
  if (e.answer && !e.draftId && e.status !== 'closed') actions.push(action('Spara som KB-utkast / Save as KB draft', VERB.draft, id));
  if (e.status !== 'closed') actions.push(action('Stäng / Close', VERB.close, id));
  if (actions.length) add(new ActionSet(...actions));
  // Where Teams refreshes cards (chats of up to 60 people), every reader sees the state now.
  c.withRefresh({ action: action('Uppdatera / Refresh', VERB.refresh, id) });
  return { text: truncate(`Fråga till superanvändare / Question for super-users (${topic}): ${e.text}`, 300), card: c };
}

/** Notification text without Markdown marks. */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__/g, '')
    .replace(/(^|\s)[*_](?=\S)|(?<=\S)[*_](?=\s|$)/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}
