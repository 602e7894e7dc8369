/**
 * Teams text in both directions: what staff type (mentions as <at>…</at>, HTML from the compose box,
 * entities) becomes plain text before redaction and retrieval; the core's Markdown answers become the
 * Markdown subset Adaptive Card TextBlocks render (bold, italic, lists, links).
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Plain text of a Teams message: mentions removed (the bot's and colleagues' names are not part of the question). */
export function normalizeInbound(text: string): string {
  return (
    text
      .replace(/<at[^>]*>[\s\S]*?<\/at>/gi, ' ')
      // Line breaks and paragraphs from the rich-text box keep their meaning; other tags go.
      .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, name: string) => {
        if (name[0] === '#') {
          const code = name[1]?.toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
          return Number.isFinite(code) && code > 0 && code < 0x110000 ? String.fromCodePoint(code) : ' ';
        }
        return ENTITIES[name.toLowerCase()] ?? m;
      })
      .replace(/[ \t\u00a0]+/g, ' ')
      .replace(/ *\n */g, '\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()
  );
}

export const absolute = (url: string, publicUrl: string) => (/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${publicUrl}${url.startsWith('/') ? '' : '/'}${url}`);

/** A Markdown link that Teams renders; brackets in the label and spaces in the URL would end it early. */
export const cardLink = (url: string, label: string, publicUrl: string) => `[${label.replace(/[[\]]/g, '')}](${absolute(url, publicUrl).replace(/[\s()]/g, encodeURIComponent)})`;

/**
 * Markdown (as the answerer writes it) to what a TextBlock renders: headings become bold lines,
 * bullets "- ", relative links absolute, code marks dropped (TextBlocks show them literally).
 */
export function toCardMarkdown(markdown: string, publicUrl: string): string {
  const held: string[] = [];
  const hold = (s: string) => `\u0000${held.push(s) - 1}\u0000`;
  let s = markdown.replace(/\r\n?/g, '\n');
  s = s.replace(/```[a-z]*\n?([\s\S]*?)```/g, (_m, code: string) => hold(code.trim()));
  s = s.replace(/`([^`\n]+)`/g, (_m, code: string) => hold(code));
  s = s.replace(/!?\[([^\]\n]*)\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, (_m, label: string, url: string) => hold(cardLink(url, label || url, publicUrl)));
  s = s.replace(/<(https?:\/\/[^>\s]+)>/g, (_m, url: string) => hold(cardLink(url, url, publicUrl)));
  s = s.replace(/^#{1,6}\s+(.+?)\s*#*$/gm, (_m, title: string) => `**${title.replace(/\*\*/g, '')}**`);
  s = s.replace(/^(\s*)[*+]\s+/gm, '$1- ');
  s = s.replace(/__([^_\n]+?)__/g, '**$1**');
  s = s.replace(/~~([^~\n]+?)~~/g, '$1');
  for (let i = 0; i < 2; i++) s = s.replace(/\u0000(\d+)\u0000/g, (_m, n: string) => held[Number(n)]!);
  return s;
}

/** Paragraphs (one TextBlock each): Teams keeps line breaks inside a block but not blank lines between. */
export function paragraphs(text: string, max = 20): string[] {
  const parts = text.split(/\n{2,}/).map((p) => p.trim()).filter(Boolean);
  if (parts.length <= max) return parts;
  return [...parts.slice(0, max - 1), parts.slice(max - 1).join('\n')];
}

export const truncate = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
