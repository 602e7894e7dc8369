import type { Article, Lang } from '../kb/article.ts';
import { extractGlossary, isGlossary, type GlossaryEntry } from '../kb/glossary.ts';
import { detectLanguage } from '../text/language.ts';
import { analyze, contentWords, termsOfWords, type AnalyzedWord, type Vocabulary } from './analyzer.ts';
import { stem } from '../text/stem.ts';
import { Bm25Index, type FieldSpec } from './bm25-index.ts';

export interface Hit {
  id: string;
  score: number;
}

export interface Evidence {
  /** Share (0..1) of the question's content, weighted by rarity, that the article covers. */
  coverage: number;
  /** Share (0..1) of the question's known words that the article has in its title, aliases or tags. */
  headCoverage: number;
}

export interface LexicalResult {
  hits: Hit[];
  lang: Lang;
  /** How well each of the first hits accounts for the question, by article id. */
  evidence: Map<string, Evidence>;
}

const EVIDENCE_FOR = 5;
const FIELDS: FieldSpec[] = [
  { name: 'title', boost: 2, head: true },
  { name: 'aliases', boost: 2, head: true },
  { name: 'tags', boost: 1.5, head: true },
  { name: 'body', boost: 1, head: false },
];
const PART_WEIGHT = 0.5;
const EXPANSION_WEIGHT = 0.5;
const FUZZY_WEIGHT = 0.6;
const PREFIX_WEIGHT = 0.4;
const PREFIX_LIMIT = 10;
/** A glossary mentions every task, so it only ranks high when the asker wants a word translated. */
const GLOSSARY_DAMPING = 0.3;
const GLOSSARY_WANTED = 1.5;
const GLOSSARY_INTENT = /(?<!\p{L})(vad heter|heter det|kallas|betyder|engelska|svenska|översätt|oversatt|ordlista|glossary|translat|called|what does .* mean|terms?(?!\p{L}))/iu;

type Kind = 'whole' | 'part' | 'expansion' | 'fuzzy';

interface QueryTerm {
  weight: number;
  /** Indexes of the question words this term stands for, for coverage. */
  words: number[];
  kind: Kind;
}

interface Phrase {
  stems: string[];
  expandsTo: string[];
}

/** Fuzzy distance by length: short words must match exactly, long ones may have two typos. */
function fuzzyDistance(term: string): number {
  if (term.length >= 9) return 2;
  if (term.length >= 5) return 1;
  return 0;
}

export class LexicalIndex implements Vocabulary {
  readonly size: number;
  readonly splits = new Map<string, string[]>();
  private readonly vocab = new Set<string>();
  private readonly index: Bm25Index;
  /** Score multipliers for glossary articles: damped, or raised when a translation is asked for. */
  private readonly glossaryDamped: Float32Array;
  private readonly glossaryWanted: Float32Array;
  /** Glossary phrases by their first stem. */
  private readonly phrases = new Map<string, Phrase[]>();

  constructor(articles: readonly Article[], glossary: readonly GlossaryEntry[] = extractGlossary(articles)) {
    const fieldWords = articles.map((a) =>
      [a.title, a.aliases.join(' . '), [...a.tags, a.system ?? ''].join(' . '), a.body].map(contentWords),
    );
    // First pass: the vocabulary, so that compounds can be split into words the knowledge base uses.
    for (const fields of fieldWords) for (const words of fields) for (const w of words) this.vocab.add(stem(w));
    this.index = new Bm25Index(
      articles.map((a) => a.id),
      FIELDS,
      (d) => fieldWords[d]!.map((words) => termsOfWords(words, this)),
    );
    this.glossaryDamped = Float32Array.from(articles, (a) => (isGlossary(a) ? GLOSSARY_DAMPING : 1));
    this.glossaryWanted = Float32Array.from(articles, (a) => (isGlossary(a) ? GLOSSARY_WANTED : 1));
    for (const entry of glossary) {
      const words = entry.words.map((w) => analyze(w).map((x) => x.stem));
      const labels = entry.labels.map((l) => analyze(l).map((x) => x.stem));
      const all = (side: string[][]) => [...new Set(side.flat())];
      const addPhrase = (stems: string[], expandsTo: string[]) => {
        if (!stems.length) return;
        const list = this.phrases.get(stems[0]!) ?? [];
        list.push({ stems, expandsTo });
        this.phrases.set(stems[0]!, list);
      };
      for (const stems of words) addPhrase(stems, all(labels));
      for (const stems of labels) addPhrase(stems, all(words));
    }
    this.size = articles.length;
  }

