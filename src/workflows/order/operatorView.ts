/**
 * What operators and callers see: the order view, the search attributes (one upsert per step, and
 * only when something operators filter on changed) and the current details in the Temporal UI.
 */
import { setCurrentDetails, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import { formatMoney } from '../messages/money';
import { attentionReason, derivedStatus, isSettled } from './orderRules';
import { addAlert, capturable, refundStatus, setAlert, setStatus, shipmentStatus } from './orderBook';
import { isAuthorized, type OrderData } from './orderData';
import { CaptureDeadline, OrderAlerts, OrderStatusAttribute } from '../messages/searchAttributes';
import type { OrderView } from '../messages/views';
import { compactView, substanceOf, VIEW_MEMO_KEY } from '../messages/viewMemo';

/** Alerts and status that follow from the operations; called after every step. */
export function refresh(order: OrderData, now: number): void {
  setAlert(order, 'OUTCOME_UNKNOWN', order.ops.some((o) => o.status === 'UNKNOWN'));
  setAlert(order, 'CAPTURE_FAILED', order.shipments.some((s) => shipmentStatus(order, s) === 'CAPTURE_FAILED'));
  const lastRefund = order.refunds.at(-1);
  setAlert(order, 'REFUND_FAILED', lastRefund !== undefined && refundStatus(order, lastRefund) === 'REFUND_FAILED');
  if (isAuthorized(order)) {
    setStatus(order, now, derivedStatus(order), attentionReason(order));
    return;
  }
  const voidOp = order.ops.find((o) => o.kind === 'void');
  if (order.status === 'PENDING_PAYMENT' && voidOp?.status === 'UNKNOWN' && voidOp.escalated) {
    addAlert(order, 'PAYMENT_UNRESOLVED');
    setStatus(order, now, 'NEEDS_ATTENTION', 'the payment could not be cancelled after its expiry');
  }
}

export class OperatorView {
  /** The client set the starting search attributes; only changes after that are upserted. */
  private flushedVersion = 0;
  /** What the memo's view last said that a reader acts on: written again only when that differs. */
  private publishedSubstance: string | undefined;

  constructor(private readonly order: OrderData) {}

  /** Upserts the search attributes if they changed, and always refreshes the current details. */
  flush(waitingFor: string): void {
    const o = this.order;
    if (o.searchVersion !== this.flushedVersion) {
      this.flushedVersion = o.searchVersion;
      upsertSearchAttributes([
        { key: OrderStatusAttribute, value: o.status },
        { key: OrderAlerts, value: [...o.alerts] },
        ...(o.payment.captureDeadline !== undefined ? [{ key: CaptureDeadline, value: new Date(o.payment.captureDeadline) }] : []),
      ]);
    }
    const currency = o.input.amount.currency;
    const lines = [
      `**Status:** ${o.status}`,
      `**Waiting for:** ${waitingFor}`,
      `**Captured:** ${formatMoney({ value: o.payment.aggregate.captured, currency })} of ${formatMoney(o.input.amount)}` +
        (o.payment.aggregate.refunded ? `, refunded ${formatMoney({ value: o.payment.aggregate.refunded, currency })}` : ''),
    ];
    if (o.payment.captureDeadline !== undefined) lines.push(`**Capture deadline:** ${new Date(o.payment.captureDeadline).toISOString()} (${o.payment.captureDeadlineSource})`);
    if (o.alerts.length) lines.push(`**Alerts:** ${o.alerts.join(', ')}`);
    const open = o.ops.filter((op) => op.status === 'UNKNOWN');
    if (open.length) lines.push(`**Unresolved:** ${open.map((op) => `${op.id} (key ${op.key}, ${op.attempts} attempt(s))`).join('; ')}`);
    if (o.lastError) lines.push(`**Last error:** ${o.lastError.step}: ${o.lastError.message}`);
    setCurrentDetails(lines.join('\n\n'));
  }

  /**
   * Writes the compact view to the memo, so that reading the open order costs no Query. Called
   * whenever the order waits; written only when something a reader acts on changed (status,
   * money, shipments, refunds, operations, alerts, errors), because each write is a billed Action
   * and a history event. A plain pending order writes none: its start memo and search attributes
   * say all there is. Orders placed before the memo existed (input without `viewMemo`) write none.
   */
  publish(waitingFor: string, now: number): void {
    const o = this.order;
    if (!o.input.viewMemo) return;
    const compact = compactView(orderView(o, waitingFor, false), new Date(now).toISOString());
    const substance = substanceOf(compact);
    if (substance === this.publishedSubstance) return;
    if (this.publishedSubstance === undefined && o.status === 'PENDING_PAYMENT' && o.alerts.length === 0 && o.ops.length === 0) return;
    this.publishedSubstance = substance;
    upsertMemo({ [VIEW_MEMO_KEY]: compact });
  }
}

export function orderView(order: OrderData, waitingFor: string, busy = false): OrderView {
  const { input } = order;
  const view: OrderView = {
    orderId: input.orderId,
    workflowId: order.workflowId,
    status: order.status,
    amount: input.amount,
    description: input.description,
    payment: {
      reference: input.orderId,
      ...(order.payment.state && { state: order.payment.state }),
      ...(order.payment.redirectUrl && { redirectUrl: order.payment.redirectUrl }),
      aggregate: { ...order.payment.aggregate },
      ...(order.payment.captureDeadline !== undefined && { captureDeadline: new Date(order.payment.captureDeadline).toISOString() }),
      ...(order.payment.captureDeadlineSource && { captureDeadlineSource: order.payment.captureDeadlineSource }),
    },
    receipt: { ...order.receipt },
    orderLines: order.lines.map((l) => ({ ...l })),
    shipments: order.shipments.map((s) => {
      const op = order.ops.find((x) => x.id === s.opId)!;
      return {
        shipmentId: s.shipmentId,
        orderLineIds: [...s.orderLineIds],
        amount: s.amount,
        status: shipmentStatus(order, s),
        shippedAt: s.shippedAt,
        ...(op.status === 'DONE' && op.settledAt && { capturedAt: op.settledAt }),
        idempotencyKey: op.key,
        ...(op.error && op.status !== 'DONE' && { error: op.error }),
      };
    }),
    refunds: order.refunds.map((r) => {
      const op = order.ops.find((x) => x.id === r.opId)!;
      return {
        refundId: r.refundId,
        amount: r.amount,
        status: refundStatus(order, r),
        requestedAt: r.requestedAt,
        ...(op.status === 'DONE' && op.settledAt && { refundedAt: op.settledAt }),
        idempotencyKey: op.key,
        ...(op.error && op.status !== 'DONE' && { error: op.error }),
      };
    }),
    operations: order.ops.map((op) => ({
      id: op.id,
      kind: op.kind,
      status: op.status,
      idempotencyKey: op.key,
      ...(op.amount && { amount: op.amount }),
      attempts: op.attempts,
      ...(op.resolvedBy && { resolvedBy: op.resolvedBy }),
      ...(op.error && { error: op.error }),
    })),
    ...(order.cancel && { cancel: { ...order.cancel } }),
    alerts: [...order.alerts],
    waitingFor,
    busy,
    settled: isSettled(order) && capturable(order) === 0,
    timeline: order.timeline.map((t) => ({ ...t })),
  };
  if (order.failureReason) view.failureReason = order.failureReason;
  if (input.shopReturnUrl) view.shopReturnUrl = input.shopReturnUrl;
  if (order.lastError) view.lastError = { ...order.lastError };
  return view;
}
