/**
 * What callers send an order, parsed by zod: once at the edge (HTTP API, OrderClient) and again in
 * the workflow's Update validators, so a bad command never reaches history. Also the workflow input.
 */
import { z } from 'zod';
import { Amount, REFERENCE_PATTERN } from '@vipps-orders/vipps/schemas';
import { PaymentEventName } from '@vipps-orders/vipps/schemas';
import { OrderLine } from '@vipps-orders/vipps/schemas';
import { OPERATION_ID_PATTERN } from '@vipps-orders/vipps/keys';
import type { OrderSnapshot } from './orderData';

/** The order id is the Vipps `reference`, so it must satisfy the reference pattern. */
export const OrderId = z.string().regex(REFERENCE_PATTERN, 'must match ^[a-zA-Z0-9-]{8,64}$ (it is the Vipps reference)');
/** Shipment and refund ids end up in Idempotency-Keys, hence the narrow alphabet. */
const CommandId = z.string().regex(OPERATION_ID_PATTERN, 'must match ^[a-zA-Z0-9-]{1,64}$');
export const ShipmentId = CommandId;
export const RefundId = CommandId;

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

export const ShipRequest = z.strictObject({
  shipmentId: ShipmentId,
  /** The lines in this shipment; none means everything not yet shipped. */
  orderLineIds: z.array(z.string().min(1)).min(1).max(200).optional(),
});
export type ShipRequest = z.infer<typeof ShipRequest>;

export const RefundRequest = z.strictObject({ refundId: RefundId, amount: Amount });
export type RefundRequest = z.infer<typeof RefundRequest>;

export const CancelRequest = z.strictObject({ reason: z.string().max(200).optional() });
export type CancelRequest = z.infer<typeof CancelRequest>;

export const PlaceOrderUpdateArgs = z.object({ requestFingerprint: z.string().min(1) });
export type PlaceOrderUpdateArgs = z.infer<typeof PlaceOrderUpdateArgs>;

/** What the webhook receiver passes on. Only a wake-up or a proof for our own key; the workflow re-reads before acting. */
export const PaymentEventSignal = z.object({
  name: PaymentEventName,
  pspReference: z.string(),
  timestamp: z.string(),
  success: z.boolean(),
  amount: Amount.optional(),
  idempotencyKey: z.string().nullish(),
});
export type PaymentEventSignal = z.infer<typeof PaymentEventSignal>;

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
  /** Continue as new once the history is this long (a run never grows without bound). */
  continueAsNewAfterEvents: number;
  /** How long a Vipps call is retried with its key before its outcome counts as unknown. */
  callRetryWindowMs: number;
  /** First wait before an unknown outcome is tried again with the same key; later waits grow sixfold, up to an hour. */
  unknownRetryBaseMs: number;
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
  /** Set only by continue-as-new: the state the previous run ended with. */
  resume?: OrderSnapshot;
}

export interface PlaceOrderResult {
  orderId: string;
  workflowId: string;
  redirectUrl: string;
}
