import type { Logger } from '../ports.ts';
import type { OutboundMessage, Store } from '../store/store.ts';

/** A failed delivery. `retryAfterMs` from the platform's Retry-After; `permanent` when retrying cannot help. */
export class DeliveryError extends Error {
  override name = 'DeliveryError';
  readonly retryAfterMs?: number;
  readonly permanent: boolean;

  constructor(message: string, retryAfterMs?: number, permanent = false) {
    super(message);
    this.retryAfterMs = retryAfterMs;
    this.permanent = permanent;
  }
}

/** Delivers one kind of outbound message (a webhook POST, a Slack or Teams message). */
export interface Sender {
  readonly channel: string;
  /** Least time between two messages with the same pacing key (Slack ~1/s per channel, Teams 7/s). */
  readonly paceMs: number;
  send(message: OutboundMessage, signal: AbortSignal): Promise<void>;
}

export interface OutboxStats {
  sent: number;
  retried: number;
}

export interface OutboxWorkerOptions {
  store: Store;
  senders: Sender[];
  log: Logger;
  now?: () => Date;
  /** How long a taken message is hidden from other instances while it is being sent. */
  leaseMs?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs, with jitter. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  onDelivered?: (message: OutboundMessage) => void;
  onRetry?: (message: OutboundMessage, error: string) => void;
  /** A message the receiver refuses for good (e.g. 400, 404): taken out so later ones can go, and recorded here. */
  onDead?: (message: OutboundMessage, error: string) => Promise<void>;
  /** Attempts after which a permanently refused message is given up. */
  maxPermanentAttempts?: number;
  /** Deliveries in flight at once on this instance (each to a different key). */
  concurrency?: number;
}

/**
 * Sends the persisted outbox: each pacing key in order and at its platform's pace, retries with
 * backoff and jitter that honour Retry-After, and never drops a message: what is not delivered stays
 * in the store and goes out after a restart.
 */
export class OutboxWorker {
  private readonly o: Required<Pick<OutboxWorkerOptions, 'leaseMs' | 'baseBackoffMs' | 'maxBackoffMs'>> & OutboxWorkerOptions;
  private readonly senders: Map<string, Sender>;
  private readonly now: () => Date;
  private readonly concurrency: number;
  private timer?: NodeJS.Timeout;
  private leasing?: Promise<Promise<void>[]>;
  private readonly inFlight = new Set<Promise<void>>();
  private polling = false;
  private stopped = false;

  constructor(options: OutboxWorkerOptions) {
    this.o = { leaseMs: 30_000, baseBackoffMs: 1000, maxBackoffMs: 10 * 60_000, ...options };
    this.senders = new Map(options.senders.map((s) => [s.channel, s]));
    this.now = options.now ?? (() => new Date());
    this.concurrency = options.concurrency ?? 50;
  }

  addSender(sender: Sender): void {
    this.senders.set(sender.channel, sender);
  }

  /** Polls every `intervalMs` until stop(); a finished delivery also takes the next message at once. */
  start(intervalMs = 250): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        // Keep going while there is room and work, so a backlog drains at the platforms' pace, not the poll's.
        while (!this.stopped && (await this.pump()) > 0);
      } catch (err) {
        this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox unavailable; will retry');
      }
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs).unref();
    };
    this.polling = true;
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.polling = false;
    clearTimeout(this.timer);
    await this.leasing?.catch(() => []);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Takes what is due into the free delivery slots and starts it; returns how many started, without waiting for them. */
  async pump(): Promise<number> {
    return (await this.take()).length;
  }

  /** One pass: sends what is due now and waits for those deliveries; returns how many were attempted. */
  async drain(): Promise<number> {
    const started = await this.take();
    await Promise.all(started);
    return started.length;
  }

  /**
   * Deliveries run side by side, each holding its key, so one slow message (a model's answer, a
   * platform that times out) never holds up messages to other keys.
   */
  private take(): Promise<Promise<void>[]> {
    this.leasing ??= (async () => {
      const room = this.concurrency - this.inFlight.size;
      if (room <= 0 || this.stopped) return [];
      const batch = await this.o.store.leaseOutbound(this.now(), this.o.leaseMs, room);
      return batch.map((m) => {
        const delivery: Promise<void> = this.deliver(m).finally(() => {
          this.inFlight.delete(delivery);
          if (this.polling && !this.stopped) void this.pump().catch(() => 0);
        });
        this.inFlight.add(delivery);
        return delivery;
      });
    })().finally(() => (this.leasing = undefined));
    return this.leasing;
  }

  private async deliver(message: OutboundMessage): Promise<void> {
    const sender = this.senders.get(message.channel);
    try {
      if (!sender) throw new DeliveryError(`no sender for ${message.channel} is configured here`);
      await sender.send(message, AbortSignal.timeout(Math.min(10_000, this.o.leaseMs / 2)));
      await this.o.store.completeOutbound(message.id, new Date(this.now().getTime() + sender.paceMs));
      this.o.onDelivered?.(message);
    } catch (err) {
      const e = err instanceof DeliveryError ? err : new DeliveryError(err instanceof Error ? err.message : String(err));
      const attempts = message.attempts + 1;
      const backoff = Math.min(this.o.maxBackoffMs, this.o.baseBackoffMs * 2 ** Math.min(attempts - 1, 20));
      // Jitter spreads retries from many instances; Retry-After is a floor, never shortened.
      const delay = Math.max(e.retryAfterMs ?? 0, backoff * (0.75 + Math.random() * 0.5));
      // Refused for good, again and again: it would hold up every later message to this conversation.
      if (e.permanent && attempts >= (this.o.maxPermanentAttempts ?? 3)) {
        this.o.log.error({ outbound: message.id, channel: message.channel, attempts, error: e.message.slice(0, 200) }, 'outbound message refused for good; set aside');
        await this.o.onDead?.(message, e.message.slice(0, 500));
        await this.o.store.completeOutbound(message.id, this.now());
        return;
      }
      const wait = e.permanent ? Math.min(this.o.maxBackoffMs, delay * 4) : delay;
      this.o.log.warn({ outbound: message.id, channel: message.channel, attempts, retryInMs: Math.round(wait), error: e.message.slice(0, 200) }, 'outbound delivery failed');
      this.o.onRetry?.(message, e.message);
      await this.o.store.rescheduleOutbound(message.id, new Date(this.now().getTime() + wait), attempts, e.message.slice(0, 500));
    }
  }
}
