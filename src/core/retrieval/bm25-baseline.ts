import MiniSearch from 'minisearch';
import type { Article } from '../kb/article.ts';

/**
 * Plain BM25 over title and text: lower-cased words, no stemming, folding, compounds, fuzziness
 * or boosts. `lotsen eval` reports it beside the real method so every gain is measured in one run.
 */
export class Bm25Baseline {
  private readonly index = new MiniSearch<{ id: string; text: string }>({ fields: ['text'] });

  constructor(articles: readonly Article[]) {
    this.index.addAll(articles.filter((a) => a.status === 'published').map((a) => ({ id: a.id, text: `${a.title}\n${a.body}` })));
  }

  rank(question: string, limit = 5): string[] {
    return this.index.search(question).slice(0, limit).map((r) => String(r.id));
  }
}
