/**
 * What callers and operators see of an order: the view the order Query, command answers and the
 * workflow's result return. Types only.
 */
import type { Currency } from '@vipps-orders/vipps/types';
import type { PaymentState } from '@vipps-orders/vipps/types';
import type { OrderSettlementView } from './settlement';

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'AWAITING_SHIPMENT',
  'PARTIALLY_SHIPPED',
  'COMPLETED',
  'CANCELLED',
  'PAYMENT_FAILED',
  'NEEDS_ATTENTION',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Alerts operators filter on (search attribute `OrderAlerts`). */
export const ORDER_ALERTS = [
  /** Vipps refused a capture after shipment; an operator retries it or releases the money. */
  'CAPTURE_FAILED',
  /** A capture, refund or release has no trustworthy answer yet; it is being resolved with the same key. */
  'OUTCOME_UNKNOWN',
  /** Vipps shows more captured than this order asked for. */
  'OVER_CAPTURED',
  /** Vipps shows less captured than captures it confirmed. */
  'CAPTURE_MISMATCH',
  'CAPTURE_DEADLINE_NEAR',
  'CAPTURE_DEADLINE_PASSED',
  'RECEIPT_FAILED',
  /** Vipps refused a refund. */
  'REFUND_FAILED',
  /** Vipps refused to release the rest of the reservation. */
  'RELEASE_FAILED',
  /** The payment's fate is unknown after its expiry: Vipps did not answer. */
  'PAYMENT_UNRESOLVED',
  /** Money moved outside this workflow (e.g. in the business portal). */
  'EXTERNAL_CHANGE',
] as const;
export type OrderAlert = (typeof ORDER_ALERTS)[number];

export interface Money {
  value: number;
  currency: Currency;
}

export interface TimelineEntry {
  at: string;
  step: string;
  detail?: string;
}

export interface OrderError {
  at: string;
  step: string;
  message: string;
  status?: number;
  errorCode?: number;
}

export interface ShipmentView {
  shipmentId: string;
  orderLineIds: string[];
  amount: Money;
  /**
   * CAPTURE_UNKNOWN: the capture's outcome is being resolved (same key, event log).
   * NOT_CAPTURED: the capture was refused and the reservation later released (an operator's decision).
   */
  status: 'CAPTURING' | 'CAPTURED' | 'CAPTURE_FAILED' | 'CAPTURE_UNKNOWN' | 'NOT_CAPTURED';
  shippedAt: string;
  capturedAt?: string;
  /** The Idempotency-Key of the capture, as it appears in the Vipps portal and event log. */
  idempotencyKey: string;
  error?: OrderError;
}

export interface RefundView {
  refundId: string;
  amount: Money;
  status: 'REFUNDING' | 'REFUNDED' | 'REFUND_FAILED' | 'REFUND_UNKNOWN';
  requestedAt: string;
  refundedAt?: string;
  idempotencyKey: string;
  error?: OrderError;
}

export interface OrderLineView {
  id: string;
  name: string;
  totalAmount: number;
  /** SHIPPED carries the shipment id; CANCELLED means its reservation was released unshipped. */
  state: 'OPEN' | 'SHIPPED' | 'CANCELLED';
  shipmentId?: string;
}

export interface CancelView {
  status: 'REQUESTED' | 'DONE' | 'FAILED';
  reason?: string;
  error?: OrderError;
}

/** Captures, refunds and releases as sent to Vipps, with their outcome. */
export interface MoneyOperationView {
  id: string;
  kind: 'capture' | 'refund' | 'release' | 'void';
  status: 'QUEUED' | 'IN_FLIGHT' | 'DONE' | 'REFUSED' | 'UNKNOWN';
  idempotencyKey: string;
  amount?: Money;
  attempts: number;
  resolvedBy?: 'answer' | 'event-log' | 'webhook';
  error?: OrderError;
}

export interface OrderView {
  orderId: string;
  /** The order's sales unit, with SALES_UNITS_FILE (the service adds it: the workflow knows its input only). */
  salesUnit?: string;
  workflowId: string;
  status: OrderStatus;
  amount: Money;
  description: string;
  payment: {
    reference: string;
    state?: PaymentState;
    redirectUrl?: string;
    aggregate: { authorized: number; captured: number; cancelled: number; refunded: number };
    captureDeadline?: string;
    captureDeadlineSource?: 'vipps' | 'policy';
  };
  receipt: { status: 'PENDING' | 'ATTACHED' | 'FAILED'; error?: OrderError };
  orderLines: OrderLineView[];
  shipments: ShipmentView[];
  refunds: RefundView[];
  operations: MoneyOperationView[];
  cancel?: CancelView;
  alerts: OrderAlert[];
  /** What the order waits for now, in words. */
  waitingFor: string;
  /** True while the order is busy with a step (talking to Vipps); false while it waits for a command, a webhook or a timer. */
  busy: boolean;
  /** The shop's page for this order, if it gave one when placing it. */
  shopReturnUrl?: string;
  failureReason?: string;
  /** True once the order is settled: nothing is reserved or unresolved, and its workflow has ended. */
  settled: boolean;
  lastError?: OrderError;
  /** For an open order: the newest entries only when read from its memo (see `asOf`). */
  timeline: TimelineEntry[];
  /**
   * Set when an open order was read without asking its worker: the order's time when it wrote the
   * view to its memo (at a wait, when something a reader acts on changed), or its start for a
   * plain pending order. Absent in live views and command answers.
   */
  asOf?: string;
  /** The payouts that carried the order's money and what reconciliation flagged (the service adds it; absent until paid out). */
  settlement?: OrderSettlementView;
}
