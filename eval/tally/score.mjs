#!/usr/bin/env node
// Scores a failure-report grouping against a gold file.
//
//   node eval/tally/score.mjs --inputs eval/tally/dev.jsonl > /tmp/reports.jsonl   # strips the gold label
//   lotsen tally --json < /tmp/reports.jsonl > /tmp/pred.json
//   node eval/tally/score.mjs eval/tally/dev.jsonl /tmp/pred.json [--json]
//
// GOLD.jsonl: lines {"id","text","user","site","ts","cluster"}.
// PRED.json:  the output of `lotsen tally --json`: {"clusters":[{"id","label","members":["report id",…],…}]}
//             ("-" reads it from stdin).
//
// Metrics (all over the gold items):
//   B-cubed precision/recall/F1: per item i with gold cluster G and predicted cluster K,
//     P_i = |G∩K|/|K|, R_i = |G∩K|/|G|; P and R are the averages over items, F1 = 2PR/(P+R).
//     Items missing from the prediction count as predicted singletons. Predicted members that are not
//     in the gold file are ignored (and counted as "unknown"); an item listed in several predicted
//     clusters keeps its first cluster (and is counted as "duplicated").
//   Pairwise precision/recall/F1 over item pairs placed in the same cluster. With no predicted pairs,
//     pairwise precision is 1 (vacuously) and recall 0.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const readJsonl = (text) => text.split('\n').filter((l) => l.trim()).map((l, i) => {
  try { return JSON.parse(l); } catch (e) { throw new Error(`line ${i + 1}: ${e.message}`); }
});

if (args[0] === '--inputs') {
  if (!args[1]) { console.error('usage: score.mjs --inputs GOLD.jsonl'); process.exit(2); }
  for (const r of readJsonl(readFileSync(args[1], 'utf8'))) {
    process.stdout.write(JSON.stringify({ id: r.id, text: r.text, user: r.user, site: r.site, ts: r.ts }) + '\n');
  }
  process.exit(0);
}

const [goldPath, predPath] = args.filter((a) => !a.startsWith('--'));
if (!goldPath || !predPath) {
  console.error('usage: score.mjs GOLD.jsonl PRED.json [--json] | score.mjs --inputs GOLD.jsonl');
  process.exit(2);
}

let gold, pred;
try { gold = readJsonl(readFileSync(goldPath, 'utf8')); } catch (e) { console.error(`${goldPath}: ${e.message}`); process.exit(2); }
try {
  pred = JSON.parse(readFileSync(predPath === '-' ? 0 : predPath, 'utf8'));
} catch (e) { console.error(`${predPath}: ${e.message}`); process.exit(2); }
if (!pred || !Array.isArray(pred.clusters)) { console.error(`${predPath}: expected {"clusters":[…]}`); process.exit(2); }

// Gold: item -> gold cluster.
const goldOf = new Map();
const text = new Map();
for (const g of gold) {
  if (goldOf.has(g.id)) { console.error(`${goldPath}: duplicate id ${g.id}`); process.exit(2); }
  goldOf.set(g.id, g.cluster);
  text.set(g.id, g.text);
}

// Prediction: item -> predicted cluster key (restricted to gold items).
const predOf = new Map();
const predLabel = new Map();
let unknown = 0, duplicated = 0;
pred.clusters.forEach((c, i) => {
  const key = `p${i}:${c.id ?? i}`;
  predLabel.set(key, { id: c.id ?? String(i), label: c.label ?? '' });
  for (const m of Array.isArray(c.members) ? c.members : []) {
    if (!goldOf.has(m)) { unknown++; continue; }
    if (predOf.has(m)) { duplicated++; continue; }
    predOf.set(m, key);
  }
});
let missing = 0;
for (const id of goldOf.keys()) if (!predOf.has(id)) { missing++; predOf.set(id, `missing:${id}`); }

// Contingency counts.
const goldSize = new Map(), predSize = new Map(), joint = new Map();
const inc = (m, k) => m.set(k, (m.get(k) ?? 0) + 1);
for (const [id, g] of goldOf) {
  const p = predOf.get(id);
  inc(goldSize, g); inc(predSize, p); inc(joint, `${g}\u0000${p}`);
}

