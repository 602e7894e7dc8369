/** Who may do what. Roles come from platform identities (Slack user groups, Entra ID groups) and configuration. */
export const ROLES = ['staff', 'superuser', 'manager', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export type Platform = 'web' | 'slack' | 'teams' | 'cli';

export interface Identity {
  platform: Platform;
  /** The platform's own user id; for local web sign-in, a name-derived id. */
  userId: string;
  /** Shown to colleagues (super-users see who claimed); never logged. */
  displayName?: string;
  role: Role;
  site?: string;
}

export type Action = 'ask' | 'read-safety' | 'close-safety' | 'claim' | 'answer' | 'publish-knowledge' | 'read-dashboard' | 'read-feed' | 'read-audit';

// Managers read safety items and the tally but do not take questions; admins may do everything.
const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  staff: new Set(['ask']),
  superuser: new Set(['ask', 'read-safety', 'close-safety', 'claim', 'answer', 'publish-knowledge']),
  manager: new Set(['ask', 'read-safety', 'read-dashboard', 'read-feed']),
  admin: new Set(['ask', 'read-safety', 'close-safety', 'claim', 'answer', 'publish-knowledge', 'read-dashboard', 'read-feed', 'read-audit']),
};

export const can = (role: Role, action: Action): boolean => ALLOWED[role].has(action);

export interface RoleDirectory {
  /** "platform:userId" → role, from configuration. */
  users: ReadonlyMap<string, Role>;
  /** Platform group id (Slack user group, Entra ID group) → role. */
  groups: ReadonlyMap<string, Role>;
}

const rank = (role: Role) => ROLES.indexOf(role);

/** The highest role any of the user's entries or groups gives; staff otherwise. */
export function resolveRole(directory: RoleDirectory, platform: Platform, userId: string, groups: readonly string[] = []): Role {
  let role: Role = 'staff';
  const candidates = [directory.users.get(`${platform}:${userId}`), ...groups.map((g) => directory.groups.get(g))];
  for (const r of candidates) if (r && rank(r) > rank(role)) role = r;
  return role;
}
