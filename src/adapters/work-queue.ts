/**
 * Lanes whose jobs wait while `busy()` says acknowledgements are being made: a lane still starts one
 * job every `maxMs`, and holds nothing once its oldest job has waited `maxWaitMs` (under sustained
 * load answers must not fall ever further behind).
 */
export interface Deferral<Lane extends string> {
  lanes: Lane[];
  busy: () => boolean;
  maxMs: number;
  maxWaitMs: number;
}

/**
 * Work after the acknowledgement, in lanes, for the Slack and Teams adapters. Jobs start one per turn of the event loop, so between two starts
 * Node reads and acknowledges new requests; each lane has its own limit of jobs in flight, and lanes
 * named first go first. Deferred lanes also let acknowledgements in progress finish first: an answer
 * can wait a few milliseconds, an acknowledgement that waits behind a backlog of answers makes the
 * platform give up on the request.
 */
export class WorkQueue<Lane extends string> {
  private readonly lanes: { name: Lane; limit: number; running: number; waiting: { start: () => void; at: number }[]; startedAt: number }[];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deferral?: Deferral<Lane>;

  constructor(limits: Record<Lane, number>, deferral?: Deferral<Lane>) {
    this.lanes = (Object.entries(limits) as [Lane, number][]).map(([name, limit]) => ({ name, limit, running: 0, waiting: [], startedAt: 0 }));
    this.deferral = deferral;
  }

  /** Jobs running or waiting in a lane. */
  backlog(lane: Lane): number {
    const l = this.lane(lane);
    return l.running + l.waiting.length;
  }

  async run<T>(lane: Lane, job: () => Promise<T>): Promise<T> {
    const l = this.lane(lane);
    const done = (async () => {
      await new Promise<void>((resolve) => {
        l.waiting.push({ start: resolve, at: performance.now() });
        this.pump();
      });
      try {
        return await job();
      } finally {
        l.running--;
        this.pump();
      }
    })();
    this.inFlight.add(done);
    void done.catch(() => undefined).finally(() => this.inFlight.delete(done));
    return done;
  }

  /** Resolves when every job started so far (and any they started) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private lane(name: Lane) {
    return this.lanes.find((x) => x.name === name)!;
  }

  private pump(): void {
    if (this.scheduled || !this.lanes.some((l) => l.waiting.length && l.running < l.limit)) return;
    this.scheduled = true;
    setImmediate(() => this.startOne());
  }

  private startOne(): void {
    this.scheduled = false;
    const now = performance.now();
    const d = this.deferral;
    const held = (l: (typeof this.lanes)[number]) => !!d && d.lanes.includes(l.name) && now - l.startedAt < d.maxMs && now - l.waiting[0]!.at < d.maxWaitMs && d.busy();
    const ready = this.lanes.filter((x) => x.waiting.length && x.running < x.limit);
    const l = ready.find((x) => !held(x));
    if (!l) {
      // Only held lanes have work: look again in a moment (a timer, so an idle wait does not spin).
      if (ready.length) {
        this.scheduled = true;
        setTimeout(() => this.startOne(), 1);
      }
      return;
    }
    l.running++;
    l.startedAt = now;
    l.waiting.shift()!.start();
    this.pump();
  }
}
