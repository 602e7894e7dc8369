import { marked, type Tokens } from 'marked';
import type { Article } from './article.ts';

/** One row of a glossary: Swedish work words and the Millennium screen labels they mean. */
export interface GlossaryEntry {
  words: string[];
  labels: string[];
}

const GLOSSARY_MARK = /glossary|ordlist/i;

export function isGlossary(article: Article): boolean {
  return GLOSSARY_MARK.test(article.id) || article.tags.some((t) => GLOSSARY_MARK.test(t));
}

function cellTerms(cell: string): string[] {
  return cell
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[*_`]/g, '')
    .split(/\s*[/,;]\s*|\s+(?:eller|or)\s+/)
    .map((t) => t.trim())
    .filter((t) => t.length > 1);
}

/**
 * Reads the two first columns of every table in the glossary articles:
 * Swedish words on the left, Millennium's labels on the right. Any folder of articles may
 * have such a table, so this reads tables rather than one file of ours.
 */
export function extractGlossary(articles: readonly Article[]): GlossaryEntry[] {
  const entries: GlossaryEntry[] = [];
  for (const article of articles) {
    if (!isGlossary(article)) continue;
    for (const token of marked.lexer(article.body)) {
      if (token.type !== 'table') continue;
      for (const row of (token as Tokens.Table).rows) {
        const words = cellTerms(row[0]?.text ?? '');
        const labels = cellTerms(row[1]?.text ?? '');
        if (words.length && labels.length) entries.push({ words, labels });
      }
    }
  }
  return entries;
}
