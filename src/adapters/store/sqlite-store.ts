import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import {
  askerKey,
  type AuditEvent,
  type Escalation,
  type EventStart,
  type FailureGroupRecord,
  type FailureReporter,
  type NewAuditEvent,
  type NewEscalation,
  type NewOutboundMessage,
  type OutboundMessage,
  type Store,
} from '../../core/store/store.ts';

/**
 * Schema (one file, WAL):
 * - escalations: one row per escalation or safety item. Status, kind, version and the due time are
 *   columns for queries and compare-and-set; the rest of the item is JSON in `data`.
 *   `source_event_id` is unique, so a platform's redelivery of the same message finds the first item.
 * - escalation_askers: asker and linked askers ("platform:userId") per item, for "my questions".
 * - audit: append-only (triggers refuse UPDATE and DELETE); `seq` orders events.
 * - events: inbound dedupe; `state` processing (until `expires_at`, the lease) or done (until the TTL).
 * - outbox: messages waiting for delivery; `leased_until` hides one from other senders.
 *   outbox_keys: per pacing key, when the next message may go.
 * - failure_groups: recurring failures (the tally), JSON in `data`; `version` for compare-and-set,
 *   `updated_at` (ms) for other instances catching up. failure_reporters: who reported each one.
 * Times are ISO strings in `data` and epoch milliseconds in columns that are compared.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS escalations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL,
  notified_at TEXT,
  source_event_id TEXT UNIQUE,
  version INTEGER NOT NULL DEFAULT 1,
  due_at INTEGER,
  data TEXT NOT NULL
);
DROP INDEX IF EXISTS escalations_by_status;
CREATE INDEX IF NOT EXISTS escalations_by_state ON escalations (kind, status, created_at, id);
CREATE INDEX IF NOT EXISTS escalations_by_due ON escalations (due_at) WHERE due_at IS NOT NULL;
CREATE TABLE IF NOT EXISTS escalation_askers (
  escalation_id TEXT NOT NULL,
  asker TEXT NOT NULL,
  PRIMARY KEY (asker, escalation_id)
);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  state TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  seq INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  leased_until INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_by_key ON outbox (key, seq);
CREATE INDEX IF NOT EXISTS outbox_by_due ON outbox (due_at);
-- Enqueue numbers messages with MAX(seq) + 1: without this, a scan of the whole backlog each time.
CREATE INDEX IF NOT EXISTS outbox_by_seq ON outbox (seq);
CREATE TABLE IF NOT EXISTS outbox_keys (
  key TEXT PRIMARY KEY,
  next_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  role TEXT NOT NULL,
  action TEXT NOT NULL,
  subject TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  detail TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_subject ON audit (subject, seq);
CREATE TABLE IF NOT EXISTS failure_groups (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  ticket INTEGER NOT NULL DEFAULT 0,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failure_groups_by_update ON failure_groups (updated_at);
CREATE TABLE IF NOT EXISTS failure_reporters (
  group_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (group_id, report_id)
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/** Short, unguessable, sortable by time: what a super-user reads out on the phone. */
export const newId = (now: Date) => `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;

interface Row {
  data: string;
  status: string;
  version: number;
  notified_at: string | null;
}

const COLUMNS = 'data, status, version, notified_at';
const toEscalation = (row: Row): Escalation => ({
  ...(JSON.parse(row.data) as Escalation),
  status: row.status as Escalation['status'],
  version: Number(row.version),
  notifiedAt: row.notified_at ?? undefined,
});
const dueMs = (e: Escalation) => (e.status !== 'closed' && e.due ? Date.parse(e.due.at) : null);
const askersOf = (e: Escalation) => [askerKey(e.asker), ...(e.linked ?? []).map((l) => askerKey(l.asker))];
const clampLimit = (limit: number | undefined, fallback: number, max: number) => Math.max(1, Math.min(Math.floor(limit ?? fallback), max));

export class SqliteStore implements Store {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA.replace(/CREATE INDEX IF NOT EXISTS escalations_by_due[^;]*;/, ''));
    // Files from before escalation timers and compare-and-set get the two columns.
    const columns = new Set((this.db.prepare('PRAGMA table_info(escalations)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('version')) this.db.exec('ALTER TABLE escalations ADD COLUMN version INTEGER NOT NULL DEFAULT 1');
    if (!columns.has('due_at')) this.db.exec('ALTER TABLE escalations ADD COLUMN due_at INTEGER');
    this.db.exec('CREATE INDEX IF NOT EXISTS escalations_by_due ON escalations (due_at) WHERE due_at IS NOT NULL');
  }

  // --- Tally report (issue 7): the message statistics (sqlite-stats.ts) share this connection and file.
  get database(): DatabaseSync {
    return this.db;
  }

  private transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  private insertAudit(event: NewAuditEvent, now: Date): void {
    this.db
      .prepare('INSERT INTO audit (at, actor, role, action, subject, from_state, to_state, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(now.toISOString(), event.actor, event.role, event.action, event.subject, event.from ?? null, event.to ?? null, event.detail ? JSON.stringify(event.detail) : null);
  }

  private indexAskers(e: Escalation): void {
    const insert = this.db.prepare('INSERT OR IGNORE INTO escalation_askers (escalation_id, asker) VALUES (?, ?)');
    for (const key of askersOf(e)) insert.run(e.id, key);
  }

  async createEscalation(input: NewEscalation, now: Date): Promise<{ escalation: Escalation; created: boolean }> {
    return this.transaction(() => {
      if (input.sourceEventId) {
        const existing = this.db.prepare(`SELECT ${COLUMNS} FROM escalations WHERE source_event_id = ?`).get(input.sourceEventId) as Row | undefined;
        if (existing) return { escalation: toEscalation(existing), created: false };
      }
      const { sourceEventId, ...fields } = input;
      const escalation: Escalation = { ...fields, id: newId(now), status: 'open', version: 1, createdAt: now.toISOString() };
      this.db
        .prepare('INSERT INTO escalations (id, kind, severity, status, created_at, source_event_id, version, due_at, data) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?)')
        .run(escalation.id, escalation.kind, escalation.severity, escalation.status, escalation.createdAt, sourceEventId ?? null, dueMs(escalation), JSON.stringify(escalation));
      this.indexAskers(escalation);
      this.insertAudit({ actor: askerKey(input.asker), role: 'staff', action: 'escalation.create', subject: escalation.id, to: 'open', detail: { kind: escalation.kind, severity: escalation.severity } }, now);
      return { escalation, created: true };
    });
  }

  async getEscalation(id: string): Promise<Escalation | undefined> {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM escalations WHERE id = ?`).get(id) as Row | undefined;
    return row && toEscalation(row);
  }

  async listEscalations(filter: { kind?: Escalation['kind']; status?: Escalation['status'][]; asker?: string; limit?: number }): Promise<Escalation[]> {
    // Several statuses: one index walk per status, merged, instead of sorting every matching row.
    if (filter.kind && filter.status && filter.status.length > 1 && !filter.asker) {
      const limit = clampLimit(filter.limit, 200, 1000);
      const parts = await Promise.all(filter.status.map((status) => this.listEscalations({ ...filter, status: [status], limit })));
      return parts
        .flat()
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
        .slice(0, limit);
    }
    const where: string[] = [];
    const params: string[] = [];
    if (filter.kind) {
      where.push('kind = ?');
      params.push(filter.kind);
    }
    if (filter.status?.length) {
      where.push(`status IN (${filter.status.map(() => '?').join(', ')})`);
      params.push(...filter.status);
    }
    if (filter.asker) {
      where.push('id IN (SELECT escalation_id FROM escalation_askers WHERE asker = ?)');
      params.push(filter.asker);
    }
    const sql = `SELECT ${COLUMNS} FROM escalations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${clampLimit(filter.limit, 200, 1000)}`;
    return (this.db.prepare(sql).all(...params) as unknown as Row[]).map(toEscalation);
  }

  async updateEscalation(next: Escalation, expectedVersion: number, event: NewAuditEvent, now: Date): Promise<boolean> {
    return this.transaction(() => {
      const stored: Escalation = { ...next, version: expectedVersion + 1 };
      const { notifiedAt, ...data } = stored;
      const result = this.db
        .prepare('UPDATE escalations SET status = ?, version = ?, due_at = ?, data = ? WHERE id = ? AND version = ?')
        .run(stored.status, stored.version, dueMs(stored), JSON.stringify(data), stored.id, expectedVersion);
      if (Number(result.changes) !== 1) return false;
      this.indexAskers(stored);
      this.insertAudit(event, now);
      return true;
    });
  }

  async dueEscalations(now: Date, limit: number): Promise<Escalation[]> {
    const rows = this.db
      .prepare(`SELECT ${COLUMNS} FROM escalations WHERE due_at IS NOT NULL AND due_at <= ? AND status != 'closed' ORDER BY due_at LIMIT ?`)
      .all(now.getTime(), clampLimit(limit, 100, 1000)) as unknown as Row[];
    return rows.map(toEscalation);
  }

  async markNotified(id: string, now: Date): Promise<void> {
    this.db.prepare('UPDATE escalations SET notified_at = ? WHERE id = ? AND notified_at IS NULL').run(now.toISOString(), id);
  }

  async appendAudit(event: NewAuditEvent, now: Date): Promise<void> {
    this.insertAudit(event, now);
  }

  async listAudit(filter: { subject?: string; limit?: number }): Promise<AuditEvent[]> {
    const limit = clampLimit(filter.limit, 200, 5000);
    const rows = (filter.subject
      ? this.db.prepare(`SELECT * FROM audit WHERE subject = ? ORDER BY seq DESC LIMIT ${limit}`).all(filter.subject)
      : this.db.prepare(`SELECT * FROM audit ORDER BY seq DESC LIMIT ${limit}`).all()) as unknown as Record<string, string | number | null>[];
    return rows.map((r) => ({
      seq: Number(r.seq),
      at: String(r.at),
      actor: String(r.actor),
      role: r.role as AuditEvent['role'],
      action: String(r.action),
      subject: String(r.subject),
      from: r.from_state === null ? undefined : String(r.from_state),
      to: r.to_state === null ? undefined : String(r.to_state),
      detail: r.detail === null ? undefined : (JSON.parse(String(r.detail)) as Record<string, unknown>),
    }));
  }

  async beginEvent(eventId: string, leaseMs: number, now: Date): Promise<EventStart> {
    return this.transaction(() => {
      const t = now.getTime();
      const row = this.db.prepare('SELECT state, expires_at FROM events WHERE id = ?').get(eventId) as { state: string; expires_at: number } | undefined;
      if (row && Number(row.expires_at) > t) return row.state === 'done' ? 'duplicate' : 'busy';
      this.db.prepare('INSERT OR REPLACE INTO events (id, state, expires_at) VALUES (?, ?, ?)').run(eventId, 'processing', t + leaseMs);
      // Expired marks are cleared now and then, so the table stays small.
      if (Math.random() < 0.01) this.db.prepare('DELETE FROM events WHERE expires_at <= ?').run(t);
      return 'new';
    });
  }

  async completeEvent(eventId: string, ttlMs: number, now: Date): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO events (id, state, expires_at) VALUES (?, ?, ?)').run(eventId, 'done', now.getTime() + ttlMs);
  }

  async enqueueOutbound(message: NewOutboundMessage, now: Date): Promise<OutboundMessage> {
    const stored: OutboundMessage = { ...message, id: newId(now), attempts: 0, dueAt: now.toISOString(), createdAt: now.toISOString() };
    this.transaction(() => {
      const { seq } = this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM outbox').get() as { seq: number };
      this.db.prepare('INSERT INTO outbox (id, key, seq, due_at, data) VALUES (?, ?, ?, ?, ?)').run(stored.id, stored.key, seq, now.getTime(), JSON.stringify(stored));
    });
    return stored;
  }

  async leaseOutbound(now: Date, leaseMs: number, limit: number): Promise<OutboundMessage[]> {
    const t = now.getTime();
    return this.transaction(() => {
      // The oldest message of each key, when it is due, not leased, and the key's pace allows.
      const rows = this.db
        .prepare(
          `SELECT o.id, o.data FROM outbox o
           WHERE o.seq = (SELECT MIN(seq) FROM outbox WHERE key = o.key)
             AND o.due_at <= ? AND o.leased_until <= ?
             AND COALESCE((SELECT next_at FROM outbox_keys k WHERE k.key = o.key), 0) <= ?
           ORDER BY o.due_at, o.seq LIMIT ?`,
        )
        .all(t, t, t, clampLimit(limit, 10, 1000)) as { id: string; data: string }[];
      const lease = this.db.prepare('UPDATE outbox SET leased_until = ? WHERE id = ?');
      for (const r of rows) lease.run(t + leaseMs, r.id);
      return rows.map((r) => JSON.parse(r.data) as OutboundMessage);
    });
  }

  async completeOutbound(id: string, nextForKeyAt: Date): Promise<void> {
    this.transaction(() => {
      const row = this.db.prepare('SELECT key FROM outbox WHERE id = ?').get(id) as { key: string } | undefined;
      if (!row) return;
      this.db.prepare('DELETE FROM outbox WHERE id = ?').run(id);
      this.db.prepare('INSERT OR REPLACE INTO outbox_keys (key, next_at) VALUES (?, ?)').run(row.key, nextForKeyAt.getTime());
    });
  }

  async rescheduleOutbound(id: string, dueAt: Date, attempts: number, lastError: string): Promise<void> {
    this.transaction(() => {
      const row = this.db.prepare('SELECT data FROM outbox WHERE id = ?').get(id) as { data: string } | undefined;
      if (!row) return;
      const message: OutboundMessage = { ...(JSON.parse(row.data) as OutboundMessage), dueAt: dueAt.toISOString(), attempts, lastError };
      this.db.prepare('UPDATE outbox SET due_at = ?, leased_until = 0, data = ? WHERE id = ?').run(dueAt.getTime(), JSON.stringify(message), id);
    });
  }

  async outboxDepth(): Promise<number> {
    return Number((this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n);
  }

  async saveFailureGroup(record: FailureGroupRecord, expectedVersion: number, now: Date): Promise<boolean> {
    const saved: FailureGroupRecord = { ...record, version: expectedVersion + 1, updatedAt: now.toISOString() };
    const args = [saved.version, now.getTime(), saved.ticket ? 1 : 0, JSON.stringify(saved)] as const;
    if (expectedVersion === 0) return this.db.prepare('INSERT OR IGNORE INTO failure_groups (version, updated_at, ticket, data, id) VALUES (?, ?, ?, ?, ?)').run(...args, record.id).changes === 1;
    return this.db.prepare('UPDATE failure_groups SET version = ?, updated_at = ?, ticket = ?, data = ? WHERE id = ? AND version = ?').run(...args, record.id, expectedVersion).changes === 1;
  }

  async getFailureGroup(id: string): Promise<FailureGroupRecord | undefined> {
    const row = this.db.prepare('SELECT data FROM failure_groups WHERE id = ?').get(id) as { data: string } | undefined;
    return row ? (JSON.parse(row.data) as FailureGroupRecord) : undefined;
  }

  async listFailureGroups(filter: { since?: Date; ticket?: boolean; limit?: number } = {}): Promise<FailureGroupRecord[]> {
    const rows = this.db
      .prepare(`SELECT data FROM failure_groups WHERE updated_at >= ? ${filter.ticket === undefined ? '' : 'AND ticket = ?'} ORDER BY updated_at DESC, id LIMIT ?`)
      .all(...([filter.since?.getTime() ?? 0, ...(filter.ticket === undefined ? [] : [filter.ticket ? 1 : 0]), clampLimit(filter.limit, 100_000, 100_000)] as number[])) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as FailureGroupRecord);
  }

  async addFailureReporter(groupId: string, reporter: FailureReporter): Promise<void> {
    this.db.prepare('INSERT OR IGNORE INTO failure_reporters (group_id, report_id, data) VALUES (?, ?, ?)').run(groupId, reporter.reportId, JSON.stringify(reporter));
  }

  async listFailureReporters(groupId: string): Promise<FailureReporter[]> {
    const rows = this.db.prepare('SELECT data FROM failure_reporters WHERE group_id = ? ORDER BY rowid').all(groupId) as { data: string }[];
    return rows.map((r) => JSON.parse(r.data) as FailureReporter);
  }

  async ping(): Promise<boolean> {
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.db.isOpen) this.db.close();
  }
}
