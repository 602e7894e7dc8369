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

  /** `docs[i][f]` is the list of terms of document i's field f. */
  constructor(ids: string[], fields: readonly FieldSpec[], docs: readonly (readonly string[][])[]) {
    this.ids = ids;
    this.accumulator = new Float64Array(ids.length);
    this.matchedTerms = new Uint16Array(ids.length);
    const n = ids.length;
    const avgLen = fields.map((_, f) => docs.reduce((sum, d) => sum + (d[f]?.length ?? 0), 0) / Math.max(1, n) || 1);
    // term → documents, with the term's frequency in each field of each
    const raw = new Map<string, { docs: number[]; tf: number[][] }>();
    const fieldDf = fields.map(() => new Map<string, number>());
    docs.forEach((doc, d) => {
      const perDoc = new Map<string, number[]>();
      fields.forEach((_, f) => {
        for (const term of doc[f] ?? []) {
          let tf = perDoc.get(term);
          if (!tf) perDoc.set(term, (tf = new Array<number>(fields.length).fill(0)));
          if (tf[f] === 0) fieldDf[f]!.set(term, (fieldDf[f]!.get(term) ?? 0) + 1);
          tf[f]!++;
        }
      });
      for (const [term, tf] of perDoc) {
        let list = raw.get(term);
        if (!list) raw.set(term, (list = { docs: [], tf: [] }));
        list.docs.push(d);
        list.tf.push(tf);
      }
    });
    let termIndex = 0;
    for (const [term, list] of raw) {
      const idf = fields.map((_, f) => {
        const df = fieldDf[f]!.get(term) ?? 0;
        return Math.log(1 + (n - df + 0.5) / (df + 0.5));
      });
      const impacts = new Float32Array(list.docs.length);
      const head = new Uint8Array(list.docs.length);
      list.docs.forEach((d, i) => {
        let impact = 0;
        fields.forEach((field, f) => {
          const tf = list.tf[i]![f]!;
          if (tf === 0) return;
          // BM25+ per field, summed with field boosts: a match in a short title outweighs one in the text.
          const norm = 1 - B + (B * (docs[d]![f]?.length ?? 0)) / avgLen[f]!;
          impact += field.boost * idf[f]! * (DELTA + (tf * (K1 + 1)) / (tf + K1 * norm));
          if (field.head) head[i] = 1;
        });
        impacts[i] = impact;
      });
      this.postings.set(term, { docs: Int32Array.from(list.docs), impacts, head });
      this.vocabulary.set(term, termIndex++);
    }
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
  score(terms: ReadonlyMap<string, number>, limit: number, docBoost?: (doc: number) => number): [number, number][] {
    const acc = this.accumulator;
    const matched = this.matchedTerms;
    const touched: number[] = [];
    for (const [term, weight] of terms) {
      const p = this.postings.get(term);
      if (!p) continue;
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        if (matched[d] === 0) touched.push(d);
        matched[d]!++;
        acc[d]! += weight * p.impacts[i]!;
      }
    }
    const scored: [number, number][] = [];
    for (const d of touched) {
      const s = acc[d]! * matched[d]! * (docBoost ? docBoost(d) : 1);
      acc[d] = 0;
      matched[d] = 0;
      if (s > 0) scored.push([d, s]);
    }
    // Partial selection would be faster still, but touched sets stay in the low thousands.
    scored.sort((a, b) => b[1] - a[1]);
    return scored.slice(0, limit);
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
