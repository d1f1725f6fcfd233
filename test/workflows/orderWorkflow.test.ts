/**
 * The order workflow on a real Temporal dev server, with scripted activities (FakeVipps).
 * One test per branch of the lifecycle; they run concurrently on one worker.
 */
import { WorkflowFailedError } from '@temporalio/client';
import type { OrderCommandError } from '../../src/orders/errors';
import type { OrderClient } from '../../src/orders/orderClient';
import type { OrderPolicy, OrderView, PaymentEventSignal } from '../../src/workflows/messages';
import type { OrderOutcome } from '../../src/workflows/orderWorkflow';
import { CaptureDeadline, OrderAlerts, OrderStatus, VippsReference } from '../../src/workflows/searchAttributes';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { orderClient, startWorkflowHarness, type WorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(60_000);

const fake = new FakeVipps();
let h: WorkflowHarness;

beforeAll(async () => {
  h = await startWorkflowHarness(fake.activities);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

function client(policy: Partial<OrderPolicy> = {}): OrderClient {
  return orderClient(h.temporal.env.client, h.taskQueue, policy);
}

function event(name: PaymentEventSignal['name'], pspReference = `psp-${name}`): PaymentEventSignal {
  return { name, pspReference, timestamp: new Date().toISOString(), success: true };
}

async function statusIs(orders: OrderClient, orderId: string, status: OrderView['status']): Promise<OrderView> {
  return eventually(async () => {
    const view = await orders.getOrder(orderId);
    expect(view.status).toBe(status);
    return view;
  });
}

async function result(orderId: string): Promise<OrderOutcome> {
  return h.temporal.env.client.workflow.getHandle(`order-${orderId}`).result() as Promise<OrderOutcome>;
}

/** Places an order and approves it through the webhook path. */
async function authorizedOrder(orders: OrderClient, orderId = newOrderId()): Promise<string> {
  await orders.placeOrder(sampleOrder(orderId));
  fake.approve(orderId);
  await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
  await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
  return orderId;
}

async function rejection(p: Promise<unknown>): Promise<OrderCommandError> {
  try {
    await p;
  } catch (err) {
    return err as OrderCommandError;
  }
  throw new Error('expected the command to be refused');
}

describe('authorization', () => {
  test.concurrent('an approved payment confirmed by the webhook is captured at shipment and the order completes', async () => {
    const orders = client();
    const orderId = newOrderId();
    const placed = await orders.placeOrder(sampleOrder(orderId));
    expect(placed).toEqual({ orderId, workflowId: `order-${orderId}`, redirectUrl: `https://landing.example/?token=${orderId}` });
    expect((await orders.getOrder(orderId)).status).toBe('PENDING_PAYMENT');

    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    const authorized = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(authorized.payment.state).toBe('AUTHORIZED');
    expect(authorized.payment.aggregate.authorized).toBe(54_800);
    expect(authorized.payment.captureDeadlineSource).toBe('policy');
    await eventually(async () => expect((await orders.getOrder(orderId)).receipt.status).toBe('ATTACHED'));
    expect(fake.count(orderId, 'capturePayment')).toBe(0);

    const shipped = await orders.ship(orderId, { shipmentId: 'ship-1' });
    expect(shipped.complete).toBe(true);
    expect(shipped.order.status).toBe('COMPLETED');
    expect(shipped.order.payment.aggregate.captured).toBe(54_800);
    expect(shipped.order.shipments).toEqual([expect.objectContaining({ shipmentId: 'ship-1', status: 'CAPTURED', amount: { value: 54_800, currency: 'NOK' } })]);
    expect(fake.callsFor(orderId, 'capturePayment').map((c) => c.input)).toEqual([
      { reference: orderId, sequence: 'ship-1', amount: { value: 54_800, currency: 'NOK' } },
    ]);
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);

    const description = await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).describe();
    await eventually(async () => {
      const d = await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).describe();
      expect(d.typedSearchAttributes.get(OrderStatus)).toBe('COMPLETED');
    });
    expect(description.typedSearchAttributes.get(VippsReference)).toBe(orderId);
    expect(description.typedSearchAttributes.get(CaptureDeadline)?.toISOString()).toBe(authorized.payment.captureDeadline);
    expect(await description.staticSummary()).toBe(`Order ${orderId}: NOK 548.00`);
    expect(await description.staticDetails()).toContain("| socks | Wool socks | NOK 300.00 |");
  });

  test.concurrent('placing the same order twice returns the same order and creates one payment', async () => {
    const orders = client();
    const order = sampleOrder();
    const first = await orders.placeOrder(order);
    const second = await orders.placeOrder({ ...order, orderLines: [...order.orderLines] });
    expect(second).toEqual(first);
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('placing an existing order id with different content is refused', async () => {
    const orders = client();
    const order = sampleOrder();
    await orders.placeOrder(order);
    const err = await rejection(orders.placeOrder({ ...order, description: 'Something else' }));
    expect(err.code).toBe('order_conflict');
    expect(err.message).toContain('different content');
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('placing an order again after it has closed is refused, never a second payment', async () => {
    const orders = client();
    const order = sampleOrder();
    await orders.placeOrder(order);
    fake.finish(order.orderId, 'ABORTED');
    await orders.notifyPaymentEvent(order.orderId, event('ABORTED'));
    await result(order.orderId);
    const err = await rejection(orders.placeOrder(order));
    expect(err.code).toBe('order_conflict');
    expect(err.message).toBe(`order ${order.orderId} already exists and is closed`);
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('a payment Vipps refuses to create fails the placing call with the reason and ends the order', async () => {
    const orders = client();
    const orderId = newOrderId();
    fake.script(orderId).createFailure = { status: 400, errorCode: 5040 };
    const err = await rejection(orders.placeOrder(sampleOrder(orderId)));
    expect(err.code).toBe('payment_create_failed');
    expect(err.extra.vipps).toEqual(expect.objectContaining({ status: 400, errorCode: 5040, step: 'createPayment' }));
    expect(await result(orderId)).toEqual(expect.objectContaining({ status: 'PAYMENT_FAILED', captured: 0 }));
  });

  test.concurrent('a rejected payment ends the order as PAYMENT_FAILED with the reason', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.finish(orderId, 'ABORTED');
    await orders.notifyPaymentEvent(orderId, event('ABORTED'));
    expect(await result(orderId)).toEqual({ orderId, status: 'PAYMENT_FAILED', captured: 0, refunded: 0, failureReason: 'the customer rejected the payment' });
  });

  test.concurrent('an expired payment ends the order as PAYMENT_FAILED', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.finish(orderId, 'EXPIRED');
    await orders.notifyPaymentEvent(orderId, event('EXPIRED'));
    expect(await result(orderId)).toEqual(expect.objectContaining({ status: 'PAYMENT_FAILED', failureReason: 'the payment expired before the customer approved it' }));
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);
  });

  test.concurrent('a payment still pending after its expiry is cancelled with cancelTransactionOnly', async () => {
    const orders = client({ paymentExpiryMs: 1_000, expiryGraceMs: 500, pollInitialMs: 400, pollMaxMs: 400 });
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    const outcome = await result(orderId);
    expect(outcome.status).toBe('PAYMENT_FAILED');
    expect(outcome.failureReason).toContain('no answer from the customer');
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => c.input)).toEqual([{ reference: orderId, sequence: 'expire-1', transactionOnly: true }]);
    expect(fake.payment(orderId).state).toBe('TERMINATED');
  });

  test.concurrent('a payment authorized just before the expiry cancel (6060) continues as authorized', async () => {
    const orders = client({ paymentExpiryMs: 500, expiryGraceMs: 300, pollInitialMs: 5_000 });
    const orderId = newOrderId();
    fake.script(orderId).authorizeOnTransactionOnlyCancel = true;
    await orders.placeOrder(sampleOrder(orderId));
    const view = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(view.payment.aggregate).toEqual({ authorized: 54_800, captured: 0, cancelled: 0, refunded: 0 });
    expect(fake.payment(orderId).aggregate.cancelled).toBe(0);
  });

  test.concurrent('a payment Vipps does not know (404) after its expiry ends the order instead of polling forever', async () => {
    const orders = client({ paymentExpiryMs: 600, expiryGraceMs: 300, pollInitialMs: 200, pollMaxMs: 400 });
    const orderId = newOrderId();
    fake.script(orderId).unknownToVipps = true;
    await orders.placeOrder(sampleOrder(orderId));
    const outcome = await result(orderId);
    expect(outcome).toEqual(expect.objectContaining({ status: 'PAYMENT_FAILED', failureReason: 'Vipps does not know this payment (404); nothing was reserved' }));
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);
  });

  test.concurrent('after the expiry a failing self-cancel is retried at the polling pace, not in a tight loop', async () => {
    const orders = client({ paymentExpiryMs: 300, expiryGraceMs: 200, pollInitialMs: 200, pollMaxMs: 500 });
    const orderId = newOrderId();
    fake.script(orderId).cancelFailure = { status: 400, errorCode: 6190 };
    await orders.placeOrder(sampleOrder(orderId));
    // Dev-server timers fire with about a second of slack; a spinning loop would make hundreds of calls.
    await eventually(() => expect(fake.count(orderId, 'cancelPayment')).toBeGreaterThanOrEqual(2), 8_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(fake.count(orderId, 'cancelPayment')).toBeLessThanOrEqual(6);
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => (c.input as { sequence: string }).sequence).slice(0, 2)).toEqual(['expire-1', 'expire-2']);
    fake.finish(orderId, 'EXPIRED');
    expect((await result(orderId)).status).toBe('PAYMENT_FAILED');
  });

  test.concurrent('when the webhook is lost, polling finds the authorization', async () => {
    const orders = client({ pollInitialMs: 300, pollMaxMs: 600 });
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    const view = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(view.timeline.map((t) => t.step)).not.toContain('webhook AUTHORIZED');
  });

  test.concurrent('the customer returning wakes the order, which still checks with getPayment', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    await orders.notifyCustomerReturned(orderId);
    await eventually(() => expect(fake.count(orderId, 'getPayment')).toBe(1));
    expect((await orders.getOrder(orderId)).status).toBe('PENDING_PAYMENT');
    fake.approve(orderId);
    await orders.notifyCustomerReturned(orderId);
    await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
  });

  test.concurrent('a webhook claiming authorization does not authorize the order while Vipps says CREATED', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    await eventually(() => expect(fake.count(orderId, 'getPayment')).toBe(1));
    const view = await orders.getOrder(orderId);
    expect(view.status).toBe('PENDING_PAYMENT');
    expect(view.payment.state).toBe('CREATED');
  });

  test.concurrent('duplicate and out-of-order webhooks wake the order once and change nothing', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED', 'psp-2'));
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED', 'psp-2'));
    await orders.notifyPaymentEvent(orderId, event('CREATED', 'psp-1'));
    await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED', 'psp-2'));
    const view = await orders.getOrder(orderId);
    expect(fake.count(orderId, 'getPayment')).toBe(1);
    expect(view.timeline.filter((t) => t.step === 'webhook AUTHORIZED')).toHaveLength(1);
    expect(view.status).toBe('AWAITING_SHIPMENT');
  });
});

