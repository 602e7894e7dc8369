/**
 * An OpenAI-compatible chat server whose replies someone else gives: each request is handed to whoever
 * runs `next`/`answer`, and their answer goes back as the model's reply. It measures a prompt through
 * the same CLI contract as a real model, with a judge that has no HTTP endpoint of its own (a person,
 * or an agent session standing in for the region's model):
 *
 *   node eval/tally/hand-model.ts serve DIR PORT     # then OPENAI_BASE_URL=http://127.0.0.1:PORT/v1 lotsen tally …
 *   node eval/tally/hand-model.ts next DIR           # waits for a request; prints the system prompt once, then the user message
 *   node eval/tally/hand-model.ts answer DIR N REPLY # replies to request N (a number N stands for {"failure": N}),
 *                                                    # then waits for the next request and prints it
 *
 * Only what the model would see is shown. `touch DIR/done` when the run is over; `next` and `answer`
 * then print DONE. DIR/log.jsonl gets one line per request: how long it waited, and whether the reply
 * came before the caller gave up.
 *
 *   node eval/tally/hand-model.ts record DIR > FILE.jsonl   # the replies of a finished run, {"n","reply"} a line
 *   node eval/tally/hand-model.ts replay FILE.jsonl PORT    # gives them again, in order, so that the run
 *                                                            # can be repeated without the judge (same code only:
 *                                                            # other code shortlists other groups)
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

interface Message {
  role: string;
  content: unknown;
}

const text = (m: Message | undefined): string =>
  typeof m?.content === 'string' ? m.content : Array.isArray(m?.content) ? m.content.map((p: { text?: string }) => p.text ?? '').join('') : '';

/** A chat completion as the OpenAI API sends it. */
const completion = (id: string, model: string, content: string): string =>
  JSON.stringify({
    id: `chatcmpl-${id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
  });

function serve(dir: string, port: number): void {
  mkdirSync(dir, { recursive: true });
  let counter = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model?: string; messages?: Message[] };
      const n = ++counter;
      const messages = body.messages ?? [];
      writeFileSync(join(dir, `req-${n}.json`), JSON.stringify({ n, system: text(messages.find((m) => m.role === 'system')), user: text(messages.find((m) => m.role === 'user')) }));
      const started = Date.now();
      let gone = false;
      res.on('close', () => (gone = !res.writableEnded));
      const answer = join(dir, `ans-${n}.txt`);
      while (!existsSync(answer) && !gone) await sleep(100);
      const waited = Date.now() - started;
      if (gone) {
        appendFileSync(join(dir, 'log.jsonl'), `${JSON.stringify({ n, waited, in_time: false })}\n`);
        return;
      }
      const reply = readFileSync(answer, 'utf8');
      appendFileSync(join(dir, 'log.jsonl'), `${JSON.stringify({ n, waited, in_time: true })}\n`);
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion(`hand-${n}`, body.model ?? 'hand', reply));
    });
  });
  server.listen(port, '127.0.0.1', () => process.stderr.write(`hand-model: http://127.0.0.1:${port}/v1, requests in ${dir}\n`));
}

/** A server that gives the recorded replies in order, as the judge gave them. */
function replay(file: string, port: number): void {
  const replies = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { reply: string }).reply);
  let counter = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const reply = replies[counter++] ?? '{"failure": 0}';
      res.writeHead(200, { 'content-type': 'application/json' }).end(completion(`replay-${counter}`, 'replay', reply));
    });
  });
  server.listen(port, '127.0.0.1', () => process.stderr.write(`hand-model: replaying ${replies.length} replies at http://127.0.0.1:${port}/v1\n`));
}

/** Waits for request n (or the end of the run) and prints it. */
async function show(dir: string, n: number): Promise<void> {
  const file = join(dir, `req-${n}.json`);
  while (!existsSync(file)) {
    if (existsSync(join(dir, 'done'))) {
      console.log('DONE');
      return;
    }
    await sleep(100);
  }
  const req = JSON.parse(readFileSync(file, 'utf8')) as { system: string; user: string };
  const seen = join(dir, 'system-shown');
  if (!existsSync(seen) || readFileSync(seen, 'utf8') !== req.system) {
    writeFileSync(seen, req.system);
    console.log(`SYSTEM PROMPT:\n${req.system}\n`);
  }
  console.log(`REQUEST ${n}\n${req.user}`);
}

const [command, dir, a, b] = process.argv.slice(2);
if (command === 'serve' && dir && a) serve(dir, Number(a));
else if (command === 'replay' && dir && a) replay(dir, Number(a));
else if (command === 'record' && dir) {
  for (let n = 1; existsSync(join(dir, `ans-${n}.txt`)); n++) console.log(JSON.stringify({ n, reply: readFileSync(join(dir, `ans-${n}.txt`), 'utf8') }));
}
else if (command === 'next' && dir) {
  rmSync(join(dir, 'system-shown'), { force: true });
  let n = 1;
  while (existsSync(join(dir, `ans-${n}.txt`))) n++;
  await show(dir, n);
} else if (command === 'answer' && dir && a && b !== undefined) {
  const n = Number(a);
  writeFileSync(join(dir, `ans-${n}.txt`), /^\d+$/.test(b.trim()) ? JSON.stringify({ failure: Number(b) }) : b);
  await show(dir, n + 1);
} else {
  process.stderr.write('usage: hand-model.ts serve DIR PORT | next DIR | answer DIR N REPLY | record DIR | replay FILE PORT\n');
  process.exit(2);
}
