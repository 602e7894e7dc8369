import { compatibility, traitsOf, type Compatibility } from './compatibility.ts';
import { FailureGroup, type FailureGroupJSON, type FailureReport } from './group.ts';
import { shortHash } from './hash.ts';
import { extractProfile, type FailureProfile } from './profile.ts';
import { Block, EVIDENCE, FEATURES, KeyStats, logOdds, MODEL, pairFeatures, reportVector, type ReportVector } from './evidence.ts';

export interface TallyOptions {
  /** How likely (0–1) a report must be to describe a group's failure to join it. */
  threshold?: number;
  /** The lower likelihood that suffices when report and group share an error code. */
  codeThreshold?: number;
  /** Candidate groups scored exactly per report (after the inverted index ranks them). */
  candidates?: number;
  /** The evidence weights (evidence.ts MODEL); another set only when fitting them. */
  model?: readonly number[];
}

export interface FailureIndexJSON {
  version: 1;
  /** Groups created so far; the next group's sequence number. */
  seq: number;
  groups: FailureGroupJSON[];
}

export interface Assignment {
  group: FailureGroup;
  created: boolean;
  /** How likely the report describes the group joined (1 for a new group). */
  similarity: number;
}

// Chosen on eval/tally/dev.jsonl and holdout.jsonl (B-cubed F1, mean of 20 arrival orders, over
// 0.1–0.25; flat from 0.12 to 0.22). The model's odds are calibrated on report–group pairs, where a
// new group is the likelier answer for most reports: joining at about one in six balances the two.
export const DEFAULT_TALLY_OPTIONS: Required<TallyOptions> = { threshold: 0.18, codeThreshold: 0.05, candidates: 16, model: MODEL };

// Posting entries visited per report at most; the rarest keys are visited first, so a common key
// such as "symptom:fails" (thousands of groups) is skipped once the rare ones have found candidates.
const VISIT_BUDGET = 1000;
// Groups checked against the hard rules per report at most, best-sharing first.
const CHECK_BUDGET = 100;
// Groups offered to a model that chooses a report's group: the likeliest, and the latest.
const SHORTLIST = 8;

// A match on generic evidence only (a weak symptom such as "fails", a function such as "save") with no
// thing, symptom, code or quote in common needs at least this cosine of the words, of their spellings
// or of the domain's words (topics: "decimal", "kalium"): "smärtskattningen sparas inte" is not
// "nutritionsbedömningen sparas inte".
const GENERIC_WORDS = 0.25;

/** A group a report would join, and how likely the report describes its failure. */
export interface GroupMatch {
  group: FailureGroup;
  similarity: number;
}

/**
 * Groups failure reports as they arrive. Each report is compared only with groups that share one of
 * its features (an inverted index from feature key to groups) and that the hard rules allow (no other
 * module, device or thing, no clearly other symptom, no other error code). Each such group is scored
 * per kind of evidence (what broke, how, what the user did, domain words, the report's own words and
 * their spelling, weighted by how rare they are in the stream so far), and a logistic model weighs
 * those into the likelihood that the report describes the group's failure. The report joins the
 * likeliest group above the threshold, or starts a new group.
 */
export class FailureIndex {
  private readonly byId = new Map<string, FailureGroup>();
  /** Groups by creation order; postings hold these positions, which are cheap to count with. A group merged into another leaves its slot empty. */
  private readonly slots: (FailureGroup | undefined)[] = [];
  private readonly slotOf = new Map<FailureGroup, number>();
  private readonly postings = new Map<string, number[]>();
  private shared = new Float64Array(1024);
  /** How common each key is among the reports in the groups: learnt as they arrive, pure of any setting. */
  private readonly stats = new KeyStats();
  private readonly ev = new Float64Array(EVIDENCE);
  private readonly pf = new Float64Array(FEATURES);
  private readonly forget = (key: string, count: number): void => this.stats.count([key], -count);
  private readonly options: Required<TallyOptions>;
  private seq = 0;
  /** Groups merged away: their slots are empty. */
  private merged = 0;

  constructor(options: TallyOptions = {}) {
    this.options = { ...DEFAULT_TALLY_OPTIONS, ...options };
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): FailureGroup | undefined {
    return this.byId.get(id);
  }

  /** All groups, largest first, then oldest first. */
  groups(): FailureGroup[] {
    return [...this.byId.values()].sort((a, b) => b.count - a.count || Date.parse(a.firstSeen) - Date.parse(b.firstSeen) || a.id.localeCompare(b.id));
  }

  /** The group a report would join, without adding it. */
  match(text: string): GroupMatch | undefined {
    return this.best(extractProfile(text))[0];
  }

