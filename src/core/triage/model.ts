import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { tokenize } from '../text/normalize.ts';
import { stem } from '../text/stem.ts';
import { normalizeMessage, signalsOf, type Intent } from './triage.ts';

export const INTENTS: readonly Intent[] = ['question', 'failure', 'safety', 'other'];

const example = z.object({ text: z.string(), intent: z.enum(['question', 'failure', 'safety', 'other']) });

/** Stems, stem pairs and the rule signals: words carry topic, signals carry structure (negation, framing). */
export function features(text: string): string[] {
  const folded = normalizeMessage(text);
  const stems = tokenize(folded).map((t) => stem(t));
  const out = stems.map((s) => `w:${s}`);
  for (let i = 1; i < stems.length; i++) out.push(`b:${stems[i - 1]}_${stems[i]}`);
  for (const s of signalsOf(folded)) out.push(`s:${s}`);
  out.push('bias');
  return out;
}

/**
 * Multinomial logistic regression over sparse binary features, trained with AdaGrad and L2 at first
 * use (a few hundred examples train in well under a second). Small enough to read, with nothing to
 * download.
 */
export class TriageModel {
  private readonly index = new Map<string, number>();
  private weights: Float64Array[] = [];

  static fromExamples(examples: { text: string; intent: Intent }[], epochs = 40, rate = 0.3, l2 = 1e-4): TriageModel {
    const model = new TriageModel();
    const rows = examples.map((e) => ({ x: model.encode(features(e.text), true), y: INTENTS.indexOf(e.intent) }));
    const size = model.index.size;
    model.weights = INTENTS.map(() => new Float64Array(size));
    const squared = INTENTS.map(() => new Float64Array(size).fill(1e-8));
    // A fixed shuffle keeps training reproducible.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = rows.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [rows[i], rows[j]] = [rows[j]!, rows[i]!];
      }
      for (const { x, y } of rows) {
        const p = model.probabilitiesOf(x);
        for (let k = 0; k < INTENTS.length; k++) {
          const gradient = p[k]! - (k === y ? 1 : 0);
          const w = model.weights[k]!;
          const g2 = squared[k]!;
          for (const f of x) {
            const g = gradient + l2 * w[f]!;
            g2[f]! += g * g;
            w[f]! -= (rate * g) / Math.sqrt(g2[f]!);
          }
        }
      }
    }
    return model;
  }

  static fromFile(path: string | URL): TriageModel {
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.trim());
    return TriageModel.fromExamples(lines.map((l, i) => {
      const parsed = example.safeParse(JSON.parse(l));
      if (!parsed.success) throw new Error(`${String(path)} line ${i + 1}: not {"text","intent"}`);
      return parsed.data;
    }));
  }

  private encode(names: string[], grow: boolean): number[] {
    const ids = new Set<number>();
    for (const n of names) {
      let id = this.index.get(n);
      if (id === undefined && grow) this.index.set(n, (id = this.index.size));
      if (id !== undefined) ids.add(id);
    }
    return [...ids];
  }

  private probabilitiesOf(x: number[]): number[] {
    const scores = this.weights.map((w) => x.reduce((sum, f) => sum + w[f]!, 0));
    const max = Math.max(...scores);
    const exp = scores.map((s) => Math.exp(s - max));
    const total = exp.reduce((a, b) => a + b, 0);
    return exp.map((e) => e / total);
  }

  /** Probability of each intent, in INTENTS order. */
  probabilities(text: string): Record<Intent, number> {
    const p = this.probabilitiesOf(this.encode(features(text), false));
    return Object.fromEntries(INTENTS.map((intent, k) => [intent, p[k]!])) as Record<Intent, number>;
  }
}
