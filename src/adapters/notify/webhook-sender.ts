import { DeliveryError, type Sender } from '../../core/outbox/worker.ts';
import type { OutboundMessage } from '../../core/store/store.ts';

/** Seconds or an HTTP date, as in RFC 9110; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Posts outbox messages to a destination's incoming webhook (Slack, Teams or any JSON receiver).
 * The URL is looked up by destination id at send time, so no secret is stored in the outbox.
 */
export class WebhookSender implements Sender {
  readonly channel = 'webhook';
  // Slack's incoming webhooks allow about one message a second.
  readonly paceMs = 1000;
  private readonly urlFor: (destination: string) => string | undefined;

  constructor(urlFor: (destination: string) => string | undefined) {
    this.urlFor = urlFor;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<void> {
    const { destination, ...body } = message.payload as { destination: string };
    const url = this.urlFor(destination);
    if (!url) throw new DeliveryError(`destination ${destination} has no webhook now`, undefined, true);
    let response: Response;
    try {
      response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': message.id }, body: JSON.stringify(body), signal });
    } catch (err) {
      throw new DeliveryError(`webhook unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    throw new DeliveryError(`webhook answered ${response.status}`, retryAfterMs(response.headers.get('retry-after')), !retryable);
  }
}
