// Builds dev.jsonl and holdout.jsonl from the hand-written message sources
// dev.src.txt / holdout.src.txt. Deterministic (seeded RNG): rerunning gives the same files.
//
// Source line format:  <lang>|<text with markup>   (lang = sv or en)      ('#' lines and blank lines are ignored)
// Markup:
//   {P:fmt[:Y1-Y2][:f|m]}  valid personnummer (Luhn-valid, real date; f/m = sex digit) -> pii PERSONNUMMER
//   {S:fmt[:Y1-Y2][:f|m]}      valid samordningsnummer (day + 60)          -> pii PERSONNUMMER
//   {X:fmt:kind[:Y1-Y2]}   INVALID look-alike                          -> keep
//                          kind = luhn  (real date, wrong check digit)
//                                 month (month 00 or 13-19, CORRECT Luhn digit: only the date check catches it)
//                                 day   (day 00, 32-59 or 92-99, CORRECT Luhn digit)
//   {PH:pattern}           phone number, '#' -> random digit, 'N' -> digit 2-9 (first digit of a
//                          landline subscriber number)                -> pii PHONE
//   [[NAME:..]] [[ADDR:..]] [[EMAIL:..]] [[PHONE:..]]  literal pii (ADDR -> tag ADDRESS)
//   <<..>>                 literal keep item
// fmt: s = YYMMDD-NNNN   L = YYYYMMDD-NNNN   c = YYMMDDNNNN   C = YYYYMMDDNNNN
//      + = YYMMDD+NNNN (born 1920-1925, i.e. 100+)   sp = "YYMMDD NNNN"   Lsp = "YYYYMMDD NNNN"
//      Cs = "CC YYMMDD-NNNN" (century, space, short form)
// Luhn: over the 10 digits YYMMDDNNN + check, weights 2,1,2,1,... from the left, digit sums of
// the products; check = (10 - sum % 10) % 10.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function mulberry32(seed) {
  return function () {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function luhnCheck(nine) {
  let sum = 0;
  for (let i = 0; i < 9; i++) {
    let p = Number(nine[i]) * (i % 2 === 0 ? 2 : 1);
    sum += p > 9 ? p - 9 : p;
  }
  return (10 - (sum % 10)) % 10;
}
const pad = (n, w = 2) => String(n).padStart(w, '0');
const daysIn = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();

const used = new Set();

function makeGen(rand) {
  const int = (a, b) => a + Math.floor(rand() * (b - a + 1));
  const pick = (arr) => arr[int(0, arr.length - 1)];
  function range(spec, fmt) {
    if (spec) {
      const [a, b] = spec.split('-').map(Number);
      return [a, b ?? a];
    }
    if (fmt === '+') return [1920, 1925];
    // Short forms without '+' are only realistic for people under 100.
    return ['s', 'c', 'sp'].includes(fmt) ? [1926, 2025] : [1920, 2025];
  }
  function format(fmt, year, mm, dd, serial, check) {
    const yy = pad(year % 100), cc = pad(Math.floor(year / 100));
    const short = `${yy}${mm}${dd}`, tail = `${serial}${check}`;
    switch (fmt) {
      case 's': return `${short}-${tail}`;
      case 'L': return `${cc}${short}-${tail}`;
      case 'c': return `${short}${tail}`;
      case 'C': return `${cc}${short}${tail}`;
      case '+': return `${short}+${tail}`;
      case 'sp': return `${short} ${tail}`;
      case 'Lsp': return `${cc}${short} ${tail}`;
      case 'Cs': return `${cc} ${short}-${tail}`;
      default: throw new Error('unknown format ' + fmt);
    }
  }
  function valid(fmt, spec, samordning, sex) {
    for (;;) {
      const [a, b] = range(spec, fmt);
      const y = int(a, b), m = int(1, 12), d = int(1, daysIn(y, m));
      let n = int(2, 999);
      // The third serial digit is odd for men, even for women.
      if (sex === 'f' && n % 2) n -= 1;
      if (sex === 'm' && n % 2 === 0) n += 1;
      const mm = pad(m), dd = pad(samordning ? d + 60 : d), serial = pad(n, 3);
      const check = luhnCheck(`${pad(y % 100)}${mm}${dd}${serial}`);
      const key = `${y}${mm}${dd}${serial}`;
      if (used.has(key)) continue;
      used.add(key);
      return format(fmt, y, mm, dd, serial, check);
    }
  }
  function invalid(fmt, kind, spec) {
    for (;;) {
      const [a, b] = spec ? range(spec, fmt) : [1940, 2025];
      const y = int(a, b);
      let m, d, check;
      const serial = pad(int(2, 999), 3);
      if (kind === 'luhn') {
        m = int(1, 12); d = int(1, daysIn(y, m));
      } else if (kind === 'month') {
        m = pick([0, 13, 14, 15, 16, 17, 18, 19]); d = int(1, 28);
      } else if (kind === 'day') {
        m = int(1, 12); d = pick([0, int(32, 59), int(92, 99)]);
      } else throw new Error('unknown kind ' + kind);
      const mm = pad(m), dd = pad(d);
      const correct = luhnCheck(`${pad(y % 100)}${mm}${dd}${serial}`);
      check = kind === 'luhn' ? (correct + int(1, 9)) % 10 : correct;
      const key = `${y}${mm}${dd}${serial}`;
      if (used.has(key)) continue;
      used.add(key);
      return format(fmt, y, mm, dd, serial, check);
    }
  }
  function phone(pattern) {
    for (;;) {
      const v = pattern.replace(/#/g, () => String(int(0, 9))).replace(/N/g, () => String(int(2, 9)));
      if (used.has('ph' + v)) continue;
      used.add('ph' + v);
      return v;
    }
  }
  return { valid, invalid, phone };
}

const MARKUP = /\{(P|S|X|PH):([^}]*)\}|\[\[(NAME|ADDR|EMAIL|PHONE):(.*?)\]\]|<<(.*?)>>/g;

function build(name, prefix, seed) {
  const gen = makeGen(mulberry32(seed));
  const src = readFileSync(join(here, `${name}.src.txt`), 'utf8').split('\n');
  const out = [];
  for (const raw of src) {
    if (!raw.trim() || raw.startsWith('#')) continue;
    const lm = raw.match(/^(sv|en)\|(.*)$/);
    if (!lm) throw new Error('bad source line: ' + raw);
    const lang = lm[1];
    const body = lm[2];
    const pii = [], keep = [];
    const text = body.replace(MARKUP, (m, kind, arg, lit, litVal, keepVal) => {
      if (keepVal !== undefined) { keep.push(keepVal); return keepVal; }
      if (lit) {
        const tag = lit === 'ADDR' ? 'ADDRESS' : lit;
        pii.push({ value: litVal, tag });
        return litVal;
      }
      const parts = arg.split(':');
      if (kind === 'P' || kind === 'S') {
        const spec = parts.slice(1).find((x) => /^\d{4}/.test(x));
        const sex = parts.slice(1).find((x) => x === 'f' || x === 'm');
        const v = gen.valid(parts[0], spec, kind === 'S', sex);
        pii.push({ value: v, tag: 'PERSONNUMMER' });
        return v;
      }
      if (kind === 'X') {
        const v = gen.invalid(parts[0], parts[1], parts[2]);
        keep.push(v);
        return v;
      }
      const v = gen.phone(arg);
      pii.push({ value: v, tag: 'PHONE' });
      return v;
    });
    if (/\{(P|S|X|PH):|\[\[|<<|>>/.test(text)) throw new Error('unparsed markup: ' + text);
    if (lang !== 'sv' && lang !== 'en') throw new Error('bad lang: ' + raw);
    out.push({ id: `${prefix}-${pad(out.length + 1, 3)}`, lang, text, pii, keep });
  }
  writeFileSync(join(here, `${name}.jsonl`), out.map((o) => JSON.stringify(o)).join('\n') + '\n');
  console.log(`${name}.jsonl: ${out.length} lines`);
}

// Each set has its own seed, so rebuilding one never changes another: `node generate.mjs blind`.
const SEEDS = { dev: 20261121, holdout: 47110815, blind: 90817263, fresh: 31052719 };
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ['dev', 'holdout'];
for (const name of wanted) {
  if (!(name in SEEDS)) throw new Error(`unknown set ${name}; one of ${Object.keys(SEEDS).join(', ')}`);
  build(name, name, SEEDS[name]);
}
