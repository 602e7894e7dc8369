import type { App, Receiver, ReceiverEvent } from '@slack/bolt';
import type { Logger } from '../../core/ports.ts';

type Body = Record<string, unknown>;

/**
 * Events API events are written to the store before Slack is acknowledged, and handled from there.
 * Slack does not send an acknowledged event again, so an event held only in memory would be lost if
 * this process stopped before answering it. Clicks, slash commands and form submissions go straight
 * through: their acknowledgement carries the answer, and a person who sees nothing happen clicks again.
 * Wraps either transport (HTTP or Socket Mode), so both keep events the same way.
 */
export class InboxReceiver implements Receiver {
  private app?: App;
  private readonly inner: Receiver;
  private readonly keep: (body: Body) => Promise<void>;
  private readonly log: Logger;

  /** `keep` stores the event for later handling; when it fails (the store is down) the event is handled in memory, as before the inbox. */
  constructor(inner: Receiver, o: { keep: (body: Body) => Promise<void>; log: Logger }) {
    this.inner = inner;
    this.keep = o.keep;
    this.log = o.log;
  }

  init(app: App): void {
    this.app = app;
    // The transport hands every request to this intake instead of to Bolt directly.
    this.inner.init({ processEvent: (event: ReceiverEvent) => this.intake(event) } as unknown as App);
  }

  start(...args: unknown[]): Promise<unknown> {
    return this.inner.start(...args);
  }

  stop(...args: unknown[]): Promise<unknown> {
    return this.inner.stop(...args);
  }

  /** Handles an event taken from the inbox; Slack was acknowledged when it arrived. */
  async process(body: Body): Promise<void> {
    await this.app!.processEvent({ body, ack: async () => {} });
  }

  private async intake(event: ReceiverEvent): Promise<void> {
    const app = this.app!;
    if (event.body.type !== 'event_callback') return app.processEvent(event);
    try {
      await this.keep(event.body as Body);
    } catch (err) {
      this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'store unavailable; handling the slack event in memory');
      return app.processEvent(event);
    }
    await event.ack();
  }
}
