import { contentWords } from '../retrieval/analyzer.ts';
import { fold } from '../text/normalize.ts';
import { stem } from '../text/stem.ts';
import { errorEvidence } from './error-codes.ts';
import { CONCEPTS, conceptOf, UNKNOWN_MODULE, unknownModuleKey, type Concept, type Facet } from './lexicon.ts';

/**
 * What one report says broke and how, as weighted features, in two layers. The lexicon's layer:
 * "facet:id" for concepts ("object:wristband", "symptom:blank"), "family:…" for symptom families,
 * "code:ORA-12541" and "quote:…". And a layer that needs no lexicon: "term:stem" for the content words
 * no concept matched, and "gram:xxxx" for the character 4-grams of each longer stem that does not say
 * how it failed (names of things included), so that compounds and typos meet ("armbandsskrivaren" and
 * "armbandskrivare", "vagndatorn" and "datorvagnen", "smärtskatningen" and "smärtskattning").
 * Concepts carry a report across languages; words and grams carry what the lexicon does not know.
 * How much each counts is the index's business: it learns how common each word is.
 */
export interface FailureProfile {
  /** Concept keys found, e.g. "device:printer" or "module:~surginet" for a product name the lexicon lacks. */
  concepts: string[];
  codes: string[];
  /** Quoted passages, folded and stemmed. */
  quotes: string[];
  /** Stems of the content words no concept matched. */
  terms: string[];
  /** Character 4-grams of the longer stems (not those of function and symptom words), "#" marking the word's ends. */
  grams: string[];
  /** Feature key → fixed weight; every key above appears here once. */
  features: Map<string, number>;
}

export const FACET_WEIGHT: Record<Facet, number> = { module: 3, device: 2.5, object: 3, function: 2, symptom: 3, topic: 1.5 };
const WEAK_SYMPTOM_WEIGHT = 1;
const CODE_WEIGHT = 6;
const QUOTE_WEIGHT = 4;
const TERM_WEIGHT = 1;
const GRAM_WEIGHT = 1;
// Symptoms of one family ("tom", "borta", "shows no patients") share part of their weight.
const FAMILY_WEIGHT = 2;

/** Weight of a feature key; the same for a report and for a group's centroid. */
export function featureWeight(key: string): number {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  switch (kind) {
    case 'code':
      return CODE_WEIGHT;
    case 'quote':
      return QUOTE_WEIGHT;
    case 'term':
      return TERM_WEIGHT;
    case 'gram':
      return GRAM_WEIGHT;
    case 'family':
      return FAMILY_WEIGHT;
    default: {
      const c = conceptOf(key);
      if (!c) return TERM_WEIGHT;
      return c.weak ? WEAK_SYMPTOM_WEIGHT : FACET_WEIGHT[c.facet];
    }
  }
}

// Redaction tags ("[NAME]") and the words of every report ("patient", "avdelning", "idag") carry no failure.
const TAG = /\[[A-Z_]+\]/g;
const NOISE = new Set(
  [
    'patient', 'patienten', 'patienter', 'patienterna', 'pat', 'avdelning', 'avdelningen', 'avd', 'ward', 'unit', 'idag', 'today',
    'igen', 'again', 'alla', 'all', 'hela', 'whole', 'tiden', 'gang', 'ganger', 'time', 'times', 'morgon', 'morse', 'morning',
    'fortfarande', 'still', 'nagon', 'ingen', 'nobody', 'everyone', 'anyone', 'some', 'every', 'varje', 'flera', 'several',
    'vi', 'we', 'us', 'our', 'har', 'has', 'have', 'had', 'got', 'get', 'gets', 'fick', 'far', 'blir', 'blev', 'kommer', 'kom',
    'comes', 'came', 'out', 'ut', 'in', 'pa', 'sen', 'since', 'after', 'efter', 'innan', 'before', 'nar', 'when', 'just', 'only',
    'sedan', 'nattet', 'natten', 'night', 'kvall', 'kvallen', 'dag', 'dagen', 'day', 'vecka', 'veckan', 'week', 'sal', 'rum',
    'room', 'bed', 'sang', 'la', 'kl', 'ca', 'about', 'around', 'anyone', 'else', 'annars', 'nan', 'nagot', 'anything',
    'something', 'ngn', 'ngt', 'mkt', 'lite', 'bit', 'jattemycket', 'hjalp', 'help', 'please', 'snalla', 'tack', 'thanks',
    'helt', 'completely', 'totally', 'alls', 'bara', 'varfor', 'why', 'mer', 'more', 'samma', 'same', 'sak', 'thing', 'nothing',
    'ingenting', 'inget', 'inga', 'nu', 'now', 'igar', 'yesterday', 'any', 'anymore', 'langre', 'longer', 'ens', 'even',
  ].map(fold),
);

// "Inget kraschar, det är bara segt": a symptom right after a negation is not reported.
const NEGATED = /(?:^|[\s,.;:!?])(?:inget|ingenting|inte|nothing|not|never|no)\s+(?:[^\s,.;:!?]+\s+)?$/;

/**
 * Matches every concept in folded text. Returns the concepts, which characters they covered, the text
 * without the words any concept matched (`rest`: the words the lexicon does not know) and the text
 * without the words of functions and symptoms (`what`): those say how, which their concepts already
 * say in either language, while the name of what broke may say more than its concept does
 * ("anteckningstypen" is a note, and a type), which its spelling keeps.
 */
