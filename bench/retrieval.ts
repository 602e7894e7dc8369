// Retrieval speed and memory on a generated knowledge base of 5,000 articles (issue 2's targets):
// load + index time, query latency p50/p99, resident memory; plain BM25 measured in the same run.
// Run: npm run bench:retrieval   (writes bench/out/retrieval.json)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../src/core/kb/load.ts';
import { Retriever } from '../src/core/retrieval/retriever.ts';
import { Bm25Baseline } from '../src/core/retrieval/bm25-baseline.ts';
import { parseCases } from '../src/core/eval/cases.ts';
import { generateKb } from './generate-kb.ts';
import { median, percentile, round } from './stats.ts';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 5000);
const ROUNDS = 5;
const root = new URL('..', import.meta.url).pathname;
const dir = join(tmpdir(), `lotsen-bench-kb-${ARTICLES}`);

await rm(dir, { recursive: true, force: true });
await generateKb(join(root, 'knowledge'), dir, ARTICLES);
const questions = [
  ...parseCases(readFileSync(join(root, 'eval/questions.jsonl'), 'utf8')),
  ...parseCases(readFileSync(join(root, 'eval/holdout/questions.jsonl'), 'utf8')),
].map((c) => c.question);

const loadTimes: number[] = [];
const baselineLoadTimes: number[] = [];
let retriever: Retriever | undefined;
for (let r = 0; r < ROUNDS; r++) {
  retriever = undefined;
  globalThis.gc?.();
  const t = performance.now();
  const kb = await loadKnowledgeBase(dir);
  retriever = await Retriever.create(kb.articles);
  loadTimes.push(performance.now() - t);
}
// Resident memory of a fresh process that loads and indexes once (median of three).
const memory = [0, 1, 2].map(() => {
  const out = execFileSync(process.execPath, ['--expose-gc', join(root, 'bench/index-memory.ts'), dir], { encoding: 'utf8' });
  return JSON.parse(out) as { rssMb: number; heapMb: number };
});
const rssMb = median(memory.map((m) => m.rssMb));
const heapMb = median(memory.map((m) => m.heapMb));
let baseline: Bm25Baseline | undefined;
for (let r = 0; r < ROUNDS; r++) {
  baseline = undefined;
  const kb = await loadKnowledgeBase(dir);
  const t = performance.now();
  baseline = new Bm25Baseline(kb.articles);
  baselineLoadTimes.push(performance.now() - t);
}

async function latencies(fn: (q: string) => unknown): Promise<number[]> {
  for (const q of questions.slice(0, 50)) await fn(q); // warm-up: JIT and the stemmer memo
  const times: number[] = [];
  for (let pass = 0; pass < 5; pass++) {
    for (const q of questions) {
      const t = performance.now();
      await fn(q);
      times.push(performance.now() - t);
    }
  }
  return times.sort((a, b) => a - b);
}

const ours = await latencies((q) => retriever!.retrieve(q));
const plain = await latencies((q) => baseline!.rank(q));

const result = {
  articles: ARTICLES,
  queries: ours.length,
  load_and_index_ms_median: round(median(loadTimes), 0),
  load_and_index_ms_runs: loadTimes.map((x) => round(x, 0)),
  baseline_index_ms_median: round(median(baselineLoadTimes), 0),
  retrieval_ms: { p50: round(percentile(ours, 50)), p99: round(percentile(ours, 99)), max: round(ours.at(-1)!) },
  baseline_bm25_ms: { p50: round(percentile(plain, 50)), p99: round(percentile(plain, 99)) },
  p50_ratio_vs_baseline: round(percentile(ours, 50) / percentile(plain, 50), 2),
  rss_mb_fresh_process: round(rssMb, 0),
  heap_used_mb_fresh_process: round(heapMb, 0),
  targets: { retrieval_p50_ms: 1, retrieval_p99_ms: 5, load_ms: 3000, rss_mb: 300 },
};
await mkdir(join(root, 'bench/out'), { recursive: true });
await writeFile(join(root, 'bench/out/retrieval.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
await rm(dir, { recursive: true, force: true });
