import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { parseArticle, type Article } from './article.ts';

export interface KbProblem {
  file: string;
  reason: string;
}

export interface LoadedKb {
  dir: string;
  /** Every valid article, drafts and retired ones included; retrieval decides what to serve. */
  articles: Article[];
  problems: KbProblem[];
}

async function markdownFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.md') && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .filter((path) => !relative(dir, path).split(sep).some((part) => part.startsWith('.') || part === 'node_modules'))
    .filter((path) => !/^readme\.md$/i.test(relative(dir, path)))
    .sort();
}

/** Loads every Markdown article below `dir`. A bad file is reported and skipped; the rest still load. */
export async function loadKnowledgeBase(dir: string): Promise<LoadedKb> {
  let files: string[];
  try {
    files = await markdownFiles(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'folder not found' : code === 'ENOTDIR' ? 'not a folder' : `cannot read folder (${code ?? err})`;
    return { dir, articles: [], problems: [{ file: dir, reason }] };
  }
  const articles: Article[] = [];
  const problems: KbProblem[] = [];
  const seen = new Map<string, string>();
  for (const path of files) {
    const file = relative(dir, path);
    let source: string;
    try {
      // Synchronous reads of many small files are several times faster than one promise each.
      source = readFileSync(path, 'utf8');
    } catch (err) {
      problems.push({ file, reason: `cannot read file (${(err as NodeJS.ErrnoException).code ?? err})` });
      continue;
    }
    const result = parseArticle(file, source);
    if (!result.ok) {
      problems.push({ file, reason: result.reason });
      continue;
    }
    const first = seen.get(result.article.id);
    if (first) {
      problems.push({ file, reason: `id "${result.article.id}" is already used by ${first}` });
      continue;
    }
    seen.set(result.article.id, file);
    articles.push(result.article);
  }
  if (files.length === 0) problems.push({ file: dir, reason: 'no Markdown articles found' });
  return { dir, articles, problems };
}
