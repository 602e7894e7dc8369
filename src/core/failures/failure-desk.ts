import type { Actor } from '../escalation/lifecycle.ts';
import type { Logger } from '../ports.ts';
import type { FailureGroupSummary } from '../stats/stats.ts';
import type { Conversation, FailureGroupRecord, FailureReporter, Store } from '../store/store.ts';
import { FailureGroup, FailureIndex, isTicket, type TicketThreshold } from '../tally/tally.ts';
import { conceptOf } from '../tally/lexicon.ts';
import type { ModelGrouping } from '../tally/model-grouping.ts';

export interface FailureReportInput {
  reportId: string;
  /** Redacted. */
  text: string;
  asker: { platform: FailureReporter['platform']; userId: string; site?: string };
  conversation: Conversation;
  at: Date;
}

export type FailureEventType = 'ticket-created' | 'ticket-updated' | 'known' | 'fixed' | 'reopened' | 'merged';
export interface FailureEvent {
  type: FailureEventType;
  record: FailureGroupRecord;
}

export type StatusChange = { status: 'known'; workaround: string } | { status: 'fixed'; note?: string } | { status: 'open' };
export type StatusResult = { ok: true; record: FailureGroupRecord } | { ok: false; status: 400 | 403 | 404 | 409; message: string };

/** A group people may judge to be the same failure as another. */
export interface SimilarGroup {
  id: string;
  label: string;
  count: number;
  similarity: number;
}

interface ModelDecision {
  /** The group chosen, or null for a new failure. */
  group: string | null;
  /** The groups the model was shown. */
  offered: Set<string>;
}

/** Saves that lose a compare-and-set race are redone on the fresh group this many times. */
const MAX_RETRIES = 5;
/**
 * A report's save that loses the race is redone more often, after a random wait that doubles each
 * time: two busy instances saving reports of one failure in lockstep would otherwise keep colliding,
 * and the report that loses every time would go uncounted.
 */
const MAX_REPORT_RETRIES = 10;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 5 * 2 ** Math.min(attempt, 7)));
const MAX_WORKAROUND = 4000;
/** Held (in the store's event marks) while an instance makes a new group; a crashed holder's lapses. */
const CREATE_LOCK = 'failure-tally:create-group';
const CREATE_LOCK_MS = 5000;
const SYNC_EVERY_MS = 500;
/** Merges followed from a merged group to the one that has its reports now, at most. */
const MAX_MERGE_HOPS = 20;

/** The module a group is about: its dominant module or device concept, for the report's "by module". */
function moduleOf(group: FailureGroup): string | undefined {
  const json = group.toJSON();
  const top = Object.entries(json.features)
    .filter(([key]) => key.startsWith('module:') || key.startsWith('device:'))
    .sort((a, b) => b[1] - a[1])[0];
  if (!top) return undefined;
  return conceptOf(top[0])?.label ?? top[0].slice(top[0].indexOf(':') + 1);
}

/**
 * Recurring failures: every failure report joins a group of reports of the same failure (the tally's
 * index, kept in memory and in the store), a group that reaches the threshold becomes one ticket that
 * keeps itself up to date, and super-users mark groups as known issues (with a workaround the bot
 * then gives) and as fixed (everyone who reported it is told).
 *
 * Several instances share the store: each save is compare-and-set on the group's version, and before
 * each report an instance takes in the groups others changed since it last looked.
 */
export class FailureDesk {
  private index = new FailureIndex();
  private readonly records = new Map<string, FailureGroupRecord>();
  private readonly listeners: ((event: FailureEvent) => Promise<void> | void)[] = [];
  private readonly store: Store;
  private readonly threshold: TicketThreshold;
  private readonly log: Logger;
  private syncedAt = new Date(0);
  private lookedAt = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly grouping: ModelGrouping | undefined;

  constructor(o: { store: Store; threshold?: TicketThreshold; log: Logger; grouping?: ModelGrouping }) {
    this.store = o.store;
    this.threshold = o.threshold ?? {};
    this.log = o.log;
    this.grouping = o.grouping;
  }

  onChange(listener: (event: FailureEvent) => Promise<void> | void): void {
    this.listeners.push(listener);
  }

