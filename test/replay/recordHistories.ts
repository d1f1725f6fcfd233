/**
 * `npm run replay:record`: runs a few order scenarios on a fresh dev server (scripted activities)
 * and saves their histories to test/replay/histories/, where the replay test checks that today's
 * workflow code still replays them. Record anew only on purpose (a deliberate, patched() change);
 * keep the old files so in-flight orders of the old shape stay covered.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { orderClient, startWorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';

const OUT = join(__dirname, 'histories');

async function main(): Promise<void> {
  const fake = new FakeVipps();
  const h = await startWorkflowHarness(fake.activities);
  const client = h.temporal.env.client;
  const orders = orderClient(client, h.taskQueue, { refundWindowMs: 3_000, pollInitialMs: 300 });
  const authorized = async (orderId: string) => {
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, { name: 'AUTHORIZED', pspReference: 'psp-1', timestamp: new Date().toISOString(), success: true });
    await eventually(async () => expectStatus(await orders.getOrder(orderId), 'AWAITING_SHIPMENT'));
  };
  const scenarios: Record<string, () => Promise<string>> = {
    'happy-path': async () => {
      const id = newOrderId('replay');
      await authorized(id);
      await orders.ship(id, { shipmentId: 'all' });
      return id;
    },
    'partial-shipments-refund': async () => {
      const id = newOrderId('replay');
      await authorized(id);
      await orders.ship(id, { shipmentId: 'box-1', orderLineIds: ['socks'] });
      await orders.ship(id, { shipmentId: 'box-2' });
      await orders.refund(id, { refundId: 'r1', amount: { value: 5_000, currency: 'NOK' } });
      return id;
    },
    'capture-failure-retry': async () => {
      const id = newOrderId('replay');
      fake.script(id).captureFailures.push({ status: 400, errorCode: 6260 });
      await authorized(id);
      await orders.ship(id, { shipmentId: 'parcel' });
      await orders.retryCapture(id);
      return id;
    },
    'cancel-before-shipment': async () => {
      const id = newOrderId('replay');
      await authorized(id);
      await orders.cancel(id, { reason: 'out of stock' });
      return id;
    },
    'polling-after-lost-webhook': async () => {
      const id = newOrderId('replay');
      await orders.placeOrder(sampleOrder(id));
      fake.approve(id);
      await eventually(async () => expectStatus(await orders.getOrder(id), 'AWAITING_SHIPMENT'));
      await orders.cancel(id, {});
      return id;
    },
  };
  try {
    for (const [name, run] of Object.entries(scenarios)) {
      const orderId = await run();
      const handle = client.workflow.getHandle(`order-${orderId}`);
      await handle.result();
      // The CLI writes the proto3 JSON form that historyFromJSON reads back.
      const json = execFileSync(h.temporal.cliPath, ['workflow', 'show', '--workflow-id', handle.workflowId, '--address', h.temporal.address, '--output', 'json'], { encoding: 'utf8' });
      writeFileSync(join(OUT, `${name}.json`), json);
      console.log(`recorded ${name}`);
    }
  } finally {
    await h.stop();
  }
}

function expectStatus(view: { status: string }, status: string): void {
  if (view.status !== status) throw new Error(`status ${view.status}, waiting for ${status}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
