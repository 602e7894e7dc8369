import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { createClassifier, createGrouping, createLotsen } from '../app.ts';
import { ConfigError, loadConfig, type Config } from '../config.ts';
import { createWebApp } from '../adapters/web/server.ts';
import { lintKnowledgeBase } from '../core/kb/lint.ts';
import { runEval } from '../core/eval/run.ts';
import { parseCases } from '../core/eval/cases.ts';
import { createLogger } from '../log.ts';
import { KnowledgeBaseError } from '../knowledge-service.ts';
import { messages } from '../core/answer/messages.ts';
import { redact } from '../core/privacy/redact.ts';
import { triage } from '../core/triage/classify.ts';
import { tallyCommand } from './tally-command.ts';
import { REPORT_USAGE, reportCommand } from './report-command.ts'; // --- Tally report (issue 7)
import { z } from 'zod';

const USAGE = `Usage: lotsen <command> [options]

Commands:
  serve [--kb DIR] [--port N] [--host ADDR]     start the web chat (http://127.0.0.1:3000)
  ask "QUESTION" [--kb DIR] [--json]            answer one question
  eval --kb DIR --cases FILE.jsonl [--json]     measure retrieval and answers on a question set
  kb lint [DIR] [--json]                        check a knowledge base folder; exit 1 on problems
  classify [--json] < FILE.jsonl                intent and severity of lines {"id","text"}
  tally [--json] < FILE.jsonl                   group failure reports {"id","text","user","site","ts"} into
                                                recurring failures; "users" is how many distinct users,
                                                "sites" the list of distinct sites; bad line: exit 1
  redact < FILE                                 the same lines with personal data replaced by tags
${REPORT_USAGE}
  teams package [--out FILE]                    the Microsoft Teams app package (manifest and icons, a zip)

Settings come from the environment; see .env.example.`;

class UsageError extends Error {}

function config(overrides: { kb?: string; port?: string; host?: string; logLevel?: string }): Config {
  const env = { ...process.env };
  if (overrides.kb) env.LOTSEN_KB_DIR = resolve(overrides.kb);
  if (overrides.port) env.PORT = overrides.port;
  if (overrides.host) env.HOST = overrides.host;
  // One-shot commands keep the terminal for their output; the server logs at info.
  if (overrides.logLevel && !env.LOG_LEVEL) env.LOG_LEVEL = overrides.logLevel;
  return loadConfig(env);
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { kb: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } } });
  const cfg = config(values);
  const log = createLogger(cfg.logLevel);
  const started = performance.now();
  const lotsen = await createLotsen(cfg, log);
  lotsen.watchKnowledge();
  lotsen.startWorkers();
  const app = createWebApp(lotsen);
  const server = serve({ fetch: app.fetch, port: cfg.port, hostname: cfg.host }, (info) => {
    log.info({ url: `http://${cfg.host}:${info.port}`, readyMs: Math.round(performance.now() - started) }, 'Lotsen is ready');
    process.stderr.write(`Lotsen is ready on http://${cfg.host === '0.0.0.0' ? 'localhost' : cfg.host}:${info.port}\n`);
  });
  server.on('error', (err: NodeJS.ErrnoException) => {
    const reason = err.code === 'EADDRINUSE' ? `port ${cfg.port} on ${cfg.host} is already in use (set PORT or --port)` : err.message;
    process.stderr.write(`lotsen: cannot serve: ${reason}\n`);
    process.exit(2);
  });
  const stop = () => {
    void lotsen.close();
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise(() => {});
}

async function askCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { kb: { type: 'string' }, json: { type: 'boolean' } } });
  const question = positionals.join(' ').trim();
  if (!question) throw new UsageError('ask needs a question: lotsen ask "hur söker jag fram en patient?"');
  const cfg = config({ kb: values.kb, logLevel: 'warn' });
  const lotsen = await createLotsen(cfg, createLogger(cfg.logLevel));
  const reply = await lotsen.assistant.handle({ text: question, asker: { platform: 'cli', userId: 'local', role: 'staff' }, conversation: { platform: 'cli', channel: 'terminal' } });
  await lotsen.close();
  // A safety report is escalated (S1) in the contract's terms; a rate limit cannot bite a single question.
  const outcome = reply.outcome === 'answered' ? 'answered' : 'escalated';
  if (values.json) {
    const { answer, citations, ranked, confidence, lang } = reply;
    process.stdout.write(`${JSON.stringify({ outcome, answer, citations: citations.map(({ id, title }) => ({ id, title })), ranked, confidence, lang })}\n`);
  } else {
    const sources = reply.citations.map((c) => `${messages[reply.lang].source}: ${c.title} (${c.url})\n`).join('');
    const note = reply.privacyNote ? `${reply.privacyNote}\n\n` : '';
    process.stdout.write(`${note}${reply.answer}\n\n${sources}(${reply.outcome}, confidence ${reply.confidence})\n`);
  }
  return 0;
}

