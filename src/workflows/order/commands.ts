/**
 * What each accepted command changes. Synchronous, called from Update and Signal handlers after
 * their validators passed; the workflow loop then sees the change at its next decision.
 */
import type { AcknowledgeRequest, CancelRequest, PaymentEventSignal, RefundRequest, ShipRequest } from '../messages/commandSchemas';
import { newMoneyOp, requestNextGeneration, resolveNow, waitsForLookup, type MoneyOp } from '../money/moneyOperation';
import { afterRelease, applyProof } from '../money/moneyOutcomes';
import { capturable, clearAlert, describeAmount, firstSighting, note, nowIso, openLines, refundRecord, requestReconcile, shipment, unexplainedCapture } from './orderBook';
import { isAuthorized, money, type OrderData, type RefundRecord, type ShipmentRecord } from './orderData';
import { operationKey } from '@vipps-orders/vipps/keys';

export function captureKey(order: OrderData, shipmentId: string, generation = 0): string {
  return operationKey({ reference: order.input.orderId, operation: 'capture', idKind: 'shipment', id: shipmentId, generation });
}

function voidKey(order: OrderData, generation: number): string {
  return operationKey({ reference: order.input.orderId, operation: 'void', idKind: 'sequence', id: '1', generation });
}

/** The key of a later generation of an operation that may get one (captures and the void). */
export function keyForGeneration(order: OrderData, op: MoneyOp, generation: number): string {
  if (op.kind === 'capture') return captureKey(order, op.id.slice('capture:'.length), generation);
  if (op.kind === 'void') return voidKey(order, generation);
  throw new Error(`${op.id} never gets a new key`);
}

export function refundKey(orderId: string, refundId: string): string {
  return operationKey({ reference: orderId, operation: 'refund', idKind: 'refund', id: refundId });
}

/** Registers a shipment and queues its capture; a known id returns the existing one. */
export function addShipment(order: OrderData, req: ShipRequest, now: number): ShipmentRecord {
  const existing = shipment(order, req.shipmentId);
  if (existing) return existing;
  const lineIds = req.orderLineIds ?? openLines(order).map((l) => l.id);
  let amount = 0;
  for (const id of lineIds) {
    const line = order.lines.find((l) => l.id === id)!;
    line.state = 'SHIPPED';
    line.shipmentId = req.shipmentId;
    amount += line.totalAmount;
  }
  const op = newMoneyOp({ id: `capture:${req.shipmentId}`, kind: 'capture', key: captureKey(order, req.shipmentId), amount: money(order, amount), at: nowIso(now) });
  order.ops.push(op);
  const record: ShipmentRecord = { shipmentId: req.shipmentId, orderLineIds: lineIds, amount: money(order, amount), shippedAt: nowIso(now), opId: op.id };
  order.shipments.push(record);
  note(order, now, `shipment ${req.shipmentId}`, `${lineIds.length} line(s), ${describeAmount(order, amount)}`);
  return record;
}

export function addRefund(order: OrderData, req: RefundRequest, now: number): RefundRecord {
  const existing = refundRecord(order, req.refundId);
  if (existing) return existing;
  const op = newMoneyOp({ id: `refund:${req.refundId}`, kind: 'refund', key: refundKey(order.input.orderId, req.refundId), amount: req.amount, at: nowIso(now) });
  order.ops.push(op);
  const record: RefundRecord = { refundId: req.refundId, amount: req.amount, requestedAt: nowIso(now), opId: op.id };
  order.refunds.push(record);
  note(order, now, `refund ${req.refundId} requested`, describeAmount(order, req.amount.value));
  return record;
}

export function requestCancel(order: OrderData, req: CancelRequest, now: number): void {
  if (order.cancel?.status === 'REQUESTED') return;
  order.cancel = { status: 'REQUESTED', ...(req.reason && { reason: req.reason }) };
  note(order, now, 'cancel requested', req.reason);
}

/**
 * An operator explains an alert: the unexplained amount it is about is recorded as acknowledged
 * (so the same amount never raises it again, a further one does) and the alert ends.
 */
