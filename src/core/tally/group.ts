import { traitsOf, type Traits } from './compatibility.ts';
import { conceptOf, type Facet } from './lexicon.ts';
import { BLOCKS, blockOf, type KeyStats, type ReportVector } from './evidence.ts';
import { featureWeight, type FailureProfile } from './profile.ts';

/** One failure report as it reaches the tally: already redacted. */
export interface FailureReport {
  id: string;
  text: string;
  user: string;
  site?: string;
  /** ISO 8601. */
  ts: string;
}

/** A group as stored: plain JSON, enough to rebuild the group and its place in the index. */
export interface FailureGroupJSON {
  id: string;
  count: number;
  members: string[];
  users: string[];
  sites: string[];
  firstSeen: string;
  lastSeen: string;
  examples: string[];
  /** Feature key → how many members had it. */
  features: Record<string, number>;
}

const EXAMPLES = 3;
// A concept counts as the group's when at least this share of its members named it; one odd
// report must not make the group compatible with everything it mentioned.
const DOMINANT_SHARE = 0.25;
// Big groups keep their facets and their most common words and grams, not every word ever written.
const MAX_FEATURES = 96;
const KEEP_FEATURES = 64;
// Cached weighted norms are worked out again once the index has seen this factor more reports.
const STALE_AFTER = 1.1;

const time = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? 0 : t;
};

/**
 * A recurring failure: the reports that describe it and the sum of their features (the centroid,
 * kept as counts). Its id is fixed when it is created and never changes as it grows.
 */
export class FailureGroup {
  readonly id: string;
  readonly members: string[];
  readonly examples: string[];
  private readonly userSet: Set<string>;
  private readonly siteSet: Set<string>;
  private first: string;
  private last: string;
  private readonly counts: Map<string, number>;
  private normSq = 0;
  private traitCache: Traits | undefined;
  private centroidCache: Float64Array | undefined;
  private centroidAt = 0;
  private labelCache: string | undefined;

  private constructor(json: FailureGroupJSON) {
    this.id = json.id;
    this.members = [...json.members];
    this.examples = [...json.examples];
    this.userSet = new Set(json.users);
    this.siteSet = new Set(json.sites);
    this.first = json.firstSeen;
    this.last = json.lastSeen;
    this.counts = new Map(Object.entries(json.features));
    this.recomputeNorm();
  }

  static create(id: string, report: FailureReport, profile: FailureProfile, pruned?: (key: string, count: number) => void): FailureGroup {
    const group = new FailureGroup({ id, count: 0, members: [], users: [], sites: [], firstSeen: report.ts, lastSeen: report.ts, examples: [], features: {} });
    group.add(report, profile, pruned);
    return group;
  }

  static fromJSON(json: FailureGroupJSON): FailureGroup {
    return new FailureGroup(json);
  }

  get count(): number {
    return this.members.length;
  }
  /** Number of distinct users who reported it. */
  get users(): number {
    return this.userSet.size;
  }
  get userIds(): string[] {
    return [...this.userSet];
  }
  get sites(): string[] {
    return [...this.siteSet];
  }
  get firstSeen(): string {
    return this.first;
  }
  get lastSeen(): string {
    return this.last;
  }

  /**
   * Adds a report; returns the feature keys the group did not have before (for the index).
   * @param pruned told of each key (and its count) a big group lets go of.
   */
  add(report: FailureReport, profile: FailureProfile, pruned?: (key: string, count: number) => void): string[] {
    this.members.push(report.id);
    this.userSet.add(report.user);
    if (report.site) this.siteSet.add(report.site);
    if (time(report.ts) < time(this.first)) this.first = report.ts;
    if (time(report.ts) > time(this.last)) this.last = report.ts;
    if (this.examples.length < EXAMPLES && !this.examples.includes(report.text)) this.examples.push(report.text);
    const added: string[] = [];
    for (const key of profile.features.keys()) {
      const before = this.counts.get(key) ?? 0;
      if (before === 0) added.push(key);
      const w = featureWeight(key);
      this.counts.set(key, before + 1);
      this.normSq += w * w * (2 * before + 1);
    }
    if (this.counts.size > MAX_FEATURES) this.prune(pruned);
    this.traitCache = undefined;
    this.labelCache = undefined;
    this.centroidCache = undefined;
    return added;
  }

  /**
   * Takes in every report of another group (the same failure, reported in other words): members,
   * users, sites, dates, examples and feature counts. Returns the keys this group did not have before.
   */
  absorb(other: FailureGroup, pruned?: (key: string, count: number) => void): string[] {
    const known = new Set(this.members);
    for (const id of other.members) if (!known.has(id)) this.members.push(id);
    for (const u of other.userSet) this.userSet.add(u);
    for (const s of other.siteSet) this.siteSet.add(s);
    if (time(other.first) < time(this.first)) this.first = other.first;
    if (time(other.last) > time(this.last)) this.last = other.last;
    for (const x of other.examples) if (this.examples.length < EXAMPLES && !this.examples.includes(x)) this.examples.push(x);
    const added: string[] = [];
    for (const [key, c] of other.counts) {
      const before = this.counts.get(key) ?? 0;
      if (before === 0) added.push(key);
      this.counts.set(key, before + c);
    }
    if (this.counts.size > MAX_FEATURES) this.prune(pruned);
    else this.recomputeNorm();
    this.traitCache = undefined;
    this.labelCache = undefined;
    this.centroidCache = undefined;
    return added.filter((k) => this.counts.has(k));
  }

