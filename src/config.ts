import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { projectRoot } from './paths.ts';
import type { Role, RoleDirectory } from './core/identity/roles.ts';
import type { Routing } from './core/escalation/routing.ts';
import type { ServiceLevels } from './core/escalation/lifecycle.ts';
import { isTimeZone, offsetMs, parseSchedule, type Schedule } from './core/report/calendar.ts'; // --- Tally report (issue 7)

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
export const isLoopbackHost = (host: string) => LOOPBACK.has(host) || host.startsWith('127.');

/**
 * The one place that reads the environment. Every setting is documented in .env.example;
 * a bad value stops the start with a message that names the variable.
 */
// Blank variables are dropped before parsing (see loadConfig), so here a value is never empty.
const optionalString = z.string().trim().optional();
const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), `${name} must be an http(s) URL`);
const numberIn = (min: number, max: number, fallback: number, whole: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const n = Number(v);
      if (!(whole ? Number.isInteger(n) : Number.isFinite(n)) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be a ${whole ? 'whole number' : 'number'} from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const list = optionalString.transform((v) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []));
const flag = z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((v) => v === 'true' || v === '1' || v === 'yes');
// Tokens are compared in constant time; short ones are guessable.
const token = (name: string) => optionalString.refine((v) => v === undefined || v.length >= 16, `${name} must be at least 16 characters`);

// --- Teams (issue 6): where Lotsen sends bearer tokens or fetches signing keys: https, or http on this machine (tests).
const teamsEndpoint = (name: string) =>
  optionalString.refine((v) => {
    if (v === undefined) return true;
    try {
      const u = new URL(v);
      return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname.replace(/^\[|\]$/g, '')));
    } catch {
      return false;
    }
  }, `${name} must be an https URL (http only on 127.0.0.1 or localhost)`);
const teamsConversation = (name: string) =>
  optionalString.refine((v) => v === undefined || /^19:[^\s;]+$/.test(v), `${name} must be a Teams conversation id (19:…@thread.tacv2), not a channel name`);
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// --- end Teams ---

// --- Tally report (issue 7): statistics are counted per UTC hour, so local days need whole-hour offsets.
const wholeHours = (tz: string) => {
  const year = new Date().getUTCFullYear();
  return [0, 3, 6, 9].every((m) => offsetMs(Date.UTC(year, m, 15), tz) % 3_600_000 === 0);
};

