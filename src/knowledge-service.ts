import { statSync, watch, type FSWatcher } from 'node:fs';
import type { Article } from './core/kb/article.ts';
import { loadKnowledgeBase, type KbProblem } from './core/kb/load.ts';
import type { Embedder, Logger } from './core/ports.ts';
import { Retriever } from './core/retrieval/retriever.ts';

/** The knowledge base cannot be used at all (missing folder, no valid article) when starting. */
export class KnowledgeBaseError extends Error {
  override name = 'KnowledgeBaseError';
}

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
  private folderCheck: NodeJS.Timeout | undefined;
  private folderId: number | undefined;
  private reloading: Promise<void> | undefined;
  private reloadAgain = false;
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
    if (!previous && articles.length === 0) {
      throw new KnowledgeBaseError(`knowledge base ${this.dir}: ${kb.problems.map((p) => p.reason).join('; ') || 'no articles'}`);
    }
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

  /**
   * Reloads shortly after the last change in the folder. Changes during a reload lead to exactly
   * one more. A folder replaced as a whole (a deploy that swaps it) is noticed and watched anew.
   */
  watch(onReload?: (state: KnowledgeState) => void): void {
    const schedule = () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.reload(onReload), 150);
    };
    const start = () => {
      this.watcher?.close();
      this.folderId = this.currentFolderId();
      try {
        this.watcher = watch(this.dir, { recursive: true }, schedule);
        this.watcher.on('error', (err) => this.log.warn({ err: err.message }, 'knowledge base watcher failed; checking the folder again shortly'));
      } catch (err) {
        this.log.warn({ err: String(err) }, 'cannot watch the knowledge base folder yet');
      }
    };
    start();
    this.folderCheck = setInterval(() => {
      if (this.currentFolderId() !== this.folderId) {
        start();
        schedule();
      }
    }, 2000);
    this.folderCheck.unref();
  }

  private currentFolderId(): number | undefined {
    try {
      return statSync(this.dir).ino;
    } catch {
      return undefined;
    }
  }

  private async reload(onReload?: (state: KnowledgeState) => void): Promise<void> {
    if (this.reloading) {
      this.reloadAgain = true;
      return;
    }
    this.reloading = (async () => {
      do {
        this.reloadAgain = false;
        try {
          onReload?.(await this.load());
        } catch (err) {
          this.log.error({ err: String(err) }, 'knowledge base reload failed; keeping the previous index');
        }
      } while (this.reloadAgain);
    })();
    await this.reloading;
    this.reloading = undefined;
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.folderCheck);
    this.watcher?.close();
  }
}
