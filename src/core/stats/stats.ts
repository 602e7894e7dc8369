import type { Intent, Severity } from '../triage/triage.ts';

/**
 * One inbound message as the weekly tally counts it. Redacted and without user ids: managers read
 * counts by site, module and severity, never who asked.
 */
export interface MessageRecord {
  at: Date;
  platform: string;
  site?: string;
  intent: Intent;
  severity: Severity;
  /** What Lotsen did: answered from the knowledge base, handed to super-users, the safety fast path, gave a known issue's workaround, refused by a rate limit. */
  outcome: 'answered' | 'escalated' | 'safety' | 'known-issue' | 'limited';
  /** Millennium module: of the failure group, else of the best article. */
  module?: string;
  /** The recurring failure (tally group id) a failure report joined. */
  groupId?: string;
  /** A question with no good article: its redacted text, for the knowledge-base gaps. */
  gap?: string;
  // --- Tally report (issue 7)
  /** The asker asked for a person after the bot's answer ("Didn't help"): counts as escalated, and against the deflection rate, not as a new question. */
  followUp?: boolean;
}

/** What the report and the dashboard need to know of a recurring failure (the tally's group). */
export interface FailureGroupSummary {
  id: string;
  label: string;
  module?: string;
  status: 'open' | 'known' | 'fixed';
  /** Set once the group reached the ticket threshold. */
  ticket?: boolean;
  count: number;
  users: number;
  sites: string[];
  firstSeen: string;
  lastSeen: string;
  /** The group this one was merged into (following every later merge): its reports count there. */
  mergedInto?: string;
}

// --- Tally report (issue 7) ---------------------------------------------------------------------

/** A step in an escalated question's life, for the time to claim and to answer and the unanswered count. */
export interface EscalationTiming {
  /** Escalation id: each event counts once per escalation (a second claim after a release does not). */
  id: string;
  /** When it happened. */
  at: Date;
  event: 'created' | 'claim' | 'answer';
  /** Since the escalation was created (0 for 'created'). */
  seconds: number;
}

/** Counter name → count (see encodeMessage in counters.ts for the names). */
export type Counters = Record<string, number>;

/** What a stats store gives back for a range of time. */
export interface StatsReading {
  /** Counters summed per span between consecutive boundaries. */
  spans: Counters[];
  /** Gap texts of the whole range (at most GAPS_PER_HOUR per hour are kept), oldest first. */
  gaps: string[];
  /** Claims and answers that happened in the whole range. */
  timings: { event: 'claim' | 'answer'; at: number; seconds: number }[];
}

/**
 * Message statistics for the weekly tally and the dashboard. Counters are summed at write time per
 * UTC hour, so a report reads hours × counters whatever the traffic; any time zone with whole-hour
 * offsets (Europe/Stockholm) cuts days and weeks exactly. Implementations: SQLite and Redis, sharing the
 * Store's connection; both pass test/stats-contract.
 */
export interface StatsStore {
  recordMessage(r: MessageRecord): Promise<void>;
  /** The same as recordMessage for each, in one write (imports, benchmarks). */
  recordMessages(rs: readonly MessageRecord[]): Promise<void>;
  /** Idempotent per (event, id). */
  recordEscalationTiming(t: EscalationTiming): Promise<void>;
  /**
   * Reads [boundaries[0], boundaries[last]): counters per span, and optionally the gap texts and
   * timings. Boundaries are ascending whole UTC hours (local midnights in the report's zone).
   */
  read(boundaries: readonly Date[], options?: { gaps?: boolean; timings?: boolean }): Promise<StatsReading>;
}

/** The most gap texts kept per hour; the gap counter counts them all. */
export const GAPS_PER_HOUR = 100;
/** Gap texts (redacted questions) are kept this long, then deleted; counters are kept. */
export const GAP_RETENTION_MS = 92 * 24 * 3600_000;
export const HOUR_MS = 3600_000;
