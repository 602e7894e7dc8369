/**
 * The most a chat model can do for grouping in Lotsen's pipeline (FailureDesk with a model): for each
 * report the index shortlists groups (FailureIndex.shortlist, as the model sees them) and a perfect
 * judge picks the best-ranked group of the same failure when the shortlist has it, or says "a new
 * failure". An estimate, not a bound: a judge that picks the larger of two groups of one failure
 * changes later shortlists and can do a little better (eval/tally/hand-model.ts measures a real judge). Where this is far below the target, a larger
 * shortlist or a better index is needed before any model can meet it. "dev+holdout+fresh" runs sets
 * as one stream, so that each failure's group is among many more. Only F1 and counts are printed:
 * safe on unseen sets.
 *
 *   node_modules/.bin/node eval/tally/model-ceiling.ts --eval fresh,dev+holdout+fresh --shortlist 8
 */
import { parseArgs } from 'node:util';
import { FailureIndex } from '../../src/core/tally/failure-index.ts';
import { asReport, bcubed, failureOf, goldOf, loadSet } from './sets.ts';

const { values } = parseArgs({ options: { eval: { type: 'string', default: 'dev' }, shortlist: { type: 'string', default: '8' } } });

for (const name of values.eval.split(',')) {
  const rows = loadSet(name);
  const gold = goldOf(rows);
  const index = new FailureIndex();
  const seen = new Set<string>();
  let missed = 0;
  for (const r of rows) {
    const right = index.shortlist(r.text, Number(values.shortlist)).find((m) => failureOf(m.group, gold) === r.cluster);
    // A failure reported before whose group the shortlist lacks: the judge can only start a new group.
    if (!right && seen.has(r.cluster)) missed++;
    seen.add(r.cluster);
    index.add(asReport(r), right ? right.group.id : null);
  }
  const repeats = rows.length - seen.size;
  const f1 = bcubed(rows, index.groups().map((g) => g.members)).f1;
  console.log(`${name}: perfect judge over a shortlist of ${values.shortlist}: B-cubed F1 ${f1.toFixed(3)}; the shortlist lacked the failure's group for ${missed} of ${repeats} reports of a failure seen before (${((100 * missed) / repeats).toFixed(1)} %)`);
}
