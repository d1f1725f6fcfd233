/**
 * The merchant pages as a person reads them: statuses, timeline entries and dates in words,
 * amounts with thousands separators that do not wrap, a refund field that is labelled and empty,
 * notices chosen by the server from a fixed set (text in the URL shows nothing), success and
 * errors told apart; and the API reference page under the product's name. Real HTTP, a real
 * Temporal dev server and worker (scripted Vipps); every response checked against the OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { OrderClient } from '../../src/orders/orderClient';
import type { PlaceOrderRequest } from '../../src/orders/placeOrderRequest';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { MerchantBrowser, plain, textOf } from '../support/merchantBrowser';
import type { OpenApiContract } from '../support/openApiContract';
import { newOrderId, sampleOrder } from '../support/orders';
import { testServiceConfig } from '../support/serviceConfig';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/serviceUnderTest';

jest.setTimeout(90_000);

const API_KEY = 'merchant-pages-api-key-1234';
const fake = new FakeVipps();
let orders: OrderClient;
let base: string;
let contract: OpenApiContract;
let service: ServiceUnderTest | undefined;
let merchant: MerchantBrowser;

const ISO_INSTANT = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const SHORT_DATE = /\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}, \d{2}:\d{2} UTC\b/;

beforeAll(async () => {
  service = await startServiceUnderTest(
    fake,
    testServiceConfig({ publicUrl: 'http://localhost:3000', webhookUrl: 'http://localhost:3000/webhooks/vipps', orderApiKey: API_KEY, pageSecret: 'merchant-pages-page-secret-0123456789abcdef', demoShop: true }),
  );
  ({ orders, base, contract } = service);
  merchant = new MerchantBrowser(() => base, API_KEY, () => contract);
  expect((await merchant.logIn()).status).toBe(303);
}, 120_000);

afterAll(() => service?.stop());

/** A sofa for NOK 12,345.00: an amount with a thousands separator. */
function sofaOrder(orderId: string): PlaceOrderRequest {
  const total = 1_234_500;
  return {
    ...sampleOrder(orderId),
    amount: { value: total, currency: 'NOK' },
    orderLines: [{ id: 'sofa', name: 'Sofa', totalAmount: total, totalAmountExcludingTax: total - total / 5, totalTaxAmount: total / 5, taxRate: 2500, unitInfo: { unitPrice: total, quantity: '1' } }],
  };
}

async function paidOrder(order: PlaceOrderRequest = sampleOrder(newOrderId('pages'))): Promise<string> {
  await orders.placeOrder(order);
  fake.approve(order.orderId);
  expect((await orders.customerReturned(order.orderId, 5_000))?.status).toBe('AWAITING_SHIPMENT');
  return order.orderId;
}

const rowOf = (html: string, orderId: string) => html.split('<tr').find((r) => r.includes(`data-order-id="${orderId}"`)) ?? '';
const cellsOf = (row: string) => [...row.matchAll(/<td([^>]*)>([\s\S]*?)<\/td>/g)].map((m) => ({ attrs: m[1]!, text: plain(m[2]!) }));

test('the list shows statuses in words (the raw value in data-status), dates as "9 Dec 2026, 07:34 UTC" and amounts with separators that do not wrap', async () => {
  const orderId = await paidOrder(sofaOrder(newOrderId('sofa')));
  const row = await eventually(async () => {
    const found = rowOf((await merchant.send('/merchant')).text, orderId);
    expect(found).not.toBe('');
    return found;
  }, 15_000);
  expect(row).toMatch(/data-testid="status" data-status="AWAITING_SHIPMENT"[^>]*>Paid, ready to ship</);
  const cells = cellsOf(row);
  const visible = cells.map((c) => c.text).join(' | ');
  expect(visible).not.toContain('AWAITING_SHIPMENT');
  expect(visible).not.toMatch(ISO_INSTANT);
  expect(visible).toMatch(SHORT_DATE);
  const total = cells.find((c) => c.text === 'NOK 12,345.00');
  expect(total?.attrs).toContain('class="num"');
  expect(cells.at(-1)?.attrs).toContain('class="actions"');
  // The amount's space is a no-break space, and the classes keep amounts and buttons on one line.
  expect(row).toContain('NOK\u00a012,345.00');
  const page = (await merchant.send('/merchant')).text;
  expect(page).toMatch(/\.num \{[^}]*white-space: nowrap/);
  expect(page).toMatch(/td\.actions \{[^}]*white-space: nowrap/);
  expect(page).toMatch(/button \{[^}]*white-space: nowrap/);
});

