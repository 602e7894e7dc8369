import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { redact } from '../src/core/privacy/redact.ts';
import { root } from './helpers.ts';


describe('redaction', () => {
  it.each([
    ['pnr 19121212-1212', 'pnr [PERSONNUMMER]'],
    ['pnr 121212-1212 idag', 'pnr [PERSONNUMMER] idag'],
    ['född 121212+1212, över hundra', 'född [PERSONNUMMER], över hundra'],
    ['1212121212 och 191212121212', '[PERSONNUMMER] och [PERSONNUMMER]'],
    ['19121212 1212', '[PERSONNUMMER]'],
    ['samordningsnr 121272-1219', 'samordningsnr [PERSONNUMMER]'],
    ['pnr:121212-1212saknar vårdrelation', 'pnr:[PERSONNUMMER]saknar vårdrelation'],
    ['ring 070-123 45 67 eller +46 31 123 45 67', 'ring [PHONE] eller [PHONE]'],
    ['mejla anna.k@example.se', 'mejla [EMAIL]'],
    ['patienten Anna Karlsson i sal 4', 'patienten [NAME] i sal 4'],
    ['pat. Lindqvist fick fel dos', 'pat. [NAME] fick fel dos'],
    ['Karlberg, Agnes står två gånger', '[NAME] står två gånger'],
    ['bor på Storgatan 12B, 506 30 Borås', 'bor på [ADDRESS], [ADDRESS]'],
    // Names from the countries many patients and staff come from, without a cue word.
    ['Kan du ringa Katarzyna Wiśniewska om provet?', 'Kan du ringa [NAME] om provet?'],
    ['Mehmet Yılmaz kommer inte in i PowerChart', '[NAME] kommer inte in i PowerChart'],
    ['Nowak, Grzegorz (pnr 121212-1212) ska till avd 5', '[NAME] (pnr [PERSONNUMMER]) ska till avd 5'],
    ['ny pat: pirjo lehtonen, behöver tolk', 'ny pat: [NAME], behöver tolk'],
    ['Kan du öppna Leyla Ahmadis remiss?', 'Kan du öppna [NAME] remiss?'],
  ])('removes personal data: %s', (input, expected) => {
    expect(redact(input).text).toBe(expected);
  });

  it.each([
    'order 4471203, FIN 52417736 och MRN 1234567',
    '1212121213 har fel kontrollsiffra',
    '19121312-1212 är inget datum',
    'kl 14:30 den 2026-11-21, version 2.13.14',
    'dos 0,1 mg/kg, 2,5 ml, 500 mg x 3',
    'skrivare SKR-AVD12-03 i Message Center och Results Review',
    'anknytning 4512, sal 12 säng 3',
  ])('keeps look-alikes: %s', (input) => {
    expect(redact(input)).toEqual({ text: input, found: {} });
  });

  it('leaves the knowledge base and ordinary questions without a single name tag', () => {
    const kb = readdirSync(join(root, 'knowledge')).filter((f) => f.endsWith('.md'));
    const lines = kb.flatMap((f) => readFileSync(join(root, 'knowledge', f), 'utf8').split('\n'));
    const questions = ['eval/triage/dev.jsonl', 'eval/triage/holdout.jsonl'].flatMap((f) =>
      readFileSync(join(root, f), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l).text as string),
    );
    const tagged = [...lines, ...questions].filter((l) => redact(l).found.NAME);
    expect(tagged).toEqual([]);
  });

  it('lotsen redact prints one line per input line, in order', async () => {
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      const child = execFile(process.execPath, [join(root, 'bin/lotsen.js'), 'redact'], (err, stdout) => (err ? reject(err) : resolve({ stdout })));
      child.stdin!.end('pnr 121212-1212\n\nhur loggar jag in?\nring 0701234567\n');
    });
    expect(stdout).toBe('pnr [PERSONNUMMER]\n\nhur loggar jag in?\nring [PHONE]\n');
  });
});

type Case = { id: string; text: string; pii: { value: string; tag: string }[]; keep?: string[] };
const cases = (file: string): Case[] => readFileSync(join(root, 'eval/redaction', file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

describe('redaction quality on the measurement sets (floors from the issue)', () => {
  it.each(['dev.jsonl', 'holdout.jsonl'])('%s: every valid personnummer removed, ≥ 95 %% of other personal data, ≥ 97 %% of look-alikes kept', (file) => {
    let pnr = 0, pnrRemoved = 0, other = 0, otherRemoved = 0, keep = 0, kept = 0;
    for (const c of cases(file)) {
      const out = redact(c.text).text;
      for (const p of c.pii) {
        const removed = !out.includes(p.value);
        if (p.tag === 'PERSONNUMMER') (pnr++, (pnrRemoved += Number(removed)));
        else (other++, (otherRemoved += Number(removed)));
      }
      for (const k of c.keep ?? []) (keep++, (kept += Number(out.includes(k))));
    }
    expect(pnr).toBeGreaterThan(50);
    expect(pnrRemoved).toBe(pnr);
    expect(otherRemoved / other).toBeGreaterThanOrEqual(0.95);
    expect(kept / keep).toBeGreaterThanOrEqual(0.97);
  });
});

