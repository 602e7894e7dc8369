import type { Article } from './article.ts';
import { indexTerms } from '../retrieval/analyzer.ts';

interface Signature {
  terms: Set<string>;
  labels: Set<string>;
}

const SAME_TASK = 0.3;

function jaccard(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  let shared = 0;
  for (const v of x) if (y.has(v)) shared++;
  const union = x.size + y.size - shared;
  return union ? shared / union : 0;
}

/**
 * Tells whether two articles describe the same task in two languages. Front matter has no link
 * between translations, but they name the same Millennium screen labels (in bold) and share the
 * English words of the screens, which articles on different tasks rarely do.
 */
export class TranslationFinder {
  private readonly signatures = new Map<string, Signature>();

  private signature(a: Article): Signature {
    let s = this.signatures.get(a.id);
    if (!s) {
      s = {
        terms: new Set(indexTerms(`${a.title} ${a.aliases.join(' ')} ${a.body}`)),
        labels: new Set((a.body.match(/\*\*([^*]+)\*\*/g) ?? []).map((l) => l.toLowerCase())),
      };
      this.signatures.set(a.id, s);
    }
    return s;
  }

  areTranslations(a: Article | undefined, b: Article | undefined): boolean {
    if (!a || !b || a.lang === b.lang) return false;
    const x = this.signature(a);
    const y = this.signature(b);
    return jaccard(x.terms, y.terms) + 0.5 * jaccard(x.labels, y.labels) >= SAME_TASK;
  }
}
