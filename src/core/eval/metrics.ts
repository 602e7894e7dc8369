export interface CaseOutcome {
  expected: string[];
  ranked: string[];
  outcome: 'answered' | 'escalated';
}

export interface RankingMetrics {
  hit_at_1: number;
  hit_at_3: number;
  mrr: number;
}

export interface EvalMetrics extends RankingMetrics {
  cases: number;
  answerable: number;
  unanswerable: number;
  /** Answerable questions answered with a right article first, over answerable questions. */
  answered_right_rate: number;
  /** Questions answered with a wrong article (or answered at all when nothing fits), over all questions. */
  wrong_answer_rate: number;
  /** Unanswerable questions escalated, over unanswerable questions. */
  abstain_recall: number;
  /** Share of all questions answered. */
  answered_rate: number;
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const ratio = (n: number, d: number) => (d === 0 ? 0 : round(n / d));

export function rankingMetrics(cases: readonly { expected: string[]; ranked: string[] }[]): RankingMetrics {
  const answerable = cases.filter((c) => c.expected.length > 0);
  let h1 = 0;
  let h3 = 0;
  let rr = 0;
  for (const c of answerable) {
    const rank = c.ranked.findIndex((id) => c.expected.includes(id));
    if (rank === 0) h1++;
    if (rank >= 0 && rank < 3) h3++;
    if (rank >= 0) rr += 1 / (rank + 1);
  }
  return { hit_at_1: ratio(h1, answerable.length), hit_at_3: ratio(h3, answerable.length), mrr: ratio(rr, answerable.length) };
}

export function evalMetrics(cases: readonly CaseOutcome[]): EvalMetrics {
  const answerable = cases.filter((c) => c.expected.length > 0);
  const unanswerable = cases.filter((c) => c.expected.length === 0);
  const right = answerable.filter((c) => c.outcome === 'answered' && c.expected.includes(c.ranked[0] ?? '')).length;
  const wrong = cases.filter((c) => c.outcome === 'answered' && !c.expected.includes(c.ranked[0] ?? '')).length;
  const abstained = unanswerable.filter((c) => c.outcome === 'escalated').length;
  return {
    cases: cases.length,
    answerable: answerable.length,
    unanswerable: unanswerable.length,
    ...rankingMetrics(cases),
    answered_right_rate: ratio(right, answerable.length),
    wrong_answer_rate: ratio(wrong, cases.length),
    abstain_recall: ratio(abstained, unanswerable.length),
    answered_rate: ratio(cases.filter((c) => c.outcome === 'answered').length, cases.length),
  };
}
