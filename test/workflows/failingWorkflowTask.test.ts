/**
 * An order whose workflow task fails (a worker cannot replay its history: an SDK defect, or a bad
 * deploy) must stay readable: GET answers with the last view the order kept in its memo, marked as
 * such, instead of a 500. Before, `GET /orders/:id` failed as long as the task did.
 */
import { randomUUID } from 'node:crypto';
import { Worker } from '@temporalio/worker';
import { changedWorkflowBundle } from '../replay/changedBundle';
import { FakeVipps } from '../support/fakeVipps';
import { orderClient, workflowBundle } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';
import { quietTemporalLogs } from '../support/temporalLogs';
import { startTestTemporal, type TestTemporal } from '../support/temporalServer';
import { eventually } from '../support/eventually';
import { event, statusIs } from '../support/workflowKit';

jest.setTimeout(120_000);

let temporal: TestTemporal;

beforeAll(async () => {
  quietTemporalLogs();
  temporal = await startTestTemporal();
}, 120_000);
afterAll(() => temporal?.teardown());

test('an order whose workflow task fails answers GET with its last known view', async () => {
  const fake = new FakeVipps();
  const taskQueue = `orders-${randomUUID()}`;
  const orders = orderClient(temporal.env.client, taskQueue);
  const orderId = newOrderId('broken');

  const good = await Worker.create({ connection: temporal.env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: fake.activities });
  await good.runUntil(async () => {
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
    await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] });
  });

  // A worker that cannot replay this history, and keeps nothing cached: every task fails.
  const broken = await Worker.create({
    connection: temporal.env.nativeConnection,
    taskQueue,
    workflowBundle: await changedWorkflowBundle(),
    activities: fake.activities,
    maxCachedWorkflows: 0,
  });
  await broken.runUntil(async () => {
    // A GET asks no worker (the view is in the memo): a webhook makes the order take a task, which fails.
    await temporal.env.client.workflow.getHandle(`order-${orderId}`).signal('paymentEvent', event('CAPTURED', 'psp-elsewhere'));
    await eventually(async () => expect((await temporal.env.client.workflow.getHandle(`order-${orderId}`).describe()).raw.pendingWorkflowTask?.attempt ?? 0).toBeGreaterThan(1), 60_000);
    const view = await orders.getOrder(orderId);
    expect(view.status).toBe('PARTIALLY_SHIPPED');
    expect(view.shipments.map((s) => [s.shipmentId, s.status])).toEqual([['box-1', 'CAPTURED']]);
    expect(view.busy).toBe(true);
    expect(view.waitingFor).toContain('workflow task is failing');
  });
});
