import { TriageModel } from './model.ts';
import { extractProfile } from '../tally/profile.ts';
import { conceptOf } from '../tally/lexicon.ts';
import { isBlocking, isHypothetical, normalizeMessage, ruleTriage, safetyKind, signalsOf, type Intent, type Triage } from './triage.ts';

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
  const chosen: Triage = best === rules.intent || p[best] < OVERRIDE_PROBABILITY ? rules : best === 'failure' ? { intent: 'failure', severity: isBlocking(folded) ? 'S2' : 'S3' } : { intent: best, severity: 'S4' };
  if (chosen.intent !== 'failure' && describesFault(text, folded)) return { intent: 'failure', severity: isBlocking(folded) ? 'S2' : 'S3' };
  return chosen;
}

/**
 * A statement (no question, no how-to) that names a thing in the record or on the unit and a
 * concrete way it broke ("id-banden kommer ut helt vita från skrivaren"), in the failure tally's
 * words: the rules know fewer ways of saying that something broke than the tally does.
 */
function describesFault(text: string, folded: string): boolean {
  const signals = signalsOf(folded);
  if (signals.includes('question') || signals.includes('how-to')) return false;
  const concepts = extractProfile(text).concepts.map((key) => conceptOf(key)).filter((c) => c !== undefined);
  const symptom = concepts.some((c) => c.facet === 'symptom' && !c.weak);
  const thing = concepts.some((c) => (c.facet === 'module' || c.facet === 'device' || c.facet === 'object') && !c.incidental);
  return symptom && thing;
}
