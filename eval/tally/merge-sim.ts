/**
 * How far super-users get by merging what the tally split, if they follow its suggestions: the tally
 * groups a set's reports; then, smallest group first, a simulated super-user looks at the groups the
 * failures page suggests for it (FailureIndex.similar, five) and merges it into one that is the same
 * failure (by the gold labels: the simulated person judges correctly, and only among the suggestions).
 * Prints B-cubed F1 before and after and how many merges it took. Only F1 and counts: safe on unseen sets.
 *
 *   node_modules/.bin/node eval/tally/merge-sim.ts --eval fresh
 */
import { parseArgs } from 'node:util';
import { FailureIndex } from '../../src/core/tally/failure-index.ts';
import { asReport, bcubed, failureOf, goldOf, loadSet, type BCubed } from './sets.ts';

const { values } = parseArgs({ options: { eval: { type: 'string', default: 'dev' }, suggestions: { type: 'string', default: '5' } } });

const fmt = (s: BCubed) => `F1 ${s.f1.toFixed(3)} (P ${s.precision.toFixed(3)}, R ${s.recall.toFixed(3)})`;

for (const name of values.eval.split(',')) {
  const rows = loadSet(name);
  const gold = goldOf(rows);
  const index = new FailureIndex();
  for (const r of rows) index.add(asReport(r));
  const before = bcubed(rows, index.groups().map((g) => g.members));
  let merges = 0;
  let looked = 0;
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of [...index.groups()].reverse()) {
      if (!index.get(g.id)) continue;
      looked++;
      const same = index.similar(g.id, Number(values.suggestions)).find((m) => failureOf(m.group, gold) === failureOf(g, gold));
      if (!same) continue;
      index.merge(g.id, same.group.id);
      merges++;
      changed = true;
    }
  }
  const after = bcubed(rows, index.groups().map((g) => g.members));
  console.log(`${name}: tally ${fmt(before)}; after ${merges} merges from the suggestions (${looked} groups looked at) ${fmt(after)}`);
}
