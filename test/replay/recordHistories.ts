/**
 * `npm run replay:record`: runs order scenarios on fresh dev servers and saves their histories to
 * test/replay/histories/, where the replay test checks that today's workflow code still replays
 * them. Most run with scripted activities (FakeVipps) and an in-process worker; the worker-kill
 * scenarios run the whole stack with the worker as a child process that is killed with SIGKILL
 * while a money call is in flight. Record anew only on purpose; keep old files while orders of
 * their shape may still be open.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { OrderClient } from '../../src/orders/orderClient';
import { ensureTemporalCli } from '../../scripts/temporal-cli';
import { ModelHarness } from '../model/harness';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { orderClient, startWorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';

const OUT = join(__dirname, 'histories');

interface Recorder {
  client: Client;
  address: string;
  cliPath: string;
}

/** Saves every run of the order's workflow and of its refund workflows, as the CLI writes them. */
async function save(r: Recorder, name: string, orderId: string): Promise<void> {
  const runs: { workflowId: string; runId: string }[] = [];
  for await (const wf of r.client.workflow.list({ query: `VippsReference = '${orderId}'` })) runs.push({ workflowId: wf.workflowId, runId: wf.runId });
  runs.sort((a, b) => a.workflowId.localeCompare(b.workflowId));
  let n = 0;
  for (const { workflowId, runId } of runs) {
    await r.client.workflow.getHandle(workflowId, runId).result().catch(() => undefined);
    const json = execFileSync(r.cliPath, ['workflow', 'show', '--workflow-id', workflowId, '--run-id', runId, '--address', r.address, '--output', 'json'], { encoding: 'utf8' });
    const file = `${name}${runs.length > 1 ? `.${++n}` : ''}.json`;
    writeFileSync(join(OUT, file), json);
    console.log(`recorded ${file} (${workflowId})`);
  }
}

function event(name: 'AUTHORIZED' | 'ABORTED') {
  return { name, pspReference: `psp-${name}`, timestamp: new Date().toISOString(), success: true };
}

async function statusIs(orders: OrderClient, orderId: string, status: string): Promise<void> {
  await eventually(async () => {
    const view = await orders.getOrder(orderId);
    if (view.status !== status) throw new Error(`status ${view.status}, waiting for ${status}`);
  }, 30_000);
}

