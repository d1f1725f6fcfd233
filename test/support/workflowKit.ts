/** Shared helpers for workflow tests: a real dev server, one worker, FakeVipps activities. */
import type { OrderCommandError } from '../../src/orders/errors';
import type { OrderClient } from '../../src/orders/orderClient';
import type { OrderPolicy, OrderView, PaymentEventSignal } from '../../src/workflows/messages';
import { eventually } from './eventually';
import { FakeVipps } from './fakeVipps';
import { orderClient, startWorkflowHarness, type WorkflowHarness } from './orderHarness';
import { newOrderId, sampleOrder } from './orders';

export interface WorkflowKit {
  fake: FakeVipps;
  h: () => WorkflowHarness;
  client(policy?: Partial<OrderPolicy>, commandTimeoutMs?: number): OrderClient;
}

/** Starts the harness in beforeAll and stops it in afterAll of the calling test file. */
export function useWorkflowKit(): WorkflowKit {
  const fake = new FakeVipps();
  let harness: WorkflowHarness | undefined;
  beforeAll(async () => {
    harness = await startWorkflowHarness(fake.activities);
  }, 120_000);
  afterAll(async () => {
    await harness?.stop();
  });
  const h = () => {
    if (!harness) throw new Error('harness not started');
    return harness;
  };
  return { fake, h, client: (policy = {}, commandTimeoutMs) => orderClient(h().temporal.env.client, h().taskQueue, policy, commandTimeoutMs) };
}

export function event(name: PaymentEventSignal['name'], pspReference = `psp-${name}`, idempotencyKey?: string): PaymentEventSignal {
  return { name, pspReference, timestamp: new Date().toISOString(), success: true, ...(idempotencyKey && { idempotencyKey }) };
}

export async function statusIs(orders: OrderClient, orderId: string, status: OrderView['status'], timeoutMs?: number): Promise<OrderView> {
  return eventually(async () => {
    const view = await orders.getOrder(orderId);
    expect(view.status).toBe(status);
    return view;
  }, timeoutMs);
}

/** Places an order and approves it through the webhook path. */
export async function authorizedOrder(kit: WorkflowKit, orders: OrderClient, orderId = newOrderId()): Promise<string> {
  await orders.placeOrder(sampleOrder(orderId));
  kit.fake.approve(orderId);
  await orders.notifyPaymentEvent(orderId, event('AUTHORIZED'));
  await statusIs(orders, orderId, 'AWAITING_SHIPMENT');
  return orderId;
}

/** The order workflow's result: its final view. */
export async function finalView(kit: WorkflowKit, orderId: string): Promise<OrderView> {
  return kit.h().temporal.env.client.workflow.getHandle(`order-${orderId}`).result() as Promise<OrderView>;
}

export async function rejection(p: Promise<unknown>): Promise<OrderCommandError> {
  try {
    await p;
  } catch (err) {
    return err as OrderCommandError;
  }
  throw new Error('expected the command to be refused');
}