describe('cancel', () => {
  test.concurrent('cancel before shipment releases the whole reservation and closes the order', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    const cancelled = await orders.cancel(orderId, { reason: 'out of stock' });
    expect(cancelled.order.status).toBe('CANCELLED');
    expect(cancelled.order.payment.aggregate).toEqual({ authorized: 54_800, captured: 0, cancelled: 54_800, refunded: 0 });
    expect(cancelled.order.orderLines.every((l) => l.state === 'CANCELLED')).toBe(true);
    expect(await result(orderId)).toEqual(expect.objectContaining({ status: 'CANCELLED', captured: 0 }));
    expect(fake.count(orderId, 'capturePayment')).toBe(0);
  });

  test.concurrent('cancel while the payment is pending terminates it without waiting for the expiry', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    const cancelled = await orders.cancel(orderId, {});
    expect(cancelled.order.status).toBe('CANCELLED');
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => c.input)).toEqual([{ reference: orderId, sequence: 'cancel-1', transactionOnly: true }]);
    expect(fake.payment(orderId).state).toBe('TERMINATED');
    expect((await result(orderId)).status).toBe('CANCELLED');
  });

  test.concurrent('a completed order cannot be cancelled', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    await orders.ship(orderId, { shipmentId: 'all' });
    const err = await rejection(orders.cancel(orderId, {}));
    expect(err.code).toBe('order_conflict');
    expect(err.message).toContain('COMPLETED');
  });
});

