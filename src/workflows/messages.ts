/**
 * Everything that crosses the workflow boundary: the input, the Signals, Updates and Query, and
 * the zod schemas that check command payloads. Shared by the workflow (validators), the HTTP API
 * and the starter, so there is one definition of each message.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { Amount, type Currency, REFERENCE_PATTERN } from '@vipps-orders/vipps/schemas';
import { PaymentEventName, type PaymentState } from '@vipps-orders/vipps/schemas';
import { OrderLine } from '@vipps-orders/vipps/schemas';

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
export type OrderAlert =
  | 'CAPTURE_FAILED'
  | 'CAPTURE_UNCONFIRMED'
  | 'CAPTURE_DEADLINE_NEAR'
  | 'CAPTURE_DEADLINE_PASSED'
  | 'RECEIPT_FAILED'
  | 'REFUND_FAILED'
  | 'EXTERNAL_CHANGE';

// ---- identifiers --------------------------------------------------------------------------------

/** The order id is the Vipps `reference`, so it must satisfy the reference pattern. */
export const OrderId = z.string().regex(REFERENCE_PATTERN, 'must match ^[a-zA-Z0-9-]{8,64}$ (it is the Vipps reference)');
/** Shipment and refund ids end up in Idempotency-Keys, hence the narrow alphabet. */
const CommandId = z.string().regex(/^[a-zA-Z0-9-]{1,64}$/, 'must match ^[a-zA-Z0-9-]{1,64}$');
export const ShipmentId = CommandId;
export const RefundId = CommandId;

export function workflowIdFor(orderId: string): string {
  return `order-${orderId}`;
}

// ---- placing an order ---------------------------------------------------------------------------

/** Wallet payments and receipts exist in these currencies only (SEK/USD/GBP are card passthrough). */
export const ORDER_CURRENCIES = ['NOK', 'DKK', 'EUR'] as const;

export const PlaceOrderRequest = z
  .object({
    orderId: OrderId,
    amount: Amount,
    description: z.string().min(3, 'must be 3 to 100 characters').max(100, 'must be 3 to 100 characters'),
    customer: z.object({ phoneNumber: z.string().regex(/^\d{9,15}$/, 'must be an MSISDN of 9 to 15 digits, e.g. 4712345678') }).optional(),
    orderLines: z.array(OrderLine).min(1).max(200),
    returnUrl: z.url().max(2000).optional(),
  })
  .superRefine((order, ctx) => {
    if (!ORDER_CURRENCIES.includes(order.amount.currency as (typeof ORDER_CURRENCIES)[number])) {
      ctx.addIssue({ code: 'custom', path: ['amount', 'currency'], message: `must be one of ${ORDER_CURRENCIES.join(', ')} (wallet payments)` });
    }
    const ids = new Set<string>();
    order.orderLines.forEach((line, i) => {
      if (ids.has(line.id)) ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'id'], message: `duplicate order line id "${line.id}"` });
      ids.add(line.id);
      if (line.isReturn) ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'isReturn'], message: 'a new order cannot contain return lines' });
      if (line.totalAmount !== line.totalAmountExcludingTax + line.totalTaxAmount) {
        ctx.addIssue({ code: 'custom', path: ['orderLines', i, 'totalAmount'], message: 'must equal totalAmountExcludingTax + totalTaxAmount' });
      }
    });
    const sum = order.orderLines.reduce((acc, line) => acc + line.totalAmount, 0);
    if (sum !== order.amount.value) {
      ctx.addIssue({ code: 'custom', path: ['orderLines'], message: `line totals add up to ${sum}, but amount.value is ${order.amount.value}` });
    }
  });
export type PlaceOrderRequest = z.infer<typeof PlaceOrderRequest>;

/** Deadlines and timings of the lifecycle. Part of the workflow input so every run keeps the policy it started with. */
export interface OrderPolicy {
  /** How long Vipps gives the customer (10 minutes unless the sales unit has long-living payments). */
  paymentExpiryMs: number;
  /** How long past the expiry we wait for Vipps to say EXPIRED before cancelling with cancelTransactionOnly. */
  expiryGraceMs: number;
  /** Polling fallback for lost webhooks: first check after this long, then backoff up to pollMaxMs. */
  pollInitialMs: number;
  pollMaxMs: number;
  /** Capture deadline when Vipps gives no `captureGuaranteedUntil`. */
  captureDeadlineFallbackMs: number;
  /** Raise CAPTURE_DEADLINE_NEAR this long before the deadline. */
  captureDeadlineWarningMs: number;
  /** At the deadline: release what is unshipped (`cancel`) or hand the order to an operator (`hold`). */
  captureDeadlinePolicy: 'cancel' | 'hold';
  /** The order stays open for refunds this long after authorization (Vipps refunds up to 365 days). */
  refundWindowMs: number;
}

