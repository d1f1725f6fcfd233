/**
 * The merchant pages move money, so they are behind a login (the API key, once, for a signed
 * session cookie), every POST carries a CSRF token bound to the session, cross-site POSTs are
 * refused by Origin / Sec-Fetch-Site, and a refund form carries its refund id, so a double click
 * refunds once. Real HTTP, a real Temporal dev server and worker (scripted Vipps); every response
 * is checked against the OpenAPI document.
 */
import type { OrderClient } from '../../src/orders/orderClient';
import { eventually } from '../support/eventually';
import { FakeVipps } from '../support/fakeVipps';
import { testServiceConfig } from '../support/serviceConfig';
import { startServiceUnderTest, type ServiceUnderTest } from '../support/serviceUnderTest';
import type { OpenApiContract } from '../support/openApiContract';
import { newOrderId, sampleOrder } from '../support/orders';
import { fieldOf, MerchantBrowser, plain } from '../support/merchantBrowser';

jest.setTimeout(90_000);

const API_KEY = 'merchant-test-api-key-1234';
const fake = new FakeVipps();
let orders: OrderClient;
let base: string;
let contract: OpenApiContract;

const config = testServiceConfig({
  publicUrl: 'http://localhost:3000',
  webhookUrl: 'http://localhost:3000/webhooks/vipps',
  orderApiKey: API_KEY,
  pageSecret: 'merchant-test-page-secret-0123456789abcdef',
  demoShop: true,
});

let service: ServiceUnderTest | undefined;

beforeAll(async () => {
  service = await startServiceUnderTest(fake, config);
  ({ orders, base, contract } = service);
}, 120_000);

afterAll(() => service?.stop());

/** A browser, as far as cookies go: it keeps what the service sets and sends it back. */
class Browser extends MerchantBrowser {
  constructor() {
    super(() => base, API_KEY, () => contract);
  }
}

async function paidOrder(): Promise<string> {
  const orderId = newOrderId('merchant');
  await orders.placeOrder(sampleOrder(orderId));
  fake.approve(orderId);
  const view = await orders.customerReturned(orderId, 5_000);
  expect(view?.status).toBe('AWAITING_SHIPMENT');
  return orderId;
}

test('without a login the pages send to the login page and the buttons move no money', async () => {
  const orderId = await paidOrder();
  const anon = new Browser();
  expect(await anon.send('/merchant')).toEqual(expect.objectContaining({ status: 303, location: '/merchant/login?next=%2Fmerchant' }));
  expect((await anon.send(`/merchant/orders/${orderId}`)).status).toBe(303);
  for (const action of ['ship', 'cancel', 'refund', 'retry-capture']) {
    expect((await anon.send(`/merchant/orders/${orderId}/${action}`, { form: { shipmentId: 's1', refundId: 'r1', amount: '1.00' } })).status).toBe(401);
  }
  // A forged cookie is no session either.
  anon.cookies.set('merchant_session', 's%3A1.forged.signature');
  expect((await anon.send(`/merchant/orders/${orderId}/ship`, { form: { shipmentId: 's1' } })).status).toBe(401);
  expect(fake.count(orderId, 'capturePayment')).toBe(0);
  expect(fake.count(orderId, 'cancelPayment')).toBe(0);
  expect((await orders.getOrder(orderId)).status).toBe('AWAITING_SHIPMENT');
});

test('the login takes the API key and sets an HttpOnly, SameSite=Strict session cookie (Secure over https)', async () => {
  const wrong = new Browser();
  expect((await wrong.logIn('not-the-key-at-all')).status).toBe(401);
  expect(wrong.cookies.has('merchant_session')).toBe(false);

  const plain = new Browser();
  expect(await plain.logIn()).toEqual(expect.objectContaining({ status: 303, location: '/merchant' }));
  const session = plain.setCookies.find((c) => c.startsWith('merchant_session='))!;
  expect(session).toMatch(/HttpOnly/);
  expect(session).toMatch(/SameSite=Strict/);
  expect(session).not.toMatch(/Secure/);
  expect((await plain.send('/merchant')).status).toBe(200);

  const tls = new Browser();
  const form = await tls.send('/merchant/login', { headers: { 'x-forwarded-proto': 'https' } });
  await tls.send('/merchant/login', { form: { _csrf: fieldOf(form.text, '_csrf'), key: API_KEY }, headers: { 'x-forwarded-proto': 'https' } });
  expect(tls.setCookies.find((c) => c.startsWith('merchant_session='))).toMatch(/Secure/);

  // Logging out ends the session.
  const page = await plain.send('/merchant');
  expect((await plain.send('/merchant/logout', { form: { _csrf: fieldOf(page.text, '_csrf', '/merchant/logout') } })).status).toBe(303);
  expect((await plain.send('/merchant')).status).toBe(303);
});

