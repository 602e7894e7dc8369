/**
 * The most a chat model can do for grouping in Lotsen's pipeline (TallyOptions / FailureDesk with a
 * model): for each report the index shortlists groups (FailureIndex.shortlist, as the model sees them)
 * and a perfect judge picks the group of the same failure when the shortlist has it, or says "a new
 * failure". Whatever a real model scores, it cannot beat this; and where this is below the target, a
 * larger shortlist or a better index is needed before any model can meet it. Only F1 and counts are
 * printed: safe on unseen sets.
 *
 *   node_modules/.bin/node eval/tally/model-ceiling.ts --eval fresh,dev+holdout+fresh --shortlist 8
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { redact } from '../../src/core/privacy/redact.ts';
import { FailureIndex } from '../../src/core/tally/failure-index.ts';
import type { FailureGroup } from '../../src/core/tally/group.ts';

interface Row { id: string; text: string; user: string; site: string; ts: string; cluster: string }

const { values } = parseArgs({ options: { eval: { type: 'string', default: 'dev' }, shortlist: { type: 'string', default: '8' } } });

function bcubed(rows: Row[], clusters: string[][]): number {
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
  return (2 * p * r) / (p + r);
}

for (const name of values.eval.split(',')) {
  // "dev+holdout+fresh": several sets as one stream in time order, so that each failure's group has
  // to be found among many more groups.
  const rows: Row[] = name
    .split('+')
    .flatMap((set) => readFileSync(new URL(`./${set}.jsonl`, import.meta.url), 'utf8').split('\n'))
    .filter((l) => l.trim())
    .map((l) => {
      const r = JSON.parse(l) as Row;
      return { ...r, text: redact(r.text).text };
    })
    .sort((a, b) => a.ts.localeCompare(b.ts));
  const gold = new Map(rows.map((r) => [r.id, r.cluster]));
  const failureOf = (g: FailureGroup) => {
    const by = new Map<string, number>();
    for (const m of g.members) by.set(gold.get(m)!, (by.get(gold.get(m)!) ?? 0) + 1);
    return [...by].sort((a, b) => b[1] - a[1])[0]![0];
  };
  const index = new FailureIndex();
  const seen = new Set<string>();
  let missed = 0;
  for (const r of rows) {
    const shortlist = index.shortlist(r.text, Number(values.shortlist));
    const right = shortlist.find((m) => failureOf(m.group) === r.cluster);
    // A failure reported before whose group the shortlist lacks: the judge can only start a new group.
    if (!right && seen.has(r.cluster)) missed++;
    seen.add(r.cluster);
    index.add({ id: r.id, text: r.text, user: r.user, site: r.site, ts: r.ts }, right ? right.group.id : null);
  }
  const repeats = rows.length - seen.size;
  console.log(`${name}: perfect judge over a shortlist of ${values.shortlist}: B-cubed F1 ${bcubed(rows, index.groups().map((g) => g.members)).toFixed(3)}; the shortlist lacked the failure's group for ${missed} of ${repeats} reports of a failure seen before (${((100 * missed) / repeats).toFixed(1)} %)`);
}