  /**
   * Takes in groups saved by other instances (all of them the first time). Unless forced, at most
   * every SYNC_EVERY_MS: a look-up may be that much behind another instance, and a save that is
   * behind loses its compare-and-set and is redone after a forced look.
   */
  async sync(force = false): Promise<void> {
    const now = Date.now();
    if (!force && now - this.lookedAt < SYNC_EVERY_MS) return;
    this.lookedAt = now;
    // A little overlap: a save in the same millisecond as the last look is not missed.
    const since = new Date(this.syncedAt.getTime() - 1000);
    const changed = await this.store.listFailureGroups({ since });
    let rebuild = false;
    for (const r of changed) {
      const mine = this.records.get(r.id);
      if (mine && mine.version >= r.version) continue;
      this.records.set(r.id, r);
      rebuild = true;
    }
    if (changed.length) this.syncedAt = new Date(Math.max(...changed.map((r) => Date.parse(r.updatedAt))));
    if (rebuild) this.rebuild();
  }

  private rebuild(): void {
    const groups = [...this.records.values()].filter((r) => !r.mergedInto).map((r) => r.group);
    // Merged groups keep their sequence numbers: a new group's id must not repeat one of theirs.
    this.index = FailureIndex.fromJSON({ version: 1, seq: this.records.size, groups });
  }

  /** One report at a time per instance: the index is changed in place. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Adds a failure report to its group (a new one if none fits) and keeps the group's ticket current. */
  report(input: FailureReportInput): Promise<FailureGroupRecord> {
    // The model is asked before the report takes its turn: a slow model must not hold up other reports.
    return this.askModel(input.text).then((decision) =>
      this.serial(async () => {
        for (let attempt = 0; ; attempt++) {
          await this.sync();
          // A new group is made by one instance at a time, after looking again: two instances must not
          // each start a group for the same failure from two different first reports.
          let locked = false;
          let choice = this.stillValid(decision, input.text);
          if (choice === null || (choice === undefined && !this.index.match(input.text))) {
            if ((await this.store.beginEvent(CREATE_LOCK, CREATE_LOCK_MS, new Date())) !== 'new') {
              await new Promise((r) => setTimeout(r, 10 + Math.random() * 20));
              continue;
            }
            locked = true;
            await this.sync(true);
            choice = this.stillValid(decision, input.text);
          }
          try {
            const saved = await this.save(input, choice);
            if (saved) return saved;
          } finally {
            if (locked) await this.store.completeEvent(CREATE_LOCK, 1, new Date()).catch(() => undefined);
          }
          // Another instance saved this group first: start again from the store.
          this.syncedAt = new Date(0);
          this.lookedAt = 0;
          this.records.clear();
          this.rebuild();
          if (attempt >= MAX_REPORT_RETRIES) throw new Error('the failure group kept changing under this report');
          await backoff(attempt);
        }
      }),
    );
  }

  /** The configured model's choice among the groups the index shortlists for a report. */
  private async askModel(text: string): Promise<ModelDecision | undefined> {
    if (!this.grouping) return undefined;
    await this.serial(() => this.sync());
    const shortlist = this.index.shortlist(text);
    const group = await this.grouping.choose(text, shortlist.map((m) => m.group));
    return group === undefined ? undefined : { group, offered: new Set(shortlist.map((m) => m.group.id)) };
  }

  /**
   * The model's choice as it stands now: a group it chose that is gone, or "a new failure" when a group
   * it was not shown has since been made (by a report that came in meanwhile) and fits, leave it to the index.
   */
  private stillValid(decision: ModelDecision | undefined, text: string): string | null | undefined {
    if (!decision) return undefined;
    if (decision.group === null) {
      const lexical = this.index.match(text);
      return lexical && !decision.offered.has(lexical.group.id) ? undefined : null;
    }
    return this.index.get(decision.group) ? decision.group : undefined;
  }

