/**
 * The HTTP service over real HTTP, with a real Temporal dev server and worker (scripted activities):
 * the order API's contract, the webhook receiver's checks and the return page.
 */
import { Client, Connection } from '@temporalio/client';
import { signWebhook, signingTarget } from '@vipps-orders/vipps';
import type { ServiceConfig } from '../../src/config';
import { buildService } from '../../src/http/app';
import { returnPath } from '../../src/security/returnLinks';
import { intlAmount } from '../support/intlAmount';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { testServiceConfig } from '../support/serviceConfig';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/serviceUnderTest';
import type { OpenApiContract } from '../support/openApiContract';
import { orderClient, type WorkflowHarness } from '../support/orderHarness';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(60_000);

const API_KEY = 'test-order-api-key-123';
const SECRET = 'webhook-secret-for-tests';
const PAGE_SECRET = 'page-secret-for-tests-0123456789abcdef';
const fake = new FakeVipps();
let h: WorkflowHarness;
let base: string;
let contract: OpenApiContract;

function serviceConfig(overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  return testServiceConfig({ orderApiKey: API_KEY, pageSecret: PAGE_SECRET, webhookSecret: SECRET, ...overrides });
}

let service: ServiceUnderTest | undefined;

beforeAll(async () => {
  service = await startServiceUnderTest(fake, serviceConfig());
  ({ h, base, contract } = service);
}, 120_000);

/** Every response these tests see must be one the OpenAPI document describes. */
async function checked(path: string, init: RequestInit = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  contract.check({ method: init.method ?? 'GET', path, status: res.status, contentType: res.headers.get('content-type'), body: text });
  return { status: res.status, text, headers: res.headers };
}

afterAll(() => service?.stop());

