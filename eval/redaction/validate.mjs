// Checks dev.jsonl, holdout.jsonl, blind.jsonl and fresh.jsonl and prints counts. Exit code 1 on any error.
// Independent of generate.mjs: it only reads the .jsonl files.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const TAGS = ['PERSONNUMMER', 'PHONE', 'EMAIL', 'NAME', 'ADDRESS'];
let errors = 0;
const err = (m) => { errors++; console.log('ERROR', m); };
const warn = (m) => console.log('WARN ', m);

function luhnOk(ten) {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let p = Number(ten[i]) * (i % 2 === 0 ? 2 : 1);
    sum += p > 9 ? p - 9 : p;
  }
  return sum % 10 === 0;
}
const daysIn = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

// Parse a personnummer-shaped string. Returns null if the shape is not one of the known forms.
function parse(v) {
  let m;
  if ((m = v.match(/^(\d{2}) (\d{6})-(\d{4})$/))) return { cc: m[1], six: m[2], sep: '-', four: m[3], form: 'CC YYMMDD-NNNN' };
  if ((m = v.match(/^(\d{2})?(\d{6})([-+ ]?)(\d{4})$/))) {
    const cc = m[1] || null, sep = m[3];
    const form = (cc ? 'YYYYMMDD' : 'YYMMDD') + (sep === '' ? '' : sep === ' ' ? ' ' : sep) + 'NNNN';
    return { cc, six: m[2], sep, four: m[4], form };
  }
  return null;
}
// Validity: Luhn over the 10 digits, month 1-12, day 1..days-in-month (or +60 for samordningsnummer).
function check(p) {
  const ten = p.six + p.four;
  const yy = Number(p.six.slice(0, 2)), mo = Number(p.six.slice(2, 4));
  let d = Number(p.six.slice(4, 6));
  const samordning = d > 60;
  if (samordning) d -= 60;
  // Without century, take the year in 1926-2025 (or 100+ years earlier with '+'); days-in-month only
  // matters for 29 Feb.
  let year = p.cc ? Number(p.cc) * 100 + yy : (yy <= 25 ? 2000 + yy : 1900 + yy);
  if (!p.cc && p.sep === '+') year -= 100;
  const dateOk = mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(year, mo);
  return { luhn: luhnOk(ten), dateOk, samordning, year, valid: luhnOk(ten) && dateOk };
}

// Rough kind of a keep item, for the report only (first match wins).
const KEEP_KINDS = [
  ['lab value', /^(Hb|hb|CRP|LPK|K|Na|P-Na|INR|TSH|Krea|ALAT|ALP|Laktat|pH|pCO2|S-|P-|Troponin)\b/],
  ['dose/quantity', /\d\s*(mg|ml|g|E|kg|lb|%|µmol|mmol|ng|h|min|sek|minuter|minutes|st|ex|ggr|gånger|times|tecken|characters|rör|rolls|labels|signatures|patienter|patients|inneliggande|väntande|datorer|scanners|skannrar|enheter|units|besök|läkemedel|år|attempts|superanvändare|läkare|proxies|digits|siffror)\b|^\d+ (av|of) \d+|mg\/|E\/ml|ml\/h|^\d+$|^\d+ st$/],
  ['time', /^(kl|Kl|klockan)\b|^\d{1,2}[:.]\d{2}$|^\d{4}$|kl \d/],
  ['date', /^\d{4}-\d{2}-\d{2}|^\d{1,2}\/\d{1,2}$|\b(nov|Nov)\b|^v\.? ?\d|^[Vv]ecka|^\d{8}$|^\d{4}–\d{4}$|^måndag/],
  ['FIN/MRN/ID/ticket', /^(FIN|MRN|ID|INC|RITM|ärende)|^\d{4}-\d{6}$|^\d{2}-\d{3}-\d{4}$/],
  ['printer/device', /^(SKR|ETK|ZEB|WB|PRT|VGR)-|Honeywell|IntelliVue|B\. Braun|dator \d/],
  ['error code', /0x|ORA-|[Ee]rror|ERR|felkod|HTTP|CCL|CPM|ADT-|VB-|Invalid|Reference range/],
  ['version', /^(Citrix|Workspace|Windows|Edge|PowerChart|v\d)|^\d+\.\d+(\.\d+)*$/],
  ['room/bed/unit/extension', /^(avd|Avd|sal|säng|rum|room|bed|ward|bay|box|plan|floor|hus|ankn|sökare|BB|M\d|\d+[A-Z]$|B12|7B)/],
];
function keepKind(k) {
  if (parse(k)) return '10/12-digit look-alike';
  for (const [name, re] of KEEP_KINDS) if (re.test(k)) return name;
  return 'other text (product/place/term)';
}

