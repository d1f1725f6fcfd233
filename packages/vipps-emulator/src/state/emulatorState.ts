import { DeliveryLog } from '../webhooks/deliveryLog';
import { WebhookRegistry } from '../webhooks/registrations';
import { type Clock } from '../options';
import { SettlementBook, type SettlementSettings } from '../settlement/settlementBook';
import { ChangeFeed } from './changeFeed';
import { IdempotencyStore } from './idempotencyStore';
import { Ledger } from './ledger';
import { OrderStore } from './orderStore';
import { PaymentStore } from './paymentStore';
import { RateLimiter } from './rateLimiter';

/**
 * All data of one emulator instance, in memory. With EMULATOR_STATE_FILE the stores that report
 * to `changes` (payments, idempotency, ledger, settlement ledgers, orders, webhooks) are also saved to that file and
 * survive a restart; the delivery log and the rate-limit windows never do (see persistence/).
 */
export class EmulatorState {
  readonly changes = new ChangeFeed();
  readonly payments: PaymentStore;
  readonly idempotency: IdempotencyStore;
  readonly ledger: Ledger;
  readonly orders: OrderStore;
  readonly webhooks: WebhookRegistry;
  readonly deliveries = new DeliveryLog();
  readonly rateLimiter: RateLimiter;
  /** The Report API's ledgers, derived from `ledger` (saved with the rest). */
  readonly settlement: SettlementBook;

  constructor(clock: Clock, settlement: SettlementSettings) {
    const changed = () => this.changes.notify();
    this.payments = new PaymentStore(changed);
    this.idempotency = new IdempotencyStore(changed);
    this.ledger = new Ledger(changed);
    this.orders = new OrderStore(changed);
    this.webhooks = new WebhookRegistry(changed);
    this.rateLimiter = new RateLimiter(clock);
    this.settlement = new SettlementBook(this.ledger, settlement, clock, changed);
  }

  clear(): void {
    this.payments.clear();
    this.idempotency.clear();
    this.ledger.clear();
    this.settlement.clear();
    this.orders.clear();
    this.webhooks.clear();
    this.deliveries.clear();
    this.rateLimiter.clear();
  }
}
