import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import type { Context } from 'hono';
import { getSignedCookie, setSignedCookie, deleteCookie } from 'hono/cookie';
import { z } from 'zod';
import type { AuthConfig } from '../../config.ts';
import { ROLES, type Identity, type Role } from '../../core/identity/roles.ts';

const COOKIE = 'lotsen_session';
const SESSION_HOURS = 12;

const sessionSchema = z.object({ u: z.string(), n: z.string(), r: z.enum(ROLES), s: z.string().optional(), e: z.number() });

export const signInSchema = z.object({
  name: z.string().trim().min(1).max(80),
  role: z.enum(ROLES),
  site: z.string().trim().max(80).optional(),
  token: z.string().max(200).optional(),
});

const sameSecret = (a: string, b: string) => {
  const x = createHash('sha256').update(a).digest();
  const y = createHash('sha256').update(b).digest();
  return timingSafeEqual(x, y);
};

/** Local sign-in: a name and a role; when sign-in is required, the role's token as well. */
export class WebAuth {
  private readonly config: AuthConfig;
  // Without a configured secret, sessions last as long as this process (one instance only).
  private readonly secret: string;

  constructor(config: AuthConfig) {
    this.config = config;
    this.secret = config.sessionSecret ?? randomBytes(32).toString('hex');
  }

  get required(): boolean {
    return this.config.required;
  }

  /** Which role a bearer or sign-in token belongs to, if any. */
  roleOfToken(token: string | undefined): Role | undefined {
    if (!token) return undefined;
    // Highest role first, so a token shared by mistake between roles grants the higher one only once checked.
    for (const role of [...ROLES].reverse()) {
      const expected = this.config.tokens[role];
      if (expected && sameSecret(expected, token)) return role;
    }
    return undefined;
  }

  /** The caller, from a bearer token or the session cookie; anonymous staff on loopback without sign-in. */
  async identify(c: Context): Promise<Identity | undefined> {
    const header = c.req.header('authorization');
    if (header?.startsWith('Bearer ')) {
      const role = this.roleOfToken(header.slice(7).trim());
      return role ? { platform: 'web', userId: `token-${role}`, displayName: `${role} token`, role } : undefined;
    }
    const raw = await getSignedCookie(c, this.secret, COOKIE);
    if (raw) {
      try {
        const s = sessionSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
        if (s.e > Date.now()) return { platform: 'web', userId: s.u, displayName: s.n, role: s.r, site: s.s };
      } catch {
        // A cookie we signed but cannot read is treated as no session.
      }
    }
    return this.required ? undefined : { platform: 'web', userId: 'local', role: 'staff' };
  }

  /** Checks a sign-in; returns the identity or why it was refused (nothing is changed on refusal). */
  signIn(input: z.infer<typeof signInSchema>): Identity | { refused: string } {
    if (this.required) {
      const expected = this.config.tokens[input.role];
      if (!expected || !input.token || !sameSecret(expected, input.token)) return { refused: 'The access code does not match this role.' };
    }
    const slug = input.name.toLowerCase().normalize('NFD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '').slice(0, 40) || 'user';
    const id = createHash('sha256').update(`${input.name}\u0000${input.site ?? ''}`).digest('hex').slice(0, 6);
    return { platform: 'web', userId: `${slug}-${id}`, displayName: input.name, role: input.role, site: input.site || undefined };
  }

  async startSession(c: Context, who: Identity): Promise<void> {
    const value = Buffer.from(JSON.stringify({ u: who.userId, n: who.displayName ?? who.userId, r: who.role, s: who.site, e: Date.now() + SESSION_HOURS * 3600_000 })).toString('base64url');
    await setSignedCookie(c, COOKIE, value, this.secret, {
      httpOnly: true,
      sameSite: 'Strict',
      secure: new URL(c.req.url).protocol === 'https:',
      path: '/',
      maxAge: SESSION_HOURS * 3600,
    });
  }

  endSession(c: Context): void {
    deleteCookie(c, COOKIE, { path: '/' });
  }
}
