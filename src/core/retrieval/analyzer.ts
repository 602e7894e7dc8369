import { fold, isStopword, tokenize } from '../text/normalize.ts';
import { stem } from '../text/stem.ts';

/** One word of a text after folding, stemming and compound splitting. */
export interface AnalyzedWord {
  /** Folded surface form. */
  folded: string;
  /** The whole word's stem. */
  stem: string;
  /** Stems of the compound's parts when it splits into known words ("provetiketter" → prov, etiket). */
  parts: string[];
}

export interface Vocabulary {
  has(stem: string): boolean;
  /** Compound splits already worked out against this vocabulary. */
  splits?: Map<string, string[]>;
}

const MIN_COMPOUND = 7;
const MIN_PART = 3;
const MIN_HEAD = 4;

const foldedWords = new Map<string, string | null>();
const FOLD_MEMO_LIMIT = 500_000;

/** A token's folded form, or null for a stop word; memoised, as the same words recur everywhere. */
function contentWord(token: string): string | null {
  let folded = foldedWords.get(token);
  if (folded === undefined) {
    const f = fold(token);
    folded = (f.length < 2 && !/\d/.test(f)) || isStopword(f) ? null : f;
    if (foldedWords.size >= FOLD_MEMO_LIMIT) foldedWords.clear();
    foldedWords.set(token, folded);
  }
  return folded;
}

/** Content words of a text: folded, stop words removed. */
export function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const token of tokenize(text)) {
    const folded = contentWord(token);
    if (folded !== null) words.push(folded);
  }
  return words;
}

/**
 * Splits a Swedish compound into two words the vocabulary knows, allowing the linking "s"
 * ("läkemedelslistan" → läkemedel + list). Prefers the split whose shorter part is longest,
 * which avoids splitting off a stray syllable.
 */
export function splitCompound(folded: string, vocab: Vocabulary): string[] {
  if (folded.length < MIN_COMPOUND || /\d/.test(folded)) return [];
  let best: string[] = [];
  let bestScore = 0;
  for (let i = MIN_PART; i <= folded.length - MIN_PART; i++) {
    const rightStem = stem(folded.slice(i));
    if (!vocab.has(rightStem)) continue;
    const left = folded.slice(0, i);
    const candidates = left.endsWith('s') && left.length > MIN_PART ? [left, left.slice(0, -1)] : [left];
    for (const candidate of candidates) {
      const leftStem = stem(candidate);
      if (leftStem.length < MIN_PART || !vocab.has(leftStem)) continue;
      const score = Math.min(candidate.length, folded.length - i);
      if (score > bestScore) {
        bestScore = score;
        best = [leftStem, rightStem];
      }
    }
  }
  if (best.length || vocab.has(stem(folded))) return best;
  // Swedish compounds are right-headed: an unknown compound still means its known last word
  // ("standardskrivare" is a kind of "skrivare").
  for (let i = MIN_PART; i <= folded.length - MIN_HEAD; i++) {
    const head = stem(folded.slice(i));
    if (head.length >= MIN_PART && vocab.has(head)) return [head];
  }
  return [];
}

const SPLITS_LIMIT = 200_000;

function partsOf(folded: string, vocab: Vocabulary): string[] {
  let parts = vocab.splits?.get(folded);
  if (!parts) {
    parts = splitCompound(folded, vocab);
    // Questions bring new words forever; the cache must not grow with them.
    if (vocab.splits && vocab.splits.size >= SPLITS_LIMIT) vocab.splits.clear();
    vocab.splits?.set(folded, parts);
  }
  return parts;
}

export function analyze(text: string, vocab?: Vocabulary): AnalyzedWord[] {
  return contentWords(text).map((folded) => ({ folded, stem: stem(folded), parts: vocab ? partsOf(folded, vocab) : [] }));
}

/** Index terms of already folded words: each word's stem followed by its compound parts. */
export function termsOfWords(folded: readonly string[], vocab?: Vocabulary): string[] {
  const terms: string[] = [];
  for (const word of folded) {
    const whole = stem(word);
    terms.push(whole);
    if (vocab) for (const part of partsOf(word, vocab)) if (part !== whole) terms.push(part);
  }
  return terms;
}

/** Index terms of a text: each word's stem followed by its compound parts. */
export function indexTerms(text: string, vocab?: Vocabulary): string[] {
  return termsOfWords(contentWords(text), vocab);
}
