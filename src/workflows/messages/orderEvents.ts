/**
 * What the shop receives at ORDER_EVENTS_URL when an order's status changes. Types only: the
 * workflow builds it, an activity signs and posts it, the OpenAPI document describes it.
 */
import type { Amount } from '@vipps-orders/vipps/types';
import type { OrderStatus } from './views';

export interface OrderEvent {
  /**
   * `<orderId>:<sequence>`, or `<salesUnit>:<orderId>:<sequence>` for an order of a sales unit
   * (the same order id on two units is two orders): the same event delivered again has the same id.
   */
  eventId: string;
  type: 'order.status_changed';
  orderId: string;
  /** The order's sales unit (with SALES_UNITS_FILE): with the order id, what names the order. */
  salesUnit?: string;
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