describe('shipping and capture', () => {
  test.concurrent('partial shipments capture the amount of their lines and the last one completes the order', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    const first = await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks', 'shipping'] });
    expect(first.order.status).toBe('PARTIALLY_SHIPPED');
    expect(first.order.payment.aggregate.captured).toBe(34_900);
    const second = await orders.ship(orderId, { shipmentId: 'box-2' });
    expect(second.order.status).toBe('COMPLETED');
    expect(second.order.shipments.map((s) => [s.shipmentId, s.amount.value, s.orderLineIds])).toEqual([
      ['box-1', 34_900, ['socks', 'shipping']],
      ['box-2', 19_900, ['scarf']],
    ]);
    expect(fake.callsFor(orderId, 'capturePayment').map((c) => (c.input as { amount: { value: number } }).amount.value)).toEqual([34_900, 19_900]);
    expect(fake.payment(orderId).aggregate).toEqual({ authorized: 54_800, captured: 54_800, cancelled: 0, refunded: 0 });
  });

  test.concurrent('a retried shipment with the same id is captured once', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    const [a, b] = await Promise.all([orders.ship(orderId, { shipmentId: 'dup' }), orders.ship(orderId, { shipmentId: 'dup' })]);
    const again = await orders.ship(orderId, { shipmentId: 'dup' });
    expect([a.order.status, b.order.status, again.order.status]).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    expect(fake.count(orderId, 'capturePayment')).toBe(1);
  });

  test.concurrent('shipping is refused before authorization, for unknown lines and for lines already shipped', async () => {
    const orders = client();
    const pending = newOrderId();
    await orders.placeOrder(sampleOrder(pending));
    expect((await rejection(orders.ship(pending, { shipmentId: 's1' }))).code).toBe('order_conflict');

    const orderId = await authorizedOrder(orders);
    const unknown = await rejection(orders.ship(orderId, { shipmentId: 's1', orderLineIds: ['hat'] }));
    expect(unknown.code).toBe('invalid_command');
    expect(unknown.message).toContain('unknown order line "hat"');
    await orders.ship(orderId, { shipmentId: 's1', orderLineIds: ['socks'] });
    const twice = await rejection(orders.ship(orderId, { shipmentId: 's2', orderLineIds: ['socks'] }));
    expect(twice.code).toBe('order_conflict');
    expect(twice.message).toContain('already shipped');
    const badId = await rejection(orders.ship(orderId, { shipmentId: 'no spaces' }));
    expect(badId.code).toBe('invalid_command');
    expect(badId.message).toContain('shipmentId');
    expect(fake.count(orderId, 'capturePayment')).toBe(1);
    expect(fake.count(pending, 'capturePayment')).toBe(0);
  });

  test.concurrent('a capture refused after shipment goes to an operator, is never cancelled, and retryCapture recovers it', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    fake.script(orderId).captureFailures.push({ status: 400, errorCode: 6260 });
    const shipped = await orders.ship(orderId, { shipmentId: 'parcel' });
    expect(shipped.order.status).toBe('NEEDS_ATTENTION');
    expect(shipped.order.alerts).toContain('CAPTURE_FAILED');
    expect(shipped.order.shipments[0]?.status).toBe('CAPTURE_FAILED');
    expect(shipped.order.shipments[0]?.error).toEqual(expect.objectContaining({ errorCode: 6260, status: 400 }));
    expect(shipped.order.lastError).toEqual(expect.objectContaining({ step: 'capturePayment', errorCode: 6260 }));
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);
    await eventually(async () => {
      const d = await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).describe();
      expect(d.typedSearchAttributes.get(OrderStatus)).toBe('NEEDS_ATTENTION');
      expect(d.typedSearchAttributes.get(OrderAlerts)).toContain('CAPTURE_FAILED');
    });

    const retried = await orders.retryCapture(orderId);
    expect(retried.order.status).toBe('COMPLETED');
    expect(retried.order.alerts).toEqual([]);
    expect(fake.callsFor(orderId, 'capturePayment').map((c) => (c.input as { sequence: string }).sequence)).toEqual(['parcel', 'parcel-r1']);
    expect(fake.payment(orderId).aggregate.captured).toBe(54_800);
  });
});

