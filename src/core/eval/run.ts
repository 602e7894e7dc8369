import type { Answerer } from '../answer/answerer.ts';
import type { Article } from '../kb/article.ts';
import { Bm25Baseline } from '../retrieval/bm25-baseline.ts';
import type { Retriever } from '../retrieval/retriever.ts';
import type { EvalCase } from './cases.ts';
import { evalMetrics, rankingMetrics, type EvalMetrics, type RankingMetrics } from './metrics.ts';

export interface EvalReport {
  cases: { id: string | number; outcome: 'answered' | 'escalated'; ranked: string[]; confidence: number }[];
  metrics: EvalMetrics & { baseline: RankingMetrics & { method: string } };
}

/** Runs every case through the same path a user's question takes, and plain BM25 beside it. */
export async function runEval(answerer: Answerer, retriever: Retriever, articles: readonly Article[], cases: readonly EvalCase[]): Promise<EvalReport> {
  const baseline = new Bm25Baseline(articles);
  const results = [];
  const baselineRows = [];
  for (const c of cases) {
    const r = await answerer.ask(retriever, c.question);
    results.push({ id: c.id, outcome: r.outcome, ranked: r.ranked.slice(0, 5), confidence: r.confidence, expected: c.expected });
    baselineRows.push({ expected: c.expected, ranked: baseline.rank(c.question) });
  }
  return {
    cases: results.map(({ expected: _e, ...rest }) => rest),
    metrics: { ...evalMetrics(results), baseline: { method: 'plain BM25 (MiniSearch, no stemming, no boosts)', ...rankingMetrics(baselineRows) } },
  };
}
