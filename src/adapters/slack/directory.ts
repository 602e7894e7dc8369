import type { webApi } from '@slack/bolt';
import { can, resolveRole, type Role, type RoleDirectory } from '../../core/identity/roles.ts';

/** Group and channel memberships change rarely; five minutes keeps Slack's rate limits far away. */
const MEMBERSHIP_TTL_MS = 5 * 60_000;
const NAME_TTL_MS = 60 * 60_000;
const MAX_NAMES = 5000;

interface Cached<T> {
  at: number;
  value: Promise<T>;
}

export type SuperuserCheck = { ok: true; role: Role } | { ok: false; reason: 'not-superuser' | 'unknown' };

/**
 * Who a Slack user is to Lotsen: a name for colleagues to see (users.info) and whether they may work
 * the super-user queue (configured users, configured user groups, or membership of a super-user
 * channel). Everything is cached; a failed look-up is forgotten at once so the next one tries again.
 */
export class SlackDirectory {
  private readonly client: webApi.WebClient;
  private readonly roles: RoleDirectory;
  private readonly superuserChannels: () => string[];
  private readonly now: () => number;
  private readonly names = new Map<string, Cached<string | undefined>>();
  private readonly groups = new Map<string, Cached<Set<string>>>();
  private readonly channels = new Map<string, Cached<Set<string>>>();

  constructor(o: { client: webApi.WebClient; roles: RoleDirectory; superuserChannels: () => string[]; now?: () => number }) {
    this.client = o.client;
    this.roles = o.roles;
    this.superuserChannels = o.superuserChannels;
    this.now = o.now ?? Date.now;
  }

  /** The name colleagues know the user by; undefined when Slack cannot say (the caller shows the id). */
  async name(userId: string): Promise<string | undefined> {
    const value = await this.cached(this.names, userId, NAME_TTL_MS, async () => {
      const res = await this.client.users.info({ user: userId });
      const u = res.user;
      return u?.profile?.display_name || u?.real_name || u?.profile?.real_name || u?.name || undefined;
    }).catch(() => undefined);
    if (this.names.size > MAX_NAMES) this.names.delete(this.names.keys().next().value!);
    return value;
  }

  /** The role from configuration alone (no Slack calls): enough for asking questions. */
  configuredRole(userId: string): Role {
    return resolveRole(this.roles, 'slack', userId);
  }

  /**
   * May this user claim and answer? Configured users and user groups first, then the super-user
   * channels' members. "unknown" when Slack could not be asked: the user is told to try again,
   * not refused.
   */
  async superuser(userId: string): Promise<SuperuserCheck> {
    let unknown = false;
    const groupIds = [...this.roles.groups.keys()];
    const memberOf = await Promise.all(
      groupIds.map((g) =>
        this.cached(this.groups, g, MEMBERSHIP_TTL_MS, async () => new Set((await this.client.usergroups.users.list({ usergroup: g })).users ?? []))
          .then((users) => users.has(userId))
          .catch(() => ((unknown = true), false)),
      ),
    );
    const role = resolveRole(this.roles, 'slack', userId, groupIds.filter((_, i) => memberOf[i]));
    if (can(role, 'claim')) return { ok: true, role };
    for (const channel of this.superuserChannels()) {
      const member = await this.cached(this.channels, channel, MEMBERSHIP_TTL_MS, () => this.members(channel))
        .then((m) => m.has(userId))
        .catch(() => ((unknown = true), false));
      if (member) return { ok: true, role: 'superuser' };
    }
    return { ok: false, reason: unknown ? 'unknown' : 'not-superuser' };
  }

  private async members(channel: string): Promise<Set<string>> {
    const all = new Set<string>();
    let cursor: string | undefined;
    do {
      const res = await this.client.conversations.members({ channel, limit: 1000, cursor });
      for (const m of res.members ?? []) all.add(m);
      cursor = res.response_metadata?.next_cursor || undefined;
    } while (cursor);
    return all;
  }

  private cached<T>(map: Map<string, Cached<T>>, key: string, ttl: number, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && this.now() - hit.at < ttl) return hit.value;
    const value = load();
    map.set(key, { at: this.now(), value });
    value.catch(() => {
      if (map.get(key)?.value === value) map.delete(key);
    });
    return value;
  }
}