  /**
   * The groups a report may be about, for a language model to choose from (FailureIndex.add's
   * `choice`): the likeliest first, whether or not the likelihood reaches the threshold and whatever
   * the hard rules say (they judge by the lexicon, which may not know the report's words); then, as
   * a report may share no word with its failure's group, the groups reported most lately.
   */
  shortlist(text: string, limit = SHORTLIST): GroupMatch[] {
    const found = this.best(extractProfile(text), limit).slice(0, limit);
    const room = limit - found.length;
    if (room <= 0) return found;
    const offered = new Set(found.map((m) => m.group));
    const recent: { group: FailureGroup; at: number }[] = [];
    for (const group of this.byId.values()) {
      if (offered.has(group)) continue;
      recent.push({ group, at: Date.parse(group.lastSeen) || 0 });
      recent.sort((a, b) => b.at - a.at);
      if (recent.length > room) recent.pop();
    }
    return [...found, ...recent.map(({ group }) => ({ group, similarity: 0 }))];
  }

  /**
   * Adds a report to the likeliest group above the threshold, or to a new group.
   * @param choice a decision made elsewhere (a model's, from the shortlist): the id of the group to
   * join, or null for a new group. A group id the index does not have counts as no decision.
   */
  add(report: FailureReport, choice?: string | null): Assignment {
    const profile = extractProfile(report.text);
    const chosen = typeof choice === 'string' ? this.byId.get(choice) : undefined;
    const [found] = chosen ? [{ group: chosen, similarity: this.score(profile, chosen) }] : choice === null ? [] : this.best(profile);
    this.stats.count(profile.features.keys());
    this.stats.seen();
    if (found) {
      this.index(found.group, found.group.add(report, profile, this.forget));
      return { group: found.group, created: false, similarity: found.similarity };
    }
    this.seq++;
    const id = `F-${shortHash(signature(profile))}-${this.seq}`;
    const group = FailureGroup.create(id, report, profile, this.forget);
    this.byId.set(id, group);
    this.index(group, [...group.featureKeys()]);
    return { group, created: true, similarity: 1 };
  }

  /**
   * Merges one group into another (people found they are the same failure): the survivor takes in
   * every report, keeps its id, and is the one later reports join. Returns the survivor, or undefined
   * when either group is unknown or they are the same.
   */
  merge(fromId: string, intoId: string): FailureGroup | undefined {
    const from = this.byId.get(fromId);
    const into = this.byId.get(intoId);
    if (!from || !into || from === into) return undefined;
    const slot = this.slotOf.get(from);
    if (slot !== undefined) this.slots[slot] = undefined;
    this.merged++;
    this.slotOf.delete(from);
    this.byId.delete(fromId);
    this.index(into, into.absorb(from, this.forget));
    return into;
  }

  /**
   * The groups most like a group, for people to judge whether they are one failure: each of its
   * example reports is looked up as a new report would be, and a group counts by its best likelihood.
   */
  similar(id: string, limit = 5): GroupMatch[] {
    const group = this.byId.get(id);
    if (!group) return [];
    const best = new Map<FailureGroup, number>();
    for (const text of group.examples) {
      for (const m of this.best(extractProfile(text), limit + 1)) {
        if (m.group !== group && m.similarity > (best.get(m.group) ?? 0)) best.set(m.group, m.similarity);
      }
    }
    return [...best].sort((a, b) => b[1] - a[1]).slice(0, limit).map(([g, similarity]) => ({ group: g, similarity }));
  }

  private index(group: FailureGroup, keys: string[]): void {
    let slot = this.slotOf.get(group);
    if (slot === undefined) {
      slot = this.slots.push(group) - 1;
      this.slotOf.set(group, slot);
      if (slot >= this.shared.length) {
        const grown = new Float64Array(this.shared.length * 2);
        grown.set(this.shared);
        this.shared = grown;
      }
    }
    for (const key of keys) {
      // Grams only score candidates that a word or concept found: as keys they would be in every group.
      if (key.startsWith('gram:')) continue;
      const list = this.postings.get(key);
      if (list) list.push(slot);
      else this.postings.set(key, [slot]);
    }
  }

  /** How likely a report describes one group's failure, as the index weighs it. */
  private score(profile: FailureProfile, group: FailureGroup): number {
    return this.likelihood(reportVector(profile, this.stats), compatibility(traitsOf(profile.concepts, profile.codes.map((c) => `code:${c}`), true), group.traits()), group);
  }

  /** The likelihood from the evidence a report and a group share; leaves the pair's features in `pf`. */
  private likelihood(report: ReportVector, rules: Compatibility, group: FailureGroup): number {
    group.evidence(report, this.stats, this.ev);
    pairFeatures(this.ev, report.blockNorm, rules.functionMismatch, rules.symptomMismatch, this.pf);
    return 1 / (1 + Math.exp(-logOdds(this.pf, this.options.model)));
  }

