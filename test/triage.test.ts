import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { triage } from '../src/core/triage/classify.ts';
import { root } from './helpers.ts';

describe('triage', () => {
  it.each([
    ['I remissvaret stod "blödning" fast jag dikterade "ingen blödning"', 'safety', 'S1'],
    ['labbsvaret hamnade på fel patient', 'safety', 'S1'],
    ['jag har dokumenterat på fel patient, hur tar jag bort det?', 'safety', 'S1'],
    ['MAR visar 100 mg men ordinationen säger 10 mg', 'safety', 'S1'],
    ['the allergy warning did not show and the patient got penicillin', 'safety', 'S1'],
    ['vad gör jag om jag valt fel patient?', 'question', 'S4'],
    ['hur registrerar jag en allergi?', 'question', 'S4'],
    ['varför går det inte att skriva ut?', 'failure', 'S3'],
    ['ingen på avdelningen kan logga in', 'failure', 'S2'],
    ['tack för hjälpen!', 'other', 'S4'],
    ['var hittar jag min lönespec?', 'other', 'S4'],
  ])('%s → %s %s', (text, intent, severity) => {
    expect(triage(text)).toMatchObject({ intent, severity });
  });

  it('lotsen classify prints one contract line per input line', async () => {
    const input = ['{"id":"a","text":"provsvaret hamnade hos fel patient"}', '', '{"id":2,"text":"hur loggar jag ut?"}'].join('\n');
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [join(root, 'bin/lotsen.js'), 'classify', '--json'], (err, out) => (err ? reject(err) : resolve(out)));
      child.stdin!.end(input);
    });
    expect(stdout.trim().split('\n').map((l) => JSON.parse(l))).toEqual([
      { id: 'a', intent: 'safety', severity: 'S1' },
      { id: 2, intent: 'question', severity: 'S4' },
    ]);
  });

  it('lotsen classify names the line that is not {"id","text"} and prints nothing', async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, [join(root, 'bin/lotsen.js'), 'classify', '--json'], (err, stdout, stderr) => resolve({ code: err ? (err.code as number) : 0, stdout, stderr }));
      child.stdin!.end('{"id":"a","text":"hej"}\nnot json\n');
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/line 2/);
  });
});

describe('triage quality on the measurement sets (floors from the issue)', () => {
  it.each(['dev.jsonl', 'holdout.jsonl'])('%s: intent accuracy ≥ 0.85, safety recall ≥ 0.95, precision ≥ 0.8', (file) => {
    const cases = readFileSync(join(root, 'eval/triage', file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { text: string; intent: string });
    let right = 0, tp = 0, fp = 0, fn = 0;
    for (const c of cases) {
      const got = triage(c.text).intent;
      if (got === c.intent) right++;
      if (got === 'safety' && c.intent === 'safety') tp++;
      else if (got === 'safety') fp++;
      else if (c.intent === 'safety') fn++;
    }
    expect(cases.length).toBeGreaterThan(200);
    expect(right / cases.length).toBeGreaterThanOrEqual(0.85);
    expect(tp / (tp + fn)).toBeGreaterThanOrEqual(0.95);
    expect(tp / (tp + fp)).toBeGreaterThanOrEqual(0.8);
  });
});
