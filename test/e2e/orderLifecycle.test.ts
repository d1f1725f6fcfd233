/**
 * End to end: a real Temporal dev server, the real worker with the real activities and Vipps client,
 * the HTTP service and the Vipps MobilePay emulator, all over HTTP. Faults come from the emulator's
 * switches. Every test checks the emulator's ledger: one capture per shipment, none before it.
 */
import { VippsClient } from '@vipps-orders/vipps';
import { runDemo } from '../../scripts/demo/runDemo';
import type { LocalStack } from '../../scripts/local-stack';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { loadVippsConfig } from '../../src/config';
import type { OrderView, PlaceOrderResult } from '../../src/workflows/messages';
import { eventually } from '../support/eventually';
import { quietTemporalLogs } from '../support/temporalLogs';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(90_000);

let stack: LocalStack;

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startE2eStack({ EMULATOR_WEBHOOK_RETRY_SCHEDULE_MS: '200,400,800' });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

afterEach(async () => {
  await emulator('DELETE', '/_emulator/faults');
});

const api = stackApi(() => stack);

async function emulator<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${stack.emulatorUrl}${path}`, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`emulator ${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

interface LedgerEntry {
  kind: string;
  reference: string;
  amount: { value: number };
  idempotencyKey: string | null;
  at: string;
}

async function ledger(reference: string): Promise<LedgerEntry[]> {
  const { entries } = await emulator<{ entries: LedgerEntry[] }>('GET', `/_emulator/ledger?reference=${reference}`);
  return entries.filter((e) => e.reference === reference);
}

async function captures(reference: string): Promise<LedgerEntry[]> {
  return (await ledger(reference)).filter((e) => e.kind === 'capture');
}

/** What a customer's browser does: open the landing page, press Approve, follow the redirect. */
async function approveInBrowser(redirectUrl: string): Promise<string> {
  const landing = await fetch(redirectUrl);
  expect(landing.status).toBe(200);
  expect(await landing.text()).toContain('id="approve"');
  const token = new URL(redirectUrl).searchParams.get('token')!;
  const approved = await fetch(`${stack.emulatorUrl}/landing/approve`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  expect(approved.status).toBe(303);
  return approved.headers.get('location')!;
}

async function placeOrder(orderId = newOrderId('e2e')): Promise<PlaceOrderResult> {
  const placed = await api<PlaceOrderResult>('POST', '/orders', sampleOrder(orderId));
  expect(placed.status).toBe(201);
  return placed.json;
}

async function statusIs(orderId: string, status: OrderView['status'], timeoutMs = 15_000): Promise<OrderView> {
  return eventually(async () => {
    const { json } = await api('GET', `/orders/${orderId}`);
    expect(json.status).toBe(status);
    return json;
  }, timeoutMs);
}

test('happy path: pay on the landing page, see the confirmation, ship, capture once', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  const returnUrl = await approveInBrowser(redirectUrl);
  expect(returnUrl).toBe(stack.returnUrl(orderId));

  const page = await (await fetch(returnUrl)).text();
  expect(page).toContain('Your order is confirmed');
  const authorized = await statusIs(orderId, 'AWAITING_SHIPMENT');
  expect(authorized.payment.captureDeadlineSource).toBe('vipps');
  await eventually(async () => expect((await api('GET', `/orders/${orderId}?live=true`)).json.receipt.status).toBe('ATTACHED'));
  expect(await captures(orderId)).toEqual([]);

  const shippedAt = new Date().toISOString();
  const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'parcel-1' });
  expect(shipped.status).toBe(200);
  expect(shipped.json.status).toBe('COMPLETED');
  const caught = await captures(orderId);
  expect(caught.map((c) => [c.amount.value, c.idempotencyKey])).toEqual([[54_800, `${orderId}.capture.s.parcel-1`]]);
  expect(caught[0]!.at >= shippedAt).toBe(true);

  // The receipt reached Order Management, and the service accepted the signed webhooks.
  const vipps = new VippsClient(loadVippsConfig({ VIPPS_BASE_URL: stack.emulatorUrl }));
  const om = await vipps.getOrder(orderId);
  expect(om.receipt?.orderLines.map((l) => l.id)).toEqual(['socks', 'scarf', 'shipping']);
  const { deliveries } = await emulator<{ deliveries: { eventName: string; outcome: string; httpStatus?: number }[] }>('GET', `/_emulator/webhook-deliveries?reference=${orderId}`);
  expect(deliveries.filter((d) => d.eventName === 'AUTHORIZED').map((d) => [d.outcome, d.httpStatus])).toEqual([['delivered', 200]]);
  expect(deliveries.every((d) => d.outcome === 'delivered' && d.httpStatus === 200)).toBe(true);
});

test('a webhook dropped by the emulator: polling finds the authorization', async () => {
  await emulator('PUT', '/_emulator/faults', { webhooks: { dropNext: 10 } });
  const { orderId } = await placeOrder();
  await emulator('POST', `/_emulator/payments/${orderId}/approve`);
  const view = await statusIs(orderId, 'AWAITING_SHIPMENT', 10_000);
  expect(view.timeline.map((t) => t.step)).not.toContain('webhook AUTHORIZED');
  await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 's1' });
  expect((await captures(orderId)).length).toBe(1);
});