function spans(text, value) {
  const out = [];
  let i = text.indexOf(value);
  while (i >= 0) { out.push([i, i + value.length]); i = text.indexOf(value, i + 1); }
  return out;
}

const PNR_SHAPE = /(?<![\d+])(?:\d{2} \d{6}-\d{4}|\d{6}(?:\d{2})?[-+ ]?\d{4})(?![\d])/g;

function load(name) {
  const lines = readFileSync(join(here, `${name}.jsonl`), 'utf8').split('\n').filter((l) => l.trim());
  const rows = [];
  lines.forEach((l, i) => {
    try { rows.push(JSON.parse(l)); } catch (e) { err(`${name}:${i + 1} does not parse: ${e.message}`); }
  });
  return rows;
}

function validate(name, rows) {
  const ids = new Set();
  const counts = Object.fromEntries(TAGS.map((t) => [t, 0]));
  const forms = {};
  let samordning = 0, keepTotal = 0, lookalikes = 0, linesNoPii = 0;
  const lookKinds = { luhn: 0, date: 0 };
  const lang = {};
  const keepKinds = {};
  for (const r of rows) {
    const where = `${name} ${r.id}`;
    if (typeof r.id !== 'string' || !r.id.startsWith(name + '-')) err(`${where}: bad id`);
    if (ids.has(r.id)) err(`${where}: duplicate id`);
    ids.add(r.id);
    if (r.lang !== 'sv' && r.lang !== 'en') err(`${where}: bad lang`);
    lang[r.lang] = (lang[r.lang] || 0) + 1;
    if (typeof r.text !== 'string' || !r.text) err(`${where}: no text`);
    if (!Array.isArray(r.pii) || !Array.isArray(r.keep)) { err(`${where}: pii/keep not arrays`); continue; }
    if (r.pii.length === 0) linesNoPii++;
    const piiSpans = [];
    for (const p of r.pii) {
      if (!TAGS.includes(p.tag)) err(`${where}: bad tag ${p.tag}`);
      if (!p.value || !r.text.includes(p.value)) { err(`${where}: pii value not in text: ${p.value}`); continue; }
      counts[p.tag]++;
      piiSpans.push(...spans(r.text, p.value).map((s) => [...s, p.tag]));
      if (p.tag === 'PERSONNUMMER') {
        const pp = parse(p.value);
        if (!pp) { err(`${where}: PERSONNUMMER has unknown shape: ${p.value}`); continue; }
        const c = check(pp);
        if (!c.luhn) err(`${where}: PERSONNUMMER fails Luhn: ${p.value}`);
        if (!c.dateOk) err(`${where}: PERSONNUMMER has impossible date: ${p.value}`);
        if (c.year < 1920 || c.year > 2025) err(`${where}: birth year ${c.year} out of 1920-2025: ${p.value}`);
        if (pp.sep === '+' && 2026 - c.year < 100) err(`${where}: '+' form but not 100+: ${p.value}`);
        const f = pp.form + (c.samordning ? ' (samordningsnr)' : '');
        forms[f] = (forms[f] || 0) + 1;
        if (c.samordning) samordning++;
      }
      if (p.tag === 'EMAIL' && !/^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i.test(p.value)) err(`${where}: odd email ${p.value}`);
    }
    for (const k of r.keep) {
      keepTotal++;
      const kk = keepKind(k);
      keepKinds[kk] = (keepKinds[kk] || 0) + 1;
      if (typeof k !== 'string' || !k) { err(`${where}: empty keep`); continue; }
      const occ = spans(r.text, k);
      if (!occ.length) { err(`${where}: keep not in text: ${k}`); continue; }
      const free = occ.some(([a, b]) => !piiSpans.some(([c, d]) => a < d && c < b));
      if (!free) err(`${where}: keep only occurs inside a pii span: ${k}`);
      for (const p of r.pii) if (k.includes(p.value) || p.value.includes(k)) err(`${where}: keep/pii overlap: ${k} / ${p.value}`);
      const pp = parse(k);
      if (pp) {
        lookalikes++;
        const c = check(pp);
        if (c.valid) err(`${where}: look-alike keep is a VALID personnummer: ${k}`);
        if (!c.dateOk) lookKinds.date++; else lookKinds.luhn++;
      }
    }
    // Hygiene: every personnummer-shaped run in the text must be labelled (pii or keep), and a
    // valid one must be labelled PERSONNUMMER.
    for (const m of r.text.matchAll(PNR_SHAPE)) {
      const a = m.index, b = a + m[0].length;
      const inPii = piiSpans.some(([c, d]) => c <= a && b <= d);
      const inKeep = r.keep.some((k) => k.includes(m[0]));
      const pp = parse(m[0]);
      if (pp && check(pp).valid && !piiSpans.some(([c, d, t]) => t === 'PERSONNUMMER' && c <= a && b <= d))
        err(`${where}: unlabelled valid personnummer in text: ${m[0]}`);
      if (!inPii && !inKeep) warn(`${where}: unlabelled personnummer-shaped number: ${m[0]}`);
    }
    for (const m of r.text.matchAll(/\S*@\S*/g)) {
      const a = m.index;
      if (!piiSpans.some(([c, d, t]) => t === 'EMAIL' && c <= a + m[0].indexOf('@') && a + m[0].indexOf('@') < d))
        err(`${where}: '@' outside an EMAIL value: ${m[0]}`);
    }
  }
  return { counts, forms, samordning, keepTotal, keepKinds, lookalikes, lookKinds, lang, linesNoPii, lines: rows.length };
}

