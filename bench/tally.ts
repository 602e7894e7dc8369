/**
 * Failure tally: per-report latency of FailureIndex.add with 10,000 groups, and their memory.
 *
 *   npm run bench:tally        (node bench/tally.ts; raw figures in bench/out/tally.json)
 *
 * Reports are generated from many modules × functions × symptoms × error codes × random words, in
 * Swedish and English, and go through the same extraction as real ones. 10,000 groups are built
 * first; then each round adds 2,000 reports one at a time (four in five describe an existing
 * failure in new words, one in five a new one) and times each add.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FailureIndex, type FailureReport } from '../src/core/tally/tally.ts';
import { compatibility, traitsOf } from '../src/core/tally/compatibility.ts';
import { extractProfile } from '../src/core/tally/profile.ts';
import { median, percentile, round } from './stats.ts';

const GROUPS = 10_000;
const ROUNDS = 5;
const ADDS_PER_ROUND = 2_000;

// mulberry32: a fixed seed makes every run generate the same reports.
let seed = 20261121;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const THINGS = [
  'PowerChart', 'FirstNet', 'SurgiNet', 'PharmNet', 'MAR', 'PowerOrders', 'Message Center', 'iView', 'MPage', 'CareCompass',
  'Results Review', 'tidboken', 'Ambulatory Organizer', 'Dynamic Documentation', 'patientlistan', 'Depart Process', 'inskrivningen',
  'remissen', 'e-recept', 'Citrix', 'Imprivata', 'SITHS-kortet', '724Access', 'banner bar', 'armbandsskrivaren', 'etikettskrivaren',
  'skannern', 'kortläsaren', 'infusionspumpen', 'provetiketterna', 'the wristband printer', 'the label printer', 'the scanner',
  'CareAware', 'AppBar', 'the allergy list', 'Auto Text', 'favoriterna', 'lösenordet', 'CTG',
];
const FUNCTIONS = [
  'när jag skriver ut', 'när jag sparar', 'vid signering', 'när jag ordinerar', 'vid inloggning', 'när jag skannar', 'när jag söker',
  'när jag öppnar', 'när jag skickar', 'vid administrering', 'when I print', 'on save', 'when signing', 'when I log in', 'when scanning',
  'when I open a chart', 'when I add a column', 'vid uppdatering', 'när jag bokar', 'when forwarding',
];
const SYMPTOMS = [
  'blir tomma', 'hänger sig', 'är jättesegt', 'visar fel patient', 'saknas', 'ger felmeddelande', 'ligger nere', 'kopplar ner hela tiden',
  'loopar', 'ger dubbletter', 'blir sneda', 'kraschar', 'freezes', 'is painfully slow', 'shows the wrong patient', 'is missing',
  'throws an error', 'is offline', 'keeps disconnecting', 'prints blank', 'is misaligned', 'comes out in English', 'is greyed out',
  'uppdateras inte', 'kommer flera timmar sent', 'känns inte igen',
];
const SYLLABLES = ['ka', 'lo', 'mi', 'ser', 'tan', 'vik', 'rup', 'del', 'nor', 'bi', 'gast', 'fel', 'om', 'ut', 'pra', 'ske', 'lin', 'dor'];
const WORDS = Array.from({ length: 3000 }, () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join(''));

interface Spec {
  thing: string;
  fn: string;
  symptom: string;
  code?: string;
  words: string[];
}

function newSpec(): Spec {
  const code = random() < 0.5 ? (random() < 0.5 ? `ORA-${10000 + Math.floor(random() * 89999)}` : `0x8007${Math.floor(random() * 65535).toString(16).padStart(4, '0')}`) : undefined;
  return { thing: pick(THINGS), fn: pick(FUNCTIONS), symptom: pick(SYMPTOMS), code, words: Array.from({ length: 4 }, () => pick(WORDS)) };
}

let ids = 0;
function reportOf(spec: Spec): FailureReport {
  // A new wording: the facets in another order, two of the spec's own words and one of anyone's.
  const words = [pick(spec.words), pick(spec.words), pick(WORDS)];
  const parts = random() < 0.5 ? [spec.thing, spec.symptom, spec.fn] : [spec.fn, spec.thing, spec.symptom];
  const text = `${parts.join(' ')} ${words.join(' ')}${spec.code ? ` (${spec.code})` : ''}`;
  ids++;
  return { id: `b${ids}`, text, user: `u${Math.floor(random() * 400)}`, site: `site ${Math.floor(random() * 30)}`, ts: new Date(Date.UTC(2026, 10, 1) + ids * 1000).toISOString() };
}

// A full collection before each heap reading, without asking for a node flag.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
gc();
const heapBefore = process.memoryUsage().heapUsed;

const index = new FailureIndex();
const specs: Spec[] = [];
const buildStarted = performance.now();
while (index.size < GROUPS) {
  const spec = newSpec();
  if (index.add(reportOf(spec)).created) specs.push(spec);
}
const buildMs = performance.now() - buildStarted;
gc();
const heapGroups = process.memoryUsage().heapUsed - heapBefore;

// Warm-up: the first adds compile the regular expressions and the hot paths.
for (let i = 0; i < 500; i++) index.add(reportOf(pick(specs)));

const rounds: { p50: number; p99: number; max: number; joined: number }[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const times: number[] = [];
  let joined = 0;
  for (let i = 0; i < ADDS_PER_ROUND; i++) {
    const spec = random() < 0.8 ? pick(specs) : newSpec();
    const report = reportOf(spec);
    const t = performance.now();
    const result = index.add(report);
    times.push(performance.now() - t);
    if (!result.created) joined++;
    else specs.push(spec);
  }
  times.sort((a, b) => a - b);
  rounds.push({ p50: percentile(times, 50), p99: percentile(times, 99), max: times.at(-1)!, joined: joined / ADDS_PER_ROUND });
}

// Baseline in the same run: the same rules and similarity against every group, without the inverted
// index; and the index's own look-up (FailureIndex.match) on the same reports, neither adding them.
const everyGroup = index.groups();
function scanAll(text: string): number {
  const profile = extractProfile(text);
  const traits = traitsOf(profile.concepts, profile.codes.map((c) => `code:${c}`), true);
  let norm = 0;
  for (const w of profile.features.values()) norm += w * w;
  norm = Math.sqrt(norm);
  let best = 0;
  for (const group of everyGroup) if (compatibility(traits, group.traits()).compatible) best = Math.max(best, group.similarity(profile, norm));
  return best;
}
const probes = Array.from({ length: 500 }, () => reportOf(random() < 0.8 ? pick(specs) : newSpec()).text);
const timed = (f: (text: string) => unknown) =>
  probes.map((text) => {
    const t = performance.now();
    f(text);
    return performance.now() - t;
  }).sort((a, b) => a - b);
const scanTimes = timed(scanAll);
const matchTimes = timed((text) => index.match(text));

const result = {
  machine: `${process.platform} ${process.arch}, Node.js ${process.versions.node}`,
  groups_built: GROUPS,
  build_ms: round(buildMs, 0),
  heap_mb_for_groups: round(heapGroups / 2 ** 20, 1),
  rounds: rounds.map((r) => ({ p50_ms: round(r.p50, 4), p99_ms: round(r.p99, 4), max_ms: round(r.max, 2), joined: round(r.joined, 3) })),
  median_p50_ms: round(median(rounds.map((r) => r.p50)), 4),
  median_p99_ms: round(median(rounds.map((r) => r.p99)), 4),
  groups_at_end: index.size,
  lookup_500_reports: {
    index_match_p50_ms: round(percentile(matchTimes, 50), 4),
    index_match_p99_ms: round(percentile(matchTimes, 99), 4),
    scan_all_groups_p50_ms: round(percentile(scanTimes, 50), 4),
    scan_all_groups_p99_ms: round(percentile(scanTimes, 99), 4),
    p50_ratio_index_to_scan: round(percentile(matchTimes, 50) / percentile(scanTimes, 50), 3),
  },
};
mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
writeFileSync(new URL('./out/tally.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
