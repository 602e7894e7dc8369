import type { Reply } from '../../core/assistant.ts';
import { messages } from '../../core/answer/messages.ts';
import type { Router } from '../../core/escalation/routing.ts';
import type { Lang } from '../../core/kb/article.ts';
import type { Escalation } from '../../core/store/store.ts';
import { chunk, escapeMrkdwn, mrkdwnLink, toMrkdwn } from './markup.ts';

/** Block Kit as plain JSON: the adapter only builds and sends it, so loose typing is enough here. */
export type Block = Record<string, unknown>;
export interface SlackMessage {
  /** Notification and accessibility text. */
  text: string;
  blocks: Block[];
}

/** Action ids of every button and the modal Lotsen puts in Slack. */
export const ACTION = {
  helped: 'lotsen_helped',
  notHelped: 'lotsen_not_helped',
  ask: 'lotsen_ask',
  claim: 'lotsen_claim',
  release: 'lotsen_release',
  answer: 'lotsen_answer',
  close: 'lotsen_close',
  draft: 'lotsen_draft',
  solved: 'lotsen_solved',
  stillStuck: 'lotsen_still_stuck',
} as const;
export const ANSWER_VIEW = 'lotsen_answer_view';
/** A button's value holds at most 2,000 characters. */
const MAX_VALUE = 1900;

const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const plain = (text: string) => ({ type: 'plain_text', text: text.slice(0, 75), emoji: true });
const section = (text: string): Block => ({ type: 'section', text: mrkdwn(text) });
const context = (text: string): Block => ({ type: 'context', elements: [mrkdwn(text.slice(0, 2900))] });
const button = (actionId: string, label: string, value: string, style?: 'primary' | 'danger'): Block => ({ type: 'button', action_id: actionId, text: plain(label), value: value.slice(0, MAX_VALUE), ...(style ? { style } : {}) });
const quote = (text: string, max = 1500) => {
  const t = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return escapeMrkdwn(t)
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
};
/** Slack shows the date in the reader's time zone and keeps "x minutes ago" current itself. */
const slackDate = (iso: string) => `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time} ({ago})|${iso.slice(0, 16).replace('T', ' ')} UTC>`;
const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

const UI = {
  sv: { helped: 'Det hjälpte', notHelped: 'Hjälpte inte', ask: 'Fråga en superanvändare', sources: 'Källa', solved: 'Löst', stillStuck: 'Sitter fortfarande fast', question: 'Din fråga' },
  en: { helped: 'Helped', notHelped: "Didn't help", ask: 'Ask a super-user', sources: 'Source', solved: 'Solved', stillStuck: 'Still stuck', question: 'Your question' },
} as const;

/** What staff see for a reply: the answer, its sources as links, the privacy note, and what they can do next. */
export function replyMessage(reply: Reply, publicUrl: string, extra?: string): SlackMessage {
  const ui = UI[reply.lang];
  const body = toMrkdwn(reply.answer, publicUrl);
  const blocks: Block[] = chunk(body).slice(0, 20).map(section);
  if (reply.citations.length) blocks.push(section(`*${ui.sources}:* ${reply.citations.map((c) => mrkdwnLink(c.url, c.title, publicUrl)).join(' · ')}`));
  if (extra) blocks.push(context(extra));
  if (reply.privacyNote) blocks.push(context(`:lock: ${escapeMrkdwn(reply.privacyNote)}`));
  if (reply.outcome === 'answered') {
    // The redacted question travels in the buttons, so "ask a super-user" needs no state of ours.
    blocks.push({
      type: 'actions',
      block_id: 'lotsen_feedback',
      elements: [
        button(ACTION.helped, ui.helped, reply.citations.map((c) => c.id).join(',') || '-', 'primary'),
        button(ACTION.notHelped, ui.notHelped, reply.question),
        button(ACTION.ask, ui.ask, reply.question),
      ],
    });
  }
  return { text: truncate(body, 3000), blocks };
}

/** Plain text from Lotsen (notes, refusals, file warnings): one section. */
export function textMessage(markdown: string, publicUrl: string): SlackMessage {
  const text = toMrkdwn(markdown, publicUrl);
  return { text: truncate(text, 3000), blocks: chunk(text).slice(0, 20).map(section) };
}

