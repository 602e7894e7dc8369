import { TriageModel } from './model.ts';
import { isBlocking, isHypothetical, normalizeMessage, ruleTriage, safetyKind, type Intent, type Triage } from './triage.ts';

// Below this the model alone does not make a message S1; rules still can.
const SAFETY_PROBABILITY = 0.35;
// The model overrides the rules on the other intents only when it is this sure.
const OVERRIDE_PROBABILITY = 0.7;

let model: TriageModel | undefined;
const trained = () => (model ??= TriageModel.fromFile(new URL('./training.jsonl', import.meta.url)));

/**
 * Intent and severity of one message (already redacted): the rules first, then a model trained on
 * labelled staff messages for what the rules miss. Safety wins whenever either is fairly sure.
 */
export function triage(text: string): Triage {
  const folded = normalizeMessage(text);
  const rules = ruleTriage(folded);
  if (rules.intent === 'safety') return rules;
  const p = trained().probabilities(text);
  if (p.safety >= SAFETY_PROBABILITY && !isHypothetical(folded)) return { intent: 'safety', severity: 'S1', safety: safetyKind(folded) ?? 'harm' };
  const others: Intent[] = ['question', 'failure', 'other'];
  const best = others.reduce((a, b) => (p[b] > p[a] ? b : a));
  if (best === rules.intent || p[best] < OVERRIDE_PROBABILITY) return rules;
  if (best === 'failure') return { intent: 'failure', severity: isBlocking(folded) ? 'S2' : 'S3' };
  return { intent: best, severity: 'S4' };
}