describe('refunds, receipts and closing', () => {
  test.concurrent('refunds are allowed up to the captured amount and a larger one is refused', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    await orders.ship(orderId, { shipmentId: 'p1', orderLineIds: ['socks'] });
    const refunded = await orders.refund(orderId, { refundId: 'r1', amount: { value: 10_000, currency: 'NOK' } });
    expect(refunded.order.refunds).toEqual([expect.objectContaining({ refundId: 'r1', status: 'REFUNDED' })]);
    expect(refunded.order.payment.aggregate.refunded).toBe(10_000);

    const tooMuch = await rejection(orders.refund(orderId, { refundId: 'r2', amount: { value: 20_001, currency: 'NOK' } }));
    expect(tooMuch.code).toBe('order_conflict');
    expect(tooMuch.message).toContain('exceeds what can be refunded (NOK 200.00)');
    const again = await orders.refund(orderId, { refundId: 'r1', amount: { value: 10_000, currency: 'NOK' } });
    expect(again.order.payment.aggregate.refunded).toBe(10_000);
    expect(fake.count(orderId, 'refundPayment')).toBe(1);
  });

  test.concurrent('a refund before any capture is refused', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    const err = await rejection(orders.refund(orderId, { refundId: 'r1', amount: { value: 100, currency: 'NOK' } }));
    expect(err.code).toBe('order_conflict');
    expect(fake.count(orderId, 'refundPayment')).toBe(0);
  });

  test.concurrent('a failed receipt raises an alert but does not block shipping', async () => {
    const orders = client();
    const orderId = newOrderId();
    fake.script(orderId).receiptFailure = { status: 400 };
    await authorizedOrder(orders, orderId);
    await eventually(async () => expect((await orders.getOrder(orderId)).receipt.status).toBe('FAILED'));
    const shipped = await orders.ship(orderId, { shipmentId: 'x' });
    expect(shipped.order.status).toBe('COMPLETED');
    expect(shipped.order.alerts).toEqual(['RECEIPT_FAILED']);
  });

  test.concurrent('a completed order closes when its refund window ends', async () => {
    const orders = client({ refundWindowMs: 2_000 });
    const orderId = await authorizedOrder(orders);
    await orders.ship(orderId, { shipmentId: 'x' });
    expect(await result(orderId)).toEqual({ orderId, status: 'COMPLETED', captured: 54_800, refunded: 0 });
  });
});

