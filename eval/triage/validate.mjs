#!/usr/bin/env node
// Validates the triage measurement sets (dev.jsonl, holdout.jsonl, fresh.jsonl) in this folder.
// Usage: node eval/triage/validate.mjs [--json]
// Exit code 0 when valid, 1 when any error is found. Warnings do not fail.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = [
  { name: 'dev', prefix: 'dev-' },
  { name: 'holdout', prefix: 'holdout-' },
  { name: 'fresh', prefix: 'fresh-' },
];
const KEYS = ['id', 'lang', 'text', 'intent', 'severity'];
const INTENTS = ['safety', 'failure', 'question', 'other'];
const SEVERITY_OF = { safety: ['S1'], failure: ['S2', 'S3'], question: ['S4'], other: ['S4'] };
const LANGS = ['sv', 'en'];
// Rough targets per file (warn only): intent → [min, max]
const TARGETS = { safety: [50, 70], failure: [70, 90], question: [70, 90], other: [30, 50] };
const PII = [
  [/\b(19|20)?\d{6}[-+ ]?\d{4}\b/, 'personnummer-like number'],
  [/\b0\d{1,3}[- ]?\d{2,3}[- ]?\d{2}[- ]?\d{2}\b/, 'phone-like number'],
  [/\+46\s?\d/, 'phone-like number'],
  [/[\w.+-]+@[\w-]+\.[\w.]+/, 'e-mail address'],
];

const errors = [];
const warnings = [];
const data = {};

for (const { name, prefix } of FILES) {
  const path = join(here, `${name}.jsonl`);
  if (!existsSync(path)) { errors.push(`${name}.jsonl: missing`); continue; }
  const rows = [];
  const lines = readFileSync(path, 'utf8').split('\n');
  lines.forEach((line, i) => {
    const where = `${name}.jsonl:${i + 1}`;
    if (line.trim() === '') { if (i !== lines.length - 1) errors.push(`${where}: blank line`); return; }
    let r;
    try { r = JSON.parse(line); } catch (e) { errors.push(`${where}: invalid JSON (${e.message})`); return; }
    const keys = Object.keys(r);
    for (const k of KEYS) if (!(k in r)) errors.push(`${where}: missing key "${k}"`);
    for (const k of keys) if (!KEYS.includes(k)) errors.push(`${where}: unexpected key "${k}"`);
    if (typeof r.id !== 'string' || !r.id.startsWith(prefix)) errors.push(`${where}: id "${r.id}" must start with "${prefix}"`);
    if (!LANGS.includes(r.lang)) errors.push(`${where}: lang "${r.lang}" not in ${LANGS}`);
    if (typeof r.text !== 'string' || r.text.trim().length === 0) errors.push(`${where}: empty text`);
    if (!INTENTS.includes(r.intent)) errors.push(`${where}: intent "${r.intent}" not in ${INTENTS}`);
    else if (!SEVERITY_OF[r.intent].includes(r.severity)) errors.push(`${where}: intent ${r.intent} needs severity ${SEVERITY_OF[r.intent].join('|')}, got "${r.severity}"`);
    if (r.severity === 'S1' && r.intent !== 'safety') errors.push(`${where}: S1 only allowed with intent safety`);
    for (const [re, what] of PII) if (typeof r.text === 'string' && re.test(r.text)) errors.push(`${where}: text contains a ${what}`);
    rows.push(r);
  });
  data[name] = rows;
}

// Unique ids (across both files) and unique texts.
const seenId = new Map();
const seenText = new Map();
const norm = (t) => t.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
for (const [name, rows] of Object.entries(data)) {
  for (const r of rows) {
    if (seenId.has(r.id)) errors.push(`duplicate id ${r.id} (${seenId.get(r.id)} and ${name})`);
    seenId.set(r.id, name);
    const n = norm(r.text ?? '');
    if (seenText.has(n)) errors.push(`duplicate text: ${r.id} and ${seenText.get(n)}`);
    seenText.set(n, r.id);
  }
}

