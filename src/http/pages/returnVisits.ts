/**
 * At most one wake-up per order per interval (per service process): the return page is public, so
 * a reload loop or a guessed order id must not turn into an Update and a Vipps call each time.
 * Bounded: the oldest entries go first once `maxOrders` are remembered.
 */
export class ReturnVisits {
  private readonly lastWake = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxOrders = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True (and remembered) when this order may be woken now. */
  mayWake(orderId: string): boolean {
    const now = this.now();
    const last = this.lastWake.get(orderId);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.lastWake.delete(orderId);
    this.lastWake.set(orderId, now);
    while (this.lastWake.size > this.maxOrders) this.lastWake.delete(this.lastWake.keys().next().value!);
    return true;
  }
}