describe('capture deadline', () => {
  test.concurrent('the deadline from Vipps raises a warning, then the hold policy hands the order to an operator', async () => {
    const orders = client({ captureDeadlineWarningMs: 1_500, captureDeadlinePolicy: 'hold' });
    const orderId = newOrderId();
    fake.script(orderId).captureGuaranteeMs = 3_000;
    await authorizedOrder(orders, orderId);
    const warned = await eventually(async () => {
      const v = await orders.getOrder(orderId);
      expect(v.alerts).toContain('CAPTURE_DEADLINE_NEAR');
      return v;
    });
    expect(warned.status).toBe('AWAITING_SHIPMENT');
    expect(warned.payment.captureDeadlineSource).toBe('vipps');
    const held = await statusIs(orders, orderId, 'NEEDS_ATTENTION');
    expect(held.alerts).toEqual(['CAPTURE_DEADLINE_PASSED']);
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);
    // The operator decides: release the reservation.
    const cancelled = await orders.cancel(orderId, { reason: 'not shipped in time' });
    expect(cancelled.order.status).toBe('CANCELLED');
  });

  test.concurrent('with the cancel policy, a release Vipps refuses at the deadline goes to an operator, once', async () => {
    const orders = client({ captureDeadlineFallbackMs: 1_000, captureDeadlineWarningMs: 300, captureDeadlinePolicy: 'cancel' });
    const orderId = newOrderId();
    fake.script(orderId).cancelFailure = { status: 400, errorCode: 6030 };
    await authorizedOrder(orders, orderId);
    const held = await statusIs(orders, orderId, 'NEEDS_ATTENTION');
    expect(held.alerts).toEqual(['CAPTURE_DEADLINE_PASSED']);
    expect(held.lastError).toEqual(expect.objectContaining({ step: 'cancelPayment', errorCode: 6030 }));
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.count(orderId, 'cancelPayment')).toBe(1);
  });

  test.concurrent('with the cancel policy, an order holding a failed capture is held at the deadline, never released', async () => {
    const orders = client({ captureDeadlineFallbackMs: 1_500, captureDeadlineWarningMs: 300, captureDeadlinePolicy: 'cancel' });
    const orderId = await authorizedOrder(orders);
    fake.script(orderId).captureFailures.push({ status: 400, errorCode: 6260 });
    await orders.ship(orderId, { shipmentId: 'failed-box', orderLineIds: ['socks'] });
    const held = await eventually(async () => {
      const v = await orders.getOrder(orderId);
      expect(v.alerts).toContain('CAPTURE_DEADLINE_PASSED');
      return v;
    });
    expect(held.status).toBe('NEEDS_ATTENTION');
    expect(held.shipments[0]?.status).toBe('CAPTURE_FAILED');
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);
    expect(fake.payment(orderId).aggregate.cancelled).toBe(0);
  });

  test.concurrent('with the cancel policy the deadline releases the unshipped part of the reservation', async () => {
    const orders = client({ captureDeadlineFallbackMs: 2_000, captureDeadlineWarningMs: 500, captureDeadlinePolicy: 'cancel' });
    const orderId = await authorizedOrder(orders);
    await orders.ship(orderId, { shipmentId: 'first', orderLineIds: ['socks'] });
    const settled = await statusIs(orders, orderId, 'COMPLETED');
    expect(settled.payment.aggregate).toEqual({ authorized: 54_800, captured: 30_000, cancelled: 24_800, refunded: 0 });
    expect(settled.orderLines.map((l) => l.state)).toEqual(['SHIPPED', 'CANCELLED', 'CANCELLED']);
    expect(settled.alerts).toEqual([]);
  });
});

