/**
 * Order events to the shop, end to end: the real worker posts a signed event to a real HTTP
 * endpoint (the shop) on every status change of an order driven through the service and the
 * emulator. The shop verifies each signature with the Vipps webhook scheme, and fails the first
 * delivery, which must come again.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@vipps-orders/vipps';
import type { LocalStack } from '../../scripts/local-stack';
import { startE2eStack, stackApi } from '../support/e2eStack';
import type { OrderEvent } from '../../src/workflows/messages/orderEvents';
import type { OrderView, PlaceOrderResult } from '../../src/workflows/messages';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(90_000);

const SECRET = 'order-events-test-secret-0123456789abcdef';

interface Attempt {
  verified: boolean;
  answered: number;
  event: OrderEvent;
}

let stack: LocalStack;
let shop: Server;
const attempts: Attempt[] = [];
let failNext = 1;

beforeAll(async () => {
  quietTemporalLogs();
  shop = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const check = verifyWebhook({ secret: SECRET, pathAndQuery: req.url ?? '', host: req.headers.host ?? '', rawBody, headers: req.headers });
      const answered = !check.ok ? 401 : failNext-- > 0 ? 503 : 204;
      attempts.push({ verified: check.ok, answered, event: JSON.parse(rawBody.toString('utf8')) as OrderEvent });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  const shopPort = (shop.address() as AddressInfo).port;
  stack = await startE2eStack({ ORDER_EVENTS_URL: `http://127.0.0.1:${shopPort}/order-events`, ORDER_EVENTS_SECRET: SECRET });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => shop?.close(resolve));
});

const api = stackApi(() => stack);

test('a shop receives a signed event for every status change of an order, in order, and gets the one it failed again', async () => {
  const orderId = newOrderId('events');
  const placed = await api<PlaceOrderResult>('POST', '/orders', sampleOrder(orderId));
  expect(placed.status).toBe(201);
  const approved = await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve`, { method: 'POST' });
  expect(approved.status).toBe(200);
  await eventually(async () => expect((await api('GET', `/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 15_000);

  expect((await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-1', orderLineIds: ['socks'] })).json.status).toBe('PARTIALLY_SHIPPED');
  expect((await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'box-2' })).json.status).toBe('COMPLETED');

  const delivered = await eventually(() => {
    const ok = attempts.filter((a) => a.event.orderId === orderId && a.answered === 204).map((a) => a.event);
    expect(ok.map((e) => e.status)).toEqual(['AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED', 'COMPLETED']);
    return ok;
  }, 30_000);
  const mine = attempts.filter((a) => a.event.orderId === orderId);
  expect(mine.every((a) => a.verified)).toBe(true);
  // The first delivery failed (503) and came again with the same event; nothing else was repeated.
  expect(mine.map((a) => [a.event.eventId, a.answered])).toEqual([
    [`${orderId}:1`, 503],
    [`${orderId}:1`, 204],
    [`${orderId}:2`, 204],
    [`${orderId}:3`, 204],
  ]);
  expect(delivered.map((e) => [e.sequence, e.previousStatus, e.status])).toEqual([
    [1, 'PENDING_PAYMENT', 'AWAITING_SHIPMENT'],
    [2, 'AWAITING_SHIPMENT', 'PARTIALLY_SHIPPED'],
    [3, 'PARTIALLY_SHIPPED', 'COMPLETED'],
  ]);
  expect(delivered[2]!.aggregate).toEqual({ authorized: 54_800, captured: 54_800, cancelled: 0, refunded: 0 });
  expect(delivered[0]!.amount).toEqual({ value: 54_800, currency: 'NOK' });
  // No customer data in what the shop is sent.
  expect(JSON.stringify(delivered)).not.toMatch(/phone|4791/i);

  // The run closed only after the shop had the last event.
  const handle = stack.orders.temporal.workflow.getHandle(`order-${orderId}`);
  expect(((await handle.result()) as OrderView).status).toBe('COMPLETED');
});
