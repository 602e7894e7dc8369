#!/usr/bin/env node
// Validates the failure-report grouping sets (dev, holdout, fresh, fresh2, fresh3, fresh4 .jsonl) in this folder.
// Usage: node eval/tally/validate.mjs [--json] [--quiet]
//   --json   machine-readable result on stdout
//   --quiet  do not print the per-cluster table
// Exit code 0 when valid, 1 when any error is found. Warnings do not fail.
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = [
  { name: 'dev', prefix: 'tdev-' },
  { name: 'holdout', prefix: 'thold-' },
  { name: 'fresh', prefix: 'tfresh-' },
  { name: 'fresh2', prefix: 'tf2-' },
  { name: 'fresh3', prefix: 'tf3-' },
  { name: 'fresh4', prefix: 'tf4-' },
];
const KEYS = ['id', 'text', 'user', 'site', 'ts', 'cluster'];
const NEAR_DUP = 0.8; // character-trigram Jaccard above this is an error
const SIMILAR = 0.6; // ... above this (across files) is a warning
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const TS_RANGE = ['2026-10-15T00:00:00Z', '2026-12-15T00:00:00Z'];
const PII = [
  [/\b(19|20)?\d{6}[-+ ]?\d{4}\b/, 'personnummer-like number'],
  [/\b0\d{1,3}[- ]?\d{2,3}[- ]?\d{2}[- ]?\d{2}\b/, 'phone-like number'],
  [/\+46\s?\d/, 'phone-like number'],
  [/\b\d{8,}\b/, 'long digit run (id- or phone-like)'],
  [/[\w.+-]+@[\w-]+\.[\w.]+/, 'e-mail address'],
  [/https?:\/\//, 'URL'],
];
// Common Swedish given names as whole, capitalised words (a cheap check for patient/staff names).
const NAMES = /\b(Anna|Eva|Maria|Karin|Kristina|Lena|Sara|Emma|Ingrid|Johanna|Lars|Anders|Johan|Erik|Mikael|Peter|Mats|Nils|Olle|Magnus|Fredrik|Stefan|Björn|Elin|Linnea|Astrid|Gunnar|Sven|Ulla|Birgitta)\b/;

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
    if (r === null || typeof r !== 'object' || Array.isArray(r)) { errors.push(`${where}: not an object`); return; }
    for (const k of KEYS) if (!(k in r)) errors.push(`${where}: missing key "${k}"`);
    for (const k of Object.keys(r)) if (!KEYS.includes(k)) errors.push(`${where}: unexpected key "${k}"`);
    for (const k of KEYS) if (k in r && (typeof r[k] !== 'string' || r[k].trim() === '')) errors.push(`${where}: "${k}" must be a non-empty string`);
    if (typeof r.id === 'string' && !new RegExp(`^${prefix}\\d{3,}$`).test(r.id)) errors.push(`${where}: id "${r.id}" must look like ${prefix}001`);
    if (typeof r.user === 'string' && !/^u\d+$/.test(r.user)) errors.push(`${where}: user "${r.user}" must be a pseudonymous id like u17`);
    if (typeof r.cluster === 'string' && !/^[a-z0-9]+(-[a-z0-9]+)*$/.test(r.cluster)) errors.push(`${where}: cluster "${r.cluster}" must be kebab-case`);
    if (typeof r.ts === 'string') {
      if (!ISO.test(r.ts) || Number.isNaN(Date.parse(r.ts))) errors.push(`${where}: ts "${r.ts}" is not ISO 8601 UTC (YYYY-MM-DDTHH:MM:SSZ)`);
      else if (r.ts < TS_RANGE[0] || r.ts > TS_RANGE[1]) warnings.push(`${where}: ts ${r.ts} outside ${TS_RANGE.join(' .. ')}`);
    }
    for (const field of ['text', 'site']) {
      if (typeof r[field] !== 'string') continue;
      for (const [re, what] of PII) if (re.test(r[field])) errors.push(`${where}: ${field} contains a ${what}`);
      const m = r[field].match(NAMES);
      if (m) errors.push(`${where}: ${field} contains what looks like a personal name ("${m[0]}")`);
    }
    rows.push({ ...r, where });
  });
  data[name] = rows;
}

// Unique ids across both files.
const seenId = new Map();
for (const [name, rows] of Object.entries(data)) {
  for (const r of rows) {
    if (seenId.has(r.id)) errors.push(`duplicate id ${r.id} (${seenId.get(r.id)} and ${r.where})`);
    else seenId.set(r.id, r.where);
  }
}

