import { askWithin, jsonIn, type ModelCall } from '../model-call.ts';

/** A group a model may put a report in. */
export interface GroupingCandidate {
  id: string;
  label: string;
  examples: readonly string[];
}

const MAX_REPORT = 2000;
const MAX_EXAMPLE = 400;

/** The user message: the report, then the numbered candidates with their examples. */
export function groupingPrompt(text: string, candidates: readonly GroupingCandidate[]): string {
  const list = candidates.map((c, i) => {
    const examples = c.examples.map((e) => `   - ${JSON.stringify(e.slice(0, MAX_EXAMPLE))}`).join('\n');
    return `${i + 1}. ${c.label}\n${examples}`;
  });
  return `New report:\n${JSON.stringify(text.slice(0, MAX_REPORT))}\n\nFailures already reported:\n${list.join('\n')}`;
}

/** The model's pick: a candidate's index, -1 for none of them, undefined when the answer is not usable. */
export function parseGrouping(raw: string, candidates: number): number | undefined {
  const n = jsonIn(raw)?.failure;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > candidates) return undefined;
  return n - 1;
}

/**
 * Grouping by a language model, when one is configured: the lexical index shortlists the groups a report
 * may be about, and the model, which reads what the lexicon does not know (other words for the same
 * fault, sarcasm, the other language), says which one it is or that it is a new failure. When the model
 * fails, is slow or answers out of turn, the index decides alone.
 */
export class ModelGrouping {
  private readonly call: ModelCall;

  constructor(call: ModelCall) {
    this.call = call;
  }

  /** The id of the candidate the report is about, null for a new failure, undefined for no decision. */
  async choose(text: string, candidates: readonly GroupingCandidate[]): Promise<string | null | undefined> {
    if (!candidates.length) return null;
    const raw = await askWithin(this.call, groupingPrompt(text, candidates), 'grouping');
    if (raw === undefined) return undefined;
    const picked = parseGrouping(raw, candidates.length);
    if (picked === undefined) {
      this.call.log.warn({ reason: 'unreadable' }, 'model grouping unreadable; lexical grouping used');
      return undefined;
    }
    return picked < 0 ? null : candidates[picked]!.id;
  }
}