async function evalCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { kb: { type: 'string' }, cases: { type: 'string' }, json: { type: 'boolean' } } });
  if (!values.cases) throw new UsageError('eval needs --cases FILE.jsonl');
  const cfg = config({ kb: values.kb, logLevel: 'warn' });
  const cases = parseCases(await readFile(values.cases, 'utf8'), values.cases);
  const lotsen = await createLotsen(cfg, createLogger(cfg.logLevel));
  const report = await runEval(lotsen.answerer, lotsen.knowledge.state.retriever, [...lotsen.knowledge.state.articles.values()], cases);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } else {
    const m = report.metrics;
    const rows: [string, number | string][] = [
      ['cases (answerable / not)', `${m.cases} (${m.answerable} / ${m.unanswerable})`],
      ['hit@1', m.hit_at_1],
      ['hit@3', m.hit_at_3],
      ['MRR', m.mrr],
      ['answered right (of answerable)', m.answered_right_rate],
      ['wrong answers (of all)', m.wrong_answer_rate],
      ['abstain recall', m.abstain_recall],
      ['plain BM25 hit@1', m.baseline.hit_at_1],
      ['plain BM25 hit@3', m.baseline.hit_at_3],
      ['plain BM25 MRR', m.baseline.mrr],
    ];
    for (const [k, v] of rows) process.stdout.write(`${k.padEnd(32)} ${v}\n`);
  }
  return 0;
}

async function kbCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'lint') throw new UsageError('kb has one subcommand: lotsen kb lint [DIR]');
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean' } } });
  const dir = resolve(positionals[0] ?? config({}).kbDir);
  const report = await lintKnowledgeBase(dir);
  if (values.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else {
    for (const p of report.problems) process.stdout.write(`${p.file}: ${p.reason}\n`);
    for (const w of report.warnings) process.stderr.write(`${w.file}: warning: ${w.reason}\n`);
    process.stderr.write(`${report.articles} articles, ${report.problems.length} problems, ${report.warnings.length} warnings\n`);
  }
  return report.problems.length ? 1 : 0;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const classifyLine = z.object({ id: z.union([z.string(), z.number()]), text: z.string() });

/** Lines {"id","text"} → one line {"id","intent","severity"} each; text is redacted before triage, as in chat. */
async function classifyCommand(args: string[]): Promise<number> {
  parseArgs({ args, options: { json: { type: 'boolean' } } });
  const cfg = config({ logLevel: 'warn' });
  const classify = await createClassifier(cfg, createLogger(cfg.logLevel));
  const lines = (await readStdin()).split('\n');
  const out: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let parsed;
    try {
      parsed = classifyLine.parse(JSON.parse(line));
    } catch {
      throw new UsageError(`line ${i + 1} is not {"id": …, "text": "…"}`);
    }
    const text = redact(parsed.text).text;
    const { intent, severity } = classify ? await classify(text) : triage(text);
    out.push(JSON.stringify({ id: parsed.id, intent, severity }));
  }
  process.stdout.write(out.length ? `${out.join('\n')}\n` : '');
  return 0;
}

/** Plain text, one message a line; the same number of lines out. */
async function redactCommand(): Promise<number> {
  const text = await readStdin();
  const lines = text.split('\n');
  // A final newline does not make an extra message.
  if (lines.at(-1) === '') lines.pop();
  process.stdout.write(lines.map((l) => redact(l).text).join('\n') + (lines.length ? '\n' : ''));
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'serve':
        return await serveCommand(args);
      case 'ask':
        return await askCommand(args);
      case 'eval':
        return await evalCommand(args);
      case 'kb':
        return await kbCommand(args);
      case 'classify':
        return await classifyCommand(args);
      case 'tally': {
        const cfg = config({ logLevel: 'warn' });
        return await tallyCommand(args, await createGrouping(cfg, createLogger(cfg.logLevel), undefined, true));
      }
      case 'report': // --- Tally report (issue 7)
        return await reportCommand(args);
      case 'redact':
        return await redactCommand();
      // --- Teams (issue 6)
      case 'teams': {
        const [sub, ...rest] = args;
        if (sub !== 'package') throw new UsageError('teams has one subcommand: lotsen teams package [--out FILE]');
        return (await import('./teams-package.ts')).teamsPackageCommand(rest, config({}));
      }
      case undefined:
        process.stderr.write(`${USAGE}\n`);
        return 2;
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(`${USAGE}\n`);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`lotsen: ${(err as Error).message}\n\n${USAGE}\n`);
    } else if (err instanceof ConfigError || err instanceof KnowledgeBaseError) process.stderr.write(`lotsen: ${err.message}\n`);
    else process.stderr.write(`lotsen: ${(err as Error).message ?? err}\n`);
    return 2;
  }
}