async function scriptedScenarios(): Promise<void> {
  const fake = new FakeVipps();
  const h = await startWorkflowHarness(fake.activities);
  const r: Recorder = { client: h.temporal.env.client, address: h.temporal.address, cliPath: h.temporal.cliPath };
  const orders = orderClient(r.client, h.taskQueue, { pollInitialMs: 300, callRetryWindowMs: 1_000, unknownRetryBaseMs: 200 });
  const authorized = async (orderId: string) => {
    await orders.placeOrder(sampleOrder(orderId));
    fake.approve(orderId);
    await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
    await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
  };
  const scenarios: Record<string, (id: string) => Promise<void>> = {
    'happy-path': async (id) => {
      await authorized(id);
      await orders.ship(id, { shipmentId: 'all' });
    },
    'partial-shipments-refunds': async (id) => {
      await authorized(id);
      await orders.ship(id, { shipmentId: 'box-1', orderLineIds: ['socks'] });
      await orders.refund(id, { refundId: 'r1', amount: { value: 5_000, currency: 'NOK' } });
      await orders.ship(id, { shipmentId: 'box-2' });
      await r.client.workflow.getHandle(`order-${id}`).result();
      await orders.refund(id, { refundId: 'r2', amount: { value: 1_000, currency: 'NOK' } });
    },
    'capture-refused-then-retried': async (id) => {
      await authorized(id);
      fake.fault(id, 'capturePayment', { refuse: { status: 400, errorCode: 6260 } });
      await orders.ship(id, { shipmentId: 'parcel' });
      await orders.retryCapture(id);
    },
    'capture-unknown-then-resolved': async (id) => {
      await authorized(id);
      fake.fault(id, 'capturePayment', 'unparsable', 'unparsable', 'unparsable');
      fake.script(id).readsDown = true;
      await orders.ship(id, { shipmentId: 'box' });
      await orders.retryCapture(id);
      fake.script(id).readsDown = false;
    },
    'cancel-before-shipment': async (id) => {
      await authorized(id);
      await orders.cancel(id, { reason: 'out of stock' });
    },
    'cancel-while-reading-payment': async (id) => {
      await orders.placeOrder(sampleOrder(id));
      const release = fake.hold(id, 'getPayment');
      await orders.notifyPaymentEvent(id, event('AUTHORIZED'));
      await eventually(() => expect1(fake.count(id, 'getPayment')));
      const cancelling = orders.cancel(id, {});
      await eventually(async () => {
        if ((await orders.getOrder(id)).cancel?.status !== 'REQUESTED') throw new Error('cancel not yet accepted');
      });
      fake.approve(id);
      release();
      await cancelling;
    },
    'polling-after-lost-webhook-then-cancel': async (id) => {
      await orders.placeOrder(sampleOrder(id));
      fake.approve(id);
      await statusIs(orders, id, 'AWAITING_SHIPMENT');
      await orders.cancel(id, {});
    },
    'rejected-payment': async (id) => {
      await orders.placeOrder(sampleOrder(id));
      fake.finish(id, 'ABORTED');
      await orders.notifyPaymentEvent(id, event('ABORTED'));
    },
  };
  try {
    for (const [name, run] of Object.entries(scenarios)) {
      const id = newOrderId('replay');
      await run(id);
      await save(r, name, id);
    }
    // A run that grows past its event budget continues as new, carrying the order's state.
    const small = orderClient(r.client, h.taskQueue, { continueAsNewAfterEvents: 30 });
    const id = newOrderId('replay');
    await small.placeOrder(sampleOrder(id));
    fake.approve(id);
    await small.notifyPaymentEvent(id, event('AUTHORIZED'));
    await statusIs(small, id, 'AWAITING_SHIPMENT');
    for (const [shipmentId, line] of [['a', 'socks'], ['b', 'scarf'], ['c', 'shipping']] as const) await small.ship(id, { shipmentId, orderLineIds: [line] });
    await save(r, 'continued-as-new', id);
  } finally {
    await h.stop();
  }
}

function expect1(n: number): void {
  if (n < 1) throw new Error('not yet');
}

/** The stack with a real worker process, killed with SIGKILL while a refund's answer is slow. */
async function workerKillScenario(): Promise<void> {
  const m = new ModelHarness({ salesUnits: false });
  await m.start();
  try {
    const r: Recorder = { client: m.stack.client, address: m.stack.temporalAddress, cliPath: await ensureTemporalCli() };
    const id = newOrderId('replay');
    if ((await m.api('POST', '/orders', sampleOrder(id))).status !== 201) throw new Error('placing failed');
    await m.emulator('POST', `/payments/${id}/approve`);
    await eventually(async () => {
      if ((await m.api('GET', `/orders/${id}`)).json.status !== 'AWAITING_SHIPMENT') throw new Error('not authorized yet');
    }, 30_000);
    await m.api('POST', `/orders/${id}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks'] });
    await m.emulator('PUT', '/faults', { failNext: [{ operation: 'refundPayment', reference: id, when: 'after', answer: 'slow', delayMs: 3_000 }] });
    const first = m.api('POST', `/orders/${id}/refunds`, { refundId: 'refund-1', amount: { value: 1_000, currency: 'NOK' } });
    await new Promise((res) => setTimeout(res, 1_000));
    await m.killWorker();
    const second = m.api('POST', `/orders/${id}/refunds`, { refundId: 'refund-2', amount: { value: 2_000, currency: 'NOK' } });
    await Promise.all([first, second]);
    await m.api('POST', `/orders/${id}/shipments`, { shipmentId: 'box-2' });
    await save(r, 'ship-refund-across-worker-kill', id);
  } finally {
    await m.stop();
  }
}

async function main(): Promise<void> {
  await scriptedScenarios();
  await workerKillScenario();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