test('a POST without the CSRF token of its session is refused and moves no money', async () => {
  const orderId = await paidOrder();
  const merchant = new Browser();
  await merchant.logIn();
  const page = await merchant.send(`/merchant/orders/${orderId}`);
  const shipmentId = fieldOf(page.text, 'shipmentId');
  expect((await merchant.send(`/merchant/orders/${orderId}/ship`, { form: { shipmentId } })).status).toBe(403);
  expect((await merchant.send(`/merchant/orders/${orderId}/ship`, { form: { shipmentId, _csrf: 'made-up' } })).status).toBe(403);
  // Another session's token does not fit this one.
  const other = new Browser();
  await other.logIn();
  const othersToken = fieldOf((await other.send(`/merchant/orders/${orderId}`)).text, '_csrf');
  expect((await merchant.send(`/merchant/orders/${orderId}/ship`, { form: { shipmentId, _csrf: othersToken } })).status).toBe(403);
  expect(fake.count(orderId, 'capturePayment')).toBe(0);

  const shipped = await merchant.send(`/merchant/orders/${orderId}/ship`, { form: { shipmentId, _csrf: fieldOf(page.text, '_csrf', `/merchant/orders/${orderId}/ship`) } });
  expect(shipped.status).toBe(303);
  expect(fake.count(orderId, 'capturePayment')).toBe(1);
});

test('every form of a page works when the browser had lost its CSRF cookie', async () => {
  const orderId = await paidOrder();
  const merchant = new Browser();
  await merchant.logIn();
  const action = `/merchant/orders/${orderId}/ship`;
  // The list has the row's buttons and the logout form: both must carry a token that fits the one new cookie.
  const list = await eventually(async () => {
    merchant.cookies.delete('merchant_csrf');
    const page = await merchant.send('/merchant');
    expect(page.text).toContain(`action="${action}"`);
    return page;
  }, 15_000);
  const shipped = await merchant.send(action, { form: { shipmentId: fieldOf(list.text, 'shipmentId', action), _csrf: fieldOf(list.text, '_csrf', action) } });
  expect(shipped.status).toBe(303);
  expect(fake.count(orderId, 'capturePayment')).toBe(1);
});

test('a cross-site POST is refused even with a valid session and token', async () => {
  const orderId = await paidOrder();
  const merchant = new Browser();
  await merchant.logIn();
  const page = await merchant.send(`/merchant/orders/${orderId}`);
  const form = { _csrf: fieldOf(page.text, '_csrf', `/merchant/orders/${orderId}/cancel`) };
  expect((await merchant.send(`/merchant/orders/${orderId}/cancel`, { form, headers: { origin: 'https://evil.example' } })).status).toBe(403);
  expect((await merchant.send(`/merchant/orders/${orderId}/cancel`, { form, headers: { 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
  expect((await merchant.send(`/merchant/orders/${orderId}/cancel`, { form, headers: { referer: 'https://evil.example/page' } })).status).toBe(403);
  expect(fake.count(orderId, 'cancelPayment')).toBe(0);
  expect((await orders.getOrder(orderId)).status).toBe('AWAITING_SHIPMENT');
  // The same form from the page itself goes through.
  expect((await merchant.send(`/merchant/orders/${orderId}/cancel`, { form, headers: { origin: base, 'sec-fetch-site': 'same-origin' } })).status).toBe(303);
  expect((await orders.getOrder(orderId)).status).toBe('CANCELLED');
});

test('a double click on Refund refunds once, and the refund shows in the timeline and the list', async () => {
  const orderId = await paidOrder();
  await orders.ship(orderId, { shipmentId: 'box-1' });
  const merchant = new Browser();
  await merchant.logIn();
  const page = await merchant.send(`/merchant/orders/${orderId}`);
  const action = `/merchant/orders/${orderId}/refund`;
  const form = { _csrf: fieldOf(page.text, '_csrf', action), refundId: fieldOf(page.text, 'refundId', action), amount: '131.50' };
  const first = await merchant.send(action, { form });
  await new Promise((r) => setTimeout(r, 20));
  const second = await merchant.send(action, { form });
  expect([first.status, second.status]).toEqual([303, 303]);
  expect(fake.count(orderId, 'refundPayment')).toBe(1);
  const view = await orders.getOrder(orderId);
  expect(view.payment.aggregate.refunded).toBe(13_150);
  const after = await merchant.send(`/merchant/orders/${orderId}`);
  expect(plain(after.text)).toContain(`Refund ${form.refundId}: NOK 131.50`);
  // The next page draws a new refund id: a second, deliberate refund is a new one.
  expect(fieldOf(after.text, 'refundId', action)).not.toBe(form.refundId);
  // The list (from visibility, which may lag a moment) says what was refunded.
  await eventually(async () => {
    const row = (await merchant.send('/merchant')).text.split('<tr').find((r) => r.includes(`data-order-id="${orderId}"`)) ?? '';
    expect(plain(row)).toContain('NOK 131.50 refunded');
  }, 15_000);
});
