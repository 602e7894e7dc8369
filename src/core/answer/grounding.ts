export interface GroundingCheck {
  ok: boolean;
  cited: string[];
  /** Why a reply was rejected; may quote the reply, so not for logs. */
  reason?: string;
  /** The rejection's kind, safe to log. */
  kind?: 'no-citation' | 'foreign-citation' | 'foreign-link';
}

const CITATION = /\[([a-z0-9]+(?:-[a-z0-9]+)*)\](?!\()/g; // not the text of a Markdown link
const LINK = /\]\(([^)\s]+)\)|https?:\/\/[^\s)>\]]+/g;

/**
 * A model's reply is used only when every citation names an article it was given and every link
 * points into the knowledge base; otherwise the caller falls back to the verbatim extract.
 */
export function checkGrounding(reply: string, retrievedIds: ReadonlySet<string>, kbIds: ReadonlySet<string>): GroundingCheck {
  const cited = [...new Set([...reply.matchAll(CITATION)].map((m) => m[1]!))];
  if (cited.length === 0) return { ok: false, cited, reason: 'no citation', kind: 'no-citation' };
  const foreign = cited.filter((id) => !retrievedIds.has(id));
  if (foreign.length) return { ok: false, cited, reason: `cites articles it was not given: ${foreign.join(', ')}`, kind: 'foreign-citation' };
  for (const m of reply.matchAll(LINK)) {
    const target = m[1] ?? m[0];
    const kb = /^\/kb\/([a-z0-9-]+)$/.exec(target);
    if (!kb || !kbIds.has(kb[1]!)) return { ok: false, cited, reason: 'links outside the knowledge base', kind: 'foreign-link' };
  }
  return { ok: true, cited };
}