test('the order page tells its timeline in words: statuses, operations by what they are for, dates', async () => {
  const orderId = await paidOrder();
  await orders.ship(orderId, { shipmentId: 'box-7' });
  const page = (await merchant.send(`/merchant/orders/${orderId}`)).text;
  const timeline = plain(page.split('<h2>Timeline</h2>')[1] ?? '');
  expect(timeline).toContain('Status: Paid, ready to ship');
  expect(timeline).toContain('Status: Completed');
  expect(timeline).toContain('Capture for shipment box-7');
  expect(timeline).toMatch(new RegExp(`Payment authorized NOK 548\\.00, capture by ${SHORT_DATE.source}`));
  for (const raw of ['status AWAITING_SHIPMENT', 'AWAITING_SHIPMENT', 'COMPLETED', 'capture:box-7']) expect(timeline).not.toContain(raw);
  expect(timeline).not.toMatch(ISO_INSTANT);
  // The raw entry stays at hand, on hover.
  expect(page).toContain('title="status AWAITING_SHIPMENT"');
  expect(page).toMatch(/<time datetime="\d{4}-\d{2}-\d{2}T[^"]+Z"/);
  expect(page).toMatch(/data-testid="status" data-status="COMPLETED"/);
});

test('the refund field is labelled, empty and required, with the most that can be refunded as its hint; the amount is read as typed', async () => {
  const orderId = await paidOrder();
  await orders.ship(orderId, { shipmentId: 'box-1' });
  const path = `/merchant/orders/${orderId}`;
  const action = `${path}/refund`;
  const page = (await merchant.send(path)).text;
  expect(page).toContain('<label for="refund-amount">Amount to refund (NOK)</label>');
  const input = /<input id="refund-amount"[^>]*>/.exec(page)?.[0] ?? '';
  expect(input).toContain('name="amount"');
  expect(input).toContain(' required');
  expect(input).toContain('aria-describedby="refund-hint"');
  expect(input).not.toContain('value=');
  expect(textOf(page, 'refund-hint')).toBe('Up to NOK 548.00 can be refunded. Write it like 49.50.');

  // Too much: nothing is sent, and the alert says what the most is.
  const tooMuch = await merchant.submit(page, action, { amount: '548.01' });
  expect(tooMuch.posted.location).toBe(`${path}?notice=refund-too-much`);
  expect(tooMuch.landed.text).toMatch(/<p class="notice error" role="alert" id="message">That is more than can be refunded: at most NOK\u00a0548\.00\.<\/p>/);
  const notAnAmount = await merchant.submit(page, action, { amount: '12.345' });
  expect(textOf(notAnAmount.landed.text, 'message')).toBe('Write the amount to refund in NOK, more than 0 and with at most two decimals, like 49.50.');
  expect(fake.count(orderId, 'refundPayment')).toBe(0);

  // "12,5" is NOK 12.50: a decimal comma, major units.
  const refunded = await merchant.submit(page, action, { amount: '12,5' });
  expect(refunded.posted.location).toMatch(new RegExp(`^${path}\\?notice=refunded&refund=refund-`));
  expect(refunded.landed.text).toMatch(/<p class="notice success" role="status" id="message">/);
  expect(textOf(refunded.landed.text, 'message')).toBe('Refunded NOK 12.50 (NOK 12.50 refunded in all).');
  expect((await orders.getOrder(orderId)).payment.aggregate.refunded).toBe(1_250);
  expect(textOf(refunded.landed.text, 'refund-hint')).toBe('Up to NOK 535.50 can be refunded. Write it like 49.50.');
});

