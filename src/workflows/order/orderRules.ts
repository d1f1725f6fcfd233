/**
 * The rules: which status the order is in, whether it is settled, and which commands it accepts.
 * Update validators and handlers share these checks, so a command refused by the validator never
 * reaches history and one accepted cannot be refused later for the same reason.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import { FAILURE_TYPES } from '../messages/failureTypes';
import { formatMoney } from '../messages/money';
import { isOpen } from '../money/moneyOperation';
import { capturable, openLines, openOps, refundRecord, refundable, releasing, shipment, shipmentStatus } from './orderBook';
import { isAuthorized, type OrderData } from './orderData';
import type { AcknowledgeRequest, RefundRequest, ShipRequest } from '../messages/commandSchemas';
import { FINAL_STATUSES, SHIPPABLE_STATUSES } from '../messages/statusGroups';
import type { OrderStatus } from '../messages/views';


export function isFinal(status: OrderStatus): boolean {
  return FINAL_STATUSES.has(status);
}

function conflict(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FAILURE_TYPES.invalidState, nonRetryable: true });
}

function invalid(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, type: FAILURE_TYPES.invalidCommand, nonRetryable: true });
}

/** Why an operator is needed, or undefined. */
export function attentionReason(order: OrderData): string | undefined {
  if (order.alerts.includes('PAYMENT_UNRESOLVED')) return 'the payment could not be checked or cancelled after its expiry';
  if (order.ops.some((o) => o.status === 'UNKNOWN' && o.escalated)) return 'a money operation has no confirmed outcome yet';
  if (order.alerts.includes('OVER_CAPTURED') || order.alerts.includes('CAPTURE_MISMATCH')) return 'Vipps shows another captured amount than this order expects';
  if (order.shipments.some((s) => shipmentStatus(order, s) === 'CAPTURE_FAILED')) return 'a capture was refused after shipment';
  if (order.alerts.includes('RELEASE_FAILED')) return 'Vipps refused to release the reservation';
  if (order.alerts.includes('CAPTURE_DEADLINE_PASSED') && openLines(order).length > 0) return 'the capture deadline passed with unshipped lines';
  return undefined;
}

/**
 * The status the order's data implies, once authorized. Final statuses need every line shipped
 * or cancelled, no operation open, and nothing left reserved.
 */
export function derivedStatus(order: OrderData): OrderStatus {
  if (!isAuthorized(order)) return order.status;
  if (attentionReason(order)) return 'NEEDS_ATTENTION';
  const captured = order.shipments.some((s) => shipmentStatus(order, s) === 'CAPTURED');
  const linesDone = openLines(order).length === 0;
  if (linesDone && openOps(order).length === 0 && capturable(order) === 0 && order.cancel?.status !== 'REQUESTED') {
    return captured ? 'COMPLETED' : 'CANCELLED';
  }
  return captured ? 'PARTIALLY_SHIPPED' : 'AWAITING_SHIPMENT';
}

/** Settled: a final status and nothing open. The workflow ends here. */
export function isSettled(order: OrderData): boolean {
  return isFinal(order.status) && openOps(order).length === 0 && order.cancel?.status !== 'REQUESTED';
}

// ---- command checks ---------------------------------------------------------------------------

export function checkShip(order: OrderData, req: ShipRequest): void {
  const existing = shipment(order, req.shipmentId);
  if (existing) {
    // A retried call: fine when it asks for the same thing.
    if (req.orderLineIds && !sameSet(req.orderLineIds, existing.orderLineIds)) {
      throw conflict(`shipment ${req.shipmentId} already exists with other order lines`);
    }
    return;
  }
  if (!SHIPPABLE_STATUSES.has(order.status)) throw conflict(`cannot ship an order that is ${order.status}`);
  // Shipping is what captures: an unpaid order (still pending, or unresolved after its expiry) has nothing to capture from.
  if (!isAuthorized(order)) throw conflict('the payment is not authorized; nothing can be shipped (captured) yet');
  if (order.alerts.includes('OVER_CAPTURED')) throw conflict(OVER_CAPTURED_BLOCKS);
  if (releasing(order)) throw conflict('the reservation is being released (the order is being cancelled); nothing more can be shipped');
  const open = openLines(order);
  if (open.length === 0) throw conflict('every order line is already shipped or cancelled');
  for (const id of req.orderLineIds ?? []) {
    const line = order.lines.find((l) => l.id === id);
    if (!line) throw invalid(`orderLineIds: unknown order line "${id}"`);
    if (line.state !== 'OPEN') throw conflict(`order line "${id}" is already ${line.state.toLowerCase()}`);
  }
  if (req.orderLineIds && new Set(req.orderLineIds).size !== req.orderLineIds.length) throw invalid('orderLineIds: contains duplicates');
  if (order.input.policy.fullCaptureOnly && req.orderLineIds) {
    const left = open.filter((l) => l.totalAmount > 0 && !req.orderLineIds!.includes(l.id));
    if (left.length > 0) {
      throw conflict(`orderLineIds: this sales unit captures in full (Vipps refuses a partial capture, 6140); ship every open line at once (left out: ${left.map((l) => l.id).join(', ')})`);
    }
  }
}

