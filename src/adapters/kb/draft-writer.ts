import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import matter from 'gray-matter';
import { parseArticle } from '../../core/kb/article.ts';
import { redact } from '../../core/privacy/redact.ts';
import type { Escalation } from '../../core/store/store.ts';

export interface Draft {
  id: string;
  title: string;
  lang: string;
  owner?: string;
  source?: string;
  body: string;
  file: string;
}

/**
 * Knowledge-base drafts from good super-user answers: Markdown files with `status: draft` in the
 * knowledge base's drafts folder, so they pass `kb lint`, are reviewed like any article and are
 * never served until a super-user publishes them.
 */
export class DraftWriter {
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = dir;
  }

  save(e: Escalation): Draft {
    if (!e.answer) throw new Error('only an answered question can become a draft');
    // Both texts were redacted on the way in; once more, as this one may be published to everyone.
    const question = redact(e.text).text.replace(/\s+/g, ' ').trim();
    const answer = redact(e.answer.text).text.trim();
    const id = `svar-${e.id.toLowerCase()}`;
    const title = question.length > 90 ? `${question.slice(0, 87).trimEnd()}…` : question;
    const heading = e.lang === 'sv' ? 'Fråga' : 'Question';
    const body = `## ${heading}\n\n> ${question}\n\n${answer}\n`;
    const data = { id, title, lang: e.lang, status: 'draft', owner: e.destination ?? 'superusers', source: e.id, tags: e.topic ? [e.topic] : [] };
    const text = matter.stringify(body, data);
    const checked = parseArticle(`${id}.md`, text);
    if (!checked.ok) throw new Error(`the draft would not pass lint: ${checked.reason}`);
    mkdirSync(this.dir, { recursive: true });
    const file = join(this.dir, `${id}.md`);
    this.write(file, text);
    return { id, title, lang: e.lang, owner: data.owner, source: e.id, body, file };
  }

  list(): Draft[] {
    let names: string[];
    try {
      names = readdirSync(this.dir).filter((f) => f.endsWith('.md'));
    } catch {
      return [];
    }
    return names.flatMap((name) => {
      const file = join(this.dir, name);
      const parsed = matter(readFileSync(file, 'utf8'), {});
      if (parsed.data.status !== 'draft') return [];
      return [{ id: String(parsed.data.id), title: String(parsed.data.title), lang: String(parsed.data.lang), owner: parsed.data.owner, source: parsed.data.source, body: parsed.content, file }];
    });
  }

  /** Publishes a draft (status published, verified today); undefined when there is no such draft. */
  publish(id: string, now: Date): Draft | undefined {
    const draft = this.list().find((d) => d.id === id);
    if (!draft) return undefined;
    const parsed = matter(readFileSync(draft.file, 'utf8'), {});
    const text = matter.stringify(parsed.content, { ...parsed.data, status: 'published', verified: now.toISOString().slice(0, 10) });
    this.write(draft.file, text);
    return draft;
  }

  /** Write and rename, so the knowledge-base watcher never reads half a file. */
  private write(file: string, text: string): void {
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
  }
}