describe('operators', () => {
  async function found(query: string, workflowId: string): Promise<boolean> {
    for await (const wf of h.temporal.env.client.workflow.list({ query })) if (wf.workflowId === workflowId) return true;
    return false;
  }

  test.concurrent('the documented search-attribute queries find the orders they describe', async () => {
    const orders = client();
    const waiting = await authorizedOrder(orders);
    const failed = await authorizedOrder(orders);
    fake.script(failed).captureFailures.push({ status: 400, errorCode: 6100 });
    await orders.ship(failed, { shipmentId: 'x' });
    const soon = new Date(Date.now() + 8 * 24 * 3600_000).toISOString();
    await eventually(async () => {
      expect(await found(`OrderStatus IN ('AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED')`, `order-${waiting}`)).toBe(true);
      expect(await found(`OrderStatus IN ('AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED') AND CaptureDeadline < '${soon}'`, `order-${waiting}`)).toBe(true);
      expect(await found(`OrderAlerts = 'CAPTURE_FAILED'`, `order-${failed}`)).toBe(true);
      expect(await found(`OrderStatus = 'NEEDS_ATTENTION'`, `order-${failed}`)).toBe(true);
      expect(await found(`VippsReference = '${waiting}'`, `order-${waiting}`)).toBe(true);
    });
    expect(await found(`OrderAlerts = 'CAPTURE_FAILED'`, `order-${waiting}`)).toBe(false);
  });

  test.concurrent('cancelling the workflow itself releases the reservation before it ends', async () => {
    const orders = client();
    const orderId = await authorizedOrder(orders);
    await orders.ship(orderId, { shipmentId: 'part', orderLineIds: ['socks'] });
    const handle = h.temporal.env.client.workflow.getHandle(`order-${orderId}`);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(fake.payment(orderId).aggregate).toEqual({ authorized: 54_800, captured: 30_000, cancelled: 24_800, refunded: 0 });
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => (c.input as { transactionOnly: boolean }).transactionOnly)).toEqual([false]);
  });

  test.concurrent('cancelling the workflow of a pending payment cancels the payment', async () => {
    const orders = client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    const handle = h.temporal.env.client.workflow.getHandle(`order-${orderId}`);
    await handle.cancel();
    await expect(handle.result()).rejects.toThrow(WorkflowFailedError);
    expect(fake.payment(orderId).state).toBe('TERMINATED');
  });
});

test('an unknown order is reported as not found', async () => {
  const err = await rejection(client().getOrder(newOrderId()));
  expect(err.code).toBe('order_not_found');
  expect(err).not.toBeInstanceOf(WorkflowFailedError);
});