function matchConcepts(folded: string, lexicon: readonly Concept[]): { found: Concept[]; covered: Uint8Array; what: string; rest: string } {
  const found: Concept[] = [];
  const covered = new Uint8Array(folded.length);
  const how = new Uint8Array(folded.length);
  for (const c of lexicon) {
    c.pattern.lastIndex = 0;
    let hit = false;
    for (let m = c.pattern.exec(folded); m; m = c.pattern.exec(folded)) {
      if (m[0].length === 0) c.pattern.lastIndex++;
      covered.fill(1, m.index, m.index + m[0].length);
      if (c.facet === 'function' || c.facet === 'symptom') how.fill(1, m.index, m.index + m[0].length);
      if (c.facet === 'symptom' && !c.weak && NEGATED.test(folded.slice(Math.max(0, m.index - 30), m.index))) continue;
      hit = true;
    }
    if (hit) found.push(c);
  }
  let what = '';
  let rest = '';
  for (let i = 0; i < folded.length; i++) {
    what += how[i] ? ' ' : folded[i];
    rest += covered[i] ? ' ' : folded[i];
  }
  return { found, covered, what, rest };
}

const OFFLINE = CONCEPTS.find((c) => c.facet === 'symptom' && c.id === 'offline')!;
const ABOUT_THE_PRINT = new Set(['blank', 'misaligned', 'truncated', 'garbled']);

/** Readings that depend on what else the report says. */
function withContext(found: Concept[]): Concept[] {
  const has = (facet: string, id?: string) => found.some((c) => c.facet === facet && (id === undefined || c.id === id) && !c.incidental);
  // A device that cannot be found is unavailable ("hittar inte skrivaren", "not in the printer list"),
  // unless what is missing is on the printout ("half the barcode is missing").
  const lost = has('symptom', 'missing') && !found.some((c) => c.facet === 'symptom' && ABOUT_THE_PRINT.has(c.id));
  // A device that is "disconnected" is offline; a session that disconnects is another failure.
  if (has('device') && !has('symptom', 'offline') && (lost || has('symptom', 'disconnect'))) return [...found, OFFLINE];
  return found;
}

/** Product names in their vendor spelling that no concept covered. */
function unknownModules(text: string, folded: string, covered: Uint8Array): { key: string }[] {
  const out: { key: string }[] = [];
  // Folding keeps offsets only when it keeps the length; otherwise look words up by their folded form.
  const aligned = text.length === folded.length;
  for (const m of text.matchAll(UNKNOWN_MODULE)) {
    const word = fold(m[0]);
    const from = aligned ? m.index : folded.indexOf(word);
    if (from < 0 || covered[from]) continue;
    out.push({ key: unknownModuleKey(m[0], word) });
  }
  return out;
}

function stemsOf(text: string): string[] {
  const out: string[] = [];
  for (const word of contentWords(text)) {
    if (/^\d+$/.test(word) || NOISE.has(word)) continue;
    const s = stem(word);
    if (s.length >= 2) out.push(s);
  }
  return out;
}

const GRAM = 4;
// Shorter stems ("pc", "mar", "sign") are words of their own, not compounds or typos.
const MIN_GRAM_STEM = 5;

/** Character n-grams of a stem, with word boundaries marked: "#arm", "armb", …, "are#". */
function gramsOf(stemmed: string, into: Set<string>): void {
  if (stemmed.length < MIN_GRAM_STEM) return;
  const padded = `#${stemmed}#`;
  for (let i = 0; i + GRAM <= padded.length; i++) into.add(padded.slice(i, i + GRAM));
}

/**
 * @param lexicon the concepts to look for: all of them, except when the model's weights are fitted
 * with parts of the lexicon left out (eval/tally/fit.ts), so that they also hold for words it lacks.
 */
export function extractProfile(text: string, lexicon: readonly Concept[] = CONCEPTS): FailureProfile {
  const clean = text.replace(TAG, ' ');
  const evidence = errorEvidence(clean);
  const spaced = evidence.rest.replace(/[’`´]/g, "'").replace(/\s+/g, ' ');
  const folded = fold(spaced);
  const matched = matchConcepts(folded, lexicon);

  const features = new Map<string, number>();
  const concepts: string[] = [];
  for (const c of withContext(matched.found)) {
    const key = `${c.facet}:${c.id}`;
    concepts.push(key);
    features.set(key, featureWeight(key));
    // Only a symptom's own family adds weight (so "tom" meets "borta", "går inte" meets "fel");
    // its other families only make it compatible.
    const family = c.families?.[0];
    if (family) features.set(`family:${family}`, FAMILY_WEIGHT);
  }
  for (const u of unknownModules(spaced, folded, matched.covered)) {
    if (features.has(u.key)) continue;
    concepts.push(u.key);
    features.set(u.key, featureWeight(u.key));
  }
  for (const code of evidence.codes) features.set(`code:${code}`, CODE_WEIGHT);
  const quotes: string[] = [];
  for (const q of evidence.quotes) {
    // A one-word quote ('error', "Offline") is no message of its own; its word counts as a term.
    const stems = stemsOf(fold(q));
    if (stems.length < 2) continue;
    const key = stems.join(' ');
    quotes.push(key);
    features.set(`quote:${key}`, QUOTE_WEIGHT);
  }
  const terms = [...new Set(stemsOf(matched.rest))];
  for (const t of terms) features.set(`term:${t}`, TERM_WEIGHT);
  const gramSet = new Set<string>();
  for (const t of new Set(stemsOf(matched.what))) gramsOf(t, gramSet);
  const grams = [...gramSet];
  for (const g of grams) features.set(`gram:${g}`, GRAM_WEIGHT);
  return { concepts, codes: evidence.codes, quotes, terms, grams, features };
}