const schema = z.object({
  PORT: numberIn(0, 65535, 3000, true),
  HOST: optionalString.default('127.0.0.1'),
  LOTSEN_KB_DIR: optionalString.default('knowledge'),
  LOTSEN_PROMPTS_DIR: optionalString.default('prompts'),
  LOTSEN_ANSWER_THRESHOLD: numberIn(0, 1, 0.45, false),
  LOTSEN_MODEL_TIMEOUT_MS: numberIn(100, 120_000, 8000, true),
  LOTSEN_DATA_DIR: optionalString.default('data'),
  LOTSEN_SAFETY_WEBHOOK_URL: url('LOTSEN_SAFETY_WEBHOOK_URL'),
  LOTSEN_ONCALL: optionalString.default('go-live-ledningscentralen'),
  LOTSEN_ONCALL_BY_SITE: optionalString,
  LOTSEN_REQUIRE_SIGN_IN: flag,
  LOTSEN_SESSION_SECRET: token('LOTSEN_SESSION_SECRET'),
  LOTSEN_STAFF_TOKEN: token('LOTSEN_STAFF_TOKEN'),
  LOTSEN_SUPERUSER_TOKEN: token('LOTSEN_SUPERUSER_TOKEN'),
  LOTSEN_MANAGER_TOKEN: token('LOTSEN_MANAGER_TOKEN'),
  LOTSEN_ADMIN_TOKEN: token('LOTSEN_ADMIN_TOKEN'),
  LOTSEN_SUPERUSERS: list,
  LOTSEN_MANAGERS: list,
  LOTSEN_ADMINS: list,
  LOTSEN_SUPERUSER_GROUPS: list,
  LOTSEN_MANAGER_GROUPS: list,
  LOTSEN_ADMIN_GROUPS: list,
  LOTSEN_RATE_USER_PER_MIN: numberIn(1, 10_000, 20, true),
  LOTSEN_RATE_GLOBAL_PER_SEC: numberIn(1, 100_000, 50, true),
  LOTSEN_ROUTING_FILE: optionalString.default('config/routing.json'),
  LOTSEN_SLA_REMIND_MIN: numberIn(1, 24 * 60, 10, false),
  LOTSEN_SLA_REESCALATE_MIN: numberIn(1, 24 * 60, 20, false),
  LOTSEN_SLA_NUDGE_MIN: numberIn(1, 24 * 60, 30, false),
  LOTSEN_TIMER_INTERVAL_MS: numberIn(50, 600_000, 5000, true),
  LOTSEN_WORK_LEASE_MS: numberIn(1000, 3_600_000, 60_000, true),
  REDIS_URL: optionalString.refine((v) => v === undefined || /^rediss?:\/\/\S+$/.test(v), 'REDIS_URL must be a redis:// or rediss:// URL'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  OPENAI_CHAT_MODEL: optionalString.default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: optionalString,
  AZURE_OPENAI_API_KEY: optionalString,
  AZURE_OPENAI_ENDPOINT: url('AZURE_OPENAI_ENDPOINT'),
  AZURE_OPENAI_API_VERSION: optionalString.default('2024-10-21'),
  AZURE_OPENAI_CHAT_DEPLOYMENT: optionalString,
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: optionalString,
  // --- Failure tally and tickets (issue 7) ---
  LOTSEN_TICKET_MIN_REPORTS: numberIn(1, 1000, 3, true),
  LOTSEN_TICKET_MIN_USERS: numberIn(1, 1000, 2, true),
  LOTSEN_TICKET_WEBHOOK_URL: url('LOTSEN_TICKET_WEBHOOK_URL'),
  LOTSEN_TICKET_WEBHOOK_SECRET: token('LOTSEN_TICKET_WEBHOOK_SECRET'),
  LOTSEN_FEED_TOKEN: token('LOTSEN_FEED_TOKEN'),
  // --- Slack (issue 5) ---
  LOTSEN_PUBLIC_URL: url('LOTSEN_PUBLIC_URL').default('http://127.0.0.1:3000'),
  SLACK_BOT_TOKEN: optionalString.refine((v) => v === undefined || /^xox[bp]-\S+$/.test(v), 'SLACK_BOT_TOKEN must be a bot token (xoxb-…)'),
  SLACK_SIGNING_SECRET: optionalString.refine((v) => v === undefined || /^\S{16,}$/.test(v), 'SLACK_SIGNING_SECRET must be the app\'s signing secret (Basic Information → App Credentials)'),
  SLACK_APP_TOKEN: optionalString.refine((v) => v === undefined || /^xapp-\S+$/.test(v), 'SLACK_APP_TOKEN must be an app-level token (xapp-…)'),
  SLACK_API_URL: url('SLACK_API_URL'),
  SLACK_SUPERUSER_CHANNEL: optionalString.refine((v) => v === undefined || /^[CG][A-Z0-9]+$/.test(v), 'SLACK_SUPERUSER_CHANNEL must be a channel id (C…), not a name'),
  SLACK_MANAGERS_CHANNEL: optionalString.refine((v) => v === undefined || /^[CG][A-Z0-9]+$/.test(v), 'SLACK_MANAGERS_CHANNEL must be a channel id (C…), not a name'),
  // --- Teams (issue 6): CLIENT_ID / CLIENT_SECRET / TENANT_ID are the Teams SDK's names for the same settings.
  TEAMS_APP_ID: optionalString.refine((v) => v === undefined || guid.test(v), 'TEAMS_APP_ID must be the bot\'s Microsoft App ID (a GUID)'),
  CLIENT_ID: optionalString.refine((v) => v === undefined || guid.test(v), 'CLIENT_ID must be the bot\'s Microsoft App ID (a GUID)'),
  TEAMS_APP_PASSWORD: optionalString,
  CLIENT_SECRET: optionalString,
  TEAMS_TENANT_ID: optionalString.refine((v) => v === undefined || guid.test(v) || /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(v), 'TEAMS_TENANT_ID must be the Entra tenant id (a GUID) or its domain'),
  TENANT_ID: optionalString.refine((v) => v === undefined || guid.test(v) || /^[a-z0-9.-]+\.[a-z]{2,}$/i.test(v), 'TENANT_ID must be the Entra tenant id (a GUID) or its domain'),
  TEAMS_LOCAL: flag,
  TEAMS_SUPERUSER_CHANNEL: teamsConversation('TEAMS_SUPERUSER_CHANNEL'),
  TEAMS_MANAGERS_CHANNEL: teamsConversation('TEAMS_MANAGERS_CHANNEL'),
  TEAMS_SERVICE_URL: teamsEndpoint('TEAMS_SERVICE_URL'),
  TEAMS_OPENID_METADATA_URL: teamsEndpoint('TEAMS_OPENID_METADATA_URL'),
  TEAMS_TOKEN_URL: teamsEndpoint('TEAMS_TOKEN_URL'),
  TEAMS_GRAPH_URL: teamsEndpoint('TEAMS_GRAPH_URL'),
  // --- Tally report (issue 7) ---
  LOTSEN_REPORT_SCHEDULE: optionalString.default('Mon 07:00').refine((v) => parseSchedule(v) !== undefined, 'LOTSEN_REPORT_SCHEDULE must be a weekday and a 24-hour time, e.g. "Mon 07:00"'),
  LOTSEN_REPORT_TZ: optionalString
    .default('Europe/Stockholm')
    .refine(isTimeZone, 'LOTSEN_REPORT_TZ must be an IANA time zone, e.g. Europe/Stockholm')
    .refine((v) => !isTimeZone(v) || wholeHours(v), 'LOTSEN_REPORT_TZ must be a whole number of hours from UTC (statistics are kept per hour)'),
  LOTSEN_REPORT_LANG: z.enum(['sv', 'en'], { error: 'LOTSEN_REPORT_LANG must be sv or en' }).default('sv'),
  LOTSEN_MANAGERS_WEBHOOK_URL: url('LOTSEN_MANAGERS_WEBHOOK_URL'),
});

export interface ModelConfig {
  kind: 'openai' | 'azure';
  apiKey: string;
  baseUrl?: string;
  chatModel: string;
  embeddingModel?: string;
  azure?: { endpoint: string; apiVersion: string; chatDeployment: string; embeddingDeployment?: string };
}

export interface AuthConfig {
  /** Sign-in with a role token is needed: set, or the server listens beyond loopback. */
  required: boolean;
  tokens: Partial<Record<Role, string>>;
  sessionSecret?: string;
}

export interface Config {
  dataDir: string;
  /** Several instances share this Redis; unset, the embedded SQLite file in dataDir is the store. */
  redisUrl?: string;
  routing: Routing;
  serviceLevels: ServiceLevels;
  /** How often due service-level timers and the outbox are looked at. */
  timerIntervalMs: number;
  /** How long an instance holds a piece of work (an outbound message, an inbound event) before another may take it over: longer than the slowest answer. */
  workLeaseMs: number;
  safetyWebhookUrl?: string;
  /** Whom to call, by site; `default` when the site is unknown or not listed. */
  oncall: { default: string; bySite: ReadonlyMap<string, string> };
  auth: AuthConfig;
  roles: RoleDirectory;
  rateLimits: { userPerMinute: number; globalPerSecond: number };
  port: number;
  host: string;
  kbDir: string;
  promptsDir: string;
  answerThreshold: number;
  modelTimeoutMs: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  model?: ModelConfig;
  /** Where people reach this server (article links in chat messages); no trailing slash. */
  publicUrl: string;
  slack?: SlackConfig;
  teams?: TeamsConfig; // --- Teams (issue 6)
  tickets: TicketConfig; // --- Failure tally (issue 7)
  report: ReportConfig; // --- Tally report (issue 7)
}

// --- Tally report (issue 7) ---
/** The managers' weekly tally: when it is posted, on whose calendar, in which language, and to which webhook. */
export interface ReportConfig {
  schedule: Schedule;
  tz: string;
  lang: 'sv' | 'en';
  /** Posted through the outbox (destination "report:managers") when set; Slack and Teams use their managers' channels. */
  managersWebhookUrl?: string;
}
// --- end Tally report ---

/** When a recurring failure becomes a ticket, where tickets go, and who may read the feeds. */
export interface TicketConfig {
  threshold: { minReports: number; minUsers: number };
  webhook?: { url: string; secret: string };
  /** Bearer token for the feeds (IT's ticket system polls them); managers and admins may read them too. */
  feedToken?: string;
}

/** Slack is on when both the bot token and the signing secret are set. */
export interface SlackConfig {
  botToken: string;
  signingSecret: string;
  /** Socket Mode instead of the HTTP endpoint. */
  appToken?: string;
  /** The Web API base (tests point it at a fake on loopback). */
  apiUrl?: string;
  /** Super-user channel for topics whose destination names none. */
  superuserChannel?: string;
  managersChannel?: string;
}

// --- Teams (issue 6) ---
/** Teams is on with the app credentials (activities authenticated), or with TEAMS_LOCAL=true on loopback (not authenticated). */
export interface TeamsConfig {
  /** The bot's Microsoft App ID (Entra app registration); unset only in local mode. */
  appId?: string;
  appPassword?: string;
  tenantId?: string;
  /** No credentials: inbound activities are not authenticated, so the server listens on loopback only. */
  local: boolean;
  /** Super-user conversation for topics whose destination names no teamsConversation. */
  superuserChannel?: string;
  managersChannel?: string;
  /** Bot Connector base for proactive messages to conversations Lotsen has not heard from yet. */
  serviceUrl: string;
  /** Test-only: OpenID metadata (signing keys at …/keys), the client-credentials token endpoint and Microsoft Graph, on loopback. */
  openIdMetadataUrl?: string;
  tokenUrl?: string;
  graphUrl?: string;
}
// --- end Teams ---

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `FOO= command`.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const result = schema.safeParse(set);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = result.data;
  let model: ModelConfig | undefined;
  if (e.AZURE_OPENAI_ENDPOINT || e.AZURE_OPENAI_API_KEY) {
    const missing = [
      ['AZURE_OPENAI_ENDPOINT', e.AZURE_OPENAI_ENDPOINT],
      ['AZURE_OPENAI_API_KEY', e.AZURE_OPENAI_API_KEY],
      ['AZURE_OPENAI_CHAT_DEPLOYMENT', e.AZURE_OPENAI_CHAT_DEPLOYMENT],
    ].filter(([, v]) => !v);
    if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.map(([k]) => `${k}: required when Azure OpenAI is configured`).join('\n  ')}`);
    model = {
      kind: 'azure',
      apiKey: e.AZURE_OPENAI_API_KEY!,
      chatModel: e.AZURE_OPENAI_CHAT_DEPLOYMENT!,
      embeddingModel: e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
      azure: {
        endpoint: e.AZURE_OPENAI_ENDPOINT!,
        apiVersion: e.AZURE_OPENAI_API_VERSION,
        chatDeployment: e.AZURE_OPENAI_CHAT_DEPLOYMENT!,
        embeddingDeployment: e.AZURE_OPENAI_EMBEDDING_DEPLOYMENT,
      },
    };
  } else if (e.OPENAI_API_KEY || e.OPENAI_BASE_URL) {
    // Self-hosted OpenAI-compatible servers often need no key; the SDK still wants a string.
    model = {
      kind: 'openai',
      apiKey: e.OPENAI_API_KEY ?? 'not-needed',
      baseUrl: e.OPENAI_BASE_URL,
      chatModel: e.OPENAI_CHAT_MODEL,
      embeddingModel: e.OPENAI_EMBEDDING_MODEL,
    };
  }
  const tokens: Partial<Record<Role, string>> = {
    staff: e.LOTSEN_STAFF_TOKEN,
    superuser: e.LOTSEN_SUPERUSER_TOKEN,
    manager: e.LOTSEN_MANAGER_TOKEN,
    admin: e.LOTSEN_ADMIN_TOKEN,
  };
  const required = e.LOTSEN_REQUIRE_SIGN_IN || !isLoopbackHost(e.HOST);
  if (required && !Object.values(tokens).some(Boolean)) {
    throw new ConfigError(
      `Invalid configuration:\n  LOTSEN_STAFF_TOKEN: required (with the other role tokens as needed) when ${e.LOTSEN_REQUIRE_SIGN_IN ? 'LOTSEN_REQUIRE_SIGN_IN is set' : `HOST=${e.HOST} serves beyond this machine`}`,
    );
  }
  const bySite = new Map<string, string>();
  for (const entry of (e.LOTSEN_ONCALL_BY_SITE ?? '').split(';').map((s) => s.trim()).filter(Boolean)) {
    const at = entry.indexOf('=');
    if (at <= 0) throw new ConfigError(`Invalid configuration:\n  LOTSEN_ONCALL_BY_SITE: "${entry}" is not site=contact`);
    bySite.set(entry.slice(0, at).trim().toLowerCase(), entry.slice(at + 1).trim());
  }
  const users = new Map<string, Role>();
  const groups = new Map<string, Role>();
  // Later lines win, so an admin listed also as super-user is an admin.
  for (const [role, ids] of [['superuser', e.LOTSEN_SUPERUSERS], ['manager', e.LOTSEN_MANAGERS], ['admin', e.LOTSEN_ADMINS]] as const) for (const id of ids) users.set(id, role);
  for (const [role, ids] of [['superuser', e.LOTSEN_SUPERUSER_GROUPS], ['manager', e.LOTSEN_MANAGER_GROUPS], ['admin', e.LOTSEN_ADMIN_GROUPS]] as const) for (const id of ids) groups.set(id, role);
  // --- Slack (issue 5) ---
  let slack: SlackConfig | undefined;
  if (e.SLACK_BOT_TOKEN || e.SLACK_SIGNING_SECRET) {
    const missing = !e.SLACK_BOT_TOKEN ? 'SLACK_BOT_TOKEN' : !e.SLACK_SIGNING_SECRET ? 'SLACK_SIGNING_SECRET' : undefined;
    if (missing) throw new ConfigError(`Invalid configuration:\n  ${missing}: required when ${missing === 'SLACK_BOT_TOKEN' ? 'SLACK_SIGNING_SECRET' : 'SLACK_BOT_TOKEN'} is set (Slack needs both)`);
    slack = {
      botToken: e.SLACK_BOT_TOKEN!,
      signingSecret: e.SLACK_SIGNING_SECRET!,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      superuserChannel: e.SLACK_SUPERUSER_CHANNEL,
      managersChannel: e.SLACK_MANAGERS_CHANNEL,
    };
  } else if (e.SLACK_APP_TOKEN) {
    throw new ConfigError('Invalid configuration:\n  SLACK_APP_TOKEN: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET too (Socket Mode needs all three)');
  }
  // --- end Slack ---
  // --- Teams (issue 6) ---
  let teams: TeamsConfig | undefined;
  {
    const fail = (line: string) => new ConfigError(`Invalid configuration:\n  ${line}`);
    const either = (a: keyof typeof e, b: keyof typeof e) => {
      const [x, y] = [e[a] as string | undefined, e[b] as string | undefined];
      if (x && y && x !== y) throw fail(`${a}: differs from ${b}; set one of them`);
      return x ?? y;
    };
    const appId = either('TEAMS_APP_ID', 'CLIENT_ID');
    const appPassword = either('TEAMS_APP_PASSWORD', 'CLIENT_SECRET');
    const tenantId = either('TEAMS_TENANT_ID', 'TENANT_ID');
    if (appId && !appPassword) throw fail('TEAMS_APP_PASSWORD: required when TEAMS_APP_ID is set (the client secret of the bot\'s app registration)');
    if (appPassword && !appId) throw fail('TEAMS_APP_ID: required when TEAMS_APP_PASSWORD is set (the bot\'s Microsoft App ID)');
    if (!appId && e.TEAMS_LOCAL && !isLoopbackHost(e.HOST)) {
      throw fail(`TEAMS_LOCAL: Teams without TEAMS_APP_ID and TEAMS_APP_PASSWORD accepts unauthenticated activities, so it runs only on loopback; HOST=${e.HOST} serves beyond this machine. Set the app credentials, or HOST=127.0.0.1`);
    }
    if (appId || e.TEAMS_LOCAL) {
      teams = {
        appId,
        appPassword,
        tenantId,
        local: !appId,
        superuserChannel: e.TEAMS_SUPERUSER_CHANNEL,
        managersChannel: e.TEAMS_MANAGERS_CHANNEL,
        serviceUrl: (e.TEAMS_SERVICE_URL ?? 'https://smba.trafficmanager.net/teams').replace(/\/+$/, ''),
        openIdMetadataUrl: e.TEAMS_OPENID_METADATA_URL,
        tokenUrl: e.TEAMS_TOKEN_URL,
        graphUrl: e.TEAMS_GRAPH_URL?.replace(/\/+$/, ''),
      };
    } else if (e.TEAMS_SUPERUSER_CHANNEL || e.TEAMS_MANAGERS_CHANNEL || tenantId) {
      throw fail(`${e.TEAMS_SUPERUSER_CHANNEL ? 'TEAMS_SUPERUSER_CHANNEL' : e.TEAMS_MANAGERS_CHANNEL ? 'TEAMS_MANAGERS_CHANNEL' : 'TEAMS_TENANT_ID'}: set TEAMS_APP_ID and TEAMS_APP_PASSWORD too (or TEAMS_LOCAL=true for local testing)`);
    }
  }
  // --- end Teams ---
  // --- Failure tally (issue 7) ---
  if (e.LOTSEN_TICKET_WEBHOOK_URL && !e.LOTSEN_TICKET_WEBHOOK_SECRET) {
    throw new ConfigError('Invalid configuration:\n  LOTSEN_TICKET_WEBHOOK_SECRET: required when LOTSEN_TICKET_WEBHOOK_URL is set (the receiver checks the signature with it)');
  }
  const tickets: TicketConfig = {
    threshold: { minReports: e.LOTSEN_TICKET_MIN_REPORTS, minUsers: e.LOTSEN_TICKET_MIN_USERS },
    webhook: e.LOTSEN_TICKET_WEBHOOK_URL ? { url: e.LOTSEN_TICKET_WEBHOOK_URL, secret: e.LOTSEN_TICKET_WEBHOOK_SECRET! } : undefined,
    feedToken: e.LOTSEN_FEED_TOKEN,
  };
  // --- end Failure tally ---
  if (e.LOTSEN_SLA_REESCALATE_MIN < e.LOTSEN_SLA_REMIND_MIN) {
    throw new ConfigError('Invalid configuration:\n  LOTSEN_SLA_REESCALATE_MIN: must not be shorter than LOTSEN_SLA_REMIND_MIN');
  }
  return {
    dataDir: resolve(projectRoot, e.LOTSEN_DATA_DIR),
    redisUrl: e.REDIS_URL,
    routing: loadRouting(resolve(projectRoot, e.LOTSEN_ROUTING_FILE)),
    serviceLevels: { remindAfterMin: e.LOTSEN_SLA_REMIND_MIN, reescalateAfterMin: e.LOTSEN_SLA_REESCALATE_MIN, nudgeAfterMin: e.LOTSEN_SLA_NUDGE_MIN },
    timerIntervalMs: e.LOTSEN_TIMER_INTERVAL_MS,
    workLeaseMs: e.LOTSEN_WORK_LEASE_MS,
    safetyWebhookUrl: e.LOTSEN_SAFETY_WEBHOOK_URL,
    oncall: { default: e.LOTSEN_ONCALL, bySite },
    auth: { required, tokens, sessionSecret: e.LOTSEN_SESSION_SECRET },
    roles: { users, groups },
    rateLimits: { userPerMinute: e.LOTSEN_RATE_USER_PER_MIN, globalPerSecond: e.LOTSEN_RATE_GLOBAL_PER_SEC },
    port: e.PORT,
    host: e.HOST,
    kbDir: resolve(projectRoot, e.LOTSEN_KB_DIR),
    promptsDir: resolve(projectRoot, e.LOTSEN_PROMPTS_DIR),
    answerThreshold: e.LOTSEN_ANSWER_THRESHOLD,
    modelTimeoutMs: e.LOTSEN_MODEL_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    model,
    publicUrl: e.LOTSEN_PUBLIC_URL.replace(/\/+$/, ''),
    slack,
    teams, // --- Teams (issue 6)
    tickets, // --- Failure tally (issue 7)
    report: { schedule: parseSchedule(e.LOTSEN_REPORT_SCHEDULE)!, tz: e.LOTSEN_REPORT_TZ, lang: e.LOTSEN_REPORT_LANG, managersWebhookUrl: e.LOTSEN_MANAGERS_WEBHOOK_URL }, // --- Tally report (issue 7)
  };
}

const words = z.array(z.string().trim().min(1)).default([]);
const routingSchema = z.object({
  default: z.string(),
  destinations: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/, 'destination ids are kebab-case'),
        label: z.string().min(1),
        backup: z.string().optional(),
        webhook: z.string().regex(/^https?:\/\/\S+$/, 'webhook must be an http(s) URL').optional(),
        slackChannel: z.string().optional(),
        teamsConversation: z.string().optional(),
      }),
    )
    .min(1),
  topics: z.array(z.object({ id: z.string().regex(/^[a-z0-9-]+$/, 'topic ids are kebab-case'), label: z.string().min(1), destination: z.string(), systems: words, tags: words, words })).default([]),
});

/** The topic → destination mapping (config/routing.json by default); every reference must resolve. */
function loadRouting(file: string): Routing {
  const fail = (why: string) => new ConfigError(`Invalid configuration:\n  LOTSEN_ROUTING_FILE (${file}): ${why}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(err instanceof SyntaxError ? `not valid JSON (${err.message})` : 'cannot be read');
  }
  const parsed = routingSchema.safeParse(raw);
  if (!parsed.success) throw fail(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const routing = parsed.data;
  const ids = new Set(routing.destinations.map((d) => d.id));
  const twice = [...routing.destinations.map((d) => d.id), ...routing.topics.map((t) => `topic ${t.id}`)].filter((id, i, all) => all.indexOf(id) !== i);
  if (twice.length) throw fail(`${[...new Set(twice)].map((d) => `"${d}"`).join(', ')} defined twice`);
  const unknown = [routing.default, ...routing.destinations.flatMap((d) => (d.backup ? [d.backup] : [])), ...routing.topics.map((t) => t.destination)].filter((id) => !ids.has(id));
  if (unknown.length) throw fail(`unknown destination ${[...new Set(unknown)].map((u) => `"${u}"`).join(', ')}`);
  return routing;
}
