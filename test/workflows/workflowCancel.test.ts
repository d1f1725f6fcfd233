/**
 * Cancelling the order's workflow (Request Cancellation, `handle.cancel()`, as from the Temporal UI
 * or CLI) at the worst moments: a money call in flight. The compensation must still capture every
 * accepted shipment, release the rest, and close the run, with no workflow task failure.
 */
import { temporal } from '@temporalio/proto';
import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import type { OrderView } from '../../src/workflows/messages';
import { newOrderId, sampleOrder } from '../support/orders';
import { eventually } from '../support/eventually';
import { authorizedOrder, finalView, useWorkflowKit } from '../support/workflowKit';

jest.setTimeout(120_000);

const kit = useWorkflowKit();
const { fake } = kit;
const EventType = temporal.api.enums.v1.EventType;

/**
 * How the run ended: with the order's final view as its result (so reads of the order keep
 * working), or cancelled without one; and how many of its workflow tasks failed or timed out.
 */
async function closed(orderId: string): Promise<{ result: OrderView['status'] | 'cancelled without a view'; taskFailures: number }> {
  const handle = kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`);
  const result = await handle.result().then(
    (view: OrderView) => view.status,
    (err: unknown) => {
      if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) return 'cancelled without a view' as const;
      throw err;
    },
  );
  const history = await handle.fetchHistory();
  const taskFailures = history.events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length;
  return { result, taskFailures };
}

test.concurrent('cancelled with a capture in flight and a second shipment queued: both shipments are captured, the rest released, the run closes', async () => {
  const orders = kit.client({}, 2_000);
  const orderId = await authorizedOrder(kit, orders);
  const release = fake.hold(orderId, 'capturePayment');
  void orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] }).catch(() => undefined);
  await eventually(() => expect(fake.count(orderId, 'capturePayment')).toBe(1));
  void orders.ship(orderId, { shipmentId: 'box-2', orderLineIds: ['scarf'] }).catch(() => undefined);
  await eventually(async () => expect((await orders.getOrder(orderId)).shipments).toHaveLength(2));

  await kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).cancel();
  await new Promise((r) => setTimeout(r, 1_000));
  release();

  const end = await closed(orderId);
  expect(end).toEqual({ result: 'COMPLETED', taskFailures: 0 });
  expect((await orders.getOrder(orderId)).status).toBe('COMPLETED');
  expect(fake.moneyEvents(orderId, 'CAPTURED').map((e) => e.amount)).toEqual([30_000, 19_900]);
  expect(fake.moneyEvents(orderId, 'CANCELLED').map((e) => e.amount)).toEqual([4_900]);
  expect(fake.payment(orderId).aggregate).toEqual({ authorized: 54_800, captured: 49_900, cancelled: 4_900, refunded: 0 });
});

test.concurrent('cancelled with the void of a pending payment in flight: the void completes with its key, no workflow task fails, the run closes', async () => {
  const orders = kit.client({}, 2_000);
  const orderId = newOrderId();
  await orders.placeOrder(sampleOrder(orderId));
  const release = fake.hold(orderId, 'cancelPayment');
  void orders.cancel(orderId, { reason: 'changed my mind' }).catch(() => undefined);
  await eventually(() => expect(fake.count(orderId, 'cancelPayment')).toBe(1));

  await kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).cancel();
  await new Promise((r) => setTimeout(r, 1_000));
  release();

  const end = await closed(orderId);
  expect(end).toEqual({ result: 'CANCELLED', taskFailures: 0 });
  expect((await orders.getOrder(orderId)).status).toBe('CANCELLED');
  expect(fake.payment(orderId).state).toBe('TERMINATED');
  expect(new Set(fake.keys(orderId, 'cancelPayment')).size).toBe(1);
});

test.concurrent('a shipment accepted before the workflow is cancelled is answered with the final view, not an error', async () => {
  const orders = kit.client({}, 10_000);
  const orderId = await authorizedOrder(kit, orders);
  const release = fake.hold(orderId, 'capturePayment');
  const first = orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] }).then((r) => r, (err: unknown) => err);
  await eventually(() => expect(fake.count(orderId, 'capturePayment')).toBe(1));
  const second = orders.ship(orderId, { shipmentId: 'box-2', orderLineIds: ['scarf'] }).then((r) => r, (err: unknown) => err);
  await eventually(async () => expect((await orders.getOrder(orderId)).shipments).toHaveLength(2));

  await kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).cancel();
  await new Promise((r) => setTimeout(r, 1_000));
  release();

  for (const [shipmentId, answer] of [['box-1', await first], ['box-2', await second]] as const) {
    expect(answer).not.toBeInstanceOf(Error);
    const { order, complete } = answer as Awaited<ReturnType<typeof orders.ship>>;
    expect({ complete, status: order.shipments.find((s) => s.shipmentId === shipmentId)?.status }).toEqual({ complete: true, status: 'CAPTURED' });
  }
  expect(fake.moneyEvents(orderId, 'CAPTURED').map((e) => e.amount)).toEqual([30_000, 19_900]);
  expect(await closed(orderId)).toEqual({ result: 'COMPLETED', taskFailures: 0 });
});

test.concurrent('a shipment sent after the workflow was cancelled is refused with 409 and the order view; nothing is captured for it', async () => {
  const orders = kit.client({}, 10_000);
  const orderId = await authorizedOrder(kit, orders);
  const release = fake.hold(orderId, 'capturePayment');
  const first = orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] }).then((r) => r, (err: unknown) => err);
  await eventually(() => expect(fake.count(orderId, 'capturePayment')).toBe(1));
  await kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).cancel();
  await eventually(async () => expect((await orders.getOrder(orderId, { live: true })).timeline.map((e) => e.step)).toContain('workflow cancellation requested'));

  const late = await orders.ship(orderId, { shipmentId: 'box-2', orderLineIds: ['scarf'] }).then((r) => r, (err: unknown) => err);
  release();

  expect(late).toMatchObject({ name: 'OrderCommandError', code: 'order_conflict' });
  expect(await first).not.toBeInstanceOf(Error);
  expect(await closed(orderId)).toEqual({ result: 'COMPLETED', taskFailures: 0 });
  expect(fake.moneyEvents(orderId, 'CAPTURED').map((e) => e.amount)).toEqual([30_000]);
});

test.concurrent('cancelled when Vipps refuses the release for good (6030): the run stays open for the operator, whose acknowledge of the lapsed rest closes it CANCELLED', async () => {
  const orders = kit.client({}, 5_000);
  const orderId = await authorizedOrder(kit, orders);
  fake.script(orderId).cancelsFail = { refuse: { status: 400, errorCode: 6030 } };
  const handle = kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`);
  await handle.cancel();
  await eventually(async () => expect((await orders.getOrder(orderId)).alerts).toContain('RELEASE_FAILED'));
  await new Promise((r) => setTimeout(r, 1_000));
  // Closing now would leave an alert no command can end: the run waits for the operator instead.
  expect((await handle.describe()).status.name).toBe('RUNNING');
  expect(fake.keys(orderId, 'cancelPayment')).toHaveLength(1);

  const acked = await orders.acknowledge(orderId, { alert: 'RELEASE_FAILED', reason: 'the reservation lapsed at the capture deadline' });
  expect(acked.order.status).toBe('CANCELLED');
  expect(await closed(orderId)).toEqual({ result: 'CANCELLED', taskFailures: 0 });
});

test.concurrent('cancelled while the receipt is being attached: no workflow task fails, the reservation is released, the receipt is attached before the run closes', async () => {
  const orders = kit.client({}, 5_000);
  const orderId = newOrderId();
  const releaseReceipt = fake.hold(orderId, 'attachReceipt');
  await authorizedOrder(kit, orders, orderId);
  await eventually(() => expect(fake.count(orderId, 'attachReceipt')).toBe(1));

  // The attach is cancelled with the run: nothing may be left rejected and unhandled.
  await kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).cancel();
  await eventually(() => expect(fake.payment(orderId).aggregate.cancelled).toBe(54_800));
  releaseReceipt();

  expect(await closed(orderId)).toEqual({ result: 'CANCELLED', taskFailures: 0 });
  const view = await finalView(kit, orderId);
  expect(view.receipt.status).toBe('ATTACHED');
  expect(fake.count(orderId, 'attachReceipt')).toBe(2);
  expect(fake.payment(orderId).receipts).toBeGreaterThanOrEqual(1);
});
