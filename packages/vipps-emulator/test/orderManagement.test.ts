import { startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

const receipt = {
  orderLines: [
    {
      name: 'socks',
      id: 'line_item_1',
      totalAmount: 1000,
      totalAmountExcludingTax: 800,
      totalTaxAmount: 200,
      taxRate: 2500,
      unitInfo: { unitPrice: 400, quantity: '2.5', quantityUnit: 'KG' },
    },
    { name: 'Home Delivery', id: 'delivery', totalAmount: 1000, totalAmountExcludingTax: 800, totalTaxAmount: 200, taxPercentage: 25, isShipping: true },
  ],
  bottomLine: { currency: 'NOK', receiptNumber: '0527013501' },
};
const category = { category: 'ORDER_CONFIRMATION', orderDetailsUrl: 'https://shop.example/orders/1' };

interface OmError {
  type: string;
  title: string;
  detail: string;
  instance: string;
  invalidParams: { name: string; reason: string }[];
}

describe('Order Management v2', () => {
  it('stores a receipt: 201 with a JSON string id, then GET returns it', async () => {
    const orderId = uniqueReference('om');
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    expect(res.status).toBe(201);
    expect(res.mediaType).toBe('application/json');
    expect(typeof res.body).toBe('string');
    expect(res.text).toMatch(/^"[0-9a-f-]{36}"$/);
    const get = await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`);
    expect(get.status).toBe(200);
    expect(get.body).toEqual({ receipt });
  });

  it('refuses a second receipt for the same order with 409 in the ErrorResponse shape', async () => {
    const orderId = uniqueReference('om');
    await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    expect(res.status).toBe(409);
    expect(res.mediaType).toBe('application/json');
    const body = res.body as OmError;
    expect(Object.keys(body).sort()).toEqual(['detail', 'instance', 'invalidParams', 'title', 'type']);
    expect(body.instance).toBe(`/v2/ECOM/receipts/${orderId}`);
  });

  it('accepts data for an order that has no payment (no existence check, like the real API)', async () => {
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/no-such-payment.${Date.now()}`, { body: receipt });
    expect(res.status).toBe(201);
  });

  it('treats the payment type case-insensitively (lowercase ecom)', async () => {
    const orderId = uniqueReference('om');
    expect((await vipps.call('POST', `/order-management/v2/ecom/receipts/${orderId}`, { body: receipt })).status).toBe(201);
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`)).status).toBe(200);
    expect((await vipps.call('POST', `/order-management/v2/Ecom/receipts/${orderId}`, { body: receipt })).status).toBe(409);
  });

  it('keeps RECURRING and ECOM orders apart', async () => {
    const orderId = uniqueReference('om');
    await vipps.call('POST', `/order-management/v2/RECURRING/receipts/${orderId}`, { body: receipt });
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`)).status).toBe(404);
  });

  it('sets a category with 200 and a string id; the latest PUT wins', async () => {
    const orderId = uniqueReference('om');
    const first = await vipps.call('PUT', `/order-management/v2/ECOM/categories/${orderId}`, { body: category });
    expect(first.status).toBe(200);
    expect(typeof first.body).toBe('string');
    const second = { category: 'DELIVERY', orderDetailsUrl: 'https://shop.example/orders/1/track', imageId: 'socks-orange-123' };
    await vipps.call('PUT', `/order-management/v2/ECOM/categories/${orderId}`, { body: second });
    await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    const get = await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`);
    expect(get.body).toEqual({ category: second, receipt });
  });

  it('answers 404 in the ErrorResponse shape when the order has neither receipt nor category', async () => {
    const res = await vipps.call('GET', `/order-management/v2/ECOM/${uniqueReference('om')}`);
    expect(res.status).toBe(404);
    expect((res.body as OmError).title).toBe('Not Found');
  });

  it('answers 400 naming invalid receipt fields in invalidParams', async () => {
    const bad = { orderLines: [{ name: 'x', id: '1', totalAmount: -1, totalAmountExcludingTax: 0, totalTaxAmount: 0 }], bottomLine: { currency: 'NOK' } };
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/${uniqueReference('om')}`, { body: bad });
    expect(res.status).toBe(400);
    const names = (res.body as OmError).invalidParams.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['orderLines.0.totalAmount', 'orderLines.0.taxRate']));
  });

  it('refuses bottom-line currencies Order Management does not support', async () => {
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/${uniqueReference('om')}`, {
      body: { ...receipt, bottomLine: { currency: 'SEK' } },
    });
    expect(res.status).toBe(400);
    expect((res.body as OmError).invalidParams[0]?.name).toBe('bottomLine.currency');
  });

  it('refuses an unknown payment type and an invalid order id with 400', async () => {
    expect(((await vipps.call('GET', '/order-management/v2/CARD/abc')).body as OmError).invalidParams[0]?.name).toBe('paymentType');
    expect(((await vipps.call('GET', '/order-management/v2/ECOM/a%20b')).body as OmError).invalidParams[0]?.name).toBe('orderId');
  });

  it('requires Merchant-Serial-Number and allows Vipps-System headers up to 100 characters', async () => {
    const orderId = uniqueReference('om');
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`, { msn: null })).status).toBe(400);
    const long = { 'Vipps-System-Name': 'x'.repeat(100) };
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`, { headers: long })).status).toBe(404);
    const tooLong = { 'Vipps-System-Name': 'x'.repeat(101) };
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`, { headers: tooLong })).status).toBe(400);
  });

  it('requires a valid access token', async () => {
    const res = await vipps.call('GET', `/order-management/v2/ECOM/${uniqueReference('om')}`, { headers: { Authorization: 'Bearer nope' } });
    expect(res.status).toBe(401);
  });
});
