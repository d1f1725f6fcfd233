/**
 * The customer's return page: reachable only through the link the order gave Vipps (its token is
 * an HMAC of the order id under PAGE_SECRET); without it the page shows nothing of the order and
 * wakes nothing. And what it says: refunds after settlement, and never "confirmed" for an order
 * whose payment is not known to be authorized. Real HTTP, a real Temporal dev server and worker
 * (scripted Vipps); every response is checked against the OpenAPI document.
 */
import { buildService } from '../../src/http/app';
import { createOrderClient } from '../../src/orders/factory';
import type { OrderClient } from '../../src/orders/orderClient';
import { returnPath, returnToken, returnUrl } from '../../src/security/returnLinks';
import type { OrderView } from '../../src/workflows/messages';
import { FakeVipps } from '../support/fakeVipps';
import { intlAmount } from '../support/intlAmount';
import { testServiceConfig } from '../support/serviceConfig';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/serviceUnderTest';
import type { OpenApiContract } from '../support/openApiContract';
import { type WorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(90_000);

const PAGE_SECRET = 'return-token-test-page-secret-0123456789';
const fake = new FakeVipps();
let h: WorkflowHarness;
let orders: OrderClient;
let base: string;
let contract: OpenApiContract;

const config = testServiceConfig({ orderApiKey: 'return-token-test-api-key', pageSecret: PAGE_SECRET });

let service: ServiceUnderTest | undefined;

beforeAll(async () => {
  service = await startServiceUnderTest(fake, config);
  ({ h, orders, base, contract } = service);
}, 120_000);

afterAll(() => service?.stop());

async function visit(path: string, server = base): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${server}${path}`);
  const text = await res.text();
  if (server === base) contract.check({ method: 'GET', path, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return { status: res.status, text, headers: res.headers };
}

test('the order gives Vipps a return URL with a token that is an HMAC of the order id', async () => {
  // The order client as the service configures it from the environment.
  const client = createOrderClient(h.temporal.env.client, { PAGE_SECRET, PUBLIC_URL: 'https://shop.example.com', TEMPORAL_TASK_QUEUE: h.taskQueue });
  const orderId = newOrderId('ret');
  await client.placeOrder(sampleOrder(orderId));
  const sent = (fake.callsFor(orderId, 'createPayment')[0]?.input as { returnUrl?: string }).returnUrl;
  expect(sent).toBe(`https://shop.example.com/orders/${orderId}/return?t=${returnToken(PAGE_SECRET, orderId)}`);
  const url = new URL(returnUrl('https://shop.example.com', PAGE_SECRET, 'shop-10001'));
  expect(url.pathname).toBe('/orders/shop-10001/return');
  expect(url.searchParams.get('t')).toMatch(/^[\w-]{32}$/);
  expect(returnToken(PAGE_SECRET, 'shop-10001')).not.toBe(returnToken(PAGE_SECRET, 'shop-10002'));
  expect(returnToken(PAGE_SECRET, 'shop-10001')).not.toBe(returnToken(`${PAGE_SECRET}-other`, 'shop-10001'));
});

test('without a valid token the page shows nothing of the order and wakes nothing', async () => {
  const orderId = newOrderId('ret');
  const order = sampleOrder(orderId);
  await orders.placeOrder(order);
  const other = newOrderId('ret');
  for (const path of [
    `/orders/${orderId}/return`,
    `/orders/${orderId}/return?t=`,
    `/orders/${orderId}/return?t=${'A'.repeat(32)}`,
    `/orders/${orderId}/return?t=${returnToken(PAGE_SECRET, other)}`,
    `/orders/${orderId}/return?t=${returnToken(PAGE_SECRET, orderId)}x`,
  ]) {
    const res = await visit(path);
    expect({ path, status: res.status }).toEqual({ path, status: 404 });
    for (const secret of [orderId, 'Wool socks', 'NOK', 'PENDING_PAYMENT', 'Waiting']) expect({ path, leaks: res.text.includes(secret) }).toEqual({ path, leaks: false });
  }
  // The same page as for an order that does not exist: it does not tell the two apart.
  const unknown = await visit(returnPath(PAGE_SECRET, newOrderId('ret')));
  expect(unknown.status).toBe(404);
  expect((await visit(`/orders/${orderId}/return`)).text).toBe(unknown.text);
  await new Promise((r) => setTimeout(r, 300));
  expect(fake.count(orderId, 'getPayment')).toBe(0);

  // With the link's token: the order, and the one wake-up.
  fake.approve(orderId);
  const res = await visit(returnPath(PAGE_SECRET, orderId));
  expect(res.status).toBe(200);
  expect(res.text).toContain('Thank you! Your order is confirmed');
  expect(res.text).toContain('Wool socks');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  expect(fake.count(orderId, 'getPayment')).toBe(1);
});

test('a settled order’s page says what was refunded after settlement', async () => {
  const orderId = newOrderId('ret');
  await orders.placeOrder(sampleOrder(orderId));
  fake.approve(orderId);
  await orders.customerReturned(orderId, 5_000);
  await orders.ship(orderId, { shipmentId: 'box-1' });
  await orders.refund(orderId, { refundId: 'r-1', amount: { value: 13_150, currency: 'NOK' } });
  const res = await visit(returnPath(PAGE_SECRET, orderId));
  expect(res.text).toContain('Thank you! Your order is on its way');
  const nok = (minor: number) => intlAmount('en', minor, 'NOK');
  expect(res.text).toContain(`${nok(54_800)} was charged and ${nok(13_150)} refunded through Vipps MobilePay (${nok(41_650)} in all)`);
});

describe('"confirmed" only for a payment known to be authorized', () => {
  const needsAttention = (authorized: number): OrderView => {
    const view = { orderId: 'shop-attention-1', status: 'NEEDS_ATTENTION', amount: { value: 54_800, currency: 'NOK' }, orderLines: [], payment: { reference: 'shop-attention-1', aggregate: { authorized, captured: 0, cancelled: 0, refunded: 0 } } };
    return view as unknown as OrderView;
  };
  // An order client that answers for one closed order: the page reads a closed order's result.
  const pageFor = async (view: OrderView) => {
    const reader = { glance: () => Promise.resolve({ orderId: view.orderId, status: view.status, running: false, alerts: [] }), getOrder: () => Promise.resolve(view), temporal: h.temporal.env.client };
    const server = await buildService({ config, orders: reader as unknown as OrderClient });
    const url = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      return (await visit(returnPath(PAGE_SECRET, view.orderId), url)).text;
    } finally {
      await server.close();
    }
  };

  test('NEEDS_ATTENTION without an authorized payment is not "confirmed" and says nothing is reserved', async () => {
    const text = await pageFor(needsAttention(0));
    expect(text).not.toContain('confirmed');
    expect(text).not.toContain('is reserved');
    expect(text).toContain('The shop is looking at your order');
  });

  test('NEEDS_ATTENTION with an authorized payment is still the customer’s confirmed order', async () => {
    expect(await pageFor(needsAttention(54_800))).toContain('Thank you! Your order is confirmed');
  });
});
