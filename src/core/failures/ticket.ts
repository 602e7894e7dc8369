import type { FailureGroupRecord } from '../store/store.ts';

/**
 * A ticket as the feed and the webhook carry it: one per recurring failure, with a stable id, kept
 * up to date as reports come in. All text in it is redacted. Field names are stable: ServiceNow and
 * Jira mappings (docs/tickets.md) depend on them.
 */
export interface Ticket {
  id: string;
  /** Counts every change; with the id, the idempotency key of a delivery. */
  revision: number;
  title: string;
  status: FailureGroupRecord['status'];
  module: string | null;
  reports: number;
  users: number;
  sites: string[];
  first_seen: string;
  last_seen: string;
  created_at: string;
  updated_at: string;
  examples: string[];
  workaround: string | null;
  fix_note: string | null;
  /** The ticket this one was merged into (a duplicate): its reports count there now. */
  merged_into: string | null;
  url: string | null;
}

export function toTicket(r: FailureGroupRecord, publicUrl: string | undefined): Ticket {
  return {
    id: r.ticket?.id ?? r.id,
    revision: r.ticket?.revision ?? 0,
    title: r.label,
    status: r.status,
    module: r.module ?? null,
    reports: r.group.count,
    users: r.group.users.length,
    sites: [...r.group.sites].sort(),
    first_seen: r.group.firstSeen,
    last_seen: r.group.lastSeen,
    created_at: r.ticket?.createdAt ?? r.group.firstSeen,
    updated_at: r.ticket?.updatedAt ?? r.updatedAt,
    examples: r.group.examples,
    workaround: r.workaround ?? null,
    fix_note: r.fixNote ?? null,
    merged_into: r.mergedInto ?? null,
    url: publicUrl ? `${publicUrl.replace(/\/$/, '')}/failures/${encodeURIComponent(r.id)}` : null,
  };
}

export type TicketEvent = 'ticket.created' | 'ticket.updated' | 'ticket.known' | 'ticket.fixed' | 'ticket.reopened' | 'ticket.merged';
