import type { Article, Lang } from '../kb/article.ts';
import { TranslationFinder } from '../kb/translations.ts';
import { confidenceOf } from '../answer/confidence.ts';
import type { Embedder, Logger } from '../ports.ts';
import { silentLogger } from '../ports.ts';
import { cosine, reciprocalRankFusion } from './fusion.ts';
import { LexicalIndex, type Hit, type LexicalResult } from './lexical-index.ts';

export interface Retrieval {
  /** Best first. */
  hits: Hit[];
  lang: Lang;
  confidence: number;
  lexical: LexicalResult;
  usedEmbeddings: boolean;
}

const CANDIDATES = 20;


/** Text an article is embedded by: what it is about, not every step. */
function embeddingText(a: Article): string {
  return [a.title, a.aliases.join('; '), a.tags.join(', '), a.body.slice(0, 1500)].join('\n');
}

/** Lexical retrieval, fused with embeddings when an embedding model is configured. */
export class Retriever {
  readonly articles: ReadonlyMap<string, Article>;
  readonly lexical: LexicalIndex;
  readonly translations = new TranslationFinder();
  private readonly vectors: Map<string, number[]>;
  private readonly embedder: Embedder | undefined;
  private readonly log: Logger;

  private constructor(articles: Map<string, Article>, vectors: Map<string, number[]>, embedder: Embedder | undefined, log: Logger) {
    this.articles = articles;
    this.lexical = new LexicalIndex([...articles.values()]);
    this.vectors = vectors;
    this.embedder = embedder;
    this.log = log;
  }

  /** Indexes the published articles. Embedding failures leave lexical retrieval working. */
  static async create(all: readonly Article[], options: { embedder?: Embedder; log?: Logger } = {}): Promise<Retriever> {
    const log = options.log ?? silentLogger;
    const published = new Map(all.filter((a) => a.status === 'published').map((a) => [a.id, a]));
    const vectors = new Map<string, number[]>();
    if (options.embedder) {
      try {
        const list = [...published.values()];
        for (let i = 0; i < list.length; i += 64) {
          const batch = list.slice(i, i + 64);
          const embedded = await options.embedder.embed(batch.map(embeddingText));
          batch.forEach((a, j) => {
            const v = embedded[j];
            if (v) vectors.set(a.id, v);
          });
        }
      } catch (err) {
        log.warn({ err: String(err) }, 'embedding the knowledge base failed; using lexical retrieval only');
        vectors.clear();
      }
    }
    return new Retriever(published, vectors, vectors.size ? options.embedder : undefined, log);
  }

  async retrieve(question: string, signal?: AbortSignal): Promise<Retrieval> {
    const lexical = this.lexical.query(question, CANDIDATES);
    let hits = lexical.hits;
    let usedEmbeddings = false;
    if (this.embedder) {
      try {
        const [q] = await this.embedder.embed([question], signal);
        if (q) {
          const semantic = [...this.vectors]
            .map(([id, v]) => ({ id, score: cosine(q, v) }))
            .sort((a, b) => b.score - a.score)
            .slice(0, CANDIDATES);
          hits = reciprocalRankFusion([lexical.hits, semantic]);
          usedEmbeddings = true;
        }
      } catch (err) {
        this.log.warn({ err: String(err) }, 'query embedding failed; using lexical ranking');
      }
    }
    const best = hits[0];
    const bestArticle = best ? this.articles.get(best.id) : undefined;
    const lexicalBest = best ? lexical.hits.find((h) => h.id === best.id) : undefined;
    // The same article in the other language is no competitor for confidence; anything else is.
    const runnerUp = lexical.hits.find((h) => h.id !== best?.id && !this.translations.areTranslations(bestArticle, this.articles.get(h.id)));
    const confidence = confidenceOf(best ? lexical.evidence.get(best.id) : undefined, lexicalBest, runnerUp);
    return { hits, lang: lexical.lang, confidence, lexical, usedEmbeddings };
  }
}
