import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { DatabaseSync } from 'node:sqlite';
import type { Identity } from '../../core/identity/roles.ts';
import type { AuditEvent, CloseResult, Escalation, NewAuditEvent, NewEscalation, Store } from '../../core/store/store.ts';

/**
 * Schema (one file, WAL):
 * - escalations: one row per escalation or safety item. Status, kind and times are columns for
 *   queries; the rest of the item is JSON in `data`. `source_event_id` is unique, so a platform's
 *   redelivery of the same message finds the first item instead of making a second.
 * - audit: append-only (triggers refuse UPDATE and DELETE); `seq` orders events.
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
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS escalations_by_status ON escalations (kind, status, created_at);
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
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
`;

/** Short, unguessable, sortable by time: what a super-user reads out on the phone. */
export const newId = (now: Date) => `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;

interface Row {
  data: string;
  status: string;
  notified_at: string | null;
}

const toEscalation = (row: Row): Escalation => ({ ...(JSON.parse(row.data) as Escalation), status: row.status as Escalation['status'], notifiedAt: row.notified_at ?? undefined });

export class SqliteStore implements Store {
  private readonly db: DatabaseSync;

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;');
    this.db.exec(SCHEMA);
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

  async createEscalation(input: NewEscalation, now: Date): Promise<{ escalation: Escalation; created: boolean }> {
    return this.transaction(() => {
      if (input.sourceEventId) {
        const existing = this.db.prepare('SELECT data, status, notified_at FROM escalations WHERE source_event_id = ?').get(input.sourceEventId) as Row | undefined;
        if (existing) return { escalation: toEscalation(existing), created: false };
      }
      const { sourceEventId, ...fields } = input;
      const escalation: Escalation = { ...fields, id: newId(now), status: 'open', createdAt: now.toISOString() };
      this.db
        .prepare('INSERT INTO escalations (id, kind, severity, status, created_at, source_event_id, data) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(escalation.id, escalation.kind, escalation.severity, escalation.status, escalation.createdAt, sourceEventId ?? null, JSON.stringify(escalation));
      this.insertAudit({ actor: `${input.asker.platform}:${input.asker.userId}`, role: 'staff', action: 'escalation.create', subject: escalation.id, to: 'open', detail: { kind: escalation.kind, severity: escalation.severity } }, now);
      return { escalation, created: true };
    });
  }

  async getEscalation(id: string): Promise<Escalation | undefined> {
    const row = this.db.prepare('SELECT data, status, notified_at FROM escalations WHERE id = ?').get(id) as Row | undefined;
    return row && toEscalation(row);
  }

  async listEscalations(filter: { kind?: Escalation['kind']; status?: Escalation['status'][]; limit?: number }): Promise<Escalation[]> {
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
    const sql = `SELECT data, status, notified_at FROM escalations ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC LIMIT ${Math.max(1, Math.min(filter.limit ?? 200, 1000))}`;
    return (this.db.prepare(sql).all(...params) as unknown as Row[]).map(toEscalation);
  }

  async markNotified(id: string, now: Date): Promise<void> {
    this.db.prepare('UPDATE escalations SET notified_at = ? WHERE id = ? AND notified_at IS NULL').run(now.toISOString(), id);
  }

  async closeEscalation(id: string, by: Identity, note: string, now: Date): Promise<CloseResult> {
    return this.transaction(() => {
      const row = this.db.prepare('SELECT data, status, notified_at FROM escalations WHERE id = ?').get(id) as Row | undefined;
      if (!row) return { ok: false, reason: 'not-found' } as const;
      const current = toEscalation(row);
      if (current.status === 'closed') return { ok: false, reason: 'already-closed' } as const;
      const closed: Escalation = { ...current, status: 'closed', closedAt: now.toISOString(), closedBy: by.displayName ?? by.userId, closeNote: note };
      const { notifiedAt, ...data } = closed;
      this.db.prepare('UPDATE escalations SET status = ?, data = ? WHERE id = ?').run('closed', JSON.stringify(data), id);
      this.insertAudit({ actor: `${by.platform}:${by.userId}`, role: by.role, action: 'escalation.close', subject: id, from: current.status, to: 'closed' }, now);
      return { ok: true, escalation: closed } as const;
    });
  }

  async appendAudit(event: NewAuditEvent, now: Date): Promise<void> {
    this.insertAudit(event, now);
  }

  async listAudit(filter: { subject?: string; limit?: number }): Promise<AuditEvent[]> {
    const limit = Math.max(1, Math.min(filter.limit ?? 200, 5000));
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
