import { conceptOf, type Facet } from './lexicon.ts';

/**
 * What the hard rules look at, worked out once per report and once per group version: things
 * (module, device, object) that keep groups apart, strong symptoms with their families, functions
 * and error codes. A group's traits come from the concepts a fair share of its members named.
 */
export interface Traits {
  /** Decisive things per facet, each with the wholes they are part of. */
  things: Map<Facet, ThingSet>;
  allThings: ThingSet;
  symptoms: string[];
  families: Set<string>;
  /** The symptoms that are not broad, and their families. */
  specificSymptoms: string[];
  specificFamilies: Set<string>;
  functions: Set<string>;
  codes: Set<string>;
}

const THINGS: readonly Facet[] = ['module', 'device', 'object'];

/** Things, and the wholes they are part of, for the "same or part of" test without look-ups. */
export interface ThingSet {
  keys: string[];
  /** The keys and their parents. */
  withParents: Set<string>;
}

function thingSet(keys: string[]): ThingSet {
  const withParents = new Set(keys);
  for (const k of keys) {
    const parent = conceptOf(k)!.parent;
    if (parent) withParents.add(parent);
  }
  return { keys, withParents };
}

/**
 * @param specific keep only the most specific of related things: a report on "the Patient List in
 * PowerChart" is about the Patient List. A group keeps both, as its members name either.
 */
export function traitsOf(concepts: Iterable<string>, codes: Iterable<string>, specific: boolean): Traits {
  const byFacet = new Map<Facet, string[]>();
  let allThings: string[] = [];
  const symptoms: string[] = [];
  const families = new Set<string>();
  const specificSymptoms: string[] = [];
  const specificFamilies = new Set<string>();
  const functions = new Set<string>();
  for (const key of concepts) {
    const c = conceptOf(key);
    if (!c) continue;
    if (THINGS.includes(c.facet)) {
      // A thing named in passing ("the computer") never keeps groups apart.
      if (c.incidental) continue;
      allThings.push(key);
      const list = byFacet.get(c.facet);
      if (list) list.push(key);
      else byFacet.set(c.facet, [key]);
    } else if (c.facet === 'symptom' && !c.weak) {
      symptoms.push(key);
      for (const f of c.families ?? [key]) families.add(f);
      if (!c.broad) {
        specificSymptoms.push(key);
        for (const f of c.families ?? [key]) specificFamilies.add(f);
      }
    } else if (c.facet === 'function') functions.add(key);
  }
  if (specific) {
    const isParent = (k: string) => allThings.some((other) => conceptOf(other)!.parent === k);
    for (const [facet, list] of byFacet) byFacet.set(facet, list.filter((k) => !isParent(k)));
    allThings = allThings.filter((k) => !isParent(k));
  }
  const things = new Map<Facet, ThingSet>();
  for (const [facet, list] of byFacet) things.set(facet, thingSet(list));
  return { things, allThings: thingSet(allThings), symptoms, families, specificSymptoms, specificFamilies, functions, codes: new Set(codes) };
}

/**
 * Same thing, or one is part of the other: iView is part of PowerChart, a specimen label is a label.
 * Staff name the whole and the part in either direction ("PowerChart hangs" about the Patient List).
 */
function agree(mine: ThingSet | undefined, theirs: ThingSet | undefined): boolean {
  if (!mine?.keys.length || !theirs?.keys.length) return true;
  for (const a of mine.keys) {
    if (theirs.withParents.has(a)) return true;
    const parent = conceptOf(a)!.parent;
    if (parent && theirs.keys.includes(parent)) return true;
  }
  return false;
}

function sameSymptomFamily(report: Traits, group: Traits): boolean {
  if (!report.symptoms.length || !group.symptoms.length) return true;
  for (const f of report.families) if (group.families.has(f)) return true;
  return false;
}

/** Both name a symptom that is not broad, and none of those shares a family: "blank" against "wrong patient". */
function clearlyOtherSymptom(report: Traits, group: Traits): boolean {
  if (!report.specificSymptoms.length || !group.specificSymptoms.length) return false;
  for (const f of report.specificFamilies) if (group.specificFamilies.has(f)) return false;
  return true;
}

// "error 500" is too common to tie reports about different modules together; "ORA-12541" is not.
const isSpecificCode = (key: string) => !/^code:(?:ERROR|HTTP) /.test(key);

export interface Compatibility {
  compatible: boolean;
  /** Both name the same error code. */
  sharedCode: boolean;
  /** Both name functions, and none of them the same. */
  functionMismatch: boolean;
  /** Both name how it failed, in words of different families ("blank" against "freezes"). */
  symptomMismatch: boolean;
}

const INCOMPATIBLE: Compatibility = { compatible: false, sharedCode: false, functionMismatch: false, symptomMismatch: false };

/**
 * Hard rules before any similarity: a report may not join a group that is about a different module,
 * device or thing, a clearly different symptom, or a different error code. The same error code
 * outweighs differing words about the symptom, which staff describe in many ways.
 */
export function compatibility(report: Traits, group: Traits): Compatibility {
  let sharedCode = false;
  let specificCode = false;
  for (const c of report.codes) {
    if (!group.codes.has(c)) continue;
    sharedCode = true;
    if (isSpecificCode(c)) specificCode = true;
  }
  if (report.codes.size > 0 && group.codes.size > 0 && !sharedCode) return INCOMPATIBLE;
  // "ORA-12541" in PowerChart and in FirstNet is one failure of what both stand on.
  if (specificCode) return { compatible: true, sharedCode, functionMismatch: false, symptomMismatch: false };
  for (const facet of THINGS) if (!agree(report.things.get(facet), group.things.get(facet))) return INCOMPATIBLE;
  // A module and a device may be one failure ("the wristband printer" in registration), but a
  // report about one thing only never joins a group about another.
  if (!agree(report.allThings, group.allThings)) return INCOMPATIBLE;
  // A clearly different symptom ("blank" against "wrong patient") is another failure. A difference that
  // involves a broad symptom ("the values vanish", "we've gone to paper") only counts against a match,
  // as do different functions ("scan" against "sign"): staff name them loosely.
  if (!sharedCode && clearlyOtherSymptom(report, group)) return INCOMPATIBLE;
  const symptomMismatch = !sharedCode && !sameSymptomFamily(report, group);
  let functionMismatch = report.functions.size > 0 && group.functions.size > 0;
  for (const f of report.functions) if (group.functions.has(f)) functionMismatch = false;
  return { compatible: true, sharedCode, functionMismatch, symptomMismatch };
}
