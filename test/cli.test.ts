import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { article, root, tempDir, writeTree } from './helpers.ts';

const run = promisify(execFile);
const bin = join(root, 'bin/lotsen.js');

async function lotsen(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, LOG_LEVEL: '', LOTSEN_DATA_DIR: await tempDir('lotsen-data-'), ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lotsen CLI contracts', () => {
  it('ask --json prints exactly the contract object and nothing else', async () => {
    const { code, stdout } = await lotsen(['ask', 'hur skriver jag ut ett nytt id-band?', '--json']);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const result = JSON.parse(lines[0]!);
    expect(Object.keys(result).sort()).toEqual(['answer', 'citations', 'confidence', 'lang', 'outcome', 'ranked']);
    expect(result).toMatchObject({ outcome: 'answered', lang: 'sv', citations: [{ id: 'id-band-skriva-ut', title: 'Skriva ut ett nytt ID-band' }] });
    expect(result.confidence).toBeGreaterThan(0);
    expect(result.confidence).toBeLessThanOrEqual(1);
  });

  it('ask escalates what the knowledge base does not cover', async () => {
    const result = JSON.parse((await lotsen(['ask', 'var hittar jag min lönespec?', '--json'])).stdout);
    expect(result.outcome).toBe('escalated');
    expect(result.citations).toEqual([]);
  });

  it('ask --kb answers from any folder of articles', async () => {
    const dir = await writeTree({ 'x.md': article('fika-rutin', { title: 'Boka fikarummet' }, 'Så bokar du.\n\n1. Öppna **Room Booking**.') });
    const result = JSON.parse((await lotsen(['ask', 'hur bokar jag fikarummet', '--kb', dir, '--json'])).stdout);
    expect(result.citations[0].id).toBe('fika-rutin');
  });

  it('kb lint prints file: reason for each problem and exits non-zero', async () => {
    const dir = await writeTree({ 'ok.md': article('ok'), 'bad.md': '---\nid: bad\nlang: sv\n---\nText' });
    const bad = await lotsen(['kb', 'lint', dir]);
    expect(bad.code).toBe(1);
    expect(bad.stdout.trim()).toBe('bad.md: title is required');
    const good = await lotsen(['kb', 'lint']);
    expect(good.code).toBe(0);
    expect(good.stdout).toBe('');
  });

  it('eval --json prints cases with top-5 rankings and the metrics', async () => {
    const dir = await writeTree({
      'kb/a.md': article('a', { title: 'Skicka remiss' }),
      'kb/b.md': article('b', { title: 'Boka tid i tidboken' }),
      'cases.jsonl': [
        JSON.stringify({ id: '1', question: 'hur skickar jag en remiss', expected: ['a'] }),
        JSON.stringify({ id: '2', question: 'boka tid', expected: 'b' }),
        JSON.stringify({ id: '3', question: 'var är min lönespec', expected: [] }),
      ].join('\n'),
    });
    const { code, stdout } = await lotsen(['eval', '--kb', join(dir, 'kb'), '--cases', join(dir, 'cases.jsonl'), '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.cases.map((c: { id: string; ranked: string[] }) => [c.id, c.ranked[0]]).slice(0, 2)).toEqual([['1', 'a'], ['2', 'b']]);
    expect(report.cases[2].outcome).toBe('escalated');
    expect(report.metrics).toMatchObject({ cases: 3, hit_at_1: 1, hit_at_3: 1, mrr: 1, abstain_recall: 1, wrong_answer_rate: 0 });
    expect(report.metrics.baseline.hit_at_1).toBeTypeOf('number');
  });

  it('refuses to start on a knowledge base folder that does not exist', async () => {
    const missing = await lotsen(['ask', 'hur loggar jag in', '--kb', '/nonexistent/kb', '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/knowledge base \/nonexistent\/kb: folder not found/);
  });

  it('explains usage errors and bad configuration without a stack trace', async () => {
    const noQuestion = await lotsen(['ask']);
    expect(noQuestion.code).toBe(2);
    expect(noQuestion.stderr).toMatch(/ask needs a question/);
    const badEnv = await lotsen(['ask', 'x'], { PORT: 'x' });
    expect(badEnv.code).toBe(2);
    expect(badEnv.stderr).toMatch(/PORT: must be a whole number/);
    expect(badEnv.stderr).not.toMatch(/at .*\.ts:\d+/);
    const missing = await lotsen(['eval', '--cases', '/nonexistent.jsonl']);
    expect(missing.stderr).toMatch(/no such file/);
  });
});

describe('answer quality floor (fails the build if quality drops)', () => {
  async function evaluate(kb: string, cases: string) {
    const { stdout } = await lotsen(['eval', '--kb', join(root, kb), '--cases', join(root, cases), '--json']);
    return JSON.parse(stdout).metrics;
  }

  it('on the sample knowledge base and its questions', async () => {
    const m = await evaluate('knowledge', 'eval/questions.jsonl');
    expect(m.cases).toBeGreaterThanOrEqual(120);
    expect(m.unanswerable).toBeGreaterThanOrEqual(25);
    expect(m.hit_at_1).toBeGreaterThanOrEqual(0.8);
    expect(m.hit_at_3).toBeGreaterThanOrEqual(0.93);
    expect(m.wrong_answer_rate).toBeLessThanOrEqual(0.08);
    expect(m.abstain_recall).toBeGreaterThanOrEqual(0.85);
    expect(m.hit_at_1 - m.baseline.hit_at_1).toBeGreaterThanOrEqual(0.15);
  });

  it('on the holdout knowledge base, written separately and never tuned on', async () => {
    const m = await evaluate('eval/holdout/kb', 'eval/holdout/questions.jsonl');
    expect(m.hit_at_1).toBeGreaterThanOrEqual(0.85);
    expect(m.hit_at_3).toBeGreaterThanOrEqual(0.95);
    expect(m.wrong_answer_rate).toBeLessThanOrEqual(0.03);
    expect(m.abstain_recall).toBeGreaterThanOrEqual(0.85);
    expect(m.hit_at_1 - m.baseline.hit_at_1).toBeGreaterThanOrEqual(0.15);
  });
});
