import type { Evidence, Hit } from '../retrieval/lexical-index.ts';

/** Runner-up score, as a share of the best, above which the best answer starts to lose confidence. */
const CLEAR_LEAD = 0.7;

/**
 * How sure Lotsen is that the best article answers the question (0..1). It needs both: the
 * article accounts for the question's distinctive words (rare words weigh most, words the knowledge
 * base never uses count against it), ideally in its title or aliases; and it clearly beats the
 * next article in the same language (a translation of the same article is no competitor).
 */
export function confidenceOf(evidence: Evidence | undefined, best: Hit | undefined, runnerUp: Hit | undefined): number {
  if (!evidence || !best) return 0;
  const match = evidence.coverage * (0.5 + 0.5 * evidence.headCoverage);
  const ratio = runnerUp && best.score > 0 ? runnerUp.score / best.score : 0;
  const lead = ratio <= CLEAR_LEAD ? 1 : Math.max(0, (1 - ratio) / (1 - CLEAR_LEAD));
  return Math.round(match * lead * 1000) / 1000;
}