async function api(method: string, path: string, body?: unknown, key: string | null = API_KEY): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await checked(path, {
    method,
    headers: { ...(key !== null && { authorization: `Bearer ${key}` }), ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
}

async function workflowExists(orderId: string): Promise<boolean> {
  try {
    await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).describe();
    return true;
  } catch {
    return false;
  }
}

function webhookBody(reference: string, name = 'AUTHORIZED', extra: object = {}): string {
  return JSON.stringify({
    msn: '123456',
    reference,
    pspReference: `psp-${name}-${reference}`,
    name,
    amount: { value: 54_800, currency: 'NOK' },
    timestamp: new Date().toISOString(),
    success: true,
    ...extra,
  });
}

async function deliver(body: string, opts: { secret?: string; date?: Date; tamper?: boolean } = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  const target = signingTarget('https://shop.example.com/webhooks/vipps');
  const headers = signWebhook({ secret: opts.secret ?? SECRET, ...target, body }, opts.date ?? new Date());
  const res = await checked('/webhooks/vipps', {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: opts.tamper ? body.replace('54800', '54801') : body,
  });
  return { status: res.status, json: JSON.parse(res.text) as Record<string, unknown> };
}

describe('order API', () => {
  test('requests without the API key are refused', async () => {
    const orderId = newOrderId();
    expect((await api('POST', '/orders', sampleOrder(orderId), null)).status).toBe(401);
    expect((await api('POST', '/orders', sampleOrder(orderId), 'wrong-key')).status).toBe(401);
    expect((await api('GET', `/orders/${orderId}`, undefined, null)).status).toBe(401);
    expect(await workflowExists(orderId)).toBe(false);
  });

  test('an invalid order is refused with the field and reason, and no workflow starts', async () => {
    const orderId = newOrderId();
    const bad = { ...sampleOrder(orderId), amount: { value: 100, currency: 'NOK' } };
    const res = await api('POST', '/orders', bad);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_command');
    expect(res.json.issues).toEqual([{ field: 'orderLines', reason: 'line totals add up to 54800, but amount.value is 100' }]);

    const badId = await api('POST', '/orders', { ...sampleOrder(), orderId: 'short' });
    expect(badId.status).toBe(400);
    expect(badId.json.issues).toEqual([expect.objectContaining({ field: 'orderId' })]);
    const badPhone = await api('POST', '/orders', { ...sampleOrder(orderId), customer: { phoneNumber: '+47 123' } });
    expect(badPhone.json.issues).toEqual([expect.objectContaining({ field: 'customer.phoneNumber' })]);
    const notJson = await api('POST', '/orders', '{"orderId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toEqual({ error: 'invalid_request', message: 'the body is not valid JSON' });
    expect(await workflowExists(orderId)).toBe(false);
  });

  test('an order is placed, read, shipped, refunded; a refused command is a 409 with the reason', async () => {
    const orderId = newOrderId();
    const placed = await api('POST', '/orders', { ...sampleOrder(orderId), customer: { phoneNumber: '4712345678' } });
    expect(placed.status).toBe(201);
    expect(placed.json).toEqual({ orderId, workflowId: `order-${orderId}`, redirectUrl: `https://landing.example/?token=${orderId}` });
    // The phone number reaches the createPayment activity sealed, never in clear.
    const createInput = JSON.stringify(fake.callsFor(orderId, 'createPayment')[0]?.input);
    expect(createInput).toContain('sealedCustomerPhone');
    expect(createInput).not.toContain('4712345678');

    const read = await api('GET', `/orders/${orderId}`);
    expect(read.status).toBe(200);
    expect(read.json).toEqual(expect.objectContaining({ orderId, status: 'PENDING_PAYMENT' }));

    const early = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 's1' });
    expect(early.status).toBe(409);
    expect(early.json.message).toBe('cannot ship an order that is PENDING_PAYMENT');

    fake.approve(orderId);
    expect((await deliver(webhookBody(orderId))).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'));

    const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 's1' });
    expect(shipped.status).toBe(200);
    expect(shipped.json.status).toBe('COMPLETED');
    const refund = await api('POST', `/orders/${orderId}/refunds`, { refundId: 'r1', amount: { value: 500, currency: 'NOK' } });
    expect(refund.status).toBe(200);
    expect((refund.json.payment as { aggregate: { refunded: number } }).aggregate.refunded).toBe(500);
    const cancel = await api('POST', `/orders/${orderId}/cancel`, {});
    expect(cancel.status).toBe(409);
    expect(cancel.json).toEqual(expect.objectContaining({ error: 'order_conflict', message: `order ${orderId} is settled (COMPLETED); it takes no more commands except refunds` }));
    expect((cancel.json.order as { status: string }).status).toBe('COMPLETED');
  });

  test('acknowledge: a 400 naming the field without a reason, a 409 without the alert, a 200 that ends the alert', async () => {
    const orderId = newOrderId();
    expect((await api('POST', '/orders', sampleOrder(orderId))).status).toBe(201);
    fake.approve(orderId);
    expect((await deliver(webhookBody(orderId))).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'));
    const noAlert = await api('POST', `/orders/${orderId}/acknowledge`, { alert: 'OVER_CAPTURED', reason: 'checked in the portal' });
    expect(noAlert.status).toBe(409);
    expect(noAlert.json.error).toBe('order_conflict');
    expect((await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 's1', orderLineIds: ['socks'] })).status).toBe(200);
    fake.externalCapture(orderId, 4_900);
    expect((await deliver(webhookBody(orderId, 'CAPTURED', { pspReference: 'psp-portal', idempotencyKey: 'portal-1', amount: { value: 4_900, currency: 'NOK' } }))).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/orders/${orderId}`)).json.alerts).toContain('OVER_CAPTURED'), 20_000);
    const noReason = await api('POST', `/orders/${orderId}/acknowledge`, { alert: 'OVER_CAPTURED' });
    expect(noReason.status).toBe(400);
    expect(noReason.json.issues).toEqual([expect.objectContaining({ field: 'reason' })]);
    const acked = await api('POST', `/orders/${orderId}/acknowledge`, { alert: 'OVER_CAPTURED', reason: 'shipping captured by support' });
    expect(acked.status).toBe(200);
    expect(acked.json.alerts).not.toContain('OVER_CAPTURED');
  });

  test('an unknown order is a 404', async () => {
    const res = await api('GET', `/orders/${newOrderId()}`);
    expect(res.status).toBe(404);
    expect(res.json.error).toBe('order_not_found');
    expect((await api('POST', `/orders/${newOrderId()}/shipments`, { shipmentId: 'x' })).status).toBe(404);
  });
});

function errorOf(text: string): unknown {
  return (JSON.parse(text) as { error?: unknown }).error;
}

describe('bad input is refused before anything starts', () => {
  const cases: [string, (o: Record<string, unknown>) => Record<string, unknown>, string][] = [
    ['a currency this sales unit does not take', (o) => ({ ...o, amount: { value: 54_800, currency: 'EUR' } }), 'amount.currency'],
    ['an amount below the Vipps minimum', (o) => ({ ...o, amount: { value: 0, currency: 'NOK' } }), 'amount.value'],
    ['a javascript: returnUrl', (o) => ({ ...o, returnUrl: 'javascript:alert(1)' }), 'returnUrl'],
    ['a plain http returnUrl to another host', (o) => ({ ...o, returnUrl: 'http://shop.example.com/orders/1' }), 'returnUrl'],
    ['a returnUrl that is not a URI', (o) => ({ ...o, returnUrl: 'https://shop.example.com/a b' }), 'returnUrl'],
    ['an unknown field', (o) => ({ ...o, coupon: 'FREE' }), 'coupon'],
    ['a javascript: productUrl', (o) => ({ ...o, orderLines: (o.orderLines as object[]).map((l, i) => (i === 0 ? { ...l, productUrl: 'javascript:alert(1)' } : l)) }), 'orderLines.0.productUrl'],
    ['a productUrl that is not a URI at all', (o) => ({ ...o, orderLines: (o.orderLines as object[]).map((l, i) => (i === 0 ? { ...l, productUrl: '\u009c\u00aa' } : l)) }), 'orderLines.0.productUrl'],
    ['a data: productUrl', (o) => ({ ...o, orderLines: (o.orderLines as object[]).map((l, i) => (i === 0 ? { ...l, productUrl: 'data:text/html,hi' } : l)) }), 'orderLines.0.productUrl'],
    ['an unknown field in an order line', (o) => ({ ...o, orderLines: (o.orderLines as object[]).map((l, i) => (i === 0 ? { ...l, colour: 'red' } : l)) }), 'orderLines.0.colour'],
  ];
  test.each(cases)('%s: a 400 naming the field, no workflow, and the order id is still free', async (_name, change, field) => {
    const orderId = newOrderId();
    const res = await api('POST', '/orders', change({ ...sampleOrder(orderId) }));
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid_command');
    expect((res.json.issues as { field: string }[]).map((i) => i.field)).toContain(field);
    expect(await workflowExists(orderId)).toBe(false);
    expect((await api('POST', '/orders', sampleOrder(orderId))).status).toBe(201);
  });

  test('http to this machine is a valid returnUrl (a shop in development)', async () => {
    expect((await api('POST', '/orders', { ...sampleOrder(), returnUrl: 'http://localhost:8080/orders/1' })).status).toBe(201);
  });

  test('order-line ids and names go into the Temporal UI’s markdown details as text, not markup', async () => {
    const orderId = newOrderId();
    const order = sampleOrder(orderId);
    order.orderLines[0]!.id = '[click](javascript:alert(1))';
    order.orderLines[0]!.name = '<img src=x onerror=alert(1)> | **bold**\n# heading';
    order.orderLines[0]!.productUrl = 'https://shop.example.com/socks';
    expect((await api('POST', '/orders', order)).status).toBe(201);
    const details = (await (await h.temporal.env.client.workflow.getHandle(`order-${orderId}`).describe()).staticDetails()) ?? '';
    const row = details.split('\n').find((l) => l.includes('click'))!;
    expect(row).toBe('| \\[click\\]\\(javascript:alert\\(1\\)\\) | \\<img src=x onerror=alert\\(1\\)\\> \\| \\*\\*bold\\*\\* \\# heading | NOK 300.00 |');
    expect(details.split('\n')).toHaveLength(4 + order.orderLines.length);
  });

  test('a command the order refuses as malformed names the field too', async () => {
    const orderId = newOrderId();
    await api('POST', '/orders', sampleOrder(orderId));
    fake.approve(orderId);
    expect((await deliver(webhookBody(orderId))).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'));
    const res = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 's1', orderLineIds: ['nope'] });
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ field: 'orderLineIds', reason: 'unknown order line "nope"' }]);
  });

  test('Fastify’s own errors answer in the API’s shape', async () => {
    const badEscape = await checked('/orders/abc%zzdefgh', { headers: { authorization: `Bearer ${API_KEY}` } });
    expect([badEscape.status, errorOf(badEscape.text)]).toEqual([400, 'invalid_request']);
    const longId = await api('GET', `/orders/${'a'.repeat(300)}`);
    expect([longId.status, longId.json.error, (longId.json.issues as { field: string }[])[0]?.field]).toEqual([400, 'invalid_command', 'orderId']);
    const tooLong = await checked(`/orders/${'a'.repeat(3000)}`, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect([tooLong.status, errorOf(tooLong.text)]).toEqual([414, 'invalid_request']);
    const notJson = await checked('/orders', { method: 'POST', headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'text/plain' }, body: 'hi' });
    expect([notJson.status, errorOf(notJson.text)]).toEqual([415, 'invalid_request']);
    expect(notJson.text).toContain('send Content-Type: application/json');
    for (const r of [badEscape, tooLong, notJson]) expect(r.text).not.toContain('FST_');
  });
});

describe('a new order Vipps refuses', () => {
  test('is a 422 with the Vipps error, and the order id can be placed again with corrected content', async () => {
    const orderId = newOrderId();
    fake.script(orderId).createFailure = { status: 400, errorCode: 7010 };
    const refused = await api('POST', '/orders', { ...sampleOrder(orderId), customer: { phoneNumber: '4799999999' } });
    expect(refused.status).toBe(422);
    expect(refused.json.error).toBe('vipps_rejected');
    expect(refused.json.vipps).toEqual(expect.objectContaining({ status: 400, errorCode: 7010 }));
    delete fake.script(orderId).createFailure;
    const placed = await api('POST', '/orders', sampleOrder(orderId));
    expect(placed.status).toBe(201);
    expect(placed.json.orderId).toBe(orderId);
  });
});

describe('webhook receiver', () => {
  test('a bad signature, a tampered body or a stale date is refused with 401 and signals nothing', async () => {
    const orderId = newOrderId();
    await api('POST', '/orders', sampleOrder(orderId));
    fake.approve(orderId);
    const body = webhookBody(orderId);
    expect((await deliver(body, { secret: 'wrong-secret' })).json).toEqual({ error: 'invalid_signature', message: 'signature-mismatch' });
    expect((await deliver(body, { tamper: true })).json).toEqual({ error: 'invalid_signature', message: 'content-hash-mismatch' });
    expect((await deliver(body, { date: new Date(Date.now() - 10 * 60_000) })).json).toEqual({ error: 'invalid_signature', message: 'stale-date' });
    const unsigned = await fetch(`${base}/webhooks/vipps`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.count(orderId, 'getPayment')).toBe(0);
    expect((await api('GET', `/orders/${orderId}`)).json.status).toBe('PENDING_PAYMENT');
  });

  test('a signed but malformed event is a 400 naming the field', async () => {
    const res = await deliver(webhookBody(newOrderId(), 'AUTHORIZED', { amount: { value: 'x', currency: 'NOK' } }));
    expect(res.status).toBe(400);
    expect(res.json.message).toContain('amount.value');
  });

  test('an oversized body is refused before it is read as an event', async () => {
    const res = await deliver(webhookBody(newOrderId(), 'AUTHORIZED', { padding: 'x'.repeat(70 * 1024) }));
    expect(res.status).toBe(413);
  });

  test('an event for an unknown order is acknowledged so Vipps stops retrying', async () => {
    expect(await deliver(webhookBody(newOrderId()))).toEqual({ status: 200, json: { status: 'unknown-order' } });
  });

  test('CREATED events and our own operations are acknowledged without waking the order', async () => {
    const orderId = newOrderId();
    await api('POST', '/orders', sampleOrder(orderId));
    expect((await deliver(webhookBody(orderId, 'CREATED'))).json).toEqual({ status: 'ignored' });
    expect((await deliver(webhookBody(orderId, 'CAPTURED', { idempotencyKey: `${orderId}.capture.s1` }))).json).toEqual({ status: 'ignored' });
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.count(orderId, 'getPayment')).toBe(0);
  });

  test('when Temporal is unreachable the receiver answers 503 so Vipps retries', async () => {
    const connection = await Connection.connect({ address: '127.0.0.1:1', connectTimeout: 200 }).catch(() => Connection.lazy({ address: '127.0.0.1:1' }));
    const down = await buildService({
      config: serviceConfig(),
      orders: orderClient(new Client({ connection }), h.taskQueue),
    });
    const url = await down.listen({ port: 0, host: '127.0.0.1' });
    try {
      const body = webhookBody(newOrderId());
      const headers = signWebhook({ secret: SECRET, ...signingTarget('https://shop.example.com/webhooks/vipps'), body });
      const res = await fetch(`${url}/webhooks/vipps`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBe('5');
    } finally {
      await down.close();
    }
  });

  test('without a configured secret every delivery is refused with 503', async () => {
    const unconfigured = await buildService({ config: serviceConfig({ webhookSecret: undefined }), orders: orderClient(h.temporal.env.client, h.taskQueue) });
    const url = await unconfigured.listen({ port: 0, host: '127.0.0.1' });
    try {
      const body = webhookBody(newOrderId());
      const headers = signWebhook({ secret: SECRET, ...signingTarget('https://shop.example.com/webhooks/vipps'), body });
      const res = await fetch(`${url}/webhooks/vipps`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body });
      expect(res.status).toBe(503);
    } finally {
      await unconfigured.close();
    }
  });
});

/** The order's own return link (with its token), as Vipps sends the customer back to it. */
const ret = (orderId: string, auto = false) => returnPath(PAGE_SECRET, orderId, auto);

describe('return page', () => {
  test('shows "order confirmed" once the order has confirmed the authorization itself', async () => {
    const orderId = newOrderId();
    await api('POST', '/orders', { ...sampleOrder(orderId), returnUrl: 'https://shop.example.com/thanks?o=1' });
    fake.approve(orderId);
    const res = await checked(ret(orderId));
    const html = res.text;
    expect(res.status).toBe(200);
    expect(html).toContain('data-status="AWAITING_SHIPMENT"');
    expect(html).toContain('Thank you! Your order is confirmed');
    expect(html).toContain(intlAmount('en', 54_800, 'NOK'));
    expect(html).toContain('href="https://shop.example.com/thanks?o=1"');
    expect(fake.count(orderId, 'getPayment')).toBe(1);
  });

  test('shows "payment not completed" for a rejected payment and "waiting" while Vipps has no answer', async () => {
    const rejected = newOrderId();
    await api('POST', '/orders', sampleOrder(rejected));
    fake.finish(rejected, 'ABORTED');
    const html = (await checked(ret(rejected))).text;
    expect(html).toContain('The payment was not completed');
    expect(html).toContain('You stopped the payment in Vipps MobilePay. You have not been charged.');

    const pending = newOrderId();
    await api('POST', '/orders', sampleOrder(pending));
    const waiting = (await checked(ret(pending))).text;
    expect(waiting).toContain('data-status="PENDING_PAYMENT"');
    expect(waiting).toContain(`http-equiv="refresh" content="4; url=${ret(pending, true).replace(/&/g, '&amp;')}"`);
  });

  test('wakes a pending order at most once; its own refreshes only read', async () => {
    const orderId = newOrderId();
    await api('POST', '/orders', sampleOrder(orderId));
    for (let i = 0; i < 3; i++) expect((await checked(ret(orderId))).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await checked(ret(orderId, true))).status).toBe(200);
    expect(fake.count(orderId, 'getPayment')).toBe(1);
  });

  test('an unknown order gets a 404 page, and markup in data is escaped', async () => {
    expect((await checked(ret(newOrderId()))).status).toBe(404);
    expect((await checked(`/orders/bad%3Cid/return`)).status).toBe(400);
    const orderId = newOrderId();
    const order = sampleOrder(orderId);
    order.orderLines[0]!.name = '<script>alert(1)</script>';
    await api('POST', '/orders', order);
    fake.approve(orderId);
    const html = (await checked(ret(orderId))).text;
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
  });
});
