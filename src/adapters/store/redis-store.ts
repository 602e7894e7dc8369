import { createHash } from 'node:crypto';
import { createClient } from 'redis';
import { silentLogger, type Logger } from '../../core/ports.ts';
import {
  askerKey,
  type AuditEvent,
  type Escalation,
  type EscalationStatus,
  type EventStart,
  type FailureGroupRecord,
  type FailureReporter,
  type NewAuditEvent,
  type NewEscalation,
  type NewOutboundMessage,
  type OutboundMessage,
  type Store,
} from '../../core/store/store.ts';
import { newId } from './sqlite-store.ts';

/**
 * Key layout (every key starts with the prefix, default "lotsen:"; times in keys and scores are epoch
 * milliseconds, times inside JSON are ISO strings):
 *
 * Escalations
 * - esc:{id}                      hash    data (the Escalation as JSON; always equal to what the getters
 *                                         return, `version` and `notifiedAt` included), version (the
 *                                         compare-and-set counter, equal to data.version), status, kind,
 *                                         createdMs, notifiedAt (JSON string literal, set once by markNotified)
 * - esc:all                       zset    id → createdMs: every item, for unfiltered lists
 * - esc:idx:{kind}:{status}       zset    id → createdMs: one per kind × status (8 keys); an item is in
 *                                         exactly one of them
 * - esc:asker:{platform:userId}   set     ids where this person is the asker or a linked asker (only
 *                                         grows; listEscalations re-checks the JSON)
 * - esc:due                       zset    id → due.at ms, for items not closed that have a timer
 * - esc:source:{eventId}          string  id of the item made from this platform event (redelivery → same item)
 *
 * Audit (append-only: no Store method removes or changes an entry)
 * - audit:seq                     string  INCR counter; the next event's seq
 * - audit                         stream  entry id "{seq}-0", fields at (ISO) and e (the NewAuditEvent as JSON)
 * - audit:subject:{subject}       list    seqs of the subject's events, oldest first
 *
 * Inbound dedupe
 * - event:{eventId}               string  "processing:{untilMs}" (lease) or "done:{untilMs}" (handled), with a
 *                                         PX expiry of the same length; `untilMs` counts from the `now` the
 *                                         caller passed, the PX expiry only cleans up
 *
 * Outbox
 * - out:seq                       string  INCR counter: enqueue order
 * - out:{id}                      hash    key, channel, payload (JSON), attempts, dueAt (ISO), dueMs, createdAt
 *                                         (ISO), lastError, leasedUntil (ms, 0 = not leased), seq
 * - out:all                       zset    id → seq: every stored message (outboxDepth)
 * - out:key:{pacingKey}           zset    id → seq: the key's messages in enqueue order; only the first
 *                                         (the head) may be sent
 * - out:pace:{pacingKey}          string  ms before which the key's next message may not go (from
 *                                         completeOutbound), with a PX expiry for clean-up only
 * - out:keys                      zset    pacingKey → the ms from which its head may be leased:
 *                                         max(head dueMs, head leasedUntil, pace); kept current by every
 *                                         outbox script, so leasing reads only keys that are ready
 *
 * Failure groups (the tally)
 * - fg:{id}                       hash    version, data (the FailureGroupRecord as JSON)
 * - fg:updated                    zset    id → updatedMs: every group, for lists and for catching up
 * - fg:rep:{id}                   hash    reportId → FailureReporter JSON (the first write of each id stays)
 * - fg:rep:order:{id}             list    reportIds in the order they came
 *
 * Health
 * - health                        string  written by ping() (PX 60 s): proves the server takes writes
 *
 * Every change that touches more than one key is one Lua script (EVALSHA, with EVAL when the server
 * lost its script cache). Scripts get the time in ARGV, never from the server clock. Keys that the
 * caller knows are passed in KEYS; keys that depend on stored data (an id read from a set, a message's
 * pacing key) are built in the script from the prefix, so the store needs one Redis (or a primary with
 * replicas), not a Redis Cluster.
 */

const KINDS: readonly Escalation['kind'][] = ['question', 'safety'];
const STATUSES: readonly EscalationStatus[] = ['open', 'claimed', 'answered', 'closed'];

const clampLimit = (limit: number | undefined, fallback: number, max: number) => {
  const n = limit === undefined || Number.isNaN(limit) ? fallback : Math.floor(limit);
  return Math.max(1, Math.min(n, max));
};

