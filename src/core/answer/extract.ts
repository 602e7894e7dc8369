import { marked, type Token, type Tokens } from 'marked';
import type { Article } from '../kb/article.ts';
import { contentWords } from '../retrieval/analyzer.ts';
import { stem } from '../text/stem.ts';

export interface Extract {
  /** The article's opening paragraph, verbatim. */
  intro: string;
  /** The best-matching numbered list of steps, verbatim Markdown. */
  steps: string;
}

function overlap(text: string, questionStems: ReadonlySet<string>): number {
  let n = 0;
  for (const w of contentWords(text)) if (questionStems.has(stem(w))) n++;
  return n;
}

/**
 * The relevant steps of an article, word for word: its first paragraph and the numbered list
 * (of possibly several) that shares most words with the question. Nothing is paraphrased, so
 * nothing can be invented.
 */
export function extractSteps(article: Article, question: string): Extract {
  const tokens = marked.lexer(article.body);
  const questionStems = new Set(contentWords(question).map(stem));
  let intro = '';
  const lists: { raw: string; score: number; index: number }[] = [];
  let sectionHeading = '';
  tokens.forEach((token: Token, index) => {
    if (token.type === 'heading') sectionHeading = (token as Tokens.Heading).text;
    if (!intro && token.type === 'paragraph' && lists.length === 0) intro = token.raw.trim();
    if (token.type === 'list' && (token as Tokens.List).ordered) {
      lists.push({ raw: token.raw.trim(), score: overlap(`${sectionHeading} ${token.raw}`, questionStems), index });
    }
  });
  lists.sort((a, b) => b.score - a.score || a.index - b.index);
  let steps = lists[0]?.raw ?? '';
  if (!steps) {
    // No numbered list: the first bullet list or paragraph after the intro stands in for steps.
    const fallback = tokens.find((t) => (t.type === 'list' || t.type === 'paragraph') && t.raw.trim() !== intro);
    steps = fallback?.raw.trim() ?? '';
  }
  return { intro, steps };
}
