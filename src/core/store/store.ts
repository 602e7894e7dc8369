import type { Identity, Role } from '../identity/roles.ts';
import type { SafetyKind, Severity } from '../triage/triage.ts';
import type { Lang } from '../kb/article.ts';

/** Where the asker is, so that an answer or follow-up can reach them in the same place. */
export interface Conversation {
  platform: Identity['platform'];
  /** Channel, chat or web session id. */
  channel: string;
  thread?: string;
}

export type EscalationStatus = 'open' | 'claimed' | 'answered' | 'closed';

export interface Escalation {
  id: string;
  kind: 'question' | 'safety';
  severity: Severity;
  status: EscalationStatus;
  /** Redacted text; personal data never reaches the store. */
  text: string;
  lang: Lang;
  asker: Pick<Identity, 'platform' | 'userId' | 'displayName' | 'site'>;
  conversation: Conversation;
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

export interface NewEscalation extends Omit<Escalation, 'id' | 'status' | 'createdAt' | 'notifiedAt' | 'closedAt' | 'closedBy' | 'closeNote'> {
  /** Platform event id: a redelivered message does not create a second item. */
  sourceEventId?: string;
}

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

export type CloseResult = { ok: true; escalation: Escalation } | { ok: false; reason: 'not-found' | 'already-closed' };

/** Durable state. Implementations: SQLite (embedded default) and Redis (several instances). */
export interface Store {
  createEscalation(input: NewEscalation, now: Date): Promise<{ escalation: Escalation; created: boolean }>;
  getEscalation(id: string): Promise<Escalation | undefined>;
  listEscalations(filter: { kind?: Escalation['kind']; status?: EscalationStatus[]; limit?: number }): Promise<Escalation[]>;
  markNotified(id: string, now: Date): Promise<void>;
  /** Closing is a person's act; the audit event is written in the same transaction. */
  closeEscalation(id: string, by: Identity, note: string, now: Date): Promise<CloseResult>;
  appendAudit(event: NewAuditEvent, now: Date): Promise<void>;
  listAudit(filter: { subject?: string; limit?: number }): Promise<AuditEvent[]>;
  /** Reachable and writable. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
