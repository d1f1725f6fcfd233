/** The order's one decision, without Temporal: what comes next for a given state and time. */
import { addOwnOp, addRefund, addShipment, requestCancel } from '../../../src/workflows/order/commands';
import { opRefused } from '../../../src/workflows/money/moneyOutcomes';
import { markUnknown, scheduleRetry, startAttempt } from '../../../src/workflows/money/moneyOperation';
import { nextStep, type Step } from '../../../src/workflows/order/nextStep';
import { newOrderData, type OrderData } from '../../../src/workflows/order/orderData';
import { applyPaymentRead } from '../../../src/workflows/money/paymentSteps';
import { sampleOrder, testPolicy } from '../../support/orders';

const T0 = Date.parse('2026-11-28T10:00:00Z');

function order(policy = {}): OrderData {
  const req = sampleOrder('order-12345678');
  return newOrderData({ ...req, returnUrl: 'https://shop.example/return', requestFingerprint: 'fp', policy: testPolicy({ pollInitialMs: 5_000, ...policy }) }, 'order-order-12345678', T0);
}

/** The id and key of the operation a `send` step sends. */
function sentOp(step: Step): [string, string] | undefined {
  return step.kind === 'send' ? [step.op.id, step.op.key] : undefined;
}

function created(o: OrderData): OrderData {
  o.create = { status: 'DONE' };
  o.payment.state = 'CREATED';
  return o;
}

function authorized(o: OrderData, now = T0): OrderData {
  created(o);
  applyPaymentRead(o, { state: 'AUTHORIZED', aggregate: { authorized: 54_800, captured: 0, cancelled: 0, refunded: 0 } }, now);
  return o;
}

test('first the payment is created, then the order waits for the customer until the first poll', () => {
  const o = order();
  expect(nextStep(o, T0)).toEqual({ kind: 'create' });
  created(o);
  expect(nextStep(o, T0)).toEqual(expect.objectContaining({ kind: 'wait', until: T0 + 5_000 }));
  expect(nextStep(o, T0 + 5_000)).toEqual({ kind: 'read', why: 'polling' });
});

test('a cancel requested while the payment is pending: a look already asked for comes first, then the void', () => {
  const o = created(order());
  o.pending.wake = 'webhook AUTHORIZED';
  requestCancel(o, {}, T0);
  expect(nextStep(o, T0)).toEqual({ kind: 'read', why: 'webhook AUTHORIZED' });
  applyPaymentRead(o, { state: 'CREATED', aggregate: { authorized: 0, captured: 0, cancelled: 0, refunded: 0 } }, T0, true);
  delete o.pending.wake;
  expect(nextStep(o, T0)).toEqual({ kind: 'enqueueVoid' });
});

test('a cancel that arrives while the read is in flight still releases once the read says AUTHORIZED', () => {
  const o = created(order());
  requestCancel(o, {}, T0); // arrived while the read ran
  applyPaymentRead(o, { state: 'AUTHORIZED', aggregate: { authorized: 54_800, captured: 0, cancelled: 0, refunded: 0 } }, T0);
  expect(nextStep(o, T0)).toEqual(expect.objectContaining({ kind: 'enqueueRelease' }));
});

test('money operations run in order: a release waits behind the captures before it', () => {
  const o = authorized(order());
  addShipment(o, { shipmentId: 'a', orderLineIds: ['socks'] }, T0);
  requestCancel(o, {}, T0);
  expect(sentOp(nextStep(o, T0))).toEqual(['capture:a', 'order-12345678.capture.s.a']);
});

test('nothing overtakes an operation whose outcome is unknown; the order waits for its next attempt', () => {
  const o = authorized(order());
  addShipment(o, { shipmentId: 'a', orderLineIds: ['socks'] }, T0);
  const capture = o.ops[0]!;
  startAttempt(capture);
  markUnknown(capture, { at: 'x', step: 'capturePayment', message: 'timeout' });
  scheduleRetry(capture, T0, 5_000);
  o.payment.aggregate.captured = 0;
  o.shipments[0]!.shipmentId = 'a';
  addShipment(o, { shipmentId: 'b' }, T0);
  expect(nextStep(o, T0 + 1)).toEqual(expect.objectContaining({ kind: 'wait', until: T0 + 5_000 }));
  expect(nextStep(o, T0 + 5_000)).toEqual(expect.objectContaining({ kind: 'send', op: capture }));
});

test('past the expiry an unauthorized payment is cancelled by the order itself', () => {
  const o = created(order({ paymentExpiryMs: 60_000, expiryGraceMs: 1_000 }));
  o.pending.nextPollAt = T0 + 61_000;
  expect(nextStep(o, T0 + 61_000)).toEqual({ kind: 'enqueueVoid' });
});

test('the deadline warning comes before the deadline, and only while something is unshipped', () => {
  const o = authorized(order({ captureDeadlineFallbackMs: 10_000, captureDeadlineWarningMs: 2_000 }));
  expect(nextStep(o, T0)).toEqual(expect.objectContaining({ kind: 'wait', until: T0 + 8_000 }));
  expect(nextStep(o, T0 + 8_000)).toEqual({ kind: 'warnDeadline' });
  o.deadlineWarned = true;
  expect(nextStep(o, T0 + 10_000)).toEqual({ kind: 'deadlinePassed' });
});

test('refunds queue like any money operation', () => {
  const o = authorized(order());
  o.payment.aggregate.captured = 30_000;
  addRefund(o, { refundId: 'r1', amount: { value: 1_000, currency: 'NOK' } }, T0);
  expect(sentOp(nextStep(o, T0))).toEqual(['refund:r1', 'order-12345678.refund.r.r1']);
});

test('a cancel whose void Vipps refused as "authorized after all" (6060) looks at the payment before trying anything else', () => {
  // Found by the model test: the void was re-sent with a new key in a tight loop instead.
  const o = created(order());
  requestCancel(o, {}, T0);
  o.pending.nextPollAt = T0;
  addOwnOp(o, 'void', T0);
  const voidOp = o.ops[0]!;
  startAttempt(voidOp);
  opRefused(o, voidOp, { at: 'x', step: 'voidPayment', message: 'authorized', status: 400, errorCode: 6060 }, T0);
  expect(nextStep(o, T0 + 1)).toEqual({ kind: 'read', why: 'the payment was authorized while we cancelled it (6060)' });
  applyPaymentRead(o, { state: 'AUTHORIZED', aggregate: { authorized: 54_800, captured: 0, cancelled: 0, refunded: 0 } }, T0 + 2, true);
  expect(nextStep(o, T0 + 2)).toEqual(expect.objectContaining({ kind: 'enqueueRelease' }));
});
