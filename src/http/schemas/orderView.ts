/**
 * The order view as zod, for the OpenAPI document and the contract tests. The workflow keeps its
 * own TypeScript interfaces (src/workflows/messages/views.ts: workflow code stays free of the HTTP layer);
 * the assertions at the end make the compiler refuse any difference between the two in either
 * direction, so there is still one shape: change one and `npm run typecheck` names the other.
 */
import { z } from 'zod';
import { Currency, PaymentState } from '@vipps-orders/vipps/schemas';
import { ORDER_ALERTS, ORDER_STATUSES, type OrderView as WorkflowOrderView } from '../../workflows/messages/views';
import { SETTLEMENT_FINDINGS } from '../../workflows/messages/settlement';

const Timestamp = z.string().meta({ description: 'RFC 3339 date-time (UTC)', format: 'date-time' });
const MinorUnits = z.int().meta({ description: 'minor units (øre, cents)' });

export const Money = z.object({ value: MinorUnits, currency: Currency }).meta({ id: 'Money', description: 'An amount in minor units (e.g. 54800 = NOK 548.00)' });

export const OrderError = z
  .object({
    at: Timestamp,
    step: z.string(),
    message: z.string(),
    status: z.int().optional().meta({ description: 'HTTP status Vipps answered with' }),
    errorCode: z.int().optional().meta({ description: 'Vipps ErrorCode, e.g. 6090' }),
  })
  .meta({ id: 'OrderError', description: 'What went wrong in a step, with the Vipps status and ErrorCode when Vipps refused' });

const TimelineEntry = z.object({ at: Timestamp, step: z.string(), detail: z.string().optional() });

const ShipmentView = z.object({
  shipmentId: z.string(),
  orderLineIds: z.array(z.string()),
  amount: Money,
  status: z.enum(['CAPTURING', 'CAPTURED', 'CAPTURE_FAILED', 'CAPTURE_UNKNOWN', 'NOT_CAPTURED']),
  shippedAt: Timestamp,
  capturedAt: Timestamp.optional(),
  idempotencyKey: z.string().meta({ description: 'the capture’s Idempotency-Key, as in the Vipps portal and event log' }),
  error: OrderError.optional(),
});

export const RefundView = z
  .object({
    refundId: z.string(),
    amount: Money,
    status: z.enum(['REFUNDING', 'REFUNDED', 'REFUND_FAILED', 'REFUND_UNKNOWN']),
    requestedAt: Timestamp,
    refundedAt: Timestamp.optional(),
    idempotencyKey: z.string(),
    error: OrderError.optional(),
  })
  .meta({ id: 'RefundView' });

const OrderLineView = z.object({
  id: z.string(),
  name: z.string(),
  totalAmount: MinorUnits,
  state: z.enum(['OPEN', 'SHIPPED', 'CANCELLED']),
  shipmentId: z.string().optional(),
});

const CancelView = z.object({ status: z.enum(['REQUESTED', 'DONE', 'FAILED']), reason: z.string().optional(), error: OrderError.optional() });

const MoneyOperationView = z.object({
  id: z.string(),
  kind: z.enum(['capture', 'refund', 'release', 'void']),
  status: z.enum(['QUEUED', 'IN_FLIGHT', 'DONE', 'REFUSED', 'UNKNOWN']),
  idempotencyKey: z.string(),
  amount: Money.optional(),
  attempts: z.int(),
  resolvedBy: z.enum(['answer', 'event-log', 'webhook']).optional(),
  error: OrderError.optional(),
});

const SettlementFinding = z
  .object({
    kind: z.enum(SETTLEMENT_FINDINGS),
    payoutId: z.string().optional().meta({ description: 'the payout it was found in; absent for not-paid-out' }),
    amount: MinorUnits.meta({ description: 'the money the finding is about, positive' }),
    detail: z.string(),
  })
  .meta({ id: 'SettlementFinding', description: 'What reconciliation flagged; docs/operations.md says what to do about each kind' });

const OrderSettlement = z
  .object({
    payouts: z.array(
      z.object({
        ledgerId: z.string(),
        payoutId: z.string(),
        ledgerDates: z.array(z.string()),
        currency: z.string(),
        captured: z.int(),
        refunded: z.int(),
        disputed: z.int(),
        corrected: z.int(),
        fees: z.int(),
        net: z.int(),
      }),
    ),
    findings: z.array(SettlementFinding),
  })
  .meta({ id: 'OrderSettlement', description: 'The payouts that carried the order’s money (minor units, this order’s part only) and what reconciliation flagged; absent until a payout carried it' });

export const OrderView = z
  .object({
    orderId: z.string(),
    salesUnit: z.string().optional().meta({ description: 'the sales unit the order belongs to (with SALES_UNITS_FILE)' }),
    workflowId: z.string(),
    status: z.enum(ORDER_STATUSES),
    amount: Money,
    description: z.string(),
    payment: z.object({
      reference: z.string(),
      state: PaymentState.optional().meta({ description: 'the Vipps payment state; stays AUTHORIZED after captures (see aggregate)' }),
      redirectUrl: z.string().optional().meta({ description: 'the Vipps landing page for the customer' }),
      aggregate: z.object({ authorized: MinorUnits, captured: MinorUnits, cancelled: MinorUnits, refunded: MinorUnits }),
      captureDeadline: Timestamp.optional(),
      captureDeadlineSource: z.enum(['vipps', 'policy']).optional(),
    }),
    receipt: z.object({ status: z.enum(['PENDING', 'ATTACHED', 'FAILED']), error: OrderError.optional() }),
    orderLines: z.array(OrderLineView),
    shipments: z.array(ShipmentView),
    refunds: z.array(RefundView),
    operations: z.array(MoneyOperationView).meta({ description: 'captures, refunds and releases as sent to Vipps, with their outcome' }),
    cancel: CancelView.optional(),
    alerts: z.array(z.enum(ORDER_ALERTS)),
    waitingFor: z.string().meta({ description: 'what the order waits for now, in words' }),
    busy: z.boolean().meta({ description: 'true while the order is talking to Vipps' }),
    shopReturnUrl: z.string().optional(),
    failureReason: z.string().optional(),
    settled: z.boolean().meta({ description: 'nothing is reserved or unresolved, and the order’s workflow has ended' }),
    lastError: OrderError.optional(),
    timeline: z.array(TimelineEntry).meta({ description: 'what happened, oldest first; for an open order read without `live=true`, the newest entries only' }),
    asOf: Timestamp.optional().meta({
      description:
        'set when an open order was read without asking its worker: the order’s time when it last waited with something new to show ' +
        '(a money call in flight since then is not in this view yet), or its start for an order still waiting for its payment; `?live=true` asks the order itself.',
    }),
    settlement: OrderSettlement.optional(),
  })
  .meta({ id: 'OrderView', description: 'An order as callers see it' });

// ---- one shape: the compiler refuses any difference from the workflow's interfaces ----------------
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function sameShape<T extends true>(): T | undefined {
  return undefined;
}
sameShape<Same<z.output<typeof OrderView>, WorkflowOrderView>>();