export function checkCancel(order: OrderData): void {
  if (order.cancel?.status === 'REQUESTED') return;
  if (isFinal(order.status)) throw conflict(`cannot cancel an order that is ${order.status}`);
  if (order.create.status !== 'DONE') throw conflict('the payment is not created yet');
  if (!isAuthorized(order)) return;
  const failedCaptures = order.shipments.some((s) => shipmentStatus(order, s) === 'CAPTURE_FAILED');
  if (openLines(order).length === 0 && !failedCaptures && capturable(order) === 0) {
    throw conflict('nothing is left to cancel: every order line is shipped');
  }
}

export function checkRefund(order: OrderData, req: RefundRequest): void {
  const existing = refundRecord(order, req.refundId);
  if (existing) {
    if (existing.amount.value !== req.amount.value || existing.amount.currency !== req.amount.currency) {
      throw conflict(`refund ${req.refundId} already exists with another amount`);
    }
    return;
  }
  const currency = order.input.amount.currency;
  if (req.amount.currency !== currency) throw invalid(`amount.currency: must be ${currency}, the order's currency`);
  if (req.amount.value <= 0) throw invalid('amount.value: must be greater than 0');
  if (isFinal(order.status)) throw conflict(`the order is ${order.status}; refunds now run on their own`);
  if (order.payment.aggregate.captured === 0) throw conflict('nothing has been captured, so nothing can be refunded');
  const available = refundable(order);
  if (req.amount.value > available) {
    throw conflict(`amount ${formatMoney(req.amount)} exceeds what can be refunded (${formatMoney({ value: available, currency })})`);
  }
}

export function checkRetry(order: OrderData): void {
  const refusedCapture = order.ops.some((o) => o.kind === 'capture' && o.status === 'REFUSED' && !shipmentReleased(order, o.id));
  if (refusedCapture && order.alerts.includes('OVER_CAPTURED')) throw conflict(OVER_CAPTURED_BLOCKS);
  if (refusedCapture || order.ops.some((o) => o.status === 'UNKNOWN')) return;
  // Vipps is back before the order's backoff says so: the operator's way to make it look now.
  if (order.alerts.includes('PAYMENT_UNRESOLVED') || order.ops.some((o) => o.status === 'QUEUED' && o.renewKey === true && o.nextAttemptAt !== undefined)) return;
  throw conflict('no refused capture, unresolved operation or failed look to retry');
}

/** Vipps' captured total already exceeds what the order asked for: no capture until that is explained. */
export const OVER_CAPTURED_BLOCKS = 'Vipps shows more captured than this order asked for: no new capture until an operator acknowledges it (acknowledge OVER_CAPTURED)';

export function checkAcknowledge(order: OrderData, req: AcknowledgeRequest): void {
  if (!order.alerts.includes(req.alert)) {
    throw conflict(`no ${req.alert} alert to acknowledge (alerts: ${order.alerts.join(', ') || 'none'})`);
  }
  if (req.alert === 'RELEASE_FAILED' && order.ops.some((o) => o.kind === 'release' && isOpen(o))) {
    throw conflict('a release is still being sent or resolved; acknowledge once Vipps has answered it');
  }
}

function shipmentReleased(order: OrderData, opId: string): boolean {
  return order.shipments.some((s) => s.opId === opId && s.released === true);
}

export function hasOpenOp(order: OrderData): boolean {
  return order.ops.some(isOpen);
}

function sameSet(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