test('the worker restarted while an order waits for shipment: the order carries on', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  await approveInBrowser(redirectUrl);
  await statusIs(orderId, 'AWAITING_SHIPMENT');
  await stack.restartWorker();
  const first = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'a', orderLineIds: ['socks'] });
  expect(first.json.status).toBe('PARTIALLY_SHIPPED');
  await stack.restartWorker();
  const second = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'b' });
  expect(second.json.status).toBe('COMPLETED');
  expect((await captures(orderId)).map((c) => c.amount.value)).toEqual([30_000, 24_800]);
});

test('5xx, lost responses, 429 and "try later" during capture still capture exactly once', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  await approveInBrowser(redirectUrl);
  await statusIs(orderId, 'AWAITING_SHIPMENT');
  await emulator('PUT', '/_emulator/faults', {
    failNext: [
      // The capture happens, but its answer is lost (a 503 instead).
      { operation: 'capturePayment', reference: orderId, status: 503, when: 'after', count: 1 },
      { operation: 'capturePayment', reference: orderId, status: 429, retryAfterSeconds: 1, count: 1 },
      { operation: 'capturePayment', reference: orderId, errorCode: 6280, count: 1 },
      { operation: 'capturePayment', reference: orderId, status: 500, count: 1 },
    ],
  });
  const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'only' });
  const done = shipped.status === 200 ? shipped.json : await statusIs(orderId, 'COMPLETED', 60_000);
  expect(done.status).toBe('COMPLETED');
  expect(done.shipments[0]?.status).toBe('CAPTURED');
  const caught = await captures(orderId);
  expect(caught).toHaveLength(1);
  expect(caught[0]!.amount.value).toBe(54_800);
  const faults = await emulator<{ failNext?: unknown[] }>('GET', '/_emulator/faults');
  expect(faults.failNext ?? []).toEqual([]);
});

test('a capture Vipps refuses after shipment goes to NEEDS_ATTENTION and is not cancelled', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  await approveInBrowser(redirectUrl);
  await statusIs(orderId, 'AWAITING_SHIPMENT');
  await emulator('PUT', '/_emulator/faults', { failNext: [{ operation: 'capturePayment', reference: orderId, errorCode: 6260, count: 1 }] });
  const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'x' });
  expect(shipped.json.status).toBe('NEEDS_ATTENTION');
  expect(shipped.json.lastError).toEqual(expect.objectContaining({ errorCode: 6260 }));
  expect((await ledger(orderId)).map((e) => e.kind)).toEqual(['authorize']);
  const retried = await api('POST', `/orders/${orderId}/retry-capture`);
  expect(retried.json.status).toBe('COMPLETED');
  expect((await captures(orderId)).length).toBe(1);
});

test('a capture applied but answered by a proxy with a bare 400 is captured once, and retry-capture cannot capture it again', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  await approveInBrowser(redirectUrl);
  await statusIs(orderId, 'AWAITING_SHIPMENT');
  await emulator('PUT', '/_emulator/faults', { failNext: [{ operation: 'capturePayment', reference: orderId, status: 400, when: 'after', answer: 'bare', count: 1 }] });
  const shipped = await api('POST', `/orders/${orderId}/shipments`, { shipmentId: 'box' });
  const done = shipped.status === 200 && shipped.json.status === 'COMPLETED' ? shipped.json : await statusIs(orderId, 'COMPLETED', 60_000);
  expect(done.shipments[0]?.status).toBe('CAPTURED');
  expect(done.payment.aggregate.captured).toBe(54_800);
  const retried = await api<{ error: string }>('POST', `/orders/${orderId}/retry-capture`);
  expect(retried.status).toBe(409);
  expect((await captures(orderId)).map((c) => [c.amount.value, c.idempotencyKey])).toEqual([[54_800, `${orderId}.capture.s.box`]]);
});

test('a customer who rejects on the landing page ends with "payment not completed"', async () => {
  const { orderId, redirectUrl } = await placeOrder();
  const token = new URL(redirectUrl).searchParams.get('token')!;
  const rejected = await fetch(`${stack.emulatorUrl}/landing/reject`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  const page = await (await fetch(rejected.headers.get('location')!)).text();
  expect(page).toContain('The payment was not completed');
  await statusIs(orderId, 'PAYMENT_FAILED');
  expect(await ledger(orderId)).toEqual([]);
});

test('npm run demo on the one unit of the VIPPS_* variables: two boxes, one refund, the ledger agrees', async () => {
  const target = { serviceUrl: stack.serviceUrl, emulatorUrl: stack.emulatorUrl!, apiKey: stack.apiKey };
  const result = await runDemo(target, {}, () => undefined);
  expect(result.units).toEqual([
    {
      msn: '123456',
      currency: 'NOK',
      workflowId: `order-${result.orderId}`,
      status: 'COMPLETED',
      payment: { msn: '123456', currency: 'NOK', captured: 79_700, refunded: 29_900 },
      captures: [34_800, 44_900],
    },
  ]);
});
