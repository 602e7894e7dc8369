import { askWithin, jsonIn, type ModelCall } from '../model-call.ts';
import type { Intent, Severity, Triage } from './triage.ts';
import { safetyKind, normalizeMessage } from './triage.ts';

const INTENTS = new Set<Intent>(['question', 'failure', 'safety', 'other']);
const SEVERITY: Record<Intent, Severity[]> = { safety: ['S1'], failure: ['S2', 'S3'], question: ['S4'], other: ['S4'] };

/** The model's answer, when it is the JSON asked for and consistent (safety ⇔ S1, failure S2/S3). */
export function parseTriage(raw: string): Pick<Triage, 'intent' | 'severity'> | undefined {
  const v = jsonIn(raw);
  const intent = v?.intent as Intent;
  if (!INTENTS.has(intent)) return undefined;
  const allowed = SEVERITY[intent];
  const severity = allowed.includes(v!.severity as Severity) ? (v!.severity as Severity) : allowed[allowed.length - 1]!;
  return { intent, severity };
}

/**
 * Triage by a language model, when one is configured, on top of the lexical triage: the model reads
 * what the rules cannot (sarcasm, failures phrased as questions, new words), but it can only add
 * safety, never take it away, and when it fails or is slow the lexical answer stands.
 */
export class ModelTriage {
  private readonly call: ModelCall;

  constructor(call: ModelCall) {
    this.call = call;
  }

  async classify(text: string, lexical: Triage): Promise<Triage> {
    if (lexical.intent === 'safety') return lexical;
    const raw = await askWithin(this.call, text.slice(0, 4000), 'triage');
    if (raw === undefined) return lexical;
    const answer = parseTriage(raw);
    if (!answer) {
      this.call.log.warn({ reason: 'unreadable' }, 'model triage unreadable; lexical triage used');
      return lexical;
    }
    if (answer.intent === 'safety') return { intent: 'safety', severity: 'S1', safety: safetyKind(normalizeMessage(text)) ?? 'harm' };
    return answer;
  }
}
