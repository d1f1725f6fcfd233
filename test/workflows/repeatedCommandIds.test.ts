/**
 * A shipment or refund id sent again: with the same content it is the same command (a retry,
 * deduplicated), with other content it is a conflict (409), never the first command's answer.
 * Temporal answers a repeated Update id with the first result before the validator runs, so the
 * Update id carries a digest of the content (src/orders/start/fingerprint.ts).
 */
import { authorizedOrder, rejection, useWorkflowKit } from '../support/workflowKit';

jest.setTimeout(90_000);

const kit = useWorkflowKit();
const { fake } = kit;

test.concurrent('the same shipment id with other lines is a 409; with the same lines (in any order) it is the same shipment', async () => {
  const orders = kit.client();
  const orderId = await authorizedOrder(kit, orders);
  const first = await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks', 'scarf'] });
  expect(first.order.status).toBe('PARTIALLY_SHIPPED');

  const other = await rejection(orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['shipping'] }));
  expect(other.code).toBe('order_conflict');
  expect(other.message).toBe('shipment box-1 already exists with other order lines');

  const again = await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['scarf', 'socks'] });
  expect(again.order.shipments).toEqual([expect.objectContaining({ shipmentId: 'box-1', orderLineIds: ['socks', 'scarf'], status: 'CAPTURED' })]);
  expect(fake.count(orderId, 'capturePayment')).toBe(1);
  expect(fake.payment(orderId).aggregate.captured).toBe(49_900);
});

test.concurrent('the same refund id with another amount is a 409; with the same amount it is the same refund', async () => {
  const orders = kit.client();
  const orderId = await authorizedOrder(kit, orders);
  await orders.ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] });
  const first = await orders.refund(orderId, { refundId: 'r1', amount: { value: 5_000, currency: 'NOK' } });
  expect(first.order.refunds).toEqual([expect.objectContaining({ refundId: 'r1', status: 'REFUNDED' })]);

  const other = await rejection(orders.refund(orderId, { refundId: 'r1', amount: { value: 6_000, currency: 'NOK' } }));
  expect(other.code).toBe('order_conflict');
  expect(other.message).toBe('refund r1 already exists with another amount');

  const again = await orders.refund(orderId, { refundId: 'r1', amount: { value: 5_000, currency: 'NOK' } });
  expect(again.order.refunds).toEqual([expect.objectContaining({ refundId: 'r1', amount: { value: 5_000, currency: 'NOK' }, status: 'REFUNDED' })]);
  expect(fake.count(orderId, 'refundPayment')).toBe(1);
  expect(fake.payment(orderId).aggregate.refunded).toBe(5_000);
});
