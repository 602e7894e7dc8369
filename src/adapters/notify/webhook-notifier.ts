import type { Escalation } from '../../core/store/store.ts';
import type { SafetyNotifier } from '../../core/safety/safety-desk.ts';

/**
 * Posts a safety alert as JSON to a webhook. The `text` field is what Slack incoming webhooks and
 * Teams workflow webhooks display; `lotsen` carries the fields for other receivers. The text is
 * already redacted.
 */
export class WebhookNotifier implements SafetyNotifier {
  readonly name = 'safety-webhook';
  private readonly url: string;

  constructor(url: string) {
    this.url = url;
  }

  async notify(item: Escalation, oncall: string, signal: AbortSignal): Promise<void> {
    const clock = item.reportBy ? `\nPossible personal-data incident: report to IMY by ${item.reportBy}.` : '';
    const text = `:rotating_light: S1 safety report ${item.id} (${item.safetyKind ?? 'safety'}) from ${item.asker.site ?? 'unknown site'} via ${item.asker.platform}\n> ${item.text.replace(/\n/g, '\n> ')}${clock}\nOn call: ${oncall}`;
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, lotsen: { id: item.id, severity: item.severity, kind: item.safetyKind, site: item.asker.site, platform: item.asker.platform, createdAt: item.createdAt, reportBy: item.reportBy, oncall } }),
      signal,
    });
    if (!response.ok) throw new Error(`safety webhook answered ${response.status}`);
  }
}
