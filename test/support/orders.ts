/** Sample orders and short policies for tests. */
import { randomUUID } from 'node:crypto';
import type { PlaceOrderRequest } from '../../src/orders/placeOrderRequest';
import type { OrderPolicy } from '../../src/workflows/messages';

let counter = 0;

/** A fresh order id (the Vipps reference): unique per test run. */
export function newOrderId(prefix = 'test'): string {
  counter++;
  return `${prefix}-${counter}-${randomUUID().slice(0, 8)}`;
}

/** Two lines (NOK 300 + NOK 199) plus shipping (NOK 49): NOK 548.00 in total. */
export function sampleOrder(orderId = newOrderId(), overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  const line = (id: string, name: string, total: number, extra: object = {}) => ({
    id,
    name,
    totalAmount: total,
    totalAmountExcludingTax: total - Math.round(total / 5),
    totalTaxAmount: Math.round(total / 5),
    taxRate: 2500,
    unitInfo: { unitPrice: total, quantity: '1' },
    ...extra,
  });
  return {
    orderId,
    amount: { value: 54_800, currency: 'NOK' },
    description: 'Socks and a scarf',
    orderLines: [line('socks', 'Wool socks', 30_000), line('scarf', 'Scarf', 19_900), line('shipping', 'Shipping', 4_900, { isShipping: true })],
    ...overrides,
  };
}

/** Real-time policy with short waits, for tests on the dev server (no time skipping there). */
export function testPolicy(overrides: Partial<OrderPolicy> = {}): OrderPolicy {
  return {
    paymentExpiryMs: 60_000,
    expiryGraceMs: 1_000,
    pollInitialMs: 30_000,
    pollMaxMs: 60_000,
    captureDeadlineFallbackMs: 7 * 24 * 3600_000,
    captureDeadlineWarningMs: 24 * 3600_000,
    captureDeadlinePolicy: 'hold',
    continueAsNewAfterEvents: 2_000,
    callRetryWindowMs: 3_000,
    unknownRetryBaseMs: 200,
    ...overrides,
  };
}