  has(stem: string): boolean {
    return this.vocab.has(stem);
  }

  private idf(df: number): number {
    return Math.log(1 + this.size / (df + 1));
  }

  private buildQuery(words: AnalyzedWord[]): Map<string, QueryTerm> {
    const terms = new Map<string, QueryTerm>();
    const add = (term: string, weight: number, word: number, kind: Kind) => {
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
      if (this.index.has(w.stem)) return;
      // An unknown word: likely a typo or a truncated word, so near and longer known words stand in.
      const len = w.stem.length;
      const distance = fuzzyDistance(w.stem);
      if (distance) for (const [term, d] of this.index.fuzzy(w.stem, distance)) add(term, (FUZZY_WEIGHT * len) / (len + 0.3 * d), i, 'fuzzy');
      if (len >= 5) {
        for (const term of this.index.withPrefix(w.stem, PREFIX_LIMIT)) {
          if (term !== w.stem) add(term, (PREFIX_WEIGHT * len) / (len + 0.3 * (term.length - len)), i, 'fuzzy');
        }
      }
    });
    const stems = words.map((w) => w.stem);
    for (const phrase of new Set(stems.flatMap((s) => this.phrases.get(s) ?? []))) {
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
    if (terms.size === 0 || this.size === 0) return { hits: [], lang, evidence: new Map() };
    const wantsGlossary = GLOSSARY_INTENT.test(question);
    const weights = new Map([...terms].map(([t, q]) => [t, q.weight]));
    const best = this.index.score(weights, limit, wantsGlossary ? this.glossaryWanted : this.glossaryDamped);
    const hits = best.map(([d, score]) => ({ id: this.index.ids[d]!, score }));
    const evidence = new Map(best.slice(0, EVIDENCE_FOR).map(([d]) => [this.index.ids[d]!, this.coverage(words, terms, d)]));
    return { hits, lang, evidence };
  }

  /**
   * How much of the question an article accounts for, each word weighted by its rarity in the
   * knowledge base. A word the knowledge base never uses ("lönespec") weighs the most, so a
   * question about something the articles do not cover scores low even when its other words match.
   */
  private coverage(words: AnalyzedWord[], terms: Map<string, QueryTerm>, doc: number): Evidence {
    const credit = new Array<number>(words.length).fill(0);
    const head = new Array<boolean>(words.length).fill(false);
    for (const [term, info] of terms) {
      const { found, head: inHead } = this.index.occurrence(term, doc);
      if (!found) continue;
      for (const i of info.words) {
        const word = words[i]!;
        if (inHead) head[i] = true;
        if (info.kind === 'part') {
          const share = 0.8 / Math.max(1, word.parts.length) + (word.parts.length > 1 ? 0.2 / word.parts.length : 0);
          credit[i] = Math.min(1, credit[i]! + share);
        } else {
          credit[i] = Math.max(credit[i]!, info.kind === 'whole' ? 1 : info.kind === 'fuzzy' ? 0.8 : 0.7);
        }
      }
    }
    let total = 0;
    let covered = 0;
    let known = 0;
    let headed = 0;
    words.forEach((w, i) => {
      if (/^\d+$/.test(w.folded)) return;
      const df = this.index.documentFrequency(w.stem) || (w.parts.length ? Math.max(...w.parts.map((p) => this.index.documentFrequency(p))) : 0);
      const weight = this.idf(df);
      total += weight;
      covered += weight * credit[i]!;
      if (df > 0 || credit[i]! > 0) {
        known += weight;
        if (head[i]) headed += weight;
      }
    });
    return {
      coverage: total > 0 ? covered / total : 0,
      headCoverage: known > 0 ? headed / known : 0,
    };
  }
}
