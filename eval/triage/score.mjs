#!/usr/bin/env node
// Scores triage predictions against a gold file in this folder.
//
//   node eval/triage/score.mjs --inputs eval/triage/dev.jsonl > /tmp/in.jsonl     # {"id","text"} lines
//   lotsen classify --json < /tmp/in.jsonl > /tmp/pred.jsonl
//   node eval/triage/score.mjs eval/triage/dev.jsonl /tmp/pred.jsonl [--json]
//
// Predictions: one JSON object per line with "id", "intent" and "severity" (as printed by
// `lotsen classify --json`). A gold id with no prediction counts as wrong, and as "not safety".
import { readFileSync, existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const args = process.argv.slice(2);
const readJsonl = (p) => readFileSync(p, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

if (args[0] === '--inputs') {
  for (const r of readJsonl(args[1])) process.stdout.write(JSON.stringify({ id: r.id, text: r.text }) + '\n');
  process.exit(0);
}
const [goldPath, predPath] = args.filter((a) => !a.startsWith('--'));
if (!goldPath || !predPath) {
  console.error('usage: score.mjs GOLD.jsonl PRED.jsonl [--json] | score.mjs --inputs GOLD.jsonl');
  process.exit(2);
}
const gold = readJsonl(goldPath);
const pred = new Map(readJsonl(predPath).map((p) => [p.id, p]));
const hardFile = join(dirname(goldPath), 'hard-cases.json');
const hardIds = new Set(existsSync(hardFile) ? (JSON.parse(readFileSync(hardFile, 'utf8'))[basename(goldPath, '.jsonl')] ?? []) : []);

const INTENTS = ['safety', 'failure', 'question', 'other'];
const confusion = Object.fromEntries(INTENTS.map((g) => [g, Object.fromEntries([...INTENTS, 'missing'].map((p) => [p, 0]))]));
let correct = 0, sevCorrect = 0, tp = 0, fp = 0, fn = 0, missing = 0;
let hardN = 0, hardCorrect = 0, failN = 0, failSevCorrect = 0;
const byLang = {};
const misses = [];
for (const g of gold) {
  const p = pred.get(g.id);
  const pi = p?.intent ?? 'missing';
  if (!p) missing++;
  confusion[g.intent][INTENTS.includes(pi) ? pi : 'missing']++;
  const ok = pi === g.intent;
  if (ok) correct++;
  if (p?.severity === g.severity) sevCorrect++;
  if (g.intent === 'failure' && ok) { failN++; if (p.severity === g.severity) failSevCorrect++; }
  const gs = g.intent === 'safety', ps = pi === 'safety';
  if (gs && ps) tp++; else if (!gs && ps) fp++; else if (gs && !ps) fn++;
  if (hardIds.has(g.id)) { hardN++; if (ok) hardCorrect++; }
  byLang[g.lang] ??= { n: 0, correct: 0 };
  byLang[g.lang].n++; if (ok) byLang[g.lang].correct++;
  if (!ok || (gs && !ps)) misses.push({ id: g.id, gold: g.intent, pred: pi, text: g.text });
}
const div = (a, b) => (b === 0 ? null : +(a / b).toFixed(4));
const f1 = (intent) => {
  const t = confusion[intent][intent];
  const predicted = INTENTS.reduce((s, g) => s + confusion[g][intent], 0);
  const actual = Object.values(confusion[intent]).reduce((a, b) => a + b, 0);
  const p = div(t, predicted) ?? 0, r = div(t, actual) ?? 0;
  return p + r === 0 ? 0 : +((2 * p * r) / (p + r)).toFixed(4);
};
const metrics = {
  n: gold.length,
  missing,
  intent_accuracy: div(correct, gold.length),
  safety_recall: div(tp, tp + fn),
  safety_precision: div(tp, tp + fp),
  safety_tp: tp, safety_fp: fp, safety_fn: fn,
  macro_f1: +(INTENTS.reduce((s, i) => s + f1(i), 0) / INTENTS.length).toFixed(4),
  severity_accuracy: div(sevCorrect, gold.length),
  failure_severity_accuracy: div(failSevCorrect, failN),
  hard_intent_accuracy: div(hardCorrect, hardN),
  intent_accuracy_by_lang: Object.fromEntries(Object.entries(byLang).map(([l, v]) => [l, div(v.correct, v.n)])),
};
if (args.includes('--json')) {
  process.stdout.write(JSON.stringify({ metrics, confusion, misses }) + '\n');
} else {
  console.log(JSON.stringify(metrics, null, 1));
  console.log('confusion (rows gold, columns predicted):');
  for (const g of INTENTS) console.log(`  ${g.padEnd(9)} ${JSON.stringify(confusion[g])}`);
  for (const m of misses.filter((m) => m.gold === 'safety')) console.log(`missed safety ${m.id} -> ${m.pred}: ${m.text}`);
}
