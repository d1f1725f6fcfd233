import { DeliveryLog } from '../webhooks/deliveryLog';
import { WebhookRegistry } from '../webhooks/registrations';
import { type Clock } from '../options';
import { IdempotencyStore } from './idempotencyStore';
import { Ledger } from './ledger';
import { OrderStore } from './orderStore';
import { PaymentStore } from './paymentStore';
import { RateLimiter } from './rateLimiter';

/** All in-memory data of one emulator instance. Nothing survives a restart (or a reset). */
export class EmulatorState {
  readonly payments = new PaymentStore();
  readonly idempotency = new IdempotencyStore();
  readonly ledger = new Ledger();
  readonly orders = new OrderStore();
  readonly webhooks = new WebhookRegistry();
  readonly deliveries = new DeliveryLog();
  readonly rateLimiter: RateLimiter;

  constructor(clock: Clock) {
    this.rateLimiter = new RateLimiter(clock);
  }

  clear(): void {
    this.payments.clear();
    this.idempotency.clear();
    this.ledger.clear();
    this.orders.clear();
    this.webhooks.clear();
    this.deliveries.clear();
    this.rateLimiter.clear();
  }
}
