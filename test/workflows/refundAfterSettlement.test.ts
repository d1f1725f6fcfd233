/**
 * Refunds after the order is settled, each a workflow of its own: ids that read alike across
 * orders, conflicting repeats, refusals the order's own figures decide, and what operators see.
 */
import { OrderAlerts, OrderStatusAttribute, VippsReference } from '../../src/workflows/messages/searchAttributes';
import { refundWorkflowIdFor, type RefundOutcome } from '../../src/workflows/messages';
import { eventually } from '../support/eventually';
import { authorizedOrder, event, finalView, rejection, useWorkflowKit } from '../support/workflowKit';

jest.setTimeout(90_000);

const kit = useWorkflowKit();
const { fake } = kit;

async function settledOrder(orderId?: string): Promise<string> {
  const orders = kit.client();
  const id = await authorizedOrder(kit, orders, orderId);
  await orders.ship(id, { shipmentId: 'all' });
  await finalView(kit, id);
  return id;
}

test.concurrent('refund ids that read alike across orders run apart: order X refund "2-r1" and order "X-2" refund "r1"', async () => {
  const orders = kit.client();
  const first = await settledOrder();
  const second = await settledOrder(`${first}-2`);
  const amount = { value: 5_000, currency: 'NOK' } as const;

  const a = await orders.refund(first, { refundId: '2-r1', amount });
  const b = await orders.refund(second, { refundId: 'r1', amount });

  expect(a.order.refunds).toEqual([expect.objectContaining({ refundId: '2-r1', status: 'REFUNDED' })]);
  expect(b.order.orderId).toBe(second);
  expect(b.order.refunds).toEqual([expect.objectContaining({ refundId: 'r1', status: 'REFUNDED', idempotencyKey: `${second}.refund.r.r1` })]);
  // The money moved on each payment once: the second refund did not join the first one's run.
  expect(fake.payment(first).aggregate.refunded).toBe(5_000);
  expect(fake.payment(second).aggregate.refunded).toBe(5_000);
  expect(fake.count(second, 'refundPayment')).toBe(1);
  expect(refundWorkflowIdFor(first, '2-r1')).not.toBe(refundWorkflowIdFor(second, 'r1'));
  const d = await kit.h().temporal.env.client.workflow.getHandle(refundWorkflowIdFor(second, 'r1')).describe();
  expect(d.typedSearchAttributes.get(VippsReference)).toBe(second);
});

test.concurrent('a refund above what is left after settlement is a 409 at once: nothing is sent, no "refund failed" row, and the id stays free', async () => {
  const orders = kit.client();
  const orderId = await settledOrder();
  await orders.refund(orderId, { refundId: 'r1', amount: { value: 50_000, currency: 'NOK' } });

  const tooMuch = await rejection(orders.refund(orderId, { refundId: 'r2', amount: { value: 5_000, currency: 'NOK' } }));
  expect(tooMuch.code).toBe('order_conflict');
  expect(tooMuch.message).toBe('amount NOK 50.00 exceeds what can be refunded (NOK 48.00)');
  expect(fake.count(orderId, 'refundPayment')).toBe(1);
  await expect(kit.h().temporal.env.client.workflow.getHandle(refundWorkflowIdFor(orderId, 'r2')).describe()).rejects.toThrow();

  const corrected = await orders.refund(orderId, { refundId: 'r2', amount: { value: 4_800, currency: 'NOK' } });
  expect(corrected.order.refunds.map((r) => [r.refundId, r.status])).toEqual([['r1', 'REFUNDED'], ['r2', 'REFUNDED']]);
  expect(fake.payment(orderId).aggregate.refunded).toBe(54_800);
});

test.concurrent('a refund Vipps\' own figures rule out (refunded outside this service) is a 409 before anything is sent, and leaves no failed row', async () => {
  const orders = kit.client();
  const orderId = await settledOrder();
  // Refunded in the business portal: the order's figures do not know it, Vipps' do.
  fake.payment(orderId).aggregate.refunded = 50_000;

  const refused = await rejection(orders.refund(orderId, { refundId: 'r1', amount: { value: 5_000, currency: 'NOK' } }));
  expect(refused.code).toBe('order_conflict');
  expect(refused.message).toBe('amount NOK 50.00 exceeds what can be refunded (NOK 48.00)');
  expect(fake.count(orderId, 'refundPayment')).toBe(0);
  const d = await kit.h().temporal.env.client.workflow.getHandle(refundWorkflowIdFor(orderId, 'r1')).describe();
  expect(d.status.name).toBe('FAILED');
  expect((await orders.getOrder(orderId)).refunds).toEqual([]);
});

test.concurrent('webhooks of refunds after settlement carry our keys and are acknowledged as not needed, not as an unknown order', async () => {
  const orders = kit.client();
  const orderId = await settledOrder();
  await orders.refund(orderId, { refundId: 'r1', amount: { value: 1_000, currency: 'NOK' } });
  expect(await orders.notifyPaymentEvent(orderId, event('REFUNDED', 'psp-r1', `${orderId}.refund.r.r1`))).toBe('not-needed');
  // A refund made elsewhere on a settled order is still reported.
  expect(await orders.notifyPaymentEvent(orderId, event('REFUNDED', 'psp-portal', 'portal-key-1'))).toBe('unknown-order');
});

test.concurrent('a refund workflow that escalated and then was refused by Vipps is labelled NEEDS_ATTENTION with REFUND_FAILED, not COMPLETED', async () => {
  const orders = kit.client();
  const orderId = await settledOrder();
  fake.script(orderId).faults.refundPayment = Array<'down'>(500).fill('down');
  const pending = orders.refund(orderId, { refundId: 'r1', amount: { value: 1_000, currency: 'NOK' } }).catch((err: unknown) => err);
  const handle = kit.h().temporal.env.client.workflow.getHandle(refundWorkflowIdFor(orderId, 'r1'));
  await eventually(async () => expect((await handle.describe()).typedSearchAttributes.get(OrderStatusAttribute)).toBe('NEEDS_ATTENTION'), 60_000, 500);
  fake.script(orderId).faults.refundPayment = [{ refuse: { status: 400, errorCode: 6150 } }];
  const outcome = (await handle.result()) as RefundOutcome;
  expect(outcome.refund.status).toBe('REFUND_FAILED');
  const d = await handle.describe();
  expect(d.typedSearchAttributes.get(OrderStatusAttribute)).toBe('NEEDS_ATTENTION');
  expect(d.typedSearchAttributes.get(OrderAlerts)).toEqual(['REFUND_FAILED']);
  await pending;
});
