/**
 * Webhook events this service has already signalled to their order, remembered for a while, so
 * that Vipps' at-least-once redeliveries (its retries, overlapping registrations) are answered
 * at once without a second, billed Signal. Only signalled events are remembered: Temporal has
 * accepted those, so nothing is lost by not sending them again. Per process and bounded; a
 * duplicate another replica saw is simply signalled again, which the order ignores.
 */
export class RecentWebhookEvents {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly capacity = 10_000,
  ) {}

  has(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    if (at === undefined) return false;
    if (now - at <= this.ttlMs) return true;
    this.seen.delete(key);
    return false;
  }

  remember(key: string, now = Date.now()): void {
    this.seen.delete(key);
    this.seen.set(key, now);
    // A Map iterates in insertion order: the first entries are the oldest.
    while (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }
}

/** Vipps' own advice: an event is identified by reference, name and pspReference; the timestamp tells retries of one delivery from a later event. */
export function webhookEventKey(e: { reference: string; name: string; pspReference: string; timestamp: string }): string {
  return [e.reference, e.name, e.pspReference, e.timestamp].join('\u0000');
}