// Near-duplicates between every pair of files (character trigram Jaccard).
const grams = (t) => { const s = ` ${norm(t)} `; const g = new Set(); for (let i = 0; i + 3 <= s.length; i++) g.add(s.slice(i, i + 3)); return g; };
const jaccard = (a, b) => { let n = 0; for (const x of a) if (b.has(x)) n++; return n / (a.size + b.size - n || 1); };
const near = [];
const names = FILES.map((f) => f.name).filter((n) => data[n]);
for (let x = 0; x < names.length; x++) {
  for (let y = x + 1; y < names.length; y++) {
    const bg = data[names[y]].map((r) => [r, grams(r.text ?? '')]);
    for (const a of data[names[x]]) {
      const ag = grams(a.text ?? '');
      if (ag.size < 12) continue; // very short greetings ("tack", "hej") are allowed to resemble each other
      for (const [b, g] of bg) {
        if (g.size < 12) continue;
        const j = jaccard(ag, g);
        if (j >= 0.6) errors.push(`near-duplicate across files (${j.toFixed(2)}): ${a.id} ~ ${b.id}`);
        else if (j >= 0.45) near.push({ a: a.id, b: b.id, jaccard: +j.toFixed(2) });
      }
    }
  }
}
for (const n of near) warnings.push(`similar across files (${n.jaccard}): ${n.a} ~ ${n.b}`);

// hard-cases.json must list existing ids.
const hardPath = join(here, 'hard-cases.json');
let hard = {};
if (existsSync(hardPath)) {
  try { hard = JSON.parse(readFileSync(hardPath, 'utf8')); } catch (e) { errors.push(`hard-cases.json: ${e.message}`); }
  for (const [name, ids] of Object.entries(hard)) {
    const have = new Set((data[name] ?? []).map((r) => r.id));
    for (const id of ids) if (!have.has(id)) errors.push(`hard-cases.json: ${id} not in ${name}.jsonl`);
  }
}

// Counts.
const counts = {};
for (const [name, rows] of Object.entries(data)) {
  const c = { total: rows.length, intent: {}, severity: {}, intent_severity: {}, lang: {}, hard: (hard[name] ?? []).length };
  for (const r of rows) {
    c.intent[r.intent] = (c.intent[r.intent] ?? 0) + 1;
    c.severity[r.severity] = (c.severity[r.severity] ?? 0) + 1;
    const k = `${r.intent}/${r.severity}`;
    c.intent_severity[k] = (c.intent_severity[k] ?? 0) + 1;
    c.lang[r.lang] = (c.lang[r.lang] ?? 0) + 1;
  }
  counts[name] = c;
  for (const [intent, [lo, hi]] of Object.entries(TARGETS)) {
    const n = c.intent[intent] ?? 0;
    if (n < lo || n > hi) warnings.push(`${name}: ${n} ${intent} (target ${lo}-${hi})`);
  }
  const sv = (c.lang.sv ?? 0) / (c.total || 1);
  if (sv < 0.65 || sv > 0.85) warnings.push(`${name}: ${(sv * 100).toFixed(0)}% Swedish (target about 75%)`);
}

const ok = errors.length === 0;
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify({ ok, errors, warnings, counts }, null, 1) + '\n');
} else {
  for (const [name, c] of Object.entries(counts)) {
    console.log(`${name}: ${c.total} lines, hard ${c.hard}`);
    console.log(`  intent   ${JSON.stringify(c.intent)}`);
    console.log(`  severity ${JSON.stringify(c.severity)}`);
    console.log(`  by pair  ${JSON.stringify(c.intent_severity)}`);
    console.log(`  lang     ${JSON.stringify(c.lang)}`);
  }
  for (const w of warnings) console.log(`warning: ${w}`);
  for (const e of errors) console.log(`error: ${e}`);
  console.log(ok ? 'OK' : `FAILED: ${errors.length} error(s)`);
}
process.exit(ok ? 0 : 1);
