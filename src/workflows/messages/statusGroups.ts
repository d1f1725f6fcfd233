/**
 * The order statuses grouped by what callers ask of them, in one place: the workflow's rules, the
 * order client, the webhook receiver and the pages all use these.
 */
import type { OrderStatus } from './views';

function group(...statuses: OrderStatus[]): ReadonlySet<OrderStatus> {
  return new Set(statuses);
}

/** Settled: the workflow has ended (or is about to), and only refunds remain possible. */
export const FINAL_STATUSES = group('COMPLETED', 'CANCELLED', 'PAYMENT_FAILED');

/** A shipment may be accepted (lines permitting). */
export const SHIPPABLE_STATUSES = group('AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION');

/** The payment is known to be authorized and the order has moved on: an AUTHORIZED webhook tells it nothing. */
export const PAST_AUTHORIZATION_STATUSES = group('AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'COMPLETED');

/** The customer's order stands (paid or being shipped): the return page says "confirmed". */
export const CONFIRMED_STATUSES = group('AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'COMPLETED', 'NEEDS_ATTENTION');

/** Something can still be done to the order (the merchant page offers actions). */
export const OPEN_STATUSES = group('PENDING_PAYMENT', 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'NEEDS_ATTENTION');

export function isIn(set: ReadonlySet<OrderStatus>, status: string): boolean {
  return set.has(status as OrderStatus);
}
