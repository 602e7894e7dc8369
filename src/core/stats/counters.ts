import type { Intent } from '../triage/triage.ts';
import { HOUR_MS, type Counters, type EscalationTiming, type MessageRecord } from './stats.ts';

/**
 * The counter names both stats stores keep per hour. One place, so that SQLite and Redis store the
 * same thing and the report reads either the same way.
 *
 *   n                    messages (follow-ups excluded)
 *   o:{outcome}          answered | escalated | safety | known-issue | limited
 *   i:{intent}           question | failure | safety | other
 *   p:{platform}
 *   sev:{S1..S4}:{intent}
 *   site:{site}:{intent} site '' = not known
 *   mod:{module}:{intent} module '' = not known
 *   g:{groupId}          failure reports that joined a recurring failure
 *   gap                  questions with no good article
 *   fu                   escalations the asker asked for after the bot's answer
 *   e:created / e:claimed / e:answered   escalated questions: created, first claimed, first answered (at that hour)
 *   e:answered-of        first answers, counted at the hour the escalation was created (unanswered = created − this)
 */

export const INTENTS: readonly Intent[] = ['question', 'failure', 'safety', 'other'];

/** Epoch hour (UTC) of a time: the bucket key. */
export const hourOf = (ms: number) => Math.floor(ms / HOUR_MS);

/** Free text from sign-in forms and platforms: one spelling per site, bounded length. */
const clean = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim().slice(0, 80);

/** The counters one message adds 1 to. */
export function encodeMessage(r: MessageRecord): string[] {
  if (r.followUp) return r.gap ? ['fu', 'gap'] : ['fu'];
  const fields = ['n', `o:${r.outcome}`, `i:${r.intent}`, `p:${clean(r.platform)}`, `sev:${r.severity}:${r.intent}`, `site:${clean(r.site)}:${r.intent}`, `mod:${clean(r.module)}:${r.intent}`];
  if (r.groupId) fields.push(`g:${clean(r.groupId)}`);
  if (r.gap) fields.push('gap');
  return fields;
}

/** The (hour, counter) pairs one escalation event adds 1 to. */
export function encodeTiming(t: EscalationTiming): [number, string][] {
  const at = t.at.getTime();
  if (t.event === 'created') return [[hourOf(at), 'e:created']];
  if (t.event === 'claim') return [[hourOf(at), 'e:claimed']];
  return [
    [hourOf(at), 'e:answered'],
    [hourOf(at - Math.max(0, t.seconds) * 1000), 'e:answered-of'],
  ];
}

/** Sums counters into `into` (returned). */
export function addCounters(into: Counters, from: Counters): Counters {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
  return into;
}

export type ByIntent = Record<Intent, number>;
const zeroIntents = (): ByIntent => ({ question: 0, failure: 0, safety: 0, other: 0 });

/** What one span of counters says, in the report's terms. */
export interface SpanSummary {
  /** Messages handled (safety reports and rate-limited ones included; follow-ups not). */
  messages: number;
  /** Questions asked: questions and failure reports that got an answer or went to a person (safety reports and rate-limited messages are counted apart). */
  asked: number;
  answered: number;
  knownIssue: number;
  /** Answered by the bot: from the knowledge base or with a known issue's workaround. */
  answeredByBot: number;
  /** Handed to super-users because the bot had no good answer. */
  escalated: number;
  /** Handed to super-users by the asker after the bot's answer ("Didn't help"). */
  escalatedAfterAnswer: number;
  safety: number;
  limited: number;
  /** Answered by the bot and not escalated afterwards. */
  deflected: number;
  /** deflected ÷ asked; null when nothing was asked. */
  deflectionRate: number | null;
  gaps: number;
  escalationsCreated: number;
  escalationsClaimed: number;
  escalationsAnswered: number;
  /** Of the escalations created in this span, how many have been answered so far. */
  answeredOfCreated: number;
  byIntent: ByIntent;
  bySeverity: Record<string, ByIntent>;
  bySite: Record<string, ByIntent>;
  byModule: Record<string, ByIntent>;
  byPlatform: Record<string, number>;
  byGroup: Record<string, number>;
}

/** The part after the prefix and before the last ':' (the intent), e.g. "site:SÄS Borås:failure". */
function keyed(field: string, prefix: string): [string, Intent] | undefined {
  const last = field.lastIndexOf(':');
  const intent = field.slice(last + 1) as Intent;
  if (last < prefix.length || !INTENTS.includes(intent)) return undefined;
  return [field.slice(prefix.length, last), intent];
}

export function summarize(c: Counters): SpanSummary {
  const n = (k: string) => c[k] ?? 0;
  const answered = n('o:answered');
  const knownIssue = n('o:known-issue');
  const escalated = n('o:escalated');
  const asked = answered + knownIssue + escalated;
  const followUps = n('fu');
  const deflected = Math.max(0, answered + knownIssue - followUps);
  const s: SpanSummary = {
    messages: n('n'),
    asked,
    answered,
    knownIssue,
    answeredByBot: answered + knownIssue,
    escalated,
    escalatedAfterAnswer: followUps,
    safety: n('o:safety'),
    limited: n('o:limited'),
    deflected,
    deflectionRate: asked ? deflected / asked : null,
    gaps: n('gap'),
    escalationsCreated: n('e:created'),
    escalationsClaimed: n('e:claimed'),
    escalationsAnswered: n('e:answered'),
    answeredOfCreated: n('e:answered-of'),
    byIntent: zeroIntents(),
    bySeverity: {},
    bySite: {},
    byModule: {},
    byPlatform: {},
    byGroup: {},
  };
  for (const [field, v] of Object.entries(c)) {
    if (!v) continue;
    if (field.startsWith('i:')) {
      const intent = field.slice(2) as Intent;
      if (INTENTS.includes(intent)) s.byIntent[intent] += v;
    } else if (field.startsWith('p:')) s.byPlatform[field.slice(2)] = (s.byPlatform[field.slice(2)] ?? 0) + v;
    else if (field.startsWith('g:')) s.byGroup[field.slice(2)] = (s.byGroup[field.slice(2)] ?? 0) + v;
    else {
      for (const [prefix, into] of [['sev:', s.bySeverity], ['site:', s.bySite], ['mod:', s.byModule]] as const) {
        if (!field.startsWith(prefix)) continue;
        const k = keyed(field, prefix);
        if (k) (into[k[0]] ??= zeroIntents())[k[1]] += v;
      }
    }
  }
  return s;
}

/** The median of a list (the mean of the two middle values for an even count); null when empty. */
export function median(values: readonly number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
