import { createHmac } from 'node:crypto';
import { DeliveryError, type Sender } from '../../core/outbox/worker.ts';
import type { OutboundMessage } from '../../core/store/store.ts';
import type { Ticket } from '../../core/failures/ticket.ts';
import { retryAfterMs } from './webhook-sender.ts';

/** The signature a receiver checks: HMAC-SHA256 over "timestamp.body" with the shared secret, hex. */
export function ticketSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Delivers ticket changes to IT's endpoint (ServiceNow, Jira or anything that takes JSON), signed so
 * the receiver knows it came from Lotsen, with an idempotency key (ticket id and revision) so a
 * retried delivery is recognised. The outbox retries with backoff; nothing is lost across restarts.
 */
export class TicketWebhookSender implements Sender {
  readonly channel = 'ticket-webhook';
  readonly paceMs = 200;
  private readonly url: string;
  private readonly secret: string;

  constructor(url: string, secret: string) {
    this.url = url;
    this.secret = secret;
  }

  async send(message: OutboundMessage, signal: AbortSignal): Promise<void> {
    const payload = message.payload as { event: string; ticket: Ticket };
    const body = JSON.stringify({ ...payload, delivery: message.id, sent_at: new Date().toISOString() });
    const timestamp = String(Math.floor(Date.now() / 1000));
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': `${payload.ticket.id}:${payload.ticket.revision}:${payload.event}`,
          'x-lotsen-timestamp': timestamp,
          'x-lotsen-signature': ticketSignature(this.secret, timestamp, body),
          'x-lotsen-event': payload.event,
        },
        body,
        signal,
      });
    } catch (err) {
      throw new DeliveryError(`ticket webhook unreachable: ${err instanceof Error ? err.message : String(err)}`);
    }
    await response.body?.cancel();
    if (response.ok) return;
    const retryable = response.status === 429 || response.status === 408 || response.status >= 500;
    throw new DeliveryError(`ticket webhook answered ${response.status}`, retryAfterMs(response.headers.get('retry-after')), !retryable);
  }
}
