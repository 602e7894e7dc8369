import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Minutes-scale buckets: super-users claim within seconds to the service level's tens of minutes. */
const HUMAN_SECONDS = [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];

/**
 * Prometheus metrics for one Lotsen instance, on its own registry (not prom-client's global one), so
 * several instances in one process (tests) do not collide. Labels carry no message text.
 */
export class LotsenMetrics {
  readonly registry = new Registry();
  readonly messages: Counter<'platform' | 'outcome'>;
  readonly escalations: Counter<'event'>;
  readonly timeToClaim: Histogram;
  readonly timeToAnswer: Histogram;
  readonly outboundDelivered: Counter<'channel'>;
  readonly outboundRetries: Counter<'channel'>;

  constructor(outboxDepth: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lotsen_' });
    const registers = [this.registry];
    this.messages = new Counter({ name: 'lotsen_messages_total', help: 'Inbound messages by outcome (answered, escalated, safety, limited)', labelNames: ['platform', 'outcome'], registers });
    this.escalations = new Counter({ name: 'lotsen_escalation_events_total', help: 'Escalation lifecycle events (created, claim, answer, remind, reescalate …)', labelNames: ['event'], registers });
    this.timeToClaim = new Histogram({ name: 'lotsen_time_to_claim_seconds', help: 'From escalation to first claim', buckets: HUMAN_SECONDS, registers });
    this.timeToAnswer = new Histogram({ name: 'lotsen_time_to_answer_seconds', help: 'From escalation to answer', buckets: HUMAN_SECONDS, registers });
    this.outboundDelivered = new Counter({ name: 'lotsen_outbound_delivered_total', help: 'Outbox messages delivered', labelNames: ['channel'], registers });
    this.outboundRetries = new Counter({ name: 'lotsen_outbound_retries_total', help: 'Outbox delivery failures that will be retried', labelNames: ['channel'], registers });
    new Gauge({
      name: 'lotsen_outbox_depth',
      help: 'Outbound messages waiting for delivery',
      registers,
      async collect() {
        // Unreachable store: report nothing rather than fail the whole scrape.
        this.set(await outboxDepth().catch(() => Number.NaN));
      },
    });
  }
}
