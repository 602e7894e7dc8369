import MiniSearch, { type SearchResult } from 'minisearch';
import type { Article, Lang } from '../kb/article.ts';
import { extractGlossary, isGlossary, type GlossaryEntry } from '../kb/glossary.ts';
import { detectLanguage } from '../text/language.ts';
import { analyze, indexTerms, type AnalyzedWord, type Vocabulary } from './analyzer.ts';

export interface Hit {
  id: string;
  score: number;
}

export interface Evidence {
  /** Share (0..1) of the question's content, weighted by rarity, that the article covers. */
  coverage: number;
  /** Share (0..1) of the question's known words that the article has in its title, aliases or tags. */
  headCoverage: number;
  /** Share (0..1) of the question's weight carried by words the knowledge base never uses. */
  unknownShare: number;
}

export interface LexicalResult {
  hits: Hit[];
  lang: Lang;
  /** How well each of the first hits accounts for the question, by article id. */
  evidence: Map<string, Evidence>;
  /** Content words of the question, for diagnostics and tests. */
  words: string[];
}

const EVIDENCE_FOR = 5;

const FIELD_BOOST = { title: 2, aliases: 2, tags: 1.5, body: 1 };
const PART_WEIGHT = 0.5;
const EXPANSION_WEIGHT = 0.5;
const SAME_LANGUAGE_BOOST = 1.1;
/** A glossary mentions every task, so it only ranks high when the asker wants a word translated. */
const GLOSSARY_DAMPING = 0.3;
const GLOSSARY_WANTED = 1.5;
const GLOSSARY_INTENT = /\b(vad heter|heter det|kallas|betyder|engelska|svenska|översätt|oversatt|ordlista|glossary|translat|called|what does .* mean|term)/i;

interface QueryTerm {
  weight: number;
  /** Index of the question word this term came from, for coverage. */
  words: number[];
  kind: 'whole' | 'part' | 'expansion';
}

interface Phrase {
  stems: string[];
  expandsTo: string[];
}

/** Fuzzy distance by length: short words must match exactly, long ones may have two typos. */
function fuzzyDistance(term: string): number | false {
  if (term.length >= 9) return 2;
  if (term.length >= 5) return 1;
  return false;
}

export class LexicalIndex implements Vocabulary {
  readonly splits = new Map<string, string[]>();
  readonly size: number;
  private readonly search: MiniSearch<{ id: string; title: string; aliases: string; tags: string; body: string }>;
  private readonly df = new Map<string, number>();
  private readonly glossaryIds = new Set<string>();
  private readonly phrases: Phrase[] = [];

  constructor(articles: readonly Article[], glossary: readonly GlossaryEntry[] = extractGlossary(articles)) {
    const docs = articles.map((a) => ({
      id: a.id,
      title: a.title,
      aliases: a.aliases.join(' . '),
      tags: [...a.tags, a.system ?? ''].join(' . '),
      body: a.body,
    }));
    // First pass: the vocabulary, so that compounds can be split into words the knowledge base uses.
    for (const doc of docs) {
      const seen = new Set(indexTerms(`${doc.title} ${doc.aliases} ${doc.tags} ${doc.body}`));
      for (const term of seen) this.df.set(term, (this.df.get(term) ?? 0) + 1);
    }
    this.search = new MiniSearch({
      fields: ['title', 'aliases', 'tags', 'body'],
      tokenize: (text) => indexTerms(text, this),
      processTerm: (term) => term,
    });
    this.search.addAll(docs);
    for (const a of articles) {
      if (isGlossary(a)) this.glossaryIds.add(a.id);
    }
    for (const entry of glossary) {
      const words = entry.words.map((w) => analyze(w).map((x) => x.stem));
      const labels = entry.labels.map((l) => analyze(l).map((x) => x.stem));
      const all = (side: string[][]) => [...new Set(side.flat())];
      for (const stems of words) if (stems.length) this.phrases.push({ stems, expandsTo: all(labels) });
      for (const stems of labels) if (stems.length) this.phrases.push({ stems, expandsTo: all(words) });
    }
    this.size = articles.length;
  }

  has(stem: string): boolean {
    return this.df.has(stem);
  }

  private idf(df: number): number {
    return Math.log(1 + this.size / (df + 1));
  }

