/**
 * Slack's markup in both directions: what staff type (mentions, links, channel references, emoji,
 * HTML entities) becomes plain text before redaction and retrieval; the core's Markdown answers
 * become Slack mrkdwn.
 */

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Plain text of a Slack message: what retrieval and redaction should see. */
export function normalizeInbound(text: string): string {
  return (
    text
      // <@U123> and <@U123|name>: addressing the bot (or a colleague) is not part of the question.
      .replace(/<@[UW][A-Z0-9]+(?:\|[^>]*)?>/g, ' ')
      // <!here>, <!channel>, <!subteam^S1|@group>: the label if any, else nothing.
      .replace(/<!subteam\^[A-Z0-9]+\|([^>]*)>/g, '$1')
      .replace(/<![^>]*>/g, ' ')
      // <#C1|name> → #name; a bare <#C1> says nothing readable.
      .replace(/<#[CG][A-Z0-9]+\|([^>]*)>/g, '#$1')
      .replace(/<#[CG][A-Z0-9]+>/g, ' ')
      // <http://x|label> → label; <http://x> → http://x; <mailto:a@b|a@b> → a@b.
      .replace(/<((?:https?|mailto|tel):[^|>]+)\|([^>]*)>/g, '$2')
      .replace(/<((?:https?|mailto|tel):[^|>]+)>/g, '$1')
      // :emoji:, :+1: and :skin-tone-2: (a letter or a plus, so 10:30:45 and 08:00-16:00 stay times).
      .replace(/:(?=[a-z0-9_+'-]*[a-z+])[a-z0-9_+'-]+:|:-1:/g, ' ')
      .replace(/&(?:amp|lt|gt);/g, (m) => ENTITIES[m]!)
      .replace(/[ \t]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .trim()
  );
}

/** The three characters Slack wants escaped in text. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const absolute = (url: string, publicUrl: string) => (/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${publicUrl}${url.startsWith('/') ? '' : '/'}${url}`);

/** A link in mrkdwn; the label may not contain the characters that end it. */
export const mrkdwnLink = (url: string, label: string, publicUrl: string) => `<${absolute(url, publicUrl).replace(/[|>\s]/g, encodeURIComponent)}|${escapeMrkdwn(label).replace(/[|]/g, '¦')}>`;

/**
 * Markdown (as the answerer writes it) to Slack mrkdwn: **bold** → *bold*, *italic* → _italic_,
 * [title](url) → <url|title> with relative links made absolute, headings bold, bullets •.
 * Code spans are kept as they are.
 */
export function toMrkdwn(markdown: string, publicUrl: string): string {
  const held: string[] = [];
  const hold = (s: string) => `\u0000${held.push(s) - 1}\u0000`;
  let s = markdown.replace(/\r\n?/g, '\n');
  // Code first, so nothing inside it is touched.
  s = s.replace(/```[\s\S]*?```|`[^`\n]+`/g, (m) => hold(escapeMrkdwn(m)));
  // Links before escaping (their URLs must stay intact), then everything else is escaped.
  s = s.replace(/!?\[([^\]\n]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) => hold(mrkdwnLink(url, label || url, publicUrl)));
  s = s.replace(/<(https?:\/\/[^>\s]+)>/g, (_m, url: string) => hold(mrkdwnLink(url, url, publicUrl)));
  s = escapeMrkdwn(s);
  // Quotes keep their marker, which Slack reads unescaped at the start of a line.
  s = s.replace(/^&gt; ?/gm, '> ');
  s = s.replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, title: string) => hold(`*${title.replace(/\*\*/g, '')}*`));
  s = s.replace(/^(\s*)[-*+]\s+/gm, '$1• ');
  s = s.replace(/\*\*([^*\n]+?)\*\*|__([^_\n]+?)__/g, (_m, a: string | undefined, b: string | undefined) => hold(`*${a ?? b}*`));
  s = s.replace(/(^|[^*\w])\*([^*\n]+?)\*(?![*\w])/g, (_m, pre: string, inner: string) => `${pre}_${inner}_`);
  s = s.replace(/~~([^~\n]+?)~~/g, '~$1~');
  return s.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => held[Number(i)]!).replace(/\u0000(\d+)\u0000/g, (_m, i: string) => held[Number(i)]!);
}

/** Splits text into pieces of at most `max` characters at line breaks where possible (Block Kit sections hold 3,000). */
export function chunk(text: string, max = 2900): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^\n+/, '');
  }
  if (rest) out.push(rest);
  return out;
}
