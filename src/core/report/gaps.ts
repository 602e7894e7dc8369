import { fold, isStopword, tokenize } from '../text/normalize.ts';
import { stem } from '../text/stem.ts';

/** Questions with no good article that share content words: one knowledge-base gap. */
export interface GapGroup {
  /** The shared words, as staff wrote them (most common spelling). */
  words: string[];
  count: number;
  /** A few of the (redacted) questions, most frequent first. */
  examples: string[];
}

const TAG = /\[[A-ZÅÄÖ_]+\]/g;

/** Content stems of a question, and the spelling each came from. Redaction tags say nothing about the topic. */
function contentStems(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of tokenize(text.replace(TAG, ' '))) {
    const folded = fold(token);
    if (folded.length < 3 || isStopword(folded) || /^\d+$/.test(folded)) continue;
    const s = stem(folded);
    if (!out.has(s)) out.set(s, token);
  }
  return out;
}

/**
 * Groups gap questions by the content word (stem) most of them share, then the next, greedily: each
 * question joins one group at most; words shared by fewer than two questions make no group. A second
 * word shared by at least half of a group names it more precisely ("tolk tidbok").
 */
export function groupGaps(texts: readonly string[], max = 10): { groups: GapGroup[]; ungrouped: number } {
  const stems = texts.map(contentStems);
  const spelling = new Map<string, Map<string, number>>();
  for (const m of stems) for (const [s, w] of m) {
    const counts = spelling.get(s) ?? new Map<string, number>();
    counts.set(w, (counts.get(w) ?? 0) + 1);
    spelling.set(s, counts);
  }
  const wordOf = (s: string) => [...(spelling.get(s) ?? new Map<string, number>()).entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? s;
  const open = new Set(texts.keys());
  // Document frequency over the questions not yet in a group, kept current as groups take them.
  const df = new Map<string, number>();
  for (const m of stems) for (const s of m.keys()) df.set(s, (df.get(s) ?? 0) + 1);
  const better = (a: [string, number], b: [string, number] | undefined) => !b || a[1] > b[1] || (a[1] === b[1] && a[0] < b[0]);
  const groups: GapGroup[] = [];
  while (groups.length < max) {
    let best: [string, number] | undefined;
    for (const entry of df) if (better(entry, best)) best = entry;
    if (!best || best[1] < 2) break;
    const members = [...open].filter((i) => stems[i]!.has(best[0]));
    const co = new Map<string, number>();
    for (const i of members) for (const s of stems[i]!.keys()) if (s !== best[0]) co.set(s, (co.get(s) ?? 0) + 1);
    let second: [string, number] | undefined;
    for (const entry of co) if (better(entry, second)) second = entry;
    const words = [wordOf(best[0])];
    if (second && second[1] >= Math.max(2, members.length / 2)) words.push(wordOf(second[0]));
    const freq = new Map<string, number>();
    for (const i of members) {
      const t = texts[i]!.replace(/\s+/g, ' ').trim();
      freq.set(t, (freq.get(t) ?? 0) + 1);
    }
    const examples = [...freq.entries()].sort((a, b) => b[1] - a[1] || a[0].length - b[0].length).slice(0, 3).map(([t]) => t);
    groups.push({ words, count: members.length, examples });
    for (const i of members) {
      open.delete(i);
      for (const s of stems[i]!.keys()) df.set(s, df.get(s)! - 1);
    }
  }
  return { groups, ungrouped: open.size };
}