  /** Adds the report to the index and saves its group; undefined when the save lost a race. */
  private async save(input: FailureReportInput, choice: string | null | undefined): Promise<FailureGroupRecord | undefined> {
    const { group } = this.index.add({ id: input.reportId, text: input.text, user: `${input.asker.platform}:${input.asker.userId}`, site: input.asker.site, ts: input.at.toISOString() }, choice);
    const before = this.records.get(group.id);
    const now = input.at;
    const ticketNow = isTicket(group, this.threshold);
    const record: FailureGroupRecord = {
      ...(before ?? { id: group.id, version: 0, status: 'open' as const, updatedAt: now.toISOString() }),
      group: group.toJSON(),
      label: group.label,
      module: moduleOf(group),
    };
    let event: FailureEventType | undefined;
    if (ticketNow) {
      const iso = now.toISOString();
      record.ticket = before?.ticket
        ? { ...before.ticket, updatedAt: iso, revision: before.ticket.revision + 1 }
        : { id: group.id, createdAt: iso, updatedAt: iso, revision: 1 };
      event = before?.ticket ? 'ticket-updated' : 'ticket-created';
    }
    const expected = before?.version ?? 0;
    if (await this.store.saveFailureGroup(record, expected, now)) {
      const saved = { ...record, version: expected + 1, updatedAt: now.toISOString() };
      this.records.set(group.id, saved);
      await this.store.addFailureReporter(group.id, { reportId: input.reportId, platform: input.asker.platform, userId: input.asker.userId, site: input.asker.site, conversation: input.conversation, at: now.toISOString() });
      if (event) await this.emit({ type: event, record: saved });
      return saved;
    }
    return undefined;
  }

  /** The known issue a message is about, if one fits: its workaround answers the message. */
  async knownIssue(text: string): Promise<FailureGroupRecord | undefined> {
    await this.serial(() => this.sync());
    const match = this.index.match(text);
    const record = match && this.records.get(match.group.id);
    return record?.status === 'known' ? record : undefined;
  }

  /** Someone asked about a known issue: they are told too when it is fixed. */
  async link(groupId: string, input: Omit<FailureReportInput, 'text'>): Promise<void> {
    await this.store.addFailureReporter(groupId, { reportId: input.reportId, platform: input.asker.platform, userId: input.asker.userId, site: input.asker.site, conversation: input.conversation, at: input.at.toISOString() });
  }

