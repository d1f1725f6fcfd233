/**
 * The Vipps MobilePay landing page of each pending order, as the order's own answer to the
 * customer's first visit gave it. The page's refreshes only read the order's description, which
 * does not hold it, and asking the order again would be a billed Action, and for an open order the
 * Query that must not be sent. So this process remembers it, for the link "open the payment
 * again"; another replica, or a restart, just shows the page without that link. Bounded: the
 * oldest entries go first once `maxOrders` are remembered.
 */
export class PaymentLinks {
  private readonly urls = new Map<string, string>();

  constructor(private readonly maxOrders = 10_000) {}

  /**
   * The link to show for the order now: the one the order just gave (then remembered), else the
   * one remembered; none once the payment is no longer pending.
   */
  linkFor(order: string, pending: boolean, given: string | undefined): string | undefined {
    if (!pending) {
      this.urls.delete(order);
      return undefined;
    }
    if (!given) return this.urls.get(order);
    this.urls.delete(order);
    this.urls.set(order, given);
    while (this.urls.size > this.maxOrders) this.urls.delete(this.urls.keys().next().value!);
    return given;
  }
}