/** A super-user's answer in the asker's thread, with "solved" / "still stuck". */
export function answerToAsker(p: { escalationId: string; lang: Lang; question: string; answer: string; by: string }, publicUrl: string): SlackMessage {
  const ui = UI[p.lang] ?? UI.sv;
  const m = messages[p.lang] ?? messages.sv;
  const answer = toMrkdwn(p.answer, publicUrl);
  return {
    text: `${m.answerFrom(p.by)}: ${truncate(answer, 2500)}`,
    blocks: [
      section(`*${escapeMrkdwn(m.answerFrom(p.by))}*`),
      context(`${ui.question}:\n${quote(p.question, 600)}`),
      ...chunk(answer).slice(0, 10).map(section),
      { type: 'actions', block_id: 'lotsen_verdict', elements: [button(ACTION.solved, ui.solved, p.escalationId, 'primary'), button(ACTION.stillStuck, ui.stillStuck, p.escalationId)] },
    ],
  };
}

const STATUS: Record<Escalation['status'], (e: Escalation) => string> = {
  open: () => ':large_yellow_circle: Öppen, ingen har tagit den / Open, unclaimed',
  claimed: (e) => `:large_blue_circle: Tagen av ${escapeMrkdwn(e.owner?.name ?? '?')} / Claimed by ${escapeMrkdwn(e.owner?.name ?? '?')}`,
  answered: (e) => `:large_green_circle: Besvarad av ${escapeMrkdwn(e.answer?.by.name ?? '?')} / Answered by ${escapeMrkdwn(e.answer?.by.name ?? '?')}`,
  closed: (e) => `:white_circle: Stängd / Closed${e.feedback === 'solved' ? ' (löst / solved)' : ''}`,
};

const where = (e: Escalation) => {
  if (e.asker.site) return escapeMrkdwn(e.asker.site);
  // Slack renders the channel's name for readers who may see it; nothing is looked up or stored.
  if (e.conversation.platform === 'slack' && /^[CG]/.test(e.conversation.channel)) return `okänd enhet, frågat i / unknown unit, asked in <#${e.conversation.channel}>`;
  return 'okänd enhet / unknown unit';
};

/** The escalation card in a super-user channel, showing the state and owner now; rebuilt after every change. */
export function escalationCard(e: Escalation, o: { router: Router; publicUrl: string; articleTitle: (id: string) => string | undefined }): SlackMessage {
  const topic = o.router.topicLabel(e.topic);
  const destination = o.router.destination(e.destination).label;
  const fields = [
    mrkdwn(`*Ämne / Topic*\n${escapeMrkdwn(topic)}`),
    mrkdwn(`*Enhet / Unit*\n${where(e)}`),
    mrkdwn(`*Frågad / Asked*\n${slackDate(e.createdAt)}`),
    mrkdwn(`*Hos / With*\n${escapeMrkdwn(destination)}${e.reescalated ? ' (eskalerad / re-escalated)' : ''}`),
  ];
  const blocks: Block[] = [
    { type: 'header', text: plain('Fråga till superanvändare / Question for super-users') },
    section(quote(e.text)),
    { type: 'section', fields },
    section(`*${STATUS[e.status](e)}*`),
  ];
  const notes: string[] = [`${e.id} · via ${e.asker.platform}`];
  if (e.linked?.length) notes.push(`+${e.linked.length} frågar samma / asking the same`);
  if (e.feedback === 'still-stuck' && e.status !== 'closed') notes.push(':warning: sitter fast igen / still stuck');
  if (e.draftId) notes.push(`utkast / draft: ${escapeMrkdwn(e.draftId)}`);
  const related = (e.ranked ?? []).flatMap((id) => {
    const title = o.articleTitle(id);
    return title ? [mrkdwnLink(`/kb/${encodeURIComponent(id)}`, title, o.publicUrl)] : [];
  });
  if (related.length) notes.push(`Närmaste artiklar / Nearest articles: ${related.join(', ')}`);
  blocks.push(context(notes.join(' · ')));
  if (e.answer) blocks.push(section(`*Svar / Answer (${escapeMrkdwn(e.answer.by.name)}):*\n${truncate(toMrkdwn(e.answer.text, o.publicUrl), 2500)}`));
  const buttons: Block[] = [];
  if (e.status === 'open') buttons.push(button(ACTION.claim, 'Ta / Claim', e.id, 'primary'));
  if (e.status === 'claimed') buttons.push(button(ACTION.answer, 'Svara / Answer', e.id, 'primary'), button(ACTION.release, 'Släpp / Release', e.id));
  // The lifecycle takes drafts until the question is closed.
  if (e.answer && !e.draftId && e.status !== 'closed') buttons.push(button(ACTION.draft, 'Spara som KB-utkast / Save as KB draft', e.id));
  if (e.status !== 'closed') buttons.push(button(ACTION.close, 'Stäng / Close', e.id));
  if (buttons.length) blocks.push({ type: 'actions', block_id: 'lotsen_card', elements: buttons });
  return { text: `Fråga till superanvändare / Question for super-users (${topic}): ${truncate(e.text, 200)}`, blocks };
}

