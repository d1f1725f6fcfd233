/**
 * The order workflow on a real Temporal dev server, with scripted activities (FakeVipps): one test
 * per branch of the lifecycle. They run concurrently on one worker.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { CaptureDeadline, OrderStatusAttribute, VippsReference } from '../../src/workflows/messages/searchAttributes';
import { eventually } from '../support/eventually';
import { newOrderId, sampleOrder } from '../support/orders';
import { authorizedOrder, event, finalView, rejection, statusIs, useWorkflowKit } from '../support/workflowKit';

jest.setTimeout(60_000);

const kit = useWorkflowKit();
const { fake } = kit;

describe('authorization', () => {
  test.concurrent('an approved payment confirmed by the webhook is captured at shipment and the settled order ends', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    const placed = await orders.placeOrder(sampleOrder(orderId));
    expect(placed).toEqual({ orderId, workflowId: `order-${orderId}`, redirectUrl: `https://landing.example/?token=${orderId}` });
    expect((await orders.getOrder(orderId)).status).toBe('PENDING_PAYMENT');

    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    const authorized = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(authorized.payment).toEqual(expect.objectContaining({ state: 'AUTHORIZED', captureDeadlineSource: 'policy' }));
    expect(authorized.payment.aggregate.authorized).toBe(54_800);
    // The view in the memo is not rewritten for the receipt alone: ask the order itself.
    await eventually(async () => expect((await orders.getOrder(orderId, { live: true })).receipt.status).toBe('ATTACHED'));
    expect(fake.count(orderId, 'capturePayment')).toBe(0);

    const shipped = await orders.ship(orderId, { shipmentId: 'ship-1' });
    expect(shipped.complete).toBe(true);
    expect(shipped.order.payment.aggregate.captured).toBe(54_800);
    expect(shipped.order.shipments).toEqual([
      expect.objectContaining({ shipmentId: 'ship-1', status: 'CAPTURED', amount: { value: 54_800, currency: 'NOK' }, idempotencyKey: `${orderId}.capture.s.ship-1` }),
    ]);
    expect(fake.keys(orderId, 'capturePayment')).toEqual([`${orderId}.capture.s.ship-1`]);
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);

    // Settled: the workflow ends with the final view, and Temporal's status says so.
    const final = await finalView(kit, orderId);
    expect(final).toEqual(expect.objectContaining({ status: 'COMPLETED', settled: true }));
    const handle = kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`);
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(OrderStatusAttribute)).toBe('COMPLETED');
    expect(description.typedSearchAttributes.get(VippsReference)).toBe(orderId);
    expect(description.typedSearchAttributes.get(CaptureDeadline)?.toISOString()).toBe(authorized.payment.captureDeadline);
    expect(await description.staticSummary()).toBe(`Order ${orderId}: NOK 548.00`);
    // Reading a settled order needs no worker: it is the workflow's result.
    expect((await orders.getOrder(orderId)).status).toBe('COMPLETED');
  });

  test.concurrent('placing the same order twice returns the same order and creates one payment', async () => {
    const orders = kit.client();
    const order = sampleOrder();
    const first = await orders.placeOrder(order);
    const second = await orders.placeOrder({ ...order, orderLines: [...order.orderLines] });
    expect(second).toEqual(first);
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('placing an existing order id with different content is refused', async () => {
    const orders = kit.client();
    const order = sampleOrder();
    await orders.placeOrder(order);
    const err = await rejection(orders.placeOrder({ ...order, description: 'Something else' }));
    expect(err.code).toBe('order_conflict');
    expect(err.message).toContain('different content');
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('a settled order placed again with the same content answers as before; other content is refused', async () => {
    const orders = kit.client();
    const order = sampleOrder();
    const first = await orders.placeOrder(order);
    fake.finish(order.orderId, 'ABORTED');
    await orders.notifyPaymentEvent(order.orderId, event('ABORTED'));
    await finalView(kit, order.orderId);
    expect(await orders.placeOrder(order)).toEqual(first);
    const err = await rejection(orders.placeOrder({ ...order, description: 'Another order' }));
    expect(err.code).toBe('order_conflict');
    expect(fake.count(order.orderId, 'createPayment')).toBe(1);
  });

  test.concurrent('a payment Vipps refuses to create fails the run, and the order id can be placed again with corrected content', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    fake.script(orderId).createFailure = { status: 400, errorCode: 5040 };
    const err = await rejection(orders.placeOrder(sampleOrder(orderId)));
    expect(err.code).toBe('vipps_rejected'); // a definite refusal; payment_create_failed (502) is for no answer
    expect(err.extra.vipps).toEqual(expect.objectContaining({ status: 400, errorCode: 5040, step: 'createPayment' }));
    await expect(finalView(kit, orderId)).rejects.toThrow(WorkflowFailedError);

    delete fake.script(orderId).createFailure;
    const corrected = sampleOrder(orderId, { description: 'Corrected order' });
    const placed = await orders.placeOrder(corrected);
    expect(placed.redirectUrl).toContain(orderId);
    // A corrected request gets a key of its own: the refused one stays refused.
    const keys = fake.keys(orderId, 'createPayment');
    expect(keys).toHaveLength(2);
    expect(new Set(keys).size).toBe(2);
  });

  test.concurrent('a rejected payment ends the order as PAYMENT_FAILED with the reason', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.finish(orderId, 'ABORTED');
    await orders.notifyPaymentEvent(orderId, event('ABORTED'));
    expect(await finalView(kit, orderId)).toEqual(expect.objectContaining({ status: 'PAYMENT_FAILED', failureReason: 'the customer rejected the payment' }));
  });

  test.concurrent('a payment still pending after its expiry is cancelled with cancelTransactionOnly', async () => {
    const orders = kit.client({ paymentExpiryMs: 1_000, expiryGraceMs: 500, pollInitialMs: 400, pollMaxMs: 400 });
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    const final = await finalView(kit, orderId);
    expect(final.status).toBe('PAYMENT_FAILED');
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => c.input)).toEqual([{ reference: orderId, idempotencyKey: `${orderId}.void.n.1`, transactionOnly: true }]);
    expect(fake.payment(orderId).state).toBe('TERMINATED');
  });

  test.concurrent('a payment authorized just before the expiry cancel (6060) continues as authorized', async () => {
    const orders = kit.client({ paymentExpiryMs: 500, expiryGraceMs: 300, pollInitialMs: 5_000 });
    const orderId = newOrderId();
    fake.script(orderId).authorizeOnTransactionOnlyCancel = true;
    await orders.placeOrder(sampleOrder(orderId));
    const view = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(view.payment.aggregate).toEqual({ authorized: 54_800, captured: 0, cancelled: 0, refunded: 0 });
    expect(fake.payment(orderId).aggregate.cancelled).toBe(0);
  });

  test.concurrent('a payment Vipps does not know (404) after its expiry ends the order instead of polling forever', async () => {
    const orders = kit.client({ paymentExpiryMs: 600, expiryGraceMs: 300, pollInitialMs: 200, pollMaxMs: 400 });
    const orderId = newOrderId();
    fake.script(orderId).unknownToVipps = true;
    await orders.placeOrder(sampleOrder(orderId));
    const final = await finalView(kit, orderId);
    expect(final.status).toBe('PAYMENT_FAILED');
    expect(final.failureReason).toContain('does not know this payment');
  });

  test.concurrent('when the webhook is lost, polling finds the authorization', async () => {
    const orders = kit.client({ pollInitialMs: 300, pollMaxMs: 600 });
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    const view = await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    expect(view.timeline.map((t) => t.step)).not.toContain('webhook AUTHORIZED');
  });

  test.concurrent('the customer returning makes the order look at the payment once and answers with that look', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    expect((await orders.customerReturned(orderId, 5_000))?.status).toBe('PENDING_PAYMENT');
    expect(fake.count(orderId, 'getPayment')).toBe(1);
    fake.approve(orderId);
    expect((await orders.customerReturned(orderId, 5_000))?.status).toBe('AWAITING_SHIPMENT');
    // Authorized now: another return sends nothing to the order.
    await orders.customerReturned(orderId, 5_000);
    expect(fake.count(orderId, 'getPayment')).toBe(2);
  });

  test.concurrent('a webhook claiming authorization does not authorize the order while Vipps says CREATED', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    await eventually(() => expect(fake.count(orderId, 'getPayment')).toBe(1));
    // What the order concluded from its read: a plain pending order keeps no view in its memo.
    const view = await orders.getOrder(orderId, { live: true });
    expect(view.status).toBe('PENDING_PAYMENT');
    expect(view.payment.state).toBe('CREATED');
  });

  test.concurrent('duplicate and out-of-order webhooks wake the order once and change nothing', async () => {
    const orders = kit.client();
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
  test.concurrent('cancel before shipment releases the whole reservation and the order ends CANCELLED', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    const cancelled = await orders.cancel(orderId, { reason: 'out of stock' });
    expect(cancelled.order.status).toBe('CANCELLED');
    expect(cancelled.order.payment.aggregate).toEqual({ authorized: 54_800, captured: 0, cancelled: 54_800, refunded: 0 });
    expect(cancelled.order.orderLines.every((l) => l.state === 'CANCELLED')).toBe(true);
    expect((await finalView(kit, orderId)).status).toBe('CANCELLED');
    expect(fake.count(orderId, 'capturePayment')).toBe(0);
  });

  test.concurrent('cancel while the payment is pending terminates it without waiting for the expiry', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    await orders.placeOrder(sampleOrder(orderId));
    const cancelled = await orders.cancel(orderId, {});
    expect(cancelled.order.status).toBe('CANCELLED');
    expect(fake.callsFor(orderId, 'cancelPayment').map((c) => c.input)).toEqual([{ reference: orderId, idempotencyKey: `${orderId}.void.n.1`, transactionOnly: true }]);
    expect(fake.payment(orderId).state).toBe('TERMINATED');
    expect((await finalView(kit, orderId)).status).toBe('CANCELLED');
  });

  test.concurrent('a completed order cannot be cancelled', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    await orders.ship(orderId, { shipmentId: 'all' });
    const err = await rejection(orders.cancel(orderId, {}));
    expect(err.code).toBe('order_conflict');
    expect(err.message).toContain('COMPLETED');
  });
});

describe('shipping and capture', () => {
  test.concurrent('partial shipments capture the amount of their lines and the last one completes the order', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    const first = await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks', 'shipping'] });
    expect(first.order.status).toBe('PARTIALLY_SHIPPED');
    expect(first.order.payment.aggregate.captured).toBe(34_900);
    const second = await orders.ship(orderId, { shipmentId: 'box-2' });
    expect(second.order.status).toBe('COMPLETED');
    expect(second.order.shipments.map((s) => [s.shipmentId, s.amount.value, s.orderLineIds])).toEqual([
      ['box-1', 34_900, ['socks', 'shipping']],
      ['box-2', 19_900, ['scarf']],
    ]);
    expect(fake.moneyEvents(orderId, 'CAPTURED').map((e) => e.amount)).toEqual([34_900, 19_900]);
    expect(fake.payment(orderId).aggregate).toEqual({ authorized: 54_800, captured: 54_800, cancelled: 0, refunded: 0 });
  });

  test.concurrent('a retried shipment with the same id is captured once', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    const [a, b] = await Promise.all([orders.ship(orderId, { shipmentId: 'dup', orderLineIds: ['socks'] }), orders.ship(orderId, { shipmentId: 'dup', orderLineIds: ['socks'] })]);
    const again = await orders.ship(orderId, { shipmentId: 'dup', orderLineIds: ['socks'] });
    expect([a.order.status, b.order.status, again.order.status]).toEqual(['PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED', 'PARTIALLY_SHIPPED']);
    expect(fake.count(orderId, 'capturePayment')).toBe(1);
  });

  test.concurrent('shipping is refused before authorization, for unknown lines and for lines already shipped', async () => {
    const orders = kit.client();
    const pending = newOrderId();
    await orders.placeOrder(sampleOrder(pending));
    expect((await rejection(orders.ship(pending, { shipmentId: 's1' }))).code).toBe('order_conflict');

    const orderId = await authorizedOrder(kit, orders);
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
  });

  test.concurrent('a capture refused after shipment goes to an operator, is never cancelled, and retryCapture recovers it with a new key', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    fake.fault(orderId, 'capturePayment', { refuse: { status: 400, errorCode: 6260 } });
    const shipped = await orders.ship(orderId, { shipmentId: 'parcel' });
    expect(shipped.order.status).toBe('NEEDS_ATTENTION');
    expect(shipped.order.alerts).toContain('CAPTURE_FAILED');
    expect(shipped.order.shipments[0]?.status).toBe('CAPTURE_FAILED');
    expect(shipped.order.shipments[0]?.error).toEqual(expect.objectContaining({ errorCode: 6260, status: 400 }));
    expect(fake.count(orderId, 'cancelPayment')).toBe(0);

    const retried = await orders.retryCapture(orderId);
    expect(retried.order.status).toBe('COMPLETED');
    expect(retried.order.alerts).toEqual([]);
    // The refused key stays refused; the retry is the next generation of the same shipment's key.
    expect(fake.keys(orderId, 'capturePayment')).toEqual([`${orderId}.capture.s.parcel`, `${orderId}.capture.s.parcel.1`]);
    expect(fake.payment(orderId).aggregate.captured).toBe(54_800);
  });
});

describe('refunds and receipts', () => {
  test.concurrent('refunds before settlement run in the order, up to the captured amount', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    await orders.ship(orderId, { shipmentId: 'p1', orderLineIds: ['socks'] });
    const refunded = await orders.refund(orderId, { refundId: 'r1', amount: { value: 10_000, currency: 'NOK' } });
    expect(refunded.order.refunds).toEqual([expect.objectContaining({ refundId: 'r1', status: 'REFUNDED', idempotencyKey: `${orderId}.refund.r.r1` })]);
    expect(refunded.order.payment.aggregate.refunded).toBe(10_000);

    const tooMuch = await rejection(orders.refund(orderId, { refundId: 'r2', amount: { value: 20_001, currency: 'NOK' } }));
    expect(tooMuch.code).toBe('order_conflict');
    expect(tooMuch.message).toContain('exceeds what can be refunded (NOK 200.00)');
    const again = await orders.refund(orderId, { refundId: 'r1', amount: { value: 10_000, currency: 'NOK' } });
    expect(again.order.payment.aggregate.refunded).toBe(10_000);
    expect(fake.count(orderId, 'refundPayment')).toBe(1);
  });

  test.concurrent('after settlement a refund runs as its own workflow, exactly once when repeated or sent twice at once', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    await orders.ship(orderId, { shipmentId: 'all' });
    await finalView(kit, orderId);
    const req = { refundId: 'late-1', amount: { value: 5_000, currency: 'NOK' } } as const;
    const [a, b] = await Promise.all([orders.refund(orderId, req), orders.refund(orderId, req)]);
    const c = await orders.refund(orderId, req);
    for (const r of [a, b, c]) expect(r.order.refunds).toEqual([expect.objectContaining({ refundId: 'late-1', status: 'REFUNDED' })]);
    expect(fake.moneyEvents(orderId, 'REFUNDED')).toHaveLength(1);
    expect(fake.payment(orderId).aggregate.refunded).toBe(5_000);
    const desc = await kit.h().temporal.env.client.workflow.getHandle(`refund-${orderId}.late-1`).describe();
    expect(desc.status.name).toBe('COMPLETED');
    await eventually(async () => expect((await orders.getOrder(orderId)).refunds.map((r) => r.refundId)).toEqual(['late-1']));
  });

  test.concurrent('two refunds after settlement that together exceed the captured amount: one is refused, nothing is over-refunded', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    await orders.ship(orderId, { shipmentId: 'all' });
    await finalView(kit, orderId);
    const results = await Promise.allSettled([
      orders.refund(orderId, { refundId: 'big-1', amount: { value: 40_000, currency: 'NOK' } }),
      orders.refund(orderId, { refundId: 'big-2', amount: { value: 40_000, currency: 'NOK' } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(fake.payment(orderId).aggregate.refunded).toBe(40_000);
  });

  test.concurrent('a refund before any capture is refused', async () => {
    const orders = kit.client();
    const orderId = await authorizedOrder(kit, orders);
    const err = await rejection(orders.refund(orderId, { refundId: 'r1', amount: { value: 100, currency: 'NOK' } }));
    expect(err.code).toBe('order_conflict');
    expect(fake.count(orderId, 'refundPayment')).toBe(0);
  });

  test.concurrent('a failed receipt raises an alert but does not block shipping', async () => {
    const orders = kit.client();
    const orderId = newOrderId();
    fake.script(orderId).receiptFailure = { status: 400 };
    await authorizedOrder(kit, orders, orderId);
    await eventually(async () => expect((await orders.getOrder(orderId)).receipt.status).toBe('FAILED'));
    const shipped = await orders.ship(orderId, { shipmentId: 'x' });
    expect(shipped.order.status).toBe('COMPLETED');
    expect(shipped.order.alerts).toEqual(['RECEIPT_FAILED']);
  });
});

test.concurrent('an order past its event budget continues as new and keeps everything it knew', async () => {
  const orders = kit.client({ continueAsNewAfterEvents: 30 });
  const orderId = await authorizedOrder(kit, orders);
  for (const [shipmentId, line] of [['a', 'socks'], ['b', 'scarf'], ['c', 'shipping']] as const) await orders.ship(orderId, { shipmentId, orderLineIds: [line] });
  const final = await finalView(kit, orderId);
  expect(final.status).toBe('COMPLETED');
  expect(final.shipments.map((s) => [s.shipmentId, s.status])).toEqual([['a', 'CAPTURED'], ['b', 'CAPTURED'], ['c', 'CAPTURED']]);
  expect(final.timeline[0]?.step).toBe('order placed');
  // Visibility lags a moment behind the runs (more so on a loaded machine): look until both are listed.
  await eventually(async () => {
    const runs: string[] = [];
    for await (const wf of kit.h().temporal.env.client.workflow.list({ query: `WorkflowId = 'order-${orderId}'` })) runs.push(wf.runId);
    expect(runs.length).toBeGreaterThan(1);
  });
  expect(fake.moneyEvents(orderId, 'CAPTURED')).toHaveLength(3);
});

test('an unknown order is reported as not found', async () => {
  const err = await rejection(kit.client().getOrder(newOrderId()));
  expect(err.code).toBe('order_not_found');
});
