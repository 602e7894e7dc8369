// Scores `lotsen redact` on a set: each pii value must be gone (and personnummer must be, always);
// each keep value must survive. Usage: node eval/redaction/score.mjs SET.jsonl [--json] [--misses]
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [file, ...flags] = process.argv.slice(2);
if (!file) {
  console.error('usage: score.mjs SET.jsonl [--json] [--misses]');
  process.exit(2);
}
const root = fileURLToPath(new URL('../..', import.meta.url));
const cases = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
// One message a line, as the contract says; newlines inside a message would break the pairing.
const input = cases.map((c) => c.text.replace(/\n/g, ' ')).join('\n') + '\n';
const out = execFileSync(process.execPath, [`${root}/bin/lotsen.js`, 'redact'], { input, encoding: 'utf8' }).split('\n');
const byTag = {};
const misses = [];
let keepKept = 0;
let keepTotal = 0;
cases.forEach((c, i) => {
  const redacted = out[i] ?? '';
  for (const p of c.pii) {
    const t = (byTag[p.tag] ??= { removed: 0, total: 0 });
    t.total++;
    if (!redacted.includes(p.value)) t.removed++;
    else misses.push(`leak ${p.tag} ${c.id}: ${p.value} | ${redacted}`);
  }
  for (const k of c.keep ?? []) {
    keepTotal++;
    if (redacted.includes(k)) keepKept++;
    else misses.push(`lost ${c.id}: ${k} | ${redacted}`);
  }
});
const other = Object.entries(byTag).filter(([t]) => t !== 'PERSONNUMMER').reduce((a, [, v]) => ({ removed: a.removed + v.removed, total: a.total + v.total }), { removed: 0, total: 0 });
const r = (x, n) => (n ? Math.round((x / n) * 1000) / 1000 : 1);
const result = {
  cases: cases.length,
  personnummer_removed: r(byTag.PERSONNUMMER?.removed ?? 0, byTag.PERSONNUMMER?.total ?? 0),
  other_pii_removed: r(other.removed, other.total),
  by_tag: Object.fromEntries(Object.entries(byTag).map(([t, v]) => [t, `${v.removed}/${v.total}`])),
  lookalikes_kept: r(keepKept, keepTotal),
  keep: `${keepKept}/${keepTotal}`,
};
console.log(flags.includes('--json') ? JSON.stringify(result) : JSON.stringify(result, null, 1));
if (flags.includes('--misses')) for (const m of misses) console.log(m);