  private buildQuery(words: AnalyzedWord[]): Map<string, QueryTerm> {
    const terms = new Map<string, QueryTerm>();
    const add = (term: string, weight: number, word: number, kind: QueryTerm['kind']) => {
      const existing = terms.get(term);
      if (!existing) terms.set(term, { weight, words: [word], kind });
      else {
        if (weight > existing.weight) {
          existing.weight = weight;
          existing.kind = kind;
        }
        if (!existing.words.includes(word)) existing.words.push(word);
      }
    };
    words.forEach((w, i) => {
      add(w.stem, 1, i, 'whole');
      for (const part of w.parts) add(part, PART_WEIGHT, i, 'part');
    });
    const stems = words.map((w) => w.stem);
    for (const phrase of this.phrases) {
      const at = phrase.stems.map((s) => stems.indexOf(s));
      if (at.some((i) => i < 0)) continue;
      for (const term of phrase.expandsTo) for (const i of at) add(term, EXPANSION_WEIGHT, i, 'expansion');
    }
    return terms;
  }

  query(question: string, limit = 10): LexicalResult {
    const lang = detectLanguage(question);
    const words = analyze(question, this);
    const terms = this.buildQuery(words);
    if (terms.size === 0 || this.size === 0) return { hits: [], lang, evidence: new Map(), words: [] };
    const list = [...terms.keys()];
    const wantsGlossary = GLOSSARY_INTENT.test(question);
    const results = this.search.search(list.join(' '), {
      tokenize: (s) => s.split(' '),
      processTerm: (t) => t,
      boost: FIELD_BOOST,
      boostTerm: (t) => terms.get(t)?.weight ?? 1,
      fuzzy: (t) => (this.has(t) ? false : fuzzyDistance(t)),
      prefix: (t) => !this.has(t) && t.length >= 5,
      weights: { fuzzy: 0.6, prefix: 0.4 },
      boostDocument: (id) => (this.glossaryIds.has(id) ? (wantsGlossary ? GLOSSARY_WANTED : GLOSSARY_DAMPING) : 1),
    });
    results.sort((a, b) => b.score - a.score);
    const hits = results.slice(0, limit).map((r) => ({ id: String(r.id), score: r.score }));
    const evidence = new Map(results.slice(0, EVIDENCE_FOR).map((r) => [String(r.id), this.coverage(words, terms, r)]));
    return { hits, lang, evidence, words: words.map((w) => w.folded) };
  }

  /**
   * How much of the question the best article accounts for, each word weighted by its rarity in
   * the knowledge base. A word the knowledge base never uses ("lönespec") weighs the most, so a
   * question about something the articles do not cover scores low even when its other words match.
   */
  private coverage(words: AnalyzedWord[], terms: Map<string, QueryTerm>, top: SearchResult): Evidence {
    const matched = new Set(top.queryTerms);
    const inHead = new Set<string>();
    for (const [docTerm, fields] of Object.entries(top.match)) {
      if (fields.some((f) => f !== 'body')) inHead.add(docTerm);
    }
    const credit = new Array<number>(words.length).fill(0);
    const head = new Array<boolean>(words.length).fill(false);
    for (const [term, info] of terms) {
      if (!matched.has(term)) continue;
      for (const i of info.words) {
        if (inHead.has(term)) head[i] = true;
        const word = words[i]!;
        let c: number;
        if (info.kind === 'whole') c = this.has(term) ? 1 : 0.8;
        else if (info.kind === 'part') c = 0.8 / Math.max(1, word.parts.length) + (word.parts.length > 1 ? 0.2 / word.parts.length : 0);
        else c = 0.7;
        credit[i] = Math.min(1, Math.max(credit[i]!, info.kind === 'part' ? credit[i]! + c : c));
      }
    }
    let total = 0;
    let covered = 0;
    let known = 0;
    let headed = 0;
    let unknown = 0;
    words.forEach((w, i) => {
      if (/^\d+$/.test(w.folded)) return;
      const df = this.df.get(w.stem) ?? (w.parts.length ? Math.max(...w.parts.map((p) => this.df.get(p) ?? 0)) : 0);
      const weight = this.idf(df);
      total += weight;
      covered += weight * credit[i]!;
      if (df === 0 && credit[i] === 0) unknown += weight;
      else {
        known += weight;
        if (head[i]) headed += weight;
      }
    });
    return {
      coverage: total > 0 ? covered / total : 0,
      headCoverage: known > 0 ? headed / known : 0,
      unknownShare: total > 0 ? unknown / total : 1,
    };
  }
}