/** Epoch ms of the item's timer, when it has one that can still fire. */
const dueMsOf = (e: Pick<Escalation, 'status' | 'due'>): number | undefined => {
  if (e.status === 'closed' || !e.due) return undefined;
  const ms = Date.parse(e.due.at);
  if (!Number.isFinite(ms)) throw new TypeError('escalation due.at is not a valid time');
  return ms;
};

/** The stored JSON: notifiedAt is kept in its own field and added by the scripts. */
const dataJson = (e: Escalation): string => {
  const { notifiedAt: _notifiedAt, ...data } = e;
  return JSON.stringify(data);
};

const auditJson = (event: NewAuditEvent): string =>
  JSON.stringify({ actor: event.actor, role: event.role, action: event.action, subject: event.subject, from: event.from, to: event.to, detail: event.detail });

// ---------------------------------------------------------------------------------------------
// Lua

/** Appends one audit event: INCR the counter, XADD with that seq as the entry id, index the subject. */
const LUA_AUDIT = `
local function audit(seqKey, logKey, subjectKey, at, event)
  local seq = redis.call('INCR', seqKey)
  redis.call('XADD', logKey, seq .. '-0', 'at', at, 'e', event)
  redis.call('RPUSH', subjectKey, seq)
  return seq
end
`;

/** Recomputes the pacing key's entry in out:keys from its head message and pace. */
const LUA_RESCORE = `
local function rescore(prefix, keysZ, queueKey, paceKey, k)
  local head = redis.call('ZRANGE', queueKey, 0, 0)[1]
  if not head then
    redis.call('ZREM', keysZ, k)
    return
  end
  local h = redis.call('HMGET', prefix .. 'out:' .. head, 'dueMs', 'leasedUntil')
  local pace = tonumber(redis.call('GET', paceKey)) or 0
  local s = math.max(tonumber(h[1]) or 0, tonumber(h[2]) or 0, pace)
  redis.call('ZADD', keysZ, s, k)
end
`;

/** Sorts {id, createdMs, data} newest first (id breaks ties, as in SQLite) and returns up to `limit` data. */
const LUA_NEWEST = `
local function newest(items, limit)
  table.sort(items, function(a, b)
    if a[2] ~= b[2] then return a[2] > b[2] end
    return a[1] > b[1]
  end)
  local out = {}
  for i = 1, math.min(#items, limit) do out[i] = items[i][3] end
  return out
end
`;

