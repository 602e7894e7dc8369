import type { Hit } from './lexical-index.ts';

const RRF_K = 60;

/** Reciprocal rank fusion: rankings agree by position, not by their incomparable scores. */
export function reciprocalRankFusion(rankings: readonly (readonly Hit[])[]): Hit[] {
  const fused = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((hit, rank) => fused.set(hit.id, (fused.get(hit.id) ?? 0) + 1 / (RRF_K + rank + 1)));
  }
  return [...fused].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

export function cosine(a: readonly number[], b: readonly number[]): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