export function acknowledge(order: OrderData, req: AcknowledgeRequest, now: number): void {
  const ack = (order.acknowledged ??= { extraCaptured: 0, missingCaptured: 0, records: [] });
  const { extra, missing } = unexplainedCapture(order);
  const amount = req.alert === 'OVER_CAPTURED' ? extra : req.alert === 'CAPTURE_MISMATCH' ? missing : undefined;
  if (req.alert === 'OVER_CAPTURED') ack.extraCaptured += extra;
  if (req.alert === 'CAPTURE_MISMATCH') ack.missingCaptured += missing;
  if (req.alert === 'RELEASE_FAILED') return acknowledgeLapsed(order, ack, req, now);
  ack.records.push({ alert: req.alert, reason: req.reason, at: nowIso(now), ...(amount !== undefined && { amount }) });
  clearAlert(order, req.alert);
  note(order, now, `${req.alert} acknowledged`, amount !== undefined ? `${describeAmount(order, amount)}: ${req.reason}` : req.reason);
}

/**
 * A release Vipps refused for good: what its figures still show reserved is recorded as lapsed (the
 * bank lets the reservation go after the capture deadline), and the order settles as if released.
 */
function acknowledgeLapsed(order: OrderData, ack: NonNullable<OrderData['acknowledged']>, req: AcknowledgeRequest, now: number): void {
  const amount = capturable(order);
  ack.lapsed = (ack.lapsed ?? 0) + amount;
  ack.records.push({ alert: req.alert, reason: req.reason, at: nowIso(now), amount });
  afterRelease(order, now, `the operator recorded ${describeAmount(order, amount)} as no longer reserved: ${req.reason}`);
}

/** Our own operation ids (release, void) come from one sequence. */
export function addOwnOp(order: OrderData, kind: 'release' | 'void', now: number): MoneyOp {
  if (kind === 'void') {
    // One void per order; a refused one is tried again with its next key, once the event log
    // shows the refused key did not cancel the payment after all.
    const existing = order.ops.find((o) => o.kind === 'void');
    if (existing) {
      requestNextGeneration(existing, nowIso(now));
      return existing;
    }
  }
  order.opSeq++;
  const id = kind === 'void' ? '1' : String(order.opSeq);
  const op = newMoneyOp({ id: `${kind}:${id}`, kind, key: operationKey({ reference: order.input.orderId, operation: kind, idKind: 'sequence', id }), at: nowIso(now) });
  order.ops.push(op);
  return op;
}

/**
 * Operator retry: a refused capture is queued for its next key, which it gets once the payment's
 * event log shows the refused key did not capture after all; an unknown outcome is resolved now,
 * always with its own key.
 */
export function retryOperations(order: OrderData, now: number, looksNow = false): MoneyOp[] {
  const touched: MoneyOp[] = [];
  for (const op of order.ops) {
    const released = order.shipments.some((s) => s.opId === op.id && s.released);
    if (op.kind === 'capture' && op.status === 'REFUSED' && !released) {
      requestNextGeneration(op, nowIso(now));
      note(order, now, 'capture retry requested', `${op.id}: the event log is checked for ${op.key} before a new key`);
      touched.push(op);
    } else if (op.status === 'UNKNOWN') {
      resolveNow(op, now);
      touched.push(op);
    } else if (looksNow && waitsForLookup(op, now)) {
      // The look in the event log before its next key failed and is backing off: look now.
      op.nextAttemptAt = now;
      note(order, now, 'retry requested', `${op.id}: the event log is checked for ${op.key} now`);
      touched.push(op);
    }
  }
  if (looksNow && !isAuthorized(order) && order.alerts.includes('PAYMENT_UNRESOLVED')) {
    order.pending.wake = 'an operator asked for a look';
    note(order, now, 'retry requested', 'the payment is looked at now');
  }
  return touched;
}

/**
 * A webhook. While the payment is pending it asks for a look. Afterwards, an event with one of
 * our keys is proof of that operation's outcome; any other money event means money moved outside
 * this workflow, so the payment is read again.
 */
export function onPaymentEvent(order: OrderData, evt: PaymentEventSignal, now: number): void {
  if (!firstSighting(order, `${evt.name}:${evt.pspReference}`)) return;
  note(order, now, `webhook ${evt.name}`, evt.success ? undefined : 'success=false');
  if (evt.name === 'CREATED') return;
  const ours = order.ops.find((o) => o.key === evt.idempotencyKey);
  if (ours) {
    if (applyProof(order, ours, [evt], now, 'webhook') && isAuthorized(order)) requestReconcile(order, now);
    return;
  }
  if (!isAuthorized(order)) {
    order.pending.wake ??= `webhook ${evt.name}`;
    return;
  }
  if (['CAPTURED', 'REFUNDED', 'CANCELLED'].includes(evt.name)) requestReconcile(order, now);
}
