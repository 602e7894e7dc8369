import { traitsOf, type Traits } from './compatibility.ts';
import { conceptOf, type Facet } from './lexicon.ts';
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
// Big groups keep their facets and their most common words, not every word ever written.
export const GROUP_TUNE = { maxFeatures: 96, keepFeatures: 64 };

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

  static create(id: string, report: FailureReport, profile: FailureProfile): FailureGroup {
    const group = new FailureGroup({ id, count: 0, members: [], users: [], sites: [], firstSeen: report.ts, lastSeen: report.ts, examples: [], features: {} });
    group.add(report, profile);
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

  /** Adds a report; returns the feature keys the group did not have before (for the index). */
  add(report: FailureReport, profile: FailureProfile): string[] {
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
    if (this.counts.size > GROUP_TUNE.maxFeatures) this.prune();
    this.traitCache = undefined;
    this.labelCache = undefined;
    return added;
  }

  /**
   * Cosine between a report's features and the group's centroid. With `weigh`, every key weighs what
   * it says (the index's weights, which learn how common each key is); without, its fixed weight.
   */
  similarity(profile: FailureProfile, profileNorm: number, weigh?: (key: string) => number): number {
    let dot = 0;
    if (!weigh) {
      for (const [key, w] of profile.features) {
        const c = this.counts.get(key);
        if (c) dot += w * w * c;
      }
      return dot === 0 ? 0 : dot / (profileNorm * Math.sqrt(this.normSq));
    }
    for (const key of profile.features.keys()) {
      const c = this.counts.get(key);
      if (c) {
        const w = weigh(key);
        dot += w * w * c;
      }
    }
    if (dot === 0) return 0;
    let normSq = 0;
    for (const [key, c] of this.counts) {
      const w = weigh(key);
      normSq += w * w * c * c;
    }
    return dot / (profileNorm * Math.sqrt(normSq));
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

  private prune(): void {
    const terms = [...this.counts].filter(([k]) => k.startsWith('term:') || k.startsWith('quote:') || k.startsWith('gram:')).sort((a, b) => a[1] - b[1]);
    let excess = this.counts.size - GROUP_TUNE.keepFeatures;
    for (const [key] of terms) {
      if (excess-- <= 0) break;
      this.counts.delete(key);
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