test('notices come from a fixed set of codes: text in the URL shows nothing, a code shows its text (success as status, error as alert)', async () => {
  const orderId = await paidOrder();
  const path = `/merchant/orders/${orderId}`;
  for (const query of ['?msg=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '?msg=Call+us+at+555-0100', '?notice=%3Cscript%3Ealert(1)%3C%2Fscript%3E', '?notice=Call+us', '?notice=refunded2']) {
    for (const where of [path, '/merchant']) {
      const { status, text } = await merchant.send(`${where}${query}`);
      expect(status).toBe(200);
      expect(text).not.toContain('id="message"');
      expect(text).not.toContain('alert(1)');
      expect(text).not.toContain('555-0100');
      expect(text).not.toContain('Call us');
    }
  }
  // A refund id in the URL is only looked up among the order's refunds, never shown as given.
  const unknownRefund = (await merchant.send(`${path}?notice=refunded&refund=made-up-refund`)).text;
  expect(textOf(unknownRefund, 'message')).toBe('Refund sent. NOK 0.00 refunded in all.');
  expect(unknownRefund).not.toContain('made-up-refund');

  const shipped = await merchant.submit((await merchant.send(path)).text, `${path}/ship`);
  expect(shipped.posted.location).toBe(`${path}?notice=shipped`);
  expect(shipped.landed.text).toContain('<p class="notice success" role="status" id="message">Marked shipped: NOK\u00a0548.00 captured so far. Completed.</p>');
  expect(shipped.landed.text).not.toContain('role="alert"');

  // The order is settled: a second cancel is refused, and the page says so in an alert.
  const conflict = await merchant.send(`${path}/cancel`, { form: { _csrf: /name="_csrf" value="([^"]+)"/.exec(shipped.landed.text)![1]! } });
  expect(conflict.location).toBe(`${path}?notice=conflict`);
  const alert = (await merchant.send(conflict.location!)).text;
  expect(alert).toContain('<p class="notice error" role="alert" id="message">The order did not take that in its current state. This page shows it as it is now.</p>');
  expect(alert).not.toContain('role="status"');
});

test('a unit filter on a service of one unnamed unit is a 400 naming unit, without repeating what was asked', async () => {
  const { status, text } = await merchant.send('/merchant?unit=%3Cb%3Edk%3C%2Fb%3E');
  expect(status).toBe(400);
  expect(plain(text)).toContain('unit: not a sales unit of this service');
  expect(text).not.toContain('<b>dk');
  expect(text).not.toContain('&lt;b&gt;dk');
});

test('the API reference page has the product’s title and mark, not "Swagger UI" and Fastify’s logo', async () => {
  const res = await fetch(`${base}/docs/`);
  const html = await res.text();
  expect(res.status).toBe(200);
  expect(html).toContain('<title>Vipps MobilePay orders — API reference</title>');
  expect(html).not.toContain('Swagger UI</title>');
  expect(html).toMatch(/<link rel="icon" type="image\/svg\+xml" href="[^"]*\/theme\/icon.svg"/);
  const initializer = await (await fetch(`${base}/docs/static/swagger-initializer.js`)).text();
  const fastifyLogo = readFileSync(join(dirname(require.resolve('@fastify/swagger-ui')), 'static', 'logo.svg')).toString('base64');
  expect(initializer).not.toContain(fastifyLogo);
  const logo = Buffer.from(/data:image\/svg\+xml;base64,([A-Za-z0-9+/=]+)/.exec(initializer)?.[1] ?? '', 'base64').toString();
  expect(logo).toContain('Vipps MobilePay orders');
});