  /** Cosine between a report's features and the group's centroid, with the keys' fixed weights. */
  similarity(profile: FailureProfile, profileNorm: number): number {
    let dot = 0;
    for (const [key, w] of profile.features) {
      const c = this.counts.get(key);
      if (c) dot += w * w * c;
    }
    return dot === 0 ? 0 : dot / (profileNorm * Math.sqrt(this.normSq));
  }

  /**
   * Per kind of evidence (block), with the index's weights, into `out` (EVIDENCE entries, zeroed
   * first), each BLOCKS long: the dot product with the report, Σ w²·count over shared keys; the
   * centroid's squared norm, Σ (w·count)²; its mass, Σ w²·count; the report's own weight that the
   * group has, Σ w² over shared keys; and the rarity of the rarest shared key.
   */
  evidence(report: ReportVector, stats: KeyStats, out: Float64Array): void {
    out.fill(0);
    for (let i = 0; i < report.keys.length; i++) {
      const c = this.counts.get(report.keys[i]!);
      if (!c) continue;
      const b = report.block[i]!;
      out[b]! += report.w2[i]! * c;
      out[3 * BLOCKS + b]! += report.w2[i]!;
      if (report.rarity[i]! > out[4 * BLOCKS + b]!) out[4 * BLOCKS + b] = report.rarity[i]!;
    }
    const centroid = this.centroid(stats);
    out.set(centroid, BLOCKS);
  }

  /**
   * The centroid's squared norm and mass per block. Weights move a little with every report the index
   * sees, so they are worked out again when the group changed or the index has seen a tenth more reports.
   */
  private centroid(stats: KeyStats): Float64Array {
    const seen = stats.reports;
    if (this.centroidCache && seen <= this.centroidAt * STALE_AFTER + 1) return this.centroidCache;
    const out = (this.centroidCache ??= new Float64Array(2 * BLOCKS)).fill(0);
    for (const [key, c] of this.counts) {
      const w = stats.weight(key);
      const b = blockOf(key);
      out[b]! += w * w * c * c;
      out[BLOCKS + b]! += w * w * c;
    }
    this.centroidAt = seen;
    return out;
  }

  /** Concepts named by a fair share of the members: what the group is about. */
  private dominant(): string[] {
    const keys: string[] = [];
    for (const [key, c] of this.counts) if (c / this.count >= DOMINANT_SHARE && conceptOf(key)) keys.push(key);
    return keys;
  }

  /** What the hard rules compare: the dominant concepts, and every error code any member gave. */
  traits(): Traits {
    if (this.traitCache) return this.traitCache;
    const codes = [...this.counts.keys()].filter((k) => k.startsWith('code:'));
    return (this.traitCache = traitsOf(this.dominant(), codes, false));
  }

  /** A name people read: "Wristband printer · print · blank". Follows the group's most common facets. */
  get label(): string {
    return (this.labelCache ??= this.makeLabel());
  }

  private top(facet: Facet, strongOnly = false): string | undefined {
    let best: string | undefined;
    let bestCount = 0;
    for (const key of this.dominant()) {
      const concept = conceptOf(key)!;
      if (concept.facet !== facet || concept.incidental || (strongOnly && concept.weak)) continue;
      // A part names the thing better than its whole ("Specimen label" over "Label").
      const c = (this.counts.get(key) ?? 0) + (concept.parent ? 0.5 : 0);
      if (c > bestCount) [best, bestCount] = [key, c];
    }
    return best;
  }

  private makeLabel(): string {
    const name = (key: string | undefined) => (key ? conceptOf(key)!.label : undefined);
    const module = name(this.top('module'));
    const object = name(this.top('object'));
    const device = name(this.top('device'));
    let thing = [object, device].filter(Boolean).join(' ');
    thing = thing.charAt(0).toUpperCase() + thing.slice(1);
    const symptom = name(this.top('symptom', true)) ?? name(this.top('symptom'));
    let code: string | undefined;
    let codeCount = 0;
    for (const key of this.traits().codes) {
      const c = this.counts.get(key) ?? 0;
      if (c > codeCount) [code, codeCount] = [key.slice(5), c];
    }
    const parts = [module, thing || undefined, name(this.top('function')), symptom, code].filter((p): p is string => Boolean(p));
    if (parts.length) return parts.join(' · ');
    // No known facet: the group's most common words say what it is about.
    const words = [...this.counts].filter(([k]) => k.startsWith('term:')).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k]) => k.slice(5));
    return words.length ? words.join(' ') : 'unclassified';
  }

  private prune(pruned?: (key: string, count: number) => void): void {
    const words = [...this.counts].filter(([k]) => k.startsWith('term:') || k.startsWith('gram:') || k.startsWith('quote:')).sort((a, b) => a[1] - b[1]);
    let excess = this.counts.size - KEEP_FEATURES;
    for (const [key, count] of words) {
      if (excess-- <= 0) break;
      this.counts.delete(key);
      pruned?.(key, count);
    }
    this.recomputeNorm();
  }

  private recomputeNorm(): void {
    this.normSq = 0;
    for (const [key, c] of this.counts) {
      const w = featureWeight(key);
      this.normSq += w * w * c * c;
    }
  }

  featureKeys(): IterableIterator<string> {
    return this.counts.keys();
  }

  toJSON(): FailureGroupJSON {
    return {
      id: this.id,
      count: this.count,
      members: [...this.members],
      users: [...this.userSet],
      sites: [...this.siteSet],
      firstSeen: this.first,
      lastSeen: this.last,
      examples: [...this.examples],
      features: Object.fromEntries(this.counts),
    };
  }
}
