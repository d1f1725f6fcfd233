/**
 * Order events with several sales units: the same order id on two units is two orders, so their
 * events must not share an id (a shop that drops repeated event ids would lose one order's
 * changes) and must say which unit they are about.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { LocalStack } from '../../scripts/local-stack';
import type { OrderEvent } from '../../src/workflows/messages/orderEvents';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(90_000);

let stack: LocalStack;
let shop: Server;
const received: OrderEvent[] = [];

beforeAll(async () => {
  quietTemporalLogs();
  shop = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as OrderEvent);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
  const port = (shop.address() as AddressInfo).port;
  stack = await startE2eStack({
    SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml'),
    ORDER_EVENTS_URL: `http://127.0.0.1:${port}/order-events`,
    ORDER_EVENTS_SECRET: 'order-events-test-secret-0123456789abcdef',
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await new Promise((resolve) => shop?.close(resolve));
});

const api = stackApi(() => stack);

test('the same order id on no and dk gives events with their own ids, each naming its unit', async () => {
  const orderId = newOrderId('ev-units');
  for (const [unit, msn, currency] of [['no', '123456', 'NOK'], ['dk', '223456', 'DKK']] as const) {
    expect((await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: unit, amount: { value: 54_800, currency } })).status).toBe(201);
    expect((await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve?msn=${msn}`, { method: 'POST' })).status).toBe(200);
  }
  await eventually(() => expect(received.filter((e) => e.orderId === orderId && e.status === 'AWAITING_SHIPMENT')).toHaveLength(2), 30_000);
  const mine = received.filter((e) => e.orderId === orderId && e.status === 'AWAITING_SHIPMENT');
  expect(mine.map((e) => [e.salesUnit, e.eventId, e.amount.currency]).sort()).toEqual([
    ['dk', `dk:${orderId}:1`, 'DKK'],
    ['no', `no:${orderId}:1`, 'NOK'],
  ]);
});