// Near-duplicate texts within and across files (character-trigram Jaccard).
const norm = (t) => t.toLowerCase().normalize('NFC').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
const grams = (t) => { const s = ` ${norm(t)} `; const g = new Set(); for (let i = 0; i + 3 <= s.length; i++) g.add(s.slice(i, i + 3)); return g; };
const jaccard = (a, b) => { let n = 0; for (const x of a) if (b.has(x)) n++; return n / (a.size + b.size - n || 1); };
const all = Object.entries(data).flatMap(([name, rows]) => rows.map((r) => ({ name, r, g: grams(r.text ?? '') })));
let maxWithin = 0, maxAcross = 0;
for (let i = 0; i < all.length; i++) {
  for (let j = i + 1; j < all.length; j++) {
    const a = all[i], b = all[j];
    const jac = jaccard(a.g, b.g);
    const across = a.name !== b.name;
    if (across) maxAcross = Math.max(maxAcross, jac); else maxWithin = Math.max(maxWithin, jac);
    if (jac > NEAR_DUP) errors.push(`near-duplicate ${across ? 'across files' : 'within ' + a.name} (${jac.toFixed(2)}): ${a.r.id} ~ ${b.r.id}`);
    else if (across && jac > SIMILAR) warnings.push(`similar across files (${jac.toFixed(2)}): ${a.r.id} ~ ${b.r.id}`);
  }
}

// Counts per cluster; clusters shared by both files are allowed but reported.
const counts = {};
for (const [name, rows] of Object.entries(data)) {
  const clusters = {};
  for (const r of rows) {
    const c = (clusters[r.cluster] ??= { n: 0, users: new Set(), sites: new Set(), first: r.ts, last: r.ts });
    c.n++; c.users.add(r.user); c.sites.add(r.site);
    if (r.ts < c.first) c.first = r.ts;
    if (r.ts > c.last) c.last = r.ts;
  }
  const list = Object.entries(clusters)
    .map(([id, c]) => ({ id, n: c.n, users: c.users.size, sites: c.sites.size, first: c.first, last: c.last }))
    .sort((a, b) => b.n - a.n || a.id.localeCompare(b.id));
  const sizes = list.map((c) => c.n);
  counts[name] = {
    reports: rows.length,
    clusters: list.length,
    singletons: sizes.filter((n) => n === 1).length,
    largest: sizes[0] ?? 0,
    users: new Set(rows.map((r) => r.user)).size,
    sites: new Set(rows.map((r) => r.site)).size,
    days: new Set(rows.map((r) => String(r.ts).slice(0, 10))).size,
    per_cluster: list,
  };
  if (rows.length < 250 || rows.length > 350) warnings.push(`${name}: ${rows.length} reports (target about 300)`);
  if (list.length < 30 || list.length > 50) warnings.push(`${name}: ${list.length} clusters (target about 40)`);
}
const names = Object.keys(data);
for (let i = 0; i < names.length; i++) {
  for (let j = i + 1; j < names.length; j++) {
    const firstC = new Set(data[names[i]].map((r) => r.cluster));
    const shared = [...new Set(data[names[j]].map((r) => r.cluster))].filter((c) => firstC.has(c));
    if (shared.length) warnings.push(`cluster ids used in both ${names[i]} and ${names[j]}: ${shared.join(', ')}`);
  }
}

const ok = errors.length === 0;
if (process.argv.includes('--json')) {
  process.stdout.write(JSON.stringify({ ok, errors, warnings, counts, max_jaccard: { within: +maxWithin.toFixed(3), across: +maxAcross.toFixed(3) } }, null, 1) + '\n');
} else {
  for (const [name, c] of Object.entries(counts)) {
    console.log(`${name}: ${c.reports} reports, ${c.clusters} clusters (${c.singletons} singletons, largest ${c.largest}), ${c.users} users, ${c.sites} sites, ${c.days} days`);
    if (!process.argv.includes('--quiet')) {
      for (const k of c.per_cluster) console.log(`  ${String(k.n).padStart(3)}  ${k.id.padEnd(44)} users ${String(k.users).padStart(2)}  sites ${String(k.sites).padStart(2)}  ${k.first.slice(0, 10)}..${k.last.slice(0, 10)}`);
    }
  }
  console.log(`max trigram Jaccard: within a file ${maxWithin.toFixed(2)}, across files ${maxAcross.toFixed(2)} (error above ${NEAR_DUP})`);
  for (const w of warnings) console.log(`warning: ${w}`);
  for (const e of errors) console.log(`error: ${e}`);
  console.log(ok ? 'OK' : `FAILED: ${errors.length} error(s)`);
}
process.exit(ok ? 0 : 1);
