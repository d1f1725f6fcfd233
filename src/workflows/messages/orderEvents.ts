/**
 * What the shop receives at ORDER_EVENTS_URL when an order's status changes. Types only: the
 * workflow builds it, an activity signs and posts it, the OpenAPI document describes it.
 */
import type { Amount } from '@vipps-orders/vipps/types';
import type { OrderStatus } from './views';

export interface OrderEvent {
  /** `<orderId>:<sequence>`: the same event delivered again (at least once) has the same id. */
  eventId: string;
  type: 'order.status_changed';
  orderId: string;
  /** 1, 2, 3… per order, with no gaps: a shop that saw n may ignore anything at or below it. */
  sequence: number;
  status: OrderStatus;
  previousStatus: OrderStatus;
  /** When the order changed (the order's own clock), ISO 8601. */
  occurredAt: string;
  amount: Amount;
  /** Minor units, in the order's currency, as Vipps reported them. */
  aggregate: { authorized: number; captured: number; cancelled: number; refunded: number };
  alerts: string[];
}

export interface OrderEventDelivery {
  url: string;
  event: OrderEvent;
}
