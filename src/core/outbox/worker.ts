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
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private stopped = false;

  constructor(options: OutboxWorkerOptions) {
    this.o = { leaseMs: 30_000, baseBackoffMs: 1000, maxBackoffMs: 10 * 60_000, ...options };
    this.senders = new Map(options.senders.map((s) => [s.channel, s]));
    this.now = options.now ?? (() => new Date());
  }

  addSender(sender: Sender): void {
    this.senders.set(sender.channel, sender);
  }

  /** Polls every `intervalMs` until stop(). */
  start(intervalMs = 250): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      try {
        // Keep going while there is work, so a backlog drains at the platforms' pace, not the poll's.
        while (!this.stopped && (await this.drain()) > 0);
      } catch (err) {
        this.o.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'outbox unavailable; will retry');
      }
      if (!this.stopped) this.timer = setTimeout(loop, intervalMs).unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => 0);
  }

  /** One pass: sends what is due now; returns how many were attempted. */
  drain(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<number> {
    const batch = await this.o.store.leaseOutbound(this.now(), this.o.leaseMs, 50);
    // One per key per batch, so different conversations go out in parallel.
    await Promise.all(batch.map((m) => this.deliver(m)));
    return batch.length;
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
