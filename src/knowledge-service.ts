import { watch, type FSWatcher } from 'node:fs';
import type { Article } from './core/kb/article.ts';
import { loadKnowledgeBase, type KbProblem } from './core/kb/load.ts';
import type { Embedder, Logger } from './core/ports.ts';
import { Retriever } from './core/retrieval/retriever.ts';

export interface KnowledgeState {
  retriever: Retriever;
  /** Every loaded article by id, drafts included, for the article pages. */
  articles: ReadonlyMap<string, Article>;
  problems: KbProblem[];
}

/**
 * Holds the current index and rebuilds it when the folder changes. A file that breaks keeps its
 * last good version in the index, and a folder that yields nothing keeps the old index whole:
 * a bad edit never takes answers away from staff.
 */
export class KnowledgeService {
  private current: KnowledgeState | undefined;
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private readonly dir: string;
  private readonly log: Logger;
  private readonly embedder: Embedder | undefined;

  constructor(dir: string, log: Logger, embedder?: Embedder) {
    this.dir = dir;
    this.log = log;
    this.embedder = embedder;
  }

  get state(): KnowledgeState {
    if (!this.current) throw new Error('knowledge base not loaded yet');
    return this.current;
  }

  async load(): Promise<KnowledgeState> {
    const kb = await loadKnowledgeBase(this.dir);
    const previous = this.current;
    const articles = [...kb.articles];
    if (previous) {
      const ids = new Set(articles.map((a) => a.id));
      const brokenFiles = new Set(kb.problems.map((p) => p.file));
      for (const old of previous.articles.values()) {
        if (brokenFiles.has(old.file) && !ids.has(old.id)) articles.push(old);
      }
    }
    for (const p of kb.problems) this.log.warn({ file: p.file, reason: p.reason }, 'knowledge base problem');
    if (previous && articles.length === 0) {
      this.log.error({ dir: this.dir }, 'knowledge base reload found no valid articles; keeping the previous index');
      this.current = { ...previous, problems: kb.problems };
      return this.current;
    }
    const retriever = await Retriever.create(articles, { embedder: this.embedder, log: this.log });
    this.current = { retriever, articles: new Map(articles.map((a) => [a.id, a])), problems: kb.problems };
    this.log.info({ articles: articles.length, published: retriever.articles.size, problems: kb.problems.length }, 'knowledge base loaded');
    return this.current;
  }

  /** Reloads shortly after the last change in the folder; changes during a reload queue one more. */
  watch(onReload?: (state: KnowledgeState) => void): void {
    this.watcher = watch(this.dir, { recursive: true }, () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => {
        this.reloading = this.reloading
          .then(() => this.load())
          .then((state) => onReload?.(state))
          .catch((err) => this.log.error({ err: String(err) }, 'knowledge base reload failed; keeping the previous index'));
      }, 150);
    });
  }

  close(): void {
    clearTimeout(this.timer);
    this.watcher?.close();
  }
}