const SCRIPTS = {
  /**
   * KEYS: fg:{id}, fg:updated. ARGV: id, expected version (0 = new), data, updatedMs.
   * Compare-and-set on the version; 1 when saved, 0 when someone else saved first.
   */
  saveGroup: `
local current = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if current ~= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'version', tonumber(ARGV[2]) + 1, 'data', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[1])
return 1
`,

  /** KEYS: fg:rep:{id}, fg:rep:order:{id}. ARGV: reportId, reporter JSON. */
  addReporter: `
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
return 1
`,

  /**
   * KEYS: esc:{id}, esc:all, esc:idx:{kind}:open, esc:asker:{asker}, esc:due, audit:seq, audit,
   *       audit:subject:{id}, [esc:source:{eventId}]
   * ARGV: prefix, id, data, createdMs, dueMs or '', at, audit event JSON, kind
   * Returns {1, data} when created, {0, data} for a known source event, {2} when the id is taken.
   */
  create: `${LUA_AUDIT}
if KEYS[9] then
  local existing = redis.call('GET', KEYS[9])
  if existing then
    local data = redis.call('HGET', ARGV[1] .. 'esc:' .. existing, 'data')
    if data then return {0, data} end
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {2} end
audit(KEYS[6], KEYS[7], KEYS[8], ARGV[6], ARGV[7])
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'version', 1, 'status', 'open', 'kind', ARGV[8], 'createdMs', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[2])
redis.call('SADD', KEYS[4], ARGV[2])
if ARGV[5] ~= '' then redis.call('ZADD', KEYS[5], ARGV[5], ARGV[2]) end
if KEYS[9] then redis.call('SET', KEYS[9], ARGV[2]) end
return {1, ARGV[3]}
`,

  /**
   * KEYS: esc:{id}, esc:due, audit:seq, audit, audit:subject:{subject}, the 8 esc:idx keys (KINDS × STATUSES
   *       order), then esc:asker:{…} for the asker and every linked asker
   * ARGV: id, expectedVersion, newVersion, data (version = newVersion, no notifiedAt), index of the new
   *       status key among the 8 (1-based), dueMs or '', at, audit event JSON, status, kind
   * Returns 1 when stored, 0 when the item is missing or its version differs (then nothing changed).
   */
  update: `${LUA_AUDIT}
local current = redis.call('HGET', KEYS[1], 'version')
if (not current) or tonumber(current) ~= tonumber(ARGV[2]) then return 0 end
local created = redis.call('HGET', KEYS[1], 'createdMs') or '0'
local notified = redis.call('HGET', KEYS[1], 'notifiedAt')
audit(KEYS[3], KEYS[4], KEYS[5], ARGV[7], ARGV[8])
local data = ARGV[4]
if notified then data = string.sub(data, 1, -2) .. ',"notifiedAt":' .. notified .. '}' end
redis.call('HSET', KEYS[1], 'data', data, 'version', ARGV[3], 'status', ARGV[9], 'kind', ARGV[10])
for i = 6, 13 do redis.call('ZREM', KEYS[i], ARGV[1]) end
redis.call('ZADD', KEYS[5 + tonumber(ARGV[5])], created, ARGV[1])
if ARGV[6] ~= '' then
  redis.call('ZADD', KEYS[2], ARGV[6], ARGV[1])
else
  redis.call('ZREM', KEYS[2], ARGV[1])
end
for i = 14, #KEYS do redis.call('SADD', KEYS[i], ARGV[1]) end
return 1
`,

  /** KEYS: esc:{id}. ARGV: notifiedAt as a JSON string literal. Sets it once, into the field and the JSON. */
  markNotified: `
if redis.call('HEXISTS', KEYS[1], 'notifiedAt') == 1 then return 0 end
local data = redis.call('HGET', KEYS[1], 'data')
if not data then return 0 end
redis.call('HSET', KEYS[1], 'notifiedAt', ARGV[1], 'data', string.sub(data, 1, -2) .. ',"notifiedAt":' .. ARGV[1] .. '}')
return 1
`,

  /** KEYS: the zsets to merge (esc:all or esc:idx keys). ARGV: prefix, limit. Newest first, one snapshot. */
  list: `${LUA_NEWEST}
local limit = tonumber(ARGV[2])
local items, seen = {}, {}
for i = 1, #KEYS do
  local r = redis.call('ZREVRANGE', KEYS[i], 0, limit - 1, 'WITHSCORES')
  for j = 1, #r, 2 do
    local id = r[j]
    if not seen[id] then
      seen[id] = true
      local data = redis.call('HGET', ARGV[1] .. 'esc:' .. id, 'data')
      if data then items[#items + 1] = {id, tonumber(r[j + 1]) or 0, data} end
    end
  end
end
return newest(items, limit)
`,

  /**
   * KEYS: esc:asker:{asker}. ARGV: prefix, limit, kind or '', asker ("platform:userId"), statuses… (none = all).
   * Re-checks each item's asker and linked askers in its JSON.
   */
  listByAsker: `${LUA_NEWEST}
local limit = tonumber(ARGV[2])
local statuses = nil
if #ARGV > 4 then
  statuses = {}
  for i = 5, #ARGV do statuses[ARGV[i]] = true end
end
local function isAsker(a)
  return type(a) == 'table' and (tostring(a.platform) .. ':' .. tostring(a.userId)) == ARGV[4]
end
local items = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local h = redis.call('HMGET', ARGV[1] .. 'esc:' .. id, 'data', 'kind', 'status', 'createdMs')
  if h[1] and (ARGV[3] == '' or h[2] == ARGV[3]) and ((not statuses) or statuses[h[3]]) then
    local e = cjson.decode(h[1])
    local match = isAsker(e.asker)
    if (not match) and type(e.linked) == 'table' then
      for _, l in ipairs(e.linked) do
        if type(l) == 'table' and isAsker(l.asker) then
          match = true
          break
        end
      end
    end
    if match then items[#items + 1] = {id, tonumber(h[4]) or 0, h[1]} end
  end
end
return newest(items, limit)
`,

  /** KEYS: esc:due. ARGV: prefix, now, limit. Oldest due first; closed items are skipped. */
  due: `
local out = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, ARGV[3])) do
  local h = redis.call('HMGET', ARGV[1] .. 'esc:' .. id, 'data', 'status')
  if h[1] and h[2] ~= 'closed' then out[#out + 1] = h[1] end
end
return out
`,

  /** KEYS: audit:seq, audit, audit:subject:{subject}. ARGV: at, audit event JSON. */
  appendAudit: `${LUA_AUDIT}
return audit(KEYS[1], KEYS[2], KEYS[3], ARGV[1], ARGV[2])
`,

  /** KEYS: audit, [audit:subject:{subject}]. ARGV: limit. Newest first, as stream entries {id, {field, value…}}. */
  listAudit: `
local limit = tonumber(ARGV[1])
if not KEYS[2] then return redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', limit) end
local out = {}
local seqs = redis.call('LRANGE', KEYS[2], -limit, -1)
for i = #seqs, 1, -1 do
  local r = redis.call('XRANGE', KEYS[1], seqs[i] .. '-0', seqs[i] .. '-0')
  if r[1] then out[#out + 1] = r[1] end
end
return out
`,

  /**
   * KEYS: event:{eventId}. ARGV: now, PX (lease, at least 1), lease end (now + leaseMs).
   * 1 = new (no mark, or its time is over), 2 = busy (an attempt holds the lease), 0 = duplicate (handled).
   */
  beginEvent: `
local v = redis.call('GET', KEYS[1])
if v then
  local untilMs = tonumber(string.match(v, ':(%d+)$'))
  if untilMs and untilMs > tonumber(ARGV[1]) then
    if string.sub(v, 1, 5) == 'done:' then return 0 end
    return 2
  end
end
redis.call('SET', KEYS[1], 'processing:' .. ARGV[3], 'PX', ARGV[2])
return 1
`,

  /**
   * KEYS: out:{id}, out:all, out:key:{key}, out:seq, out:keys, out:pace:{key}
   * ARGV: prefix, id, key, channel, payload, dueAt (ISO), dueMs, createdAt (ISO)
   */
  enqueue: `${LUA_RESCORE}
local seq = redis.call('INCR', KEYS[4])
redis.call('HSET', KEYS[1], 'key', ARGV[3], 'channel', ARGV[4], 'payload', ARGV[5], 'attempts', 0, 'dueAt', ARGV[6],
  'dueMs', ARGV[7], 'createdAt', ARGV[8], 'leasedUntil', 0, 'seq', seq)
redis.call('ZADD', KEYS[2], seq, ARGV[2])
redis.call('ZADD', KEYS[3], seq, ARGV[2])
rescore(ARGV[1], KEYS[5], KEYS[3], KEYS[6], ARGV[3])
return seq
`,

  /**
   * KEYS: out:keys, out:all. ARGV: prefix, now, lease end, limit, scan cap.
   * Takes the heads of ready keys (ordered by due time, then enqueue order), leases them, returns
   * {id, key, channel, payload, attempts, dueAt, createdAt, lastError|nil} each.
   */
  lease: `${LUA_RESCORE}
local prefix, now, leaseEnd, limit = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local ready = {}
for _, k in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[2], 'LIMIT', 0, ARGV[5])) do
  local q, p = prefix .. 'out:key:' .. k, prefix .. 'out:pace:' .. k
  local head = redis.call('ZRANGE', q, 0, 0)[1]
  if not head then
    redis.call('ZREM', KEYS[1], k)
  else
    local h = redis.call('HMGET', prefix .. 'out:' .. head, 'dueMs', 'leasedUntil', 'seq')
    if not h[1] then
      -- a queue entry without its message: drop it and look at the key again next time
      redis.call('ZREM', q, head)
      redis.call('ZREM', KEYS[2], head)
      rescore(prefix, KEYS[1], q, p, k)
    elseif (tonumber(h[1]) or 0) <= now and (tonumber(h[2]) or 0) <= now and (tonumber(redis.call('GET', p)) or 0) <= now then
      ready[#ready + 1] = {head, k, tonumber(h[1]) or 0, tonumber(h[3]) or 0}
    else
      rescore(prefix, KEYS[1], q, p, k)
    end
  end
end
table.sort(ready, function(a, b)
  if a[3] ~= b[3] then return a[3] < b[3] end
  return a[4] < b[4]
end)
local out = {}
for i = 1, math.min(#ready, limit) do
  local id, k = ready[i][1], ready[i][2]
  local m = prefix .. 'out:' .. id
  redis.call('HSET', m, 'leasedUntil', leaseEnd)
  rescore(prefix, KEYS[1], prefix .. 'out:key:' .. k, prefix .. 'out:pace:' .. k, k)
  local h = redis.call('HMGET', m, 'key', 'channel', 'payload', 'attempts', 'dueAt', 'createdAt', 'lastError')
  out[i] = {id, h[1], h[2], h[3], h[4], h[5], h[6], h[7]}
end
return out
`,

  /** KEYS: out:{id}, out:all, out:keys. ARGV: prefix, id, next-for-key ms, pace PX. */
  complete: `${LUA_RESCORE}
local k = redis.call('HGET', KEYS[1], 'key')
if not k then return 0 end
local q, p = ARGV[1] .. 'out:key:' .. k, ARGV[1] .. 'out:pace:' .. k
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREM', q, ARGV[2])
redis.call('SET', p, ARGV[3], 'PX', ARGV[4])
rescore(ARGV[1], KEYS[3], q, p, k)
return 1
`,

  /** KEYS: out:{id}, out:keys. ARGV: prefix, dueAt (ISO), dueMs, attempts, lastError. Un-leases. */
  reschedule: `${LUA_RESCORE}
local k = redis.call('HGET', KEYS[1], 'key')
if not k then return 0 end
redis.call('HSET', KEYS[1], 'dueAt', ARGV[2], 'dueMs', ARGV[3], 'attempts', ARGV[4], 'lastError', ARGV[5], 'leasedUntil', 0)
rescore(ARGV[1], KEYS[2], ARGV[1] .. 'out:key:' .. k, ARGV[1] .. 'out:pace:' .. k, k)
return 1
`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
const SHA: Record<ScriptName, string> = Object.fromEntries(
  Object.entries(SCRIPTS).map(([name, src]) => [name, createHash('sha1').update(src).digest('hex')]),
) as Record<ScriptName, string>;

// ---------------------------------------------------------------------------------------------

export interface RedisStoreOptions {
  /** Prepended to every key (default "lotsen:"). */
  prefix?: string;
  log?: Logger;
  /** connect() gives up when the first connection has not succeeded by then (default 10 s). */
  connectTimeoutMs?: number;
  /** A command without a reply by then is rejected (default 5 s). */
  commandTimeoutMs?: number;
  /** Longest pause between reconnection attempts (default 5 s). */
  maxReconnectDelayMs?: number;
}

type RedisClient = ReturnType<typeof createClient>;

/** How long a completed outbound key's pace mark outlives its time, so that clocks may differ a little. */
const PACE_GRACE_MS = 60 * 60 * 1000;
/** How many ready pacing keys one lease looks at (to order them by due time) at most. */
const LEASE_SCAN_CAP = 2000;

const str = (v: unknown): string => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
const isNoScript = (err: unknown) => err instanceof Error && err.message.startsWith('NOSCRIPT');
/** What may be logged about an error: its kind and, for socket errors, the code. Never values. */
const describe = (err: unknown) =>
  err instanceof Error ? { name: err.name, code: (err as { code?: unknown }).code, message: err.message.slice(0, 200) } : { name: typeof err };

/**
 * Store on Redis, for several instances sharing state. While Redis is down, commands fail at once
 * (offline queue disabled) and the client keeps reconnecting with a capped backoff.
 */
export class RedisStore implements Store {
  private readonly client: RedisClient;
  private readonly prefix: string;
  private closed = false;

  private constructor(client: RedisClient, prefix: string) {
    this.client = client;
    this.prefix = prefix;
  }

  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStore> {
    const log = options.log ?? silentLogger;
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    const maxDelay = options.maxReconnectDelayMs ?? 5_000;
    const started = Date.now();
    let everReady = false;
    let down = false;
    let lastErrorLog = 0;
    let suppressed = 0;

    const client: RedisClient = createClient({
      url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 5_000 },
      socket: {
        connectTimeout: Math.min(connectTimeoutMs, 5_000),
        reconnectStrategy: (retries: number) => {
          if (!everReady && Date.now() - started >= connectTimeoutMs) return new Error('Redis store: no connection at startup');
          return Math.min(maxDelay, 100 * 2 ** Math.min(retries, 10)) + Math.floor(Math.random() * 100);
        },
      },
    });
    // Without an 'error' listener, the client's errors would crash the process. Logged once per outage
    // (and then at most once a minute), by kind only.
    client.on('error', (err: unknown) => {
      const now = Date.now();
      if (!down || now - lastErrorLog >= 60_000) {
        log.warn({ err: describe(err), suppressed }, down ? 'redis store: still unavailable' : 'redis store: connection problem');
        lastErrorLog = now;
        suppressed = 0;
      } else {
        suppressed++;
      }
      down = true;
    });
    client.on('ready', () => {
      if (everReady && down) log.info({}, 'redis store: connection restored');
      everReady = true;
      down = false;
      suppressed = 0;
    });

    try {
      await client.connect();
    } catch (err) {
      client.destroy();
      throw new Error(`Redis store: cannot connect (${describe(err).message ?? 'unknown error'})`, { cause: err });
    }
    const store = new RedisStore(client, options.prefix ?? 'lotsen:');
    // Load the scripts now; after a server restart, run() sends them again.
    await Promise.all(Object.values(SCRIPTS).map((src) => client.scriptLoad(src))).catch(() => undefined);
    return store;
  }

  private k(key: string): string {
    return this.prefix + key;
  }

  // --- Tally report (issue 7): the message statistics (redis-stats.ts) share this connection and key prefix.
  get shared(): { client: RedisClient; prefix: string } {
    return { client: this.client, prefix: this.prefix };
  }

  private async run(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown> {
    const options = { keys, arguments: args.map(String) };
    try {
      return await this.client.evalSha(SHA[name], options);
    } catch (err) {
      if (!isNoScript(err)) throw err;
      return await this.client.eval(SCRIPTS[name], options);
    }
  }

  private parseEscalation(data: unknown): Escalation {
    return JSON.parse(str(data)) as Escalation;
  }

  private idxKey(kind: string, status: string): string {
    return this.k(`esc:idx:${kind}:${status}`);
  }

  /** The 8 esc:idx keys in KINDS × STATUSES order. */
  private allIdxKeys(): string[] {
    return KINDS.flatMap((kind) => STATUSES.map((status) => this.idxKey(kind, status)));
  }

  // -- escalations ------------------------------------------------------------------------------

  async createEscalation(input: NewEscalation, now: Date): Promise<{ escalation: Escalation; created: boolean }> {
    const { sourceEventId, ...fields } = input;
    if (!KINDS.includes(fields.kind)) throw new TypeError('unknown escalation kind');
    const event: NewAuditEvent = {
      actor: askerKey(input.asker),
      role: 'staff',
      action: 'escalation.create',
      subject: '',
      to: 'open',
      detail: { kind: fields.kind, severity: fields.severity },
    };
    for (let attempt = 0; ; attempt++) {
      const escalation: Escalation = { ...fields, id: newId(now), status: 'open', version: 1, createdAt: now.toISOString() };
      delete escalation.notifiedAt;
      const due = dueMsOf(escalation);
      const keys = [
        this.k(`esc:${escalation.id}`),
        this.k('esc:all'),
        this.idxKey(escalation.kind, 'open'),
        this.k(`esc:asker:${askerKey(escalation.asker)}`),
        this.k('esc:due'),
        this.k('audit:seq'),
        this.k('audit'),
        this.k(`audit:subject:${escalation.id}`),
      ];
      if (sourceEventId) keys.push(this.k(`esc:source:${sourceEventId}`));
      const reply = (await this.run('create', keys, [
        this.prefix,
        escalation.id,
        JSON.stringify(escalation),
        now.getTime(),
        due ?? '',
        now.toISOString(),
        auditJson({ ...event, subject: escalation.id }),
        escalation.kind,
      ])) as unknown[];
      const code = Number(reply[0]);
      if (code === 1) return { escalation, created: true };
      if (code === 0) return { escalation: this.parseEscalation(reply[1]), created: false };
      if (attempt >= 5) throw new Error('Redis store: could not find a free escalation id');
    }
  }

  async getEscalation(id: string): Promise<Escalation | undefined> {
    const data = await this.client.hGet(this.k(`esc:${id}`), 'data');
    return data == null ? undefined : this.parseEscalation(data);
  }

  async listEscalations(filter: { kind?: Escalation['kind']; status?: EscalationStatus[]; asker?: string; limit?: number }): Promise<Escalation[]> {
    const limit = clampLimit(filter.limit, 200, 1000);
    const statuses = [...new Set(filter.status ?? [])];
    let reply: unknown;
    if (filter.asker) {
      reply = await this.run('listByAsker', [this.k(`esc:asker:${filter.asker}`)], [this.prefix, limit, filter.kind ?? '', filter.asker, ...statuses]);
    } else if (!filter.kind && statuses.length === 0) {
      reply = await this.run('list', [this.k('esc:all')], [this.prefix, limit]);
    } else {
      const kinds = filter.kind ? [filter.kind] : KINDS;
      const keys = kinds.flatMap((kind) => (statuses.length ? statuses : STATUSES).map((status) => this.idxKey(kind, status)));
      reply = await this.run('list', keys, [this.prefix, limit]);
    }
    return (reply as unknown[]).map((d) => this.parseEscalation(d));
  }

  async updateEscalation(next: Escalation, expectedVersion: number, event: NewAuditEvent, now: Date): Promise<boolean> {
    const kindAt = KINDS.indexOf(next.kind);
    const statusAt = STATUSES.indexOf(next.status);
    if (kindAt < 0 || statusAt < 0) throw new TypeError('unknown escalation kind or status');
    const version = expectedVersion + 1;
    const stored: Escalation = { ...next, version };
    const due = dueMsOf(stored);
    const askers = [...new Set([askerKey(stored.asker), ...(stored.linked ?? []).map((l) => askerKey(l.asker))])];
    const keys = [
      this.k(`esc:${stored.id}`),
      this.k('esc:due'),
      this.k('audit:seq'),
      this.k('audit'),
      this.k(`audit:subject:${event.subject}`),
      ...this.allIdxKeys(),
      ...askers.map((a) => this.k(`esc:asker:${a}`)),
    ];
    const reply = await this.run('update', keys, [
      stored.id,
      expectedVersion,
      version,
      dataJson(stored),
      kindAt * STATUSES.length + statusAt + 1,
      due ?? '',
      now.toISOString(),
      auditJson(event),
      stored.status,
      stored.kind,
    ]);
    return Number(reply) === 1;
  }

  async dueEscalations(now: Date, limit: number): Promise<Escalation[]> {
    const reply = (await this.run('due', [this.k('esc:due')], [this.prefix, now.getTime(), clampLimit(limit, 100, 1000)])) as unknown[];
    return reply.map((d) => this.parseEscalation(d));
  }

  async markNotified(id: string, now: Date): Promise<void> {
    await this.run('markNotified', [this.k(`esc:${id}`)], [JSON.stringify(now.toISOString())]);
  }

  // -- audit ------------------------------------------------------------------------------------

  async appendAudit(event: NewAuditEvent, now: Date): Promise<void> {
    await this.run('appendAudit', [this.k('audit:seq'), this.k('audit'), this.k(`audit:subject:${event.subject}`)], [now.toISOString(), auditJson(event)]);
  }

  async listAudit(filter: { subject?: string; limit?: number }): Promise<AuditEvent[]> {
    const limit = clampLimit(filter.limit, 200, 5000);
    const keys = [this.k('audit')];
    if (filter.subject !== undefined) keys.push(this.k(`audit:subject:${filter.subject}`));
    const reply = (await this.run('listAudit', keys, [limit])) as unknown[];
    return reply.map((entry) => {
      const [id, flat] = entry as [unknown, unknown[]];
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < flat.length; i += 2) fields.set(str(flat[i]), str(flat[i + 1]));
      const e = JSON.parse(fields.get('e') ?? '{}') as NewAuditEvent;
      const out: AuditEvent = {
        seq: Number(str(id).split('-')[0]),
        at: fields.get('at') ?? '',
        actor: e.actor,
        role: e.role,
        action: e.action,
        subject: e.subject,
      };
      if (e.from !== undefined) out.from = e.from;
      if (e.to !== undefined) out.to = e.to;
      if (e.detail !== undefined) out.detail = e.detail;
      return out;
    });
  }

  // -- inbound dedupe ---------------------------------------------------------------------------

  async beginEvent(eventId: string, leaseMs: number, now: Date): Promise<EventStart> {
    const t = now.getTime();
    const lease = Math.max(0, Math.floor(leaseMs));
    const reply = await this.run('beginEvent', [this.k(`event:${eventId}`)], [t, Math.max(1, lease), t + lease]);
    return Number(reply) === 1 ? 'new' : Number(reply) === 2 ? 'busy' : 'duplicate';
  }

  async completeEvent(eventId: string, ttlMs: number, now: Date): Promise<void> {
    const ttl = Math.max(1, Math.floor(ttlMs));
    await this.client.set(this.k(`event:${eventId}`), `done:${now.getTime() + ttl}`, { PX: ttl });
  }

  // -- outbox -----------------------------------------------------------------------------------

  async enqueueOutbound(message: NewOutboundMessage, now: Date): Promise<OutboundMessage> {
    const stored: OutboundMessage = { ...message, id: newId(now), attempts: 0, dueAt: now.toISOString(), createdAt: now.toISOString() };
    await this.run(
      'enqueue',
      [
        this.k(`out:${stored.id}`),
        this.k('out:all'),
        this.k(`out:key:${stored.key}`),
        this.k('out:seq'),
        this.k('out:keys'),
        this.k(`out:pace:${stored.key}`),
      ],
      [this.prefix, stored.id, stored.key, stored.channel, JSON.stringify(stored.payload), stored.dueAt, now.getTime(), stored.createdAt],
    );
    return stored;
  }

  async leaseOutbound(now: Date, leaseMs: number, limit: number): Promise<OutboundMessage[]> {
    const t = now.getTime();
    const reply = (await this.run(
      'lease',
      [this.k('out:keys'), this.k('out:all')],
      [this.prefix, t, t + Math.max(0, Math.floor(leaseMs)), clampLimit(limit, 10, 1000), LEASE_SCAN_CAP],
    )) as unknown[];
    return reply.map((row) => {
      const [id, key, channel, payload, attempts, dueAt, createdAt, lastError] = row as unknown[];
      const message: OutboundMessage = {
        id: str(id),
        key: str(key),
        channel: str(channel),
        payload: JSON.parse(str(payload)) as Record<string, unknown>,
        attempts: Number(str(attempts)),
        dueAt: str(dueAt),
        createdAt: str(createdAt),
      };
      if (lastError != null) message.lastError = str(lastError);
      return message;
    });
  }

  async completeOutbound(id: string, nextForKeyAt: Date): Promise<void> {
    const next = Number.isFinite(nextForKeyAt.getTime()) ? nextForKeyAt.getTime() : 0;
    // The pace mark's expiry only cleans up; the scripts compare its value with `now`.
    const px = Math.max(0, next - Date.now()) + PACE_GRACE_MS;
    await this.run('complete', [this.k(`out:${id}`), this.k('out:all'), this.k('out:keys')], [this.prefix, id, next, px]);
  }

  async rescheduleOutbound(id: string, dueAt: Date, attempts: number, lastError: string): Promise<void> {
    await this.run('reschedule', [this.k(`out:${id}`), this.k('out:keys')], [this.prefix, dueAt.toISOString(), dueAt.getTime(), attempts, lastError]);
  }

  async outboxDepth(): Promise<number> {
    return Number(await this.client.zCard(this.k('out:all')));
  }

  // -- failure groups ---------------------------------------------------------------------------

  async saveFailureGroup(record: FailureGroupRecord, expectedVersion: number, now: Date): Promise<boolean> {
    const saved: FailureGroupRecord = { ...record, version: expectedVersion + 1, updatedAt: now.toISOString() };
    const reply = await this.run(
      'saveGroup',
      [this.k(`fg:${record.id}`), this.k('fg:updated')],
      [record.id, expectedVersion, JSON.stringify(saved), now.getTime()],
    );
    return Number(reply) === 1;
  }

  async getFailureGroup(id: string): Promise<FailureGroupRecord | undefined> {
    const data = await this.client.hGet(this.k(`fg:${id}`), 'data');
    return data ? (JSON.parse(data) as FailureGroupRecord) : undefined;
  }

  async listFailureGroups(filter: { since?: Date; ticket?: boolean; limit?: number } = {}): Promise<FailureGroupRecord[]> {
    const limit = clampLimit(filter.limit, 100_000, 100_000);
    const ids = await this.client.zRange(this.k('fg:updated'), '+inf', filter.since?.getTime() ?? 0, { BY: 'SCORE', REV: true });
    const out: FailureGroupRecord[] = [];
    // In slices, so that ten thousand groups are neither one huge reply nor ten thousand round trips.
    for (let i = 0; i < ids.length && out.length < limit; i += 500) {
      const slice = ids.slice(i, i + 500);
      const multi = this.client.multi();
      for (const id of slice) multi.hGet(this.k(`fg:${id}`), 'data');
      const rows = (await multi.exec()) as unknown as (string | null)[];
      for (const data of rows) {
        if (!data) continue;
        const record = JSON.parse(data) as FailureGroupRecord;
        if (filter.ticket === undefined || !!record.ticket === filter.ticket) out.push(record);
      }
    }
    return out.slice(0, limit);
  }

  async addFailureReporter(groupId: string, reporter: FailureReporter): Promise<void> {
    await this.run('addReporter', [this.k(`fg:rep:${groupId}`), this.k(`fg:rep:order:${groupId}`)], [reporter.reportId, JSON.stringify(reporter)]);
  }

  async listFailureReporters(groupId: string): Promise<FailureReporter[]> {
    const order = await this.client.lRange(this.k(`fg:rep:order:${groupId}`), 0, -1);
    if (!order.length) return [];
    const rows = await this.client.hmGet(this.k(`fg:rep:${groupId}`), order);
    return rows.filter((r): r is string => !!r).map((r) => JSON.parse(r) as FailureReporter);
  }

  // -- lifecycle --------------------------------------------------------------------------------

  async ping(): Promise<boolean> {
    if (this.closed || !this.client.isReady) return false;
    try {
      return (await this.client.set(this.k('health'), String(Date.now()), { PX: 60_000 })) === 'OK';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // close() waits for commands in flight; when Redis is gone it could wait long, so it gets 2 s.
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([this.client.close(), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    } catch {
      // already closed (e.g. the startup connection gave up)
    } finally {
      clearTimeout(timer);
      this.client.destroy();
    }
  }
}
