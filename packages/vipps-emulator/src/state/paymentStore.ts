import { type Payment } from '../payments/paymentMachine';
import { type OnChange } from './changeFeed';

export interface PaymentKey {
  msn: string;
  reference: string;
}

/**
 * Payments per MSN (a reference is unique per sales unit only), plus an index from landing-page
 * token to payment. Every lookup on a request path is a Map access; only the control API's
 * listing walks the creation order.
 */
export class PaymentStore {
  private readonly byMsn = new Map<string, Map<string, Payment>>();
  private readonly byToken = new Map<string, PaymentKey>();
  private readonly creationOrder: PaymentKey[] = [];

  constructor(private readonly onChange: OnChange = () => undefined) {}

  get size(): number {
    return this.creationOrder.length;
  }

  get(msn: string, reference: string): Payment | undefined {
    return this.byMsn.get(msn)?.get(reference);
  }

  insert(payment: Payment): void {
    let payments = this.byMsn.get(payment.msn);
    if (!payments) {
      payments = new Map();
      this.byMsn.set(payment.msn, payments);
    }
    if (payments.has(payment.reference)) throw new Error(`payment ${payment.msn}/${payment.reference} exists`);
    payments.set(payment.reference, payment);
    const key = { msn: payment.msn, reference: payment.reference };
    this.creationOrder.push(key);
    if (payment.details.landingToken) this.byToken.set(payment.details.landingToken, key);
    this.onChange();
  }

  /** Stores the new version of an existing payment (payments are immutable values). */
  replace(payment: Payment): void {
    const payments = this.byMsn.get(payment.msn);
    if (!payments?.has(payment.reference)) throw new Error(`payment ${payment.msn}/${payment.reference} does not exist`);
    payments.set(payment.reference, payment);
    this.onChange();
  }

  byLandingToken(token: string): Payment | undefined {
    const key = this.byToken.get(token);
    return key && this.get(key.msn, key.reference);
  }

  *newestFirst(): Generator<Payment> {
    for (let i = this.creationOrder.length - 1; i >= 0; i--) {
      const key = this.creationOrder[i];
      const payment = key && this.get(key.msn, key.reference);
      if (payment) yield payment;
    }
  }

  /** Oldest first: the order the state file keeps, so a restart restores the listing order. */
  *oldestFirst(): Generator<Payment> {
    for (const key of this.creationOrder) {
      const payment = this.get(key.msn, key.reference);
      if (payment) yield payment;
    }
  }

  clear(): void {
    this.byMsn.clear();
    this.byToken.clear();
    this.creationOrder.length = 0;
    this.onChange();
  }
}
