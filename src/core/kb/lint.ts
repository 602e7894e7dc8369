import { basename } from 'node:path';
import { marked } from 'marked';
import { isGlossary } from './glossary.ts';
import { loadKnowledgeBase, type KbProblem } from './load.ts';

export interface LintReport {
  dir: string;
  articles: number;
  /** Errors: the file is not served. */
  problems: KbProblem[];
  /** Served, but someone should look. */
  warnings: KbProblem[];
}

export async function lintKnowledgeBase(dir: string, today = new Date().toISOString().slice(0, 10)): Promise<LintReport> {
  const kb = await loadKnowledgeBase(dir);
  const warnings: KbProblem[] = [];
  for (const a of kb.articles) {
    if (basename(a.file, '.md') !== a.id) warnings.push({ file: a.file, reason: `id "${a.id}" differs from the file name` });
    if (a.reviewBy && a.reviewBy < today) warnings.push({ file: a.file, reason: `review_by ${a.reviewBy} has passed` });
    const hasSteps = marked.lexer(a.body).some((t) => t.type === 'list' && t.ordered);
    if (!hasSteps && a.status === 'published' && !isGlossary(a)) {
      warnings.push({ file: a.file, reason: 'no numbered steps; answers will quote the first paragraph only' });
    }
  }
  return { dir, articles: kb.articles.length, problems: kb.problems, warnings };
}
