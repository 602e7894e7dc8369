/** Reading the grouping sets and scoring a grouping of them, for the scripts in this folder. */
import { readFileSync } from 'node:fs';
import { redact } from '../../src/core/privacy/redact.ts';
import type { FailureGroup } from '../../src/core/tally/group.ts';

export interface Row {
  id: string;
  text: string;
  user: string;
  site: string;
  ts: string;
  cluster: string;
}

/**
 * A set's reports, redacted as Lotsen redacts them before the tally sees them. "dev+holdout" reads
 * several sets as one stream in time order.
 */
export function loadSet(name: string): Row[] {
  const rows = name
    .split('+')
    .flatMap((set) => readFileSync(new URL(`./${set}.jsonl`, import.meta.url), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as Row;
      return { ...r, text: redact(r.text).text };
    });
  return name.includes('+') ? rows.sort((a, b) => a.ts.localeCompare(b.ts)) : rows;
}

export interface BCubed {
  f1: number;
  precision: number;
  recall: number;
}

/** B-cubed precision, recall and F1 of a grouping (lists of report ids) against the gold labels. */
export function bcubed(rows: Row[], clusters: string[][]): BCubed {
  const gold = new Map(rows.map((r) => [r.id, r.cluster]));
  const size = new Map<string, number>();
  for (const r of rows) size.set(r.cluster, (size.get(r.cluster) ?? 0) + 1);
  let precision = 0;
  let recall = 0;
  for (const members of clusters) {
    const by = new Map<string, number>();
    for (const m of members) by.set(gold.get(m)!, (by.get(gold.get(m)!) ?? 0) + 1);
    for (const m of members) {
      precision += by.get(gold.get(m)!)! / members.length;
      recall += by.get(gold.get(m)!)! / size.get(gold.get(m)!)!;
    }
  }
  precision /= rows.length;
  recall /= rows.length;
  return { f1: (2 * precision * recall) / (precision + recall), precision, recall };
}

/** Report id → gold failure. */
export const goldOf = (rows: Row[]): Map<string, string> => new Map(rows.map((r) => [r.id, r.cluster]));

/** The failure most of a group's reports describe: what a person reading its examples would see. */
export function failureOf(group: FailureGroup, gold: Map<string, string>): string {
  const by = new Map<string, number>();
  for (const m of group.members) by.set(gold.get(m)!, (by.get(gold.get(m)!) ?? 0) + 1);
  return [...by].sort((a, b) => b[1] - a[1])[0]![0];
}

export const asReport = (r: Row) => ({ id: r.id, text: r.text, user: r.user, site: r.site, ts: r.ts });
