/**
 * How far super-users get by merging what the tally split, if they follow its suggestions: the tally
 * groups a set's reports; then, smallest group first, a simulated super-user looks at the groups the
 * failures page suggests for it (FailureIndex.similar, five) and merges it into one that is the same
 * failure (by the gold labels: the simulated person judges correctly, and only among the suggestions).
 * Prints B-cubed F1 before and after and how many merges it took. Only F1 and counts: safe on unseen sets.
 *
 *   node_modules/.bin/node eval/tally/merge-sim.ts --eval fresh
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { redact } from '../../src/core/privacy/redact.ts';
import { FailureIndex } from '../../src/core/tally/failure-index.ts';
import type { FailureGroup } from '../../src/core/tally/group.ts';

interface Row { id: string; text: string; user: string; site: string; ts: string; cluster: string }

const { values } = parseArgs({ options: { eval: { type: 'string', default: 'dev' }, suggestions: { type: 'string', default: '5' } } });

function bcubed(rows: Row[], clusters: string[][]): { f1: number; p: number; r: number } {
  const gold = new Map(rows.map((r) => [r.id, r.cluster]));
  const size = new Map<string, number>();
  for (const r of rows) size.set(r.cluster, (size.get(r.cluster) ?? 0) + 1);
  let p = 0;
  let r = 0;
  for (const members of clusters) {
    const by = new Map<string, number>();
    for (const m of members) by.set(gold.get(m)!, (by.get(gold.get(m)!) ?? 0) + 1);
    for (const m of members) {
      p += by.get(gold.get(m)!)! / members.length;
      r += by.get(gold.get(m)!)! / size.get(gold.get(m)!)!;
    }
  }
  p /= rows.length;
  r /= rows.length;
  return { f1: (2 * p * r) / (p + r), p, r };
}

const fmt = (s: { f1: number; p: number; r: number }) => `F1 ${s.f1.toFixed(3)} (P ${s.p.toFixed(3)}, R ${s.r.toFixed(3)})`;

for (const name of values.eval.split(',')) {
  const rows: Row[] = readFileSync(new URL(`./${name}.jsonl`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as Row;
      return { ...r, text: redact(r.text).text };
    });
  const gold = new Map(rows.map((r) => [r.id, r.cluster]));
  const index = new FailureIndex();
  for (const r of rows) index.add({ id: r.id, text: r.text, user: r.user, site: r.site, ts: r.ts });
  const before = bcubed(rows, index.groups().map((g) => g.members));
  // The failure most of a group's reports describe: what a person reading its examples would see.
  const failureOf = (g: FailureGroup) => {
    const by = new Map<string, number>();
    for (const m of g.members) by.set(gold.get(m)!, (by.get(gold.get(m)!) ?? 0) + 1);
    return [...by].sort((a, b) => b[1] - a[1])[0]![0];
  };
  let merges = 0;
  let looked = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of [...index.groups()].reverse()) {
      if (!index.get(g.id)) continue;
      looked++;
      const same = index.similar(g.id, Number(values.suggestions)).find((m) => failureOf(m.group) === failureOf(g));
      if (!same) continue;
      index.merge(g.id, same.group.id);
      merges++;
      changed = true;
    }
  }
  const after = bcubed(rows, index.groups().map((g) => g.members));
  console.log(`${name}: tally ${fmt(before)}; after ${merges} merges from the suggestions (${looked} groups looked at) ${fmt(after)}`);
}
