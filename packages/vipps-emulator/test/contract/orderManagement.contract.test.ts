import { startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from '../support/emulator';
import { type CheckOptions, ContractSpec, GATEWAY_ERROR_SCHEMA, SPEC_FILES, expectStatus } from './openApiContract';

/** Order Management API v2 (official spec 2.1): receipts, categories, orders. */

const GATEWAY_BODY: CheckOptions = {
  undescribedBody: { schema: GATEWAY_ERROR_SCHEMA, mediaType: 'application/json', why: 'the spec lists 401 without a body; the gateway sends one' },
};
const ERROR_RESPONSE: CheckOptions = { fallback: { component: 'ErrorResponse', mediaType: 'application/json' } };

const receipt = {
  orderLines: [{ name: 'socks', id: 'line-1', totalAmount: 1000, totalAmountExcludingTax: 800, totalTaxAmount: 200, taxRate: 2500, unitInfo: { unitPrice: 500, quantity: '2' } }],
  bottomLine: { currency: 'NOK', tipAmount: 0, barcode: { format: 'EAN-13', data: '123456' } },
};
const category = { category: 'RECEIPT', orderDetailsUrl: 'https://shop.example/orders/1', imageId: 'img-1' };

let spec: ContractSpec;
let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  spec = await ContractSpec.load(SPEC_FILES.orderManagement);
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

describe('post-receipt-v2 responses conform to the spec', () => {
  it('201 with a string id, 409 on the second receipt, 400 for an invalid receipt', async () => {
    const orderId = uniqueReference('om');
    spec.check('post-receipt-v2', expectStatus(await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt }), 201));
    spec.check('post-receipt-v2', expectStatus(await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt }), 409));
    spec.check('post-receipt-v2', expectStatus(await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}x`, { body: { orderLines: [] } }), 400));
  });

  it('401 with the gateway body', async () => {
    const res = await vipps.call('POST', `/order-management/v2/ECOM/receipts/${uniqueReference('om')}`, { body: receipt, headers: { Authorization: 'Bearer bad' } });
    spec.check('post-receipt-v2', expectStatus(res, 401), GATEWAY_BODY);
  });
});

describe('put-category-v2 responses conform to the spec', () => {
  it('200 with a string id and 400 for an invalid category', async () => {
    const orderId = uniqueReference('om');
    spec.check('put-category-v2', expectStatus(await vipps.call('PUT', `/order-management/v2/ECOM/categories/${orderId}`, { body: category }), 200));
    spec.check('put-category-v2', expectStatus(await vipps.call('PUT', `/order-management/v2/ECOM/categories/${orderId}`, { body: { category: 'SHOES' } }), 400));
  });
});

describe('get-order-v2 responses conform to the spec', () => {
  it('200 with category and receipt, 404 for an unknown order', async () => {
    const orderId = uniqueReference('om');
    await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    await vipps.call('PUT', `/order-management/v2/ECOM/categories/${orderId}`, { body: category });
    spec.check('get-order-v2', expectStatus(await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`), 200));
    spec.check('get-order-v2', expectStatus(await vipps.call('GET', `/order-management/v2/ECOM/${uniqueReference('om')}`), 404));
  });

  it('400 (not in the spec) as ErrorResponse for an unknown payment type', async () => {
    spec.check('get-order-v2', expectStatus(await vipps.call('GET', '/order-management/v2/CARD/abc'), 400), ERROR_RESPONSE);
  });
});