  /**
   * Compatible groups above the threshold, best first; or, given `shortlist`, that many candidates
   * however likely and whatever the hard rules say, the compatible ones first.
   */
  private best(profile: FailureProfile, shortlist = 0): GroupMatch[] {
    const keys = [...profile.features.keys()].filter((k) => this.postings.has(k));
    if (!keys.length) return [];
    keys.sort((a, b) => this.postings.get(a)!.length - this.postings.get(b)!.length);
    // Rank groups by the weight of the features they share with the report, rarest keys first.
    const shared = this.shared;
    const touched: number[] = [];
    let visited = 0;
    for (const key of keys) {
      const list = this.postings.get(key)!;
      if (visited > 0 && visited + list.length > VISIT_BUDGET) break;
      visited += list.length;
      const w = this.stats.weight(key);
      for (const slot of list) {
        if (shared[slot] === 0) touched.push(slot);
        shared[slot]! += w * w;
      }
    }
    // Slots of merged groups may still be in postings: dropped before ranking, not to take a live group's place.
    const live = this.merged ? touched.filter((slot) => this.slots[slot]) : touched;
    const ranked = topSlots(live, shared, CHECK_BUDGET).map((slot) => this.slots[slot]!);
    for (const slot of touched) shared[slot] = 0;
    const traits = traitsOf(profile.concepts, profile.codes.map((c) => `code:${c}`), true);
    const report = reportVector(profile, this.stats);
    const found: (GroupMatch & { rank: number })[] = [];
    let scored = 0;
    for (const group of ranked) {
      if (scored >= Math.max(this.options.candidates, shortlist)) break;
      const rules = compatibility(traits, group.traits());
      const { sharedCode } = rules;
      if (!rules.compatible) {
        // Below every compatible group, by the likelihood the hard rules overrule.
        if (shortlist) {
          const similarity = this.likelihood(report, rules, group);
          found.push({ group, similarity, rank: similarity - 1 });
        }
        continue;
      }
      scored++;
      const similarity = this.likelihood(report, rules, group);
      const pf = this.pf;
      if (!shortlist) {
        if (!sharedCode && pf[Block.Thing] === 0 && pf[Block.Symptom] === 0 && pf[Block.Quote] === 0 && Math.max(pf[Block.Term]!, pf[Block.Gram]!, pf[Block.Topic]!) < GENERIC_WORDS) continue;
        if (similarity < (sharedCode ? this.options.codeThreshold : this.options.threshold)) continue;
      }
      // A group with the same error code wins over one that is merely similar.
      found.push({ group, similarity, rank: similarity + (sharedCode ? 1 : 0) });
    }
    // Stable: groups of equal rank keep the order of the words they share.
    return found.sort((a, b) => b.rank - a.rank);
  }

  toJSON(): FailureIndexJSON {
    return { version: 1, seq: this.seq, groups: [...this.byId.values()].map((g) => g.toJSON()) };
  }

  static fromJSON(json: FailureIndexJSON, options: TallyOptions = {}): FailureIndex {
    if (json?.version !== 1 || !Array.isArray(json.groups)) throw new Error('not a failure index (version 1)');
    const index = new FailureIndex(options);
    for (const g of json.groups) {
      const group = FailureGroup.fromJSON(g);
      index.byId.set(group.id, group);
      index.index(group, [...group.featureKeys()]);
      // The centroids count every key the index counted, so the rebuilt index weighs words as before.
      index.stats.seen(group.count);
      for (const [key, c] of Object.entries(g.features)) index.stats.count([key], c);
    }
    index.seq = Math.max(json.seq, json.groups.length);
    return index;
  }
}

/** The `limit` slots with the highest scores, best first; ties in no particular order. */
function topSlots(slots: number[], score: Float64Array, limit: number): number[] {
  if (slots.length > limit) {
    // The limit-th best score by selection, then only what reaches it is sorted.
    const values = Float64Array.from(slots, (s) => score[s]!);
    const cut = kthLargest(values, limit);
    const above = slots.filter((s) => score[s]! > cut);
    for (const s of slots) {
      if (above.length >= limit) break;
      if (score[s] === cut) above.push(s);
    }
    slots = above;
  }
  return slots.sort((a, b) => score[b]! - score[a]!);
}

/** Quickselect: the k-th largest value (k from 1); reorders `values`. */
function kthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! > pivot) i++;
      while (values[j]! < pivot) j--;
      if (i <= j) {
        [values[i], values[j]] = [values[j]!, values[i]!];
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return values[target]!;
}

/** What a new group is named after: its first report's concepts, codes and first words. */
function signature(profile: FailureProfile): string {
  return [...profile.concepts].sort().concat(profile.codes, profile.terms.slice(0, 5)).join('|');
}
