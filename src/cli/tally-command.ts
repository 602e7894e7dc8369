import { parseArgs } from 'node:util';
import { z } from 'zod';
import { redact } from '../core/privacy/redact.ts';
import type { ModelGrouping } from '../core/tally/model-grouping.ts';
import { FailureIndex, isTicket, type FailureGroup } from '../core/tally/tally.ts';

const reportLine = z.object({
  id: z.union([z.string().min(1), z.number()]),
  text: z.string(),
  user: z.union([z.string().min(1), z.number()]),
  site: z.string().nullish(),
  ts: z.string().refine((ts) => !Number.isNaN(Date.parse(ts)), 'not an ISO date'),
});

type ReportLine = z.infer<typeof reportLine>;

/** Why a line is not a report, in words that name the field. */
function problem(line: string): string | ReportLine {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'is not JSON';
  }
  const parsed = reportLine.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.') || 'line';
  return `${field}: ${issue.message}`;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

interface Cluster {
  id: string;
  label: string;
  members: (string | number)[];
  count: number;
  users: number;
  sites: string[];
  first_seen: string;
  last_seen: string;
}

function table(groups: FailureGroup[], clusters: Cluster[]): string {
  const rows = clusters.map((c, i) => [c.id, String(c.count), String(c.users), isTicket(groups[i]!) ? 'ticket' : '', c.first_seen, c.last_seen, c.label, c.sites.join(', ')]);
  const head = ['id', 'reports', 'users', '', 'first seen', 'last seen', 'failure', 'sites'];
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (r: string[]) => r.map((cell, k) => (k === r.length - 1 ? cell : cell.padEnd(widths[k]!))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + `\n${clusters.length} groups, ${groups.filter((g) => isTicket(g)).length} tickets\n`;
}

/**
 * `lotsen tally [--json] < FILE.jsonl`: failure reports {"id","text","user","site","ts"}, one a line,
 * grouped in the order they come (as they would arrive). Each text is redacted first, as at ingress.
 * A bad line stops the run with exit code 1 and nothing on stdout.
 */
export async function tallyCommand(args: string[], grouping?: ModelGrouping): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const lines = (await readStdin()).split('\n');
  const reports: ReportLine[] = [];
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let parsed = problem(line);
    if (typeof parsed !== 'string' && seen.has(String(parsed.id))) parsed = `id ${JSON.stringify(parsed.id)} appears on an earlier line`;
    if (typeof parsed === 'string') {
      process.stderr.write(`lotsen tally: line ${i + 1}: ${parsed}; expected {"id","text","user","site","ts"}\n`);
      return 1;
    }
    seen.add(String(parsed.id));
    reports.push(parsed);
  }
  const index = new FailureIndex();
  // Ids may be numbers in the input; the output gives them back as they came.
  const original = new Map<string, string | number>();
  for (const r of reports) {
    const id = String(r.id);
    original.set(id, r.id);
    const text = redact(r.text).text;
    // With a model configured, it chooses among the groups the index shortlists, as in chat.
    const choice = grouping ? await grouping.choose(text, index.shortlist(text).map((m) => m.group)) : undefined;
    index.add({ id, text, user: String(r.user), site: r.site ?? undefined, ts: r.ts }, choice);
  }
  const groups = index.groups();
  const clusters: Cluster[] = groups.map((g) => ({
    id: g.id,
    label: g.label,
    members: g.members.map((m) => original.get(m) ?? m),
    count: g.count,
    users: g.users,
    sites: g.sites,
    first_seen: g.firstSeen,
    last_seen: g.lastSeen,
  }));
  process.stdout.write(values.json ? `${JSON.stringify({ clusters })}\n` : table(groups, clusters));
  return 0;
}
