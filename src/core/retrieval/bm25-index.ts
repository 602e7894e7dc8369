import SearchableMap from 'minisearch/SearchableMap';

export interface FieldSpec {
  name: string;
  boost: number;
  /** Whether a match here counts as a match in the article's head (title, aliases, tags). */
  head: boolean;
}

interface Postings {
  docs: Int32Array;
  /** Precomputed BM25+ contribution of the term to each document, summed over its fields. */
  impacts: Float32Array;
  /** 1 where the term occurs in a head field of the document. */
  head: Uint8Array;
}

const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;

/**
 * A static BM25+ index over typed arrays: every term's contribution to every document is worked
 * out once at build time, so a query is a few additions per posting and the index stays compact.
 * Fuzzy and prefix look-ups go through MiniSearch's radix tree of the vocabulary.
 */
export class Bm25Index {
  readonly ids: string[];
  private readonly postings = new Map<string, Postings>();
  readonly vocabulary = new SearchableMap<number>();
  private readonly accumulator: Float64Array;
  private readonly matchedTerms: Uint16Array;

  /**
   * `termsOf(i)[f]` lists the terms of document i's field f. It is called twice per document (once
   * for frequencies, once for impacts) so that no per-posting intermediate structure is ever held:
   * the build's peak memory stays close to the finished index.
   */
  constructor(ids: string[], fields: readonly FieldSpec[], termsOf: (doc: number) => string[][]) {
    this.ids = ids;
    const n = ids.length;
    this.accumulator = new Float64Array(n);
    this.matchedTerms = new Uint16Array(n);
    const lengths = fields.map(() => new Uint32Array(n));
    const fieldDf = fields.map(() => new Map<string, number>());
    const tf = new Map<string, number>();
    const seen = new Set<string>();
    const inDoc = new Set<string>();
    const docDf = new Map<string, number>();
    for (let d = 0; d < n; d++) {
      inDoc.clear();
      termsOf(d).forEach((terms, f) => {
        lengths[f]![d] = terms.length;
        seen.clear();
        for (const term of terms) {
          if (seen.has(term)) continue;
          seen.add(term);
          inDoc.add(term);
          fieldDf[f]!.set(term, (fieldDf[f]!.get(term) ?? 0) + 1);
        }
      });
      for (const term of inDoc) docDf.set(term, (docDf.get(term) ?? 0) + 1);
    }
    // Postings are allocated at their final size, so building them leaves no garbage behind.
    const filled = new Map<string, number>();
    for (const [term, df] of docDf) {
      this.postings.set(term, { docs: new Int32Array(df), impacts: new Float32Array(df), head: new Uint8Array(df) });
      filled.set(term, 0);
    }
    const avgLen = lengths.map((l) => l.reduce((a, b) => a + b, 0) / Math.max(1, n) || 1);
    const idf = (f: number, term: string) => {
      const df = fieldDf[f]!.get(term) ?? 0;
      return Math.log(1 + (n - df + 0.5) / (df + 0.5));
    };
    const impact = new Map<string, number>();
    const head = new Set<string>();
    for (let d = 0; d < n; d++) {
      impact.clear();
      head.clear();
      termsOf(d).forEach((terms, f) => {
        const field = fields[f]!;
        tf.clear();
        for (const term of terms) tf.set(term, (tf.get(term) ?? 0) + 1);
        // BM25+ per field, summed with field boosts: a match in a short title outweighs one in the text.
        const norm = 1 - B + (B * lengths[f]![d]!) / avgLen[f]!;
        for (const [term, count] of tf) {
          const score = field.boost * idf(f, term) * (DELTA + (count * (K1 + 1)) / (count + K1 * norm));
          impact.set(term, (impact.get(term) ?? 0) + score);
          if (field.head) head.add(term);
        }
      });
      for (const [term, score] of impact) {
        const p = this.postings.get(term)!;
        const at = filled.get(term)!;
        p.docs[at] = d;
        p.impacts[at] = score;
        p.head[at] = head.has(term) ? 1 : 0;
        filled.set(term, at + 1);
      }
    }
    let termIndex = 0;
    for (const term of this.postings.keys()) this.vocabulary.set(term, termIndex++);
  }

  has(term: string): boolean {
    return this.postings.has(term);
  }

  documentFrequency(term: string): number {
    return this.postings.get(term)?.docs.length ?? 0;
  }

  /**
   * Scores every document for weighted terms; returns the best `limit` as [doc index, score].
   * The sum is multiplied by the number of query terms a document matches, as MiniSearch does:
   * an article that has all of the question's words beats one that has one of them many times.
   */
  score(terms: ReadonlyMap<string, number>, limit: number, docBoost?: Float32Array): [number, number][] {
    const acc = this.accumulator;
    const matched = this.matchedTerms;
    const touched: number[] = [];
    for (const [term, weight] of terms) {
      const p = this.postings.get(term);
      if (!p) continue;
      const { docs, impacts } = p;
      for (let i = 0; i < docs.length; i++) {
        const d = docs[i]!;
        if (matched[d] === 0) touched.push(d);
        matched[d]!++;
        acc[d]! += weight * impacts[i]!;
      }
    }
    // Keep the best `limit` in a small sorted array instead of sorting every touched document.
    const best: [number, number][] = [];
    for (const d of touched) {
      const s = acc[d]! * matched[d]! * (docBoost ? docBoost[d]! : 1);
      acc[d] = 0;
      matched[d] = 0;
      if (s <= 0 || (best.length === limit && s <= best[limit - 1]![1])) continue;
      let at = best.length;
      while (at > 0 && best[at - 1]![1] < s) at--;
      best.splice(at, 0, [d, s]);
      if (best.length > limit) best.pop();
    }
    return best;
  }

  /** Whether a term occurs in a document, and whether in its head fields. */
  occurrence(term: string, doc: number): { found: boolean; head: boolean } {
    const p = this.postings.get(term);
    if (!p) return { found: false, head: false };
    let lo = 0;
    let hi = p.docs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = p.docs[mid]!;
      if (v === doc) return { found: true, head: p.head[mid] === 1 };
      if (v < doc) lo = mid + 1;
      else hi = mid - 1;
    }
    return { found: false, head: false };
  }

  /** Known terms within `distance` edits of `term`, with their distance. */
  fuzzy(term: string, distance: number): [string, number][] {
    return [...this.vocabulary.fuzzyGet(term, distance)].map(([key, [, d]]) => [key, d]);
  }

  /** Known terms that start with `prefix`, at most `limit` of them, shortest first. */
  withPrefix(prefix: string, limit: number): string[] {
    return [...this.vocabulary.atPrefix(prefix).keys()].sort((a, b) => a.length - b.length).slice(0, limit);
  }
}