/** The modal a super-user writes the answer in. */
export function answerModal(e: Escalation, cardChannel: string | undefined): Record<string, unknown> {
  return {
    type: 'modal',
    callback_id: ANSWER_VIEW,
    private_metadata: JSON.stringify({ id: e.id, channel: cardChannel }),
    title: plain('Svara / Answer'),
    submit: plain('Skicka / Send'),
    close: plain('Avbryt / Cancel'),
    blocks: [
      section(quote(e.text, 2500)),
      {
        type: 'input',
        block_id: 'answer',
        label: plain('Svar till frågeställaren / Answer to the asker'),
        element: { type: 'plain_text_input', action_id: 'text', multiline: true, min_length: 1, max_length: 4000 },
        hint: plain('Inga patientuppgifter. / No patient data.'),
      },
    ],
  };
}

const STATE_SHORT: Record<Escalation['status'], string> = { open: 'väntar / waiting', claimed: 'tagen / claimed', answered: 'besvarad / answered', closed: 'stängd / closed' };

/** App Home: what Lotsen knows and the viewer's own questions. */
export function homeView(o: { articles: number; topics: string[]; mine: Escalation[]; router: Router; waiting?: number }): Record<string, unknown> {
  const blocks: Block[] = [
    { type: 'header', text: plain('Lotsen') },
    section(
      `Fråga mig hur man gör något i Millennium, här eller med @Lotsen i en kanal, eller med \`/lotsen\`. Jag svarar från kunskapsbanken och visar källan; vet jag inte, skickar jag frågan till superanvändarna.\n_Ask me how to do something in Millennium, here, with @Lotsen in a channel or with \`/lotsen\`._`,
    ),
    section(`*Jag kan / I know:* ${o.articles} artiklar / articles${o.topics.length ? `\n${o.topics.map(escapeMrkdwn).join(' · ')}` : ''}`),
    context(':lock: Skriv aldrig patientuppgifter eller skärmbilder med patientdata. / Never post patient data or screenshots with patient data.'),
    { type: 'divider' },
    { type: 'header', text: plain('Mina öppna frågor / My open questions') },
  ];
  if (!o.mine.length) blocks.push(context('Inga öppna frågor till superanvändarna. / No open questions to the super-users.'));
  for (const e of o.mine.slice(0, 20)) {
    const who = e.owner ? ` · ${escapeMrkdwn(e.owner.name)}` : '';
    blocks.push(section(`${quote(truncate(e.text, 300), 300)}\n*${STATE_SHORT[e.status]}*${who} · ${escapeMrkdwn(o.router.destination(e.destination).label)} · ${slackDate(e.createdAt)}`));
  }
  if (o.waiting !== undefined) blocks.push({ type: 'divider' }, section(`*Superanvändarkö / Super-user queue:* ${o.waiting} väntar / waiting`));
  return { type: 'home', blocks: blocks.slice(0, 100) };
}