// B-cubed.
let bp = 0, br = 0;
for (const [id, g] of goldOf) {
  const p = predOf.get(id);
  const both = joint.get(`${g}\u0000${p}`);
  bp += both / predSize.get(p);
  br += both / goldSize.get(g);
}
const n = goldOf.size;
const f1 = (p, r) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const bcP = n ? bp / n : 0, bcR = n ? br / n : 0;

// Pairwise.
const pairs = (k) => (k * (k - 1)) / 2;
let tpPairs = 0, goldPairs = 0, predPairs = 0;
for (const v of joint.values()) tpPairs += pairs(v);
for (const v of goldSize.values()) goldPairs += pairs(v);
for (const v of predSize.values()) predPairs += pairs(v);
const pwP = predPairs === 0 ? 1 : tpPairs / predPairs;
const pwR = goldPairs === 0 ? 1 : tpPairs / goldPairs;

const r4 = (x) => +x.toFixed(4);
const metrics = {
  items: n,
  gold_clusters: goldSize.size,
  predicted_clusters: pred.clusters.length,
  predicted_clusters_over_gold_items: predSize.size, // missing items counted as singletons
  bcubed_precision: r4(bcP),
  bcubed_recall: r4(bcR),
  bcubed_f1: r4(f1(bcP, bcR)),
  pairwise_precision: r4(pwP),
  pairwise_recall: r4(pwR),
  pairwise_f1: r4(f1(pwP, pwR)),
  missing_items: missing,
  unknown_members: unknown,
  duplicated_members: duplicated,
};

// Diagnostics: gold clusters split over several predicted clusters; predicted clusters mixing gold clusters.
const byGold = new Map(), byPred = new Map();
for (const [k, v] of joint) {
  const [g, p] = k.split('\u0000');
  if (!byGold.has(g)) byGold.set(g, []);
  byGold.get(g).push([p, v]);
  if (!byPred.has(p)) byPred.set(p, []);
  byPred.get(p).push([g, v]);
}
const split = [...byGold].map(([g, parts]) => ({
  gold: g, size: goldSize.get(g), parts: parts.length,
  largest_part: Math.max(...parts.map(([, v]) => v)),
})).filter((x) => x.parts > 1).sort((a, b) => b.parts - a.parts || b.size - a.size);
const mixed = [...byPred].filter(([p]) => !p.startsWith('missing:')).map(([p, parts]) => ({
  predicted: predLabel.get(p).id, label: predLabel.get(p).label, size: predSize.get(p),
  gold: parts.sort((a, b) => b[1] - a[1]).map(([g, v]) => `${g}×${v}`),
})).filter((x) => x.gold.length > 1).sort((a, b) => b.gold.length - a.gold.length || b.size - a.size);

if (args.includes('--json')) {
  process.stdout.write(JSON.stringify({ metrics, split_gold_clusters: split, mixed_predicted_clusters: mixed }) + '\n');
} else {
  const pct = (x) => x.toFixed(3);
  console.log(`items ${n}   gold clusters ${metrics.gold_clusters}   predicted clusters ${metrics.predicted_clusters}` +
    (missing ? `   (${missing} items missing from the prediction, scored as singletons)` : ''));
  console.log(`B-cubed   P ${pct(bcP)}  R ${pct(bcR)}  F1 ${pct(metrics.bcubed_f1)}`);
  console.log(`pairwise  P ${pct(pwP)}  R ${pct(pwR)}  F1 ${pct(metrics.pairwise_f1)}`);
  if (unknown) console.log(`warning: ${unknown} predicted member(s) not in the gold file were ignored`);
  if (duplicated) console.log(`warning: ${duplicated} item(s) were listed in more than one predicted cluster; the first one counts`);
  if (split.length) {
    console.log(`gold clusters split over several predicted clusters (${split.length}):`);
    for (const s of split.slice(0, 10)) console.log(`  ${s.gold} (${s.size}) -> ${s.parts} parts, largest ${s.largest_part}`);
  }
  if (mixed.length) {
    console.log(`predicted clusters mixing gold clusters (${mixed.length}):`);
    for (const m of mixed.slice(0, 10)) console.log(`  ${m.predicted}${m.label ? ` "${m.label}"` : ''} (${m.size}): ${m.gold.slice(0, 6).join(', ')}${m.gold.length > 6 ? `, … (${m.gold.length} gold clusters)` : ''}`);
  }
}