// The sets in the order they were written; each later one must be independent of all earlier ones.
const SETS = ['dev', 'holdout', 'blind', 'fresh'];
const sets = Object.fromEntries(SETS.map((name) => [name, load(name)]));
const results = Object.fromEntries(SETS.map((name) => [name, validate(name, sets[name])]));

// Independence: no shared texts (also after masking digits), pii values or full names; shared name
// words are only warned about. Only the later set's ids and values are printed.
const norm = (t) => t.toLowerCase().replace(/\d/g, '#').replace(/\s+/g, ' ').trim();
const nameTokens = (p) => p.value.toLowerCase().split(/[\s,]+/).filter((t) => t.length >= 3);
SETS.forEach((name, i) => {
  const earlier = SETS.slice(0, i).flatMap((n) => sets[n]);
  const texts = new Set(earlier.map((r) => norm(r.text)));
  const values = new Set(earlier.flatMap((r) => r.pii.map((p) => p.value.toLowerCase())));
  const tokens = new Set(earlier.flatMap((r) => r.pii.filter((p) => p.tag === 'NAME').flatMap(nameTokens)));
  const seen = new Map();
  for (const r of sets[name]) {
    const n = norm(r.text);
    if (texts.has(n)) err(`${name} ${r.id}: same text as an earlier set's line (digits masked)`);
    if (seen.has(n)) err(`${name} ${r.id}: duplicate of ${seen.get(n)}`);
    seen.set(n, r.id);
    for (const p of r.pii) {
      if (values.has(p.value.toLowerCase())) err(`${name} ${r.id}: ${p.tag} value also in an earlier set: ${p.value}`);
      if (p.tag === 'NAME') for (const t of nameTokens(p)) if (tokens.has(t)) warn(`${name} ${r.id}: name word also used in an earlier set: ${t}`);
    }
  }
});

for (const [name, res] of Object.entries(results)) {
  console.log(`\n== ${name}: ${res.lines} lines, lang ${JSON.stringify(res.lang)}, lines without pii: ${res.linesNoPii}`);
  console.log('pii per tag:', JSON.stringify(res.counts));
  console.log('PERSONNUMMER forms:', JSON.stringify(res.forms), `(samordningsnummer: ${res.samordning})`);
  console.log('keep items by rough kind:', JSON.stringify(res.keepKinds));
  console.log(`keep items: ${res.keepTotal}; 10/12-digit invalid look-alikes: ${res.lookalikes} (bad check digit: ${res.lookKinds.luhn}, impossible date: ${res.lookKinds.date})`);
}
console.log(errors ? `\n${errors} error(s)` : '\nOK: no errors');
process.exit(errors ? 1 : 0);
