import type { Identity, Role } from '../identity/roles.ts';
import type { SafetyKind, Severity } from '../triage/triage.ts';
import type { Lang } from '../kb/article.ts';
import type { FailureGroupJSON } from '../tally/group.ts';

/** Where the asker is, so that an answer or follow-up can reach them in the same place. */
export interface Conversation {
  platform: Identity['platform'];
  /** Channel, chat or web session id. */
  channel: string;
  thread?: string;
}

export type EscalationStatus = 'open' | 'claimed' | 'answered' | 'closed';

/** A super-user as shown to colleagues and askers. `id` is "platform:userId". */
export interface Person {
  id: string;
  name: string;
}

/** Someone else who asked the same thing; one answer reaches every linked asker. */
export interface LinkedAsker {
  asker: Escalation['asker'];
  conversation: Conversation;
  /** Their own (redacted) wording. */
  text: string;
  at: string;
}

/** The next service-level timer: stored, so it survives restarts; fired once by whichever instance wins the update. */
export interface Due {
  kind: 'remind' | 'reescalate' | 'nudge';
  at: string;
}

export interface Escalation {
  id: string;
  kind: 'question' | 'safety';
  severity: Severity;
  status: EscalationStatus;
  /** Bumped by every update; updates are compare-and-set on it. */
  version: number;
  /** Redacted text; personal data never reaches the store. */
  text: string;
  lang: Lang;
  asker: Pick<Identity, 'platform' | 'userId' | 'displayName' | 'site'>;
  conversation: Conversation;
  /** Routing topic (see routing config) and the destination it is with now. */
  topic?: string;
  destination?: string;
  /** Best knowledge-base articles found when it was escalated (ids), for the super-user. */
  ranked?: string[];
  owner?: Person;
  claimedAt?: string;
  answer?: { text: string; by: Person; at: string };
  /** The asker's verdict on the answer. */
  feedback?: 'solved' | 'still-stuck';
  linked?: LinkedAsker[];
  due?: Due;
  /** Moved to the backup destination after nobody claimed it in time. */
  reescalated?: boolean;
  /** Saved as a knowledge-base draft with this article id. */
  draftId?: string;
  safetyKind?: SafetyKind;
  /** When set, the item may be a personal-data incident that must be reported to IMY by this time. */
  reportBy?: string;
  createdAt: string;
  closedAt?: string;
  closedBy?: string;
  closeNote?: string;
  /** When the safety destination confirmed receipt; unset means it must still be sent. */
  notifiedAt?: string;
}

export interface NewEscalation
  extends Omit<Escalation, 'id' | 'status' | 'version' | 'createdAt' | 'notifiedAt' | 'closedAt' | 'closedBy' | 'closeNote' | 'owner' | 'claimedAt' | 'answer' | 'feedback' | 'linked' | 'reescalated' | 'draftId'> {
  /** Platform event id: a redelivered message does not create a second item. */
  sourceEventId?: string;
}

/** "platform:userId" of an asker: the key for "my questions". */
export const askerKey = (a: Pick<Identity, 'platform' | 'userId'>) => `${a.platform}:${a.userId}`;

/** An outbound chat message or notification, persisted until delivered. */
/**
 * A recurring failure as stored: the tally's group (its members' features, counts and examples, all
 * redacted), what super-users said about it, and its ticket once it reached the threshold.
 */
export interface FailureGroupRecord {
  id: string;
  /** Bumped by every save; saves are compare-and-set on it. */
  version: number;
  group: FailureGroupJSON;
  label: string;
  module?: string;
  status: 'open' | 'known' | 'fixed';
  workaround?: string;
  fixNote?: string;
  /** Who last changed the status, and when. */
  statusBy?: string;
  statusAt?: string;
  /** Set when the group became a ticket; `revision` counts the ticket's updates (idempotency keys). */
  ticket?: { id: string; createdAt: string; updatedAt: string; revision: number };
  /** Set when people merged this group into another (the same failure): its reports are there now. */
  mergedInto?: string;
  /** The groups merged into this one, and those merged into them: their reporters are this group's too. */
  mergedFrom?: string[];
  updatedAt: string;
}

export interface FailureReporter {
  reportId: string;
  platform: Identity['platform'];
  userId: string;
  site?: string;
  conversation: Conversation;
  /** ISO time of the report. */
  at: string;
}

/** What beginEvent found; see there. */
export type EventStart = 'new' | 'busy' | 'duplicate';

