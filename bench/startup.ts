// How long `npm start` takes to be ready on the sample knowledge base (issue 2: < 3 s), median of
// five cold starts of `lotsen serve`, measured from spawn to the first answered HTTP request.
// Run: npm run bench:startup   (writes bench/out/startup.json)
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { median, round } from './stats.ts';

const root = new URL('..', import.meta.url).pathname;
const RUNS = 5;

async function once(port: number): Promise<{ readyMs: number; firstAnswerMs: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [join(root, 'bin/lotsen.js'), 'serve', '--port', String(port)], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const readyMs = await new Promise<number>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Lotsen is ready')) resolve(performance.now() - started);
      });
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
    });
    const res = await fetch(`http://127.0.0.1:${port}/api/ask`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ question: 'hur skriver jag ut ett nytt id-band?' }),
    });
    if (!res.ok) throw new Error(`ask failed: ${res.status}`);
    await res.json();
    return { readyMs, firstAnswerMs: performance.now() - started };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await once(3900 + i));
const result = {
  runs: RUNS,
  ready_ms_median: round(median(runs.map((r) => r.readyMs)), 0),
  first_answer_ms_median: round(median(runs.map((r) => r.firstAnswerMs)), 0),
  ready_ms_runs: runs.map((r) => round(r.readyMs, 0)),
  target_ready_ms: 3000,
};
await mkdir(join(root, 'bench/out'), { recursive: true });
await writeFile(join(root, 'bench/out/startup.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result, null, 2));
