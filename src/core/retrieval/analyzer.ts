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
}

const MIN_COMPOUND = 7;
const MIN_PART = 3;
const MIN_HEAD = 4;

/** Content words of a text: folded, stop words removed. */
export function contentWords(text: string): string[] {
  const words: string[] = [];
  for (const token of tokenize(text)) {
    const folded = fold(token);
    if (folded.length < 2 && !/\d/.test(folded)) continue;
    if (isStopword(folded)) continue;
    words.push(folded);
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

export function analyze(text: string, vocab?: Vocabulary): AnalyzedWord[] {
  return contentWords(text).map((folded) => {
    const whole = stem(folded);
    return { folded, stem: whole, parts: vocab ? splitCompound(folded, vocab) : [] };
  });
}

/** Two neighbouring words as one term, so "skriva ut" (print) differs from "skriva" (write). */
export function bigram(a: string, b: string): string {
  return `${a}_${b}`;
}

/** Index terms of a text: each word's stem, its compound parts, and word pairs. */
export function indexTerms(text: string, vocab?: Vocabulary): string[] {
  const terms: string[] = [];
  let previous: string | undefined;
  for (const word of analyze(text, vocab)) {
    terms.push(word.stem);
    for (const part of word.parts) if (part !== word.stem) terms.push(part);
    if (previous) terms.push(bigram(previous, word.stem));
    previous = word.stem;
  }
  return terms;
}