export interface OutboundMessage {
  id: string;
  /** Pacing key: messages with the same key go out in order, at the platform's pace (e.g. "slack:C123"). */
  key: string;
  /** Which sender delivers it ("webhook", "slack", "teams"). */
  channel: string;
  /** Sender-specific target and content (JSON-serialisable, redacted). */
  payload: Record<string, unknown>;
  attempts: number;
  dueAt: string;
  createdAt: string;
  lastError?: string;
}

export type NewOutboundMessage = Pick<OutboundMessage, 'key' | 'channel' | 'payload'>;

export interface AuditEvent {
  seq: number;
  at: string;
  actor: string;
  role: Role | 'system';
  action: string;
  subject: string;
  from?: string;
  to?: string;
  detail?: Record<string, unknown>;
}

export type NewAuditEvent = Omit<AuditEvent, 'seq' | 'at'>;

/** Durable state. Implementations: SQLite (embedded default) and Redis (several instances); both pass test/store-contract. */
export interface Store {
  /** Creates an open item (version 1) and its audit event; with a known sourceEventId, returns the first item instead. */
  createEscalation(input: NewEscalation, now: Date): Promise<{ escalation: Escalation; created: boolean }>;
  getEscalation(id: string): Promise<Escalation | undefined>;
  /** Newest first. `asker` ("platform:userId") matches the asker and every linked asker. */
  listEscalations(filter: { kind?: Escalation['kind']; status?: EscalationStatus[]; asker?: string; limit?: number }): Promise<Escalation[]>;
  /**
   * Compare-and-set: stores `next` with version `expectedVersion + 1` and appends `event` to the audit
   * log in one atomic step, only when the stored version is still `expectedVersion`. False when another
   * writer came first (nothing changed then).
   */
  updateEscalation(next: Escalation, expectedVersion: number, event: NewAuditEvent, now: Date): Promise<boolean>;
  /** Items not closed whose service-level timer is due at `now`, oldest due first. */
  dueEscalations(now: Date, limit: number): Promise<Escalation[]>;
  markNotified(id: string, now: Date): Promise<void>;
  appendAudit(event: NewAuditEvent, now: Date): Promise<void>;
  /** Newest first. */
  listAudit(filter: { subject?: string; limit?: number }): Promise<AuditEvent[]>;

  /**
   * Inbound dedupe. 'new' the first time an event id is seen, and again when an earlier attempt took
   * the event but did not complete it within `leaseMs` (it crashed); 'busy' while an earlier attempt
   * holds it (try again later: it may yet crash); 'duplicate' once it was handled.
   */
  beginEvent(eventId: string, leaseMs: number, now: Date): Promise<EventStart>;
  /** The event was handled: duplicates are refused for `ttlMs` (at least an hour). */
  completeEvent(eventId: string, ttlMs: number, now: Date): Promise<void>;

  enqueueOutbound(message: NewOutboundMessage, now: Date): Promise<OutboundMessage>;
  /**
   * Takes up to `limit` due messages for sending, at most one per pacing key and only for keys whose
   * pace allows (see completeOutbound), and hides them from other callers for `leaseMs`.
   */
  leaseOutbound(now: Date, leaseMs: number, limit: number): Promise<OutboundMessage[]>;
  /** Delivered: removed; the next message with the same key may go at `nextForKeyAt`. */
  completeOutbound(id: string, nextForKeyAt: Date): Promise<void>;
  /** Not delivered: tried again at `dueAt`. */
  rescheduleOutbound(id: string, dueAt: Date, attempts: number, lastError: string): Promise<void>;
  /** Messages waiting (leased or not). */
  outboxDepth(): Promise<number>;

  /** Recurring failures (the tally's groups). A new group is saved with expectedVersion 0. */
  saveFailureGroup(record: FailureGroupRecord, expectedVersion: number, now: Date): Promise<boolean>;
  getFailureGroup(id: string): Promise<FailureGroupRecord | undefined>;
  /** Most recently changed first; `since`: changed at or after. */
  listFailureGroups(filter?: { since?: Date; ticket?: boolean; limit?: number }): Promise<FailureGroupRecord[]>;
  /** Whoever reported the failure or asked about it, once per report id: told when it is fixed. */
  addFailureReporter(groupId: string, reporter: FailureReporter): Promise<void>;
  listFailureReporters(groupId: string): Promise<FailureReporter[]>;

  /** Reachable and writable. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
