/**
 * What a settled money operation means for the order: a capture confirms its shipment, a release
 * cancels what is unshipped, a void ends a payment that was never authorized. Synchronous state
 * changes, applied whichever proof settled the operation (the answer, the event log, a webhook).
 */
import { proofIn, settleDone, settleRefused, type MoneyOp, type PaymentEventEvidence } from './moneyOperation';
import { addAlert, capturable, clearAlert, describeAmount, note, nowIso, recordError, requestReconcile, setStatus } from '../order/orderBook';
import type { OrderData } from '../order/orderData';
import type { OrderError } from '../messages/views';

/** The order after its reservation was released: unshipped lines are cancelled, refused captures will never happen. */
export function afterRelease(order: OrderData, now: number, why: string): void {
  for (const line of order.lines) if (line.state === 'OPEN') line.state = 'CANCELLED';
  for (const s of order.shipments) {
    const capture = order.ops.find((o) => o.id === s.opId);
    if (capture?.status === 'REFUSED') s.released = true;
  }
  for (const alert of ['CAPTURE_FAILED', 'CAPTURE_DEADLINE_NEAR', 'CAPTURE_DEADLINE_PASSED', 'RELEASE_FAILED'] as const) clearAlert(order, alert);
  if (order.cancel?.status === 'REQUESTED') order.cancel.status = 'DONE';
  note(order, now, 'reservation released', why);
}

export function opDone(order: OrderData, op: MoneyOp, now: number, by: NonNullable<MoneyOp['resolvedBy']>): void {
  settleDone(op, nowIso(now), by);
  const how = by === 'answer' ? undefined : `confirmed by the ${by}`;
  switch (op.kind) {
    case 'capture':
      note(order, now, `captured ${describeAmount(order, op.amount!.value)}`, [op.id, how].filter(Boolean).join(', '));
      return;
    case 'refund':
      note(order, now, `refunded ${describeAmount(order, op.amount!.value)}`, [op.id, how].filter(Boolean).join(', '));
      return;
    case 'release':
      afterRelease(order, now, how ?? op.id);
      return;
    case 'void':
      order.payment.state = 'TERMINATED';
      endUnauthorized(order, now, 'the payment was cancelled before it was authorized');
      return;
  }
}

export function opRefused(order: OrderData, op: MoneyOp, error: OrderError, now: number, by: NonNullable<MoneyOp['resolvedBy']> = 'answer'): void {
  settleRefused(op, error, nowIso(now), by);
  recordError(order, now, error);
  switch (op.kind) {
    case 'capture':
    case 'refund':
      return;
    case 'release':
      // Perhaps nothing was left (our amounts were stale): look, and let an operator decide otherwise.
      requestReconcile(order, now);
      if (order.cancel?.status === 'REQUESTED') order.cancel = { ...order.cancel, status: 'FAILED', error };
      addAlert(order, 'RELEASE_FAILED');
      return;
    case 'void':
      // 6060: authorized after all. Otherwise the payment may have ended already. Either way, look.
      order.pending.wake = error.errorCode === 6060 ? 'the payment was authorized while we cancelled it (6060)' : 'the cancel was refused';
      return;
  }
}

/**
 * A payment that ended without authorization (rejected, expired, or cancelled while pending). A
 * cancel the merchant asked for is done: nothing was ever reserved.
 */
export function endUnauthorized(order: OrderData, now: number, reason: string): void {
  const voidOp = order.ops.find((o) => o.kind === 'void');
  if (voidOp && (voidOp.status === 'QUEUED' || voidOp.status === 'UNKNOWN')) {
    // Moot now: the payment is final, so cancelling it can change nothing.
    if (order.payment.state === 'TERMINATED') settleDone(voidOp, nowIso(now), 'answer');
    else settleRefused(voidOp, { at: nowIso(now), step: 'void', message: `the payment is ${order.payment.state}` }, nowIso(now));
  }
  closeUnpaid(order, now);
  clearAlert(order, 'PAYMENT_UNRESOLVED');
  if (order.cancel?.status === 'REQUESTED') {
    order.cancel.status = 'DONE';
    order.failureReason = order.cancel.reason ? `cancelled by the merchant: ${order.cancel.reason}` : 'cancelled by the merchant';
    setStatus(order, now, 'CANCELLED', reason);
    return;
  }
  order.failureReason ??= reason;
  setStatus(order, now, 'PAYMENT_FAILED', reason);
}

/**
 * Captures and refunds still open on a payment that ended unauthorized can never be sent: they are
 * refused here (older runs accepted a shipment before the payment was authorized).
 */
export function closeUnpaid(order: OrderData, now: number): void {
  for (const op of order.ops) {
    if ((op.kind === 'capture' || op.kind === 'refund') && (op.status === 'QUEUED' || op.status === 'UNKNOWN')) {
      settleRefused(op, { at: nowIso(now), step: op.kind, message: `not sent: the payment is ${order.payment.state ?? 'not authorized'}` }, nowIso(now));
      // Nothing was reserved, so nothing will ever be captured for it (NOT_CAPTURED, no CAPTURE_FAILED alert).
      for (const s of order.shipments) if (s.opId === op.id) s.released = true;
    }
  }
}

/** After a fresh read: a failed release whose money is gone anyway counts as released. */
export function afterReconcile(order: OrderData, now: number): void {
  if (order.alerts.includes('RELEASE_FAILED') && capturable(order) === 0) afterRelease(order, now, 'nothing was left to release');
  if (order.alerts.includes('CAPTURE_DEADLINE_NEAR') && capturable(order) === 0) clearAlert(order, 'CAPTURE_DEADLINE_NEAR');
}

/** Settles the operation from the event log or a webhook, when they prove its outcome. */
export function applyProof(order: OrderData, op: MoneyOp, events: readonly PaymentEventEvidence[], now: number, by: 'event-log' | 'webhook'): boolean {
  const proof = proofIn(op, events);
  if (proof === 'done') opDone(order, op, now, by);
  else if (proof === 'refused') opRefused(order, op, { at: nowIso(now), step: op.kind, message: `Vipps recorded the ${op.kind} with key ${op.key} as failed` }, now, by);
  return proof !== undefined;
}
