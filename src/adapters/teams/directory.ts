import { can, resolveRole, ROLES, type Role, type RoleDirectory } from '../../core/identity/roles.ts';

/** Group memberships change rarely; five minutes keeps Graph's throttling far away. */
const MEMBERSHIP_TTL_MS = 5 * 60_000;
const MAX_CACHED = 5000;
const GRAPH_TIMEOUT_MS = 5000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SuperuserCheck = { ok: true; role: Role } | { ok: false; reason: 'not-superuser' | 'unknown' };

/** Who is writing, as Teams says: the Entra object id (stable, what admins list) and the Teams user id (29:…). */
export interface TeamsUser {
  aadObjectId?: string;
  id: string;
}

/**
 * Who a Teams user is to Lotsen: whether they may work the super-user queue, from configured users
 * (`teams:<Entra object id>` or `teams:<29:… id>` in LOTSEN_SUPERUSERS and the like) and configured
 * Entra ID groups (LOTSEN_SUPERUSER_GROUPS), whose membership Microsoft Graph answers
 * (checkMemberGroups, transitive). Memberships are cached; a failed look-up is forgotten at once.
 */
export class TeamsDirectory {
  private readonly roles: RoleDirectory;
  private readonly graphUrl: string;
  private readonly graphToken: () => Promise<string | undefined>;
  private readonly now: () => number;
  private readonly memberships = new Map<string, { at: number; value: Promise<string[]> }>();

  constructor(o: { roles: RoleDirectory; graphUrl: string; graphToken: () => Promise<string | undefined>; now?: () => number }) {
    this.roles = o.roles;
    this.graphUrl = o.graphUrl;
    this.graphToken = o.graphToken;
    this.now = o.now ?? Date.now;
  }

  /** The role from configuration alone (no Graph calls): enough for asking questions. */
  configuredRole(user: TeamsUser, groups: readonly string[] = []): Role {
    const byAad = user.aadObjectId ? resolveRole(this.roles, 'teams', user.aadObjectId, groups) : 'staff';
    const byId = resolveRole(this.roles, 'teams', user.id, groups);
    return ROLES.indexOf(byAad) >= ROLES.indexOf(byId) ? byAad : byId;
  }

  /** May this user claim and answer? "unknown" when Graph could not be asked: the user is told to try again, not refused. */
  async superuser(user: TeamsUser): Promise<SuperuserCheck> {
    const configured = this.configuredRole(user);
    if (can(configured, 'claim')) return { ok: true, role: configured };
    // Entra ID groups only: the same lists may hold Slack user group ids.
    const groups = [...this.roles.groups.keys()].filter((g) => GUID.test(g));
    if (!groups.length || !user.aadObjectId) return { ok: false, reason: 'not-superuser' };
    let memberOf: string[];
    try {
      memberOf = await this.memberGroups(user.aadObjectId, groups);
    } catch {
      return { ok: false, reason: 'unknown' };
    }
    const role = this.configuredRole(user, memberOf);
    return can(role, 'claim') ? { ok: true, role } : { ok: false, reason: 'not-superuser' };
  }

  private memberGroups(aadObjectId: string, groups: string[]): Promise<string[]> {
    const hit = this.memberships.get(aadObjectId);
    if (hit && this.now() - hit.at < MEMBERSHIP_TTL_MS) return hit.value;
    const value = this.checkMemberGroups(aadObjectId, groups);
    this.memberships.set(aadObjectId, { at: this.now(), value });
    if (this.memberships.size > MAX_CACHED) this.memberships.delete(this.memberships.keys().next().value!);
    value.catch(() => {
      if (this.memberships.get(aadObjectId)?.value === value) this.memberships.delete(aadObjectId);
    });
    return value;
  }

  /** POST /users/{id}/checkMemberGroups: which of these groups the user is in, directly or through other groups. */
  private async checkMemberGroups(aadObjectId: string, groups: string[]): Promise<string[]> {
    const token = await this.graphToken();
    const found: string[] = [];
    // Graph takes at most 20 group ids per call.
    for (let i = 0; i < groups.length; i += 20) {
      const res = await fetch(`${this.graphUrl}/v1.0/users/${encodeURIComponent(aadObjectId)}/checkMemberGroups`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ groupIds: groups.slice(i, i + 20) }),
        signal: AbortSignal.timeout(GRAPH_TIMEOUT_MS),
      });
      if (res.status === 404) return [];
      if (!res.ok) throw new Error(`graph: HTTP ${res.status}`);
      const body = (await res.json()) as { value?: unknown };
      if (Array.isArray(body.value)) found.push(...body.value.filter((g): g is string => typeof g === 'string'));
    }
    return found;
  }
}