export interface OrderWorkflowInput {
  orderId: string;
  amount: Amount;
  description: string;
  orderLines: OrderLine[];
  /** Where Vipps sends the customer back: this service's return page for the order. */
  returnUrl: string;
  /** The shop's own page, linked from the return page once the payment is settled. */
  shopReturnUrl?: string;
  /** The customer's phone, sealed (encrypted) by the service so it never shows in history or the UI. */
  sealedCustomerPhone?: string;
  /** Hash of the placing request: a second POST with other content is refused, the same content joins. */
  requestFingerprint: string;
  policy: OrderPolicy;
}

export interface PlaceOrderResult {
  orderId: string;
  workflowId: string;
  redirectUrl: string;
}

// ---- commands (Updates) -------------------------------------------------------------------------

export const ShipRequest = z.object({
  shipmentId: ShipmentId,
  /** The lines in this shipment; none means everything not yet shipped. */
  orderLineIds: z.array(z.string().min(1)).min(1).max(200).optional(),
});
export type ShipRequest = z.infer<typeof ShipRequest>;

export const RefundRequest = z.object({ refundId: RefundId, amount: Amount });
export type RefundRequest = z.infer<typeof RefundRequest>;

export const CancelRequest = z.object({ reason: z.string().max(200).optional() });
export type CancelRequest = z.infer<typeof CancelRequest>;

export const PlaceOrderUpdateArgs = z.object({ requestFingerprint: z.string().min(1) });
export type PlaceOrderUpdateArgs = z.infer<typeof PlaceOrderUpdateArgs>;

// ---- wake-ups (Signals) -------------------------------------------------------------------------

/** What the webhook receiver passes on. Only a wake-up: the workflow re-reads the payment before acting. */
export const PaymentEventSignal = z.object({
  name: PaymentEventName,
  pspReference: z.string(),
  timestamp: z.string(),
  success: z.boolean(),
  amount: Amount.optional(),
  idempotencyKey: z.string().nullish(),
});
export type PaymentEventSignal = z.infer<typeof PaymentEventSignal>;

// ---- the view (Query) ---------------------------------------------------------------------------

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
  /** NOT_CAPTURED: the capture failed and the reservation was later released (an operator's decision). */
  status: 'CAPTURING' | 'CAPTURED' | 'CAPTURE_FAILED' | 'NOT_CAPTURED';
  shippedAt: string;
  capturedAt?: string;
  error?: OrderError;
}

export interface RefundView {
  refundId: string;
  amount: Money;
  status: 'REFUNDING' | 'REFUNDED' | 'REFUND_FAILED';
  requestedAt: string;
  refundedAt?: string;
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

export interface OrderView {
  orderId: string;
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
  alerts: OrderAlert[];
  /** What the order waits for now, in words. */
  waitingFor: string;
  /** The shop's page for this order, if it gave one when placing it. */
  shopReturnUrl?: string;
  failureReason?: string;
  /** When the workflow will close (end of the refund window), once known. */
  closesAt?: string;
  lastError?: OrderError;
  timeline: TimelineEntry[];
}

// ---- definitions --------------------------------------------------------------------------------

export const placeOrderUpdate = defineUpdate<PlaceOrderResult, [PlaceOrderUpdateArgs]>('placeOrder');
export const shipUpdate = defineUpdate<OrderView, [ShipRequest]>('ship');
export const cancelUpdate = defineUpdate<OrderView, [CancelRequest]>('cancel');
export const refundUpdate = defineUpdate<OrderView, [RefundRequest]>('refund');
/** Operator command: try failed captures again (after the cause was fixed). */
export const retryCaptureUpdate = defineUpdate<OrderView, []>('retryCapture');

export const paymentEventSignal = defineSignal<[PaymentEventSignal]>('paymentEvent');
export const customerReturnedSignal = defineSignal<[]>('customerReturned');

export const getOrderQuery = defineQuery<OrderView>('getOrder');

/** ApplicationFailure types the workflow uses to refuse or fail commands. */
export const FAILURE_TYPES = {
  /** The order's state does not allow the command (HTTP 409). */
  invalidState: 'OrderStateConflict',
  /** The command itself is malformed (HTTP 400). */
  invalidCommand: 'InvalidCommand',
  /** Vipps refused the money operation (HTTP 422 with the ErrorCode). */
  vippsRejected: 'VippsRejected',
  /** The payment could not be created (HTTP 502/422). */
  paymentCreateFailed: 'PaymentCreateFailed',
} as const;