  /** A super-user marks a group as a known issue (with a workaround), fixed, or open again. */
  setStatus(id: string, change: StatusChange, actor: Actor, now = new Date()): Promise<StatusResult> {
    return this.serial(async () => {
      for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
        const current = await this.store.getFailureGroup(id);
        if (!current) return { ok: false, status: 404, message: 'There is no such failure group.' };
        if (current.mergedInto) return { ok: false, status: 409, message: `It is merged into ${current.mergedInto}; change that one.` };
        const next: FailureGroupRecord = { ...current, status: change.status, statusBy: actor.name, statusAt: now.toISOString() };
        if (change.status === 'known') {
          const workaround = change.workaround.trim();
          if (!workaround) return { ok: false, status: 400, message: 'Skriv en tillfällig lösning. / Write a workaround.' };
          if (workaround.length > MAX_WORKAROUND) return { ok: false, status: 400, message: `The workaround is longer than ${MAX_WORKAROUND} characters.` };
          next.workaround = workaround;
          delete next.fixNote;
        } else if (change.status === 'fixed') {
          if (current.status === 'fixed') return { ok: false, status: 409, message: 'It is already marked fixed.' };
          next.fixNote = change.note?.trim().slice(0, MAX_WORKAROUND) || undefined;
        } else if (current.status === 'open') {
          return { ok: false, status: 409, message: 'It is already open.' };
        }
        if (next.ticket) next.ticket = { ...next.ticket, updatedAt: now.toISOString(), revision: next.ticket.revision + 1 };
        if (!(await this.store.saveFailureGroup(next, current.version, now))) continue;
        const saved = { ...next, version: current.version + 1, updatedAt: now.toISOString() };
        this.records.set(id, saved);
        await this.store.appendAudit({ actor: actor.id, role: actor.role, action: `failure.${change.status}`, subject: id, from: current.status, to: change.status }, now);
        await this.emit({ type: change.status === 'open' ? 'reopened' : change.status, record: saved });
        return { ok: true, record: saved };
      }
      return { ok: false, status: 409, message: 'The group kept changing; try again.' };
    });
  }

  /**
   * A super-user merges a group into another that describes the same failure (the tally split it):
   * the other group takes in its reports, its reporters hear of the other's workaround and fix, later
   * reports join it, and the merged group's ticket is updated once more to say where it went, so that IT
   * closes it as a duplicate. The group merged into keeps its status; if it was open and the merged one
   * a known issue, it takes that workaround and its reporters are told.
   */
  merge(fromId: string, intoId: string, actor: Actor, now = new Date()): Promise<StatusResult> {
    return this.serial(async () => {
      try {
        return await this.mergeOnce(fromId, intoId, actor, now);
      } finally {
        // Whatever happened, this instance's index follows the store again.
        this.records.clear();
        this.syncedAt = new Date(0);
        this.lookedAt = 0;
        await this.sync(true);
      }
    });
  }

  private async mergeOnce(fromId: string, intoId: string, actor: Actor, now: Date): Promise<StatusResult> {
    if (fromId === intoId) return { ok: false, status: 400, message: 'En grupp kan inte slås ihop med sig själv. / A group cannot be merged into itself.' };
    const [from, target] = await Promise.all([this.store.getFailureGroup(fromId), this.store.getFailureGroup(intoId)]);
    if (!from || !target) return { ok: false, status: 404, message: 'There is no such failure group.' };
    if (target.mergedInto) return { ok: false, status: 409, message: `${intoId} is merged into ${target.mergedInto}; merge into that one.` };
    const absorbed = (r: FailureGroupRecord) => new Set(r.group.members).has(from.group.members[0]!);
    // A merge into this group that stopped halfway (a crash between the two saves) is finished now.
    const resuming = from.mergedInto === intoId && !absorbed(target);
    if (from.mergedInto && !resuming) return { ok: false, status: 409, message: `It is already merged into ${from.mergedInto}.` };
    const iso = now.toISOString();
    // First the merged group says where its reports go: no report joins it after this save.
    let gone = from;
    if (!resuming) {
      const next: FailureGroupRecord = { ...from, mergedInto: intoId, ...(from.ticket ? { ticket: { ...from.ticket, updatedAt: iso, revision: from.ticket.revision + 1 } } : {}) };
      if (!(await this.store.saveFailureGroup(next, from.version, now))) return { ok: false, status: 409, message: 'The group changed meanwhile; try again.' };
      gone = { ...next, version: from.version + 1, updatedAt: iso };
    }
    // Then the survivor takes in its reports, redone on the fresh record if a report got there first.
    let saved: FailureGroupRecord | undefined;
    let tookWorkaround = false;
    let failure: StatusResult | undefined;
    try {
      for (let attempt = 0; !saved && !failure; attempt++) {
        const current = attempt === 0 ? target : await this.store.getFailureGroup(intoId);
        if (!current || current.mergedInto) {
          // Merged away meanwhile (by another instance): merging into it now would hide these reports.
          failure = { ok: false, status: 409, message: `${intoId} was merged into another group meanwhile; try again.` };
          break;
        }
        if (absorbed(current)) {
          // Finished meanwhile by another super-user resuming the same merge.
          saved = current;
          break;
        }
        const group = FailureGroup.fromJSON(current.group);
        group.absorb(FailureGroup.fromJSON(from.group));
        const next: FailureGroupRecord = { ...current, group: group.toJSON(), label: group.label, module: moduleOf(group), mergedFrom: [...new Set([...(current.mergedFrom ?? []), fromId, ...(from.mergedFrom ?? [])])] };
        tookWorkaround = current.status === 'open' && from.status === 'known' && !!from.workaround;
        if (tookWorkaround) Object.assign(next, { status: 'known', workaround: from.workaround, statusBy: actor.name, statusAt: iso });
        if (isTicket(group, this.threshold)) next.ticket = current.ticket ? { ...current.ticket, updatedAt: iso, revision: current.ticket.revision + 1 } : { id: current.id, createdAt: iso, updatedAt: iso, revision: 1 };
        if (await this.store.saveFailureGroup(next, current.version, now)) saved = { ...next, version: current.version + 1, updatedAt: iso };
        else if (attempt >= MAX_RETRIES) failure = { ok: false, status: 409, message: 'The group kept changing; try again.' };
      }
    } catch (err) {
      await this.undoMerge(from, gone, resuming, now);
      throw err;
    }
    if (!saved) {
      await this.undoMerge(from, gone, resuming, now);
      return failure!;
    }
    await this.store.appendAudit({ actor: actor.id, role: actor.role, action: 'failure.merged', subject: fromId, from: fromId, to: intoId }, now);
    if (tookWorkaround) await this.store.appendAudit({ actor: actor.id, role: actor.role, action: 'failure.known', subject: intoId, from: target.status, to: 'known' }, now);
    await this.emit({ type: 'merged', record: gone });
    if (saved.ticket) await this.emit({ type: target.ticket ? 'ticket-updated' : 'ticket-created', record: saved });
    if (tookWorkaround) await this.emit({ type: 'known', record: saved });
    return { ok: true, record: saved };
  }

  /** Puts a group whose merge did not go through back as it was, so that none of its reports is hidden. */
  private async undoMerge(from: FailureGroupRecord, gone: FailureGroupRecord, resuming: boolean, now: Date): Promise<void> {
    if (resuming) return;
    const back: FailureGroupRecord = { ...from };
    delete back.mergedInto;
    if (!(await this.store.saveFailureGroup(back, gone.version, now).catch(() => false))) {
      this.log.error({ group: from.id }, 'failure group merge undone only in part: merge it again to finish');
    }
  }

  /** The groups most like a group, for super-users deciding what to merge. */
  async similar(id: string, limit = 5): Promise<SimilarGroup[]> {
    await this.serial(() => this.sync());
    return this.index.similar(id, limit).map(({ group, similarity }) => ({ id: group.id, label: this.records.get(group.id)?.label ?? group.label, count: group.count, similarity }));
  }

  /** The group that has a group's reports now, as stored: itself, or the one it was (last) merged into. */
  async current(id: string): Promise<FailureGroupRecord | undefined> {
    let r = await this.store.getFailureGroup(id);
    for (let hop = 0; r?.mergedInto && hop < MAX_MERGE_HOPS; hop++) r = await this.store.getFailureGroup(r.mergedInto);
    return r;
  }

  /** Groups for lists, feeds and the weekly report, most recently changed first; merged ones only if asked. */
  async list(filter: { ticket?: boolean; limit?: number; merged?: boolean } = {}): Promise<FailureGroupRecord[]> {
    const { merged, ...rest } = filter;
    if (merged) return this.store.listFailureGroups(rest);
    // Merged groups are filtered out before the limit: they must not push live ones off the list.
    const live = (await this.store.listFailureGroups({ ...rest, limit: undefined })).filter((r) => !r.mergedInto);
    return rest.limit === undefined ? live : live.slice(0, rest.limit);
  }

  /** What the weekly report and the dashboard need of the given groups, as stored; a merged group names its survivor. */
  async summaries(ids: string[]): Promise<FailureGroupSummary[]> {
    const out: FailureGroupSummary[] = [];
    for (const id of new Set(ids)) {
      const r = await this.store.getFailureGroup(id);
      if (!r) continue;
      const survivor = r.mergedInto ? await this.current(id) : undefined;
      out.push(survivor && survivor.id !== id && !survivor.mergedInto ? { ...summary(r), mergedInto: survivor.id } : summary(r));
    }
    return out;
  }

  private async emit(event: FailureEvent): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (err) {
        this.log.error({ err: err instanceof Error ? err.message : String(err), event: event.type, group: event.record.id }, 'failure listener failed');
      }
    }
  }
}

export function summary(r: FailureGroupRecord): FailureGroupSummary {
  return {
    id: r.id,
    label: r.label,
    module: r.module,
    status: r.status,
    ticket: !!r.ticket,
    count: r.group.count,
    users: r.group.users.length,
    sites: r.group.sites,
    firstSeen: r.group.firstSeen,
    lastSeen: r.group.lastSeen,
  };
}
