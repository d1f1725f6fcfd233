/**
 * The merchant pages on a service of three sales units (deploy/sales-units.example.yaml: no NOK,
 * dk DKK, fi EUR), through the whole local stack and the emulator: the same order id on each unit
 * is three rows with a Unit column, the list filters by unit (the SalesUnit search attribute), and
 * an order's page and buttons are addressed by unit and id, so shipping, refunding or cancelling
 * one unit's order moves that unit's money only.
 */
import { join } from 'node:path';
import type { LocalStack } from '../../scripts/local-stack';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { MerchantBrowser, plain, textOf } from '../support/merchantBrowser';
import { OpenApiContract } from '../support/openApiContract';
import { newOrderId, sampleOrder } from '../support/orders';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const UNITS = [
  { name: 'no', msn: '123456', currency: 'NOK', total: 'NOK 548.00' },
  { name: 'dk', msn: '223456', currency: 'DKK', total: 'DKK 548.00' },
  { name: 'fi', msn: '323456', currency: 'EUR', total: '€548.00' },
] as const;

let stack: LocalStack;
let contract: OpenApiContract;
let merchant: MerchantBrowser;
const api = stackApi(() => stack);
const orderId = newOrderId('munits');

beforeAll(async () => {
  quietTemporalLogs();
  stack = await startE2eStack({ SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml') });
  contract = await OpenApiContract.load(stack.serviceUrl);
  merchant = new MerchantBrowser(() => stack.serviceUrl, stack.apiKey, () => contract);
  expect((await merchant.logIn()).status).toBe(303);
  for (const unit of UNITS) {
    const placed = await api('POST', '/orders', { ...sampleOrder(orderId), salesUnit: unit.name, amount: { value: 54_800, currency: unit.currency } });
    expect(placed.status).toBe(201);
    expect((await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve?msn=${unit.msn}`, { method: 'POST' })).status).toBe(200);
  }
  for (const unit of UNITS) {
    await eventually(async () => expect((await api('GET', `/sales-units/${unit.name}/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 20_000);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

const rowsOf = (html: string) => html.split('<tr').slice(1).filter((r) => r.includes('data-order-id='));
const unitOfRow = (row: string) => /data-sales-unit="([^"]+)"/.exec(row)?.[1];

test('the list shows each unit’s order in its own row, with a Unit column, its currency and its own link', async () => {
  const rows = await eventually(async () => {
    const found = rowsOf((await merchant.send('/merchant')).text).filter((r) => r.includes(`data-order-id="${orderId}"`));
    expect(found.map(unitOfRow).sort()).toEqual(['dk', 'fi', 'no']);
    return found;
  }, 20_000);
  const page = (await merchant.send('/merchant')).text;
  expect(page).toMatch(/<th scope="col">Unit<\/th>/);
  expect(page).toContain('<label for="unit">Sales unit</label>');
  expect(plain(page.split('<select')[1]!.split('</select>')[0]!)).toContain('dk · MobilePay, DKK');
  for (const unit of UNITS) {
    const row = rows.find((r) => unitOfRow(r) === unit.name)!;
    expect(row).toContain(`href="/merchant/sales-units/${unit.name}/orders/${orderId}"`);
    expect(row).toContain(`action="/merchant/sales-units/${unit.name}/orders/${orderId}/ship"`);
    expect(plain(row)).toContain(unit.total);
  }
});

test('?unit=dk lists dk’s orders only (the SalesUnit attribute); an unknown unit is a 400 naming unit', async () => {
  const dk = rowsOf((await merchant.send('/merchant?unit=dk')).text);
  expect(dk.some((r) => r.includes(`data-order-id="${orderId}"`))).toBe(true);
  expect(new Set(dk.map(unitOfRow))).toEqual(new Set(['dk']));
  expect((await merchant.send('/merchant?unit=dk')).text).toContain('<option value="dk" selected>');
  // "no" kept unprefixed workflow ids: its filter takes its orders (and any from before the file).
  expect(new Set(rowsOf((await merchant.send('/merchant?unit=no')).text).map(unitOfRow))).toEqual(new Set(['no']));

  const unknown = await merchant.send('/merchant?unit=se');
  expect(unknown.status).toBe(400);
  expect(plain(unknown.text)).toContain('unit: not a sales unit of this service (no, dk, fi)');
});

test('a dk order’s page and buttons are under its unit: shipping and refunding it moves dk’s money only', async () => {
  const path = `/merchant/sales-units/dk/orders/${orderId}`;
  const page = (await merchant.send(path)).text;
  expect(textOf(page, 'sales-unit')).toBe('dk · MobilePay, DKK');
  expect(textOf(page, 'total')).toBe('DKK 548.00');

  const shipped = await merchant.submit(page, `${path}/ship`);
  expect(shipped.posted.location).toBe(`${path}?notice=shipped`);
  expect(textOf(shipped.landed.text, 'message')).toBe('Marked shipped: DKK 548.00 captured so far. Completed.');
  expect(shipped.landed.text).toContain('<label for="refund-amount">Amount to refund (DKK)</label>');
  expect(textOf(shipped.landed.text, 'refund-hint')).toBe('Up to DKK 548.00 can be refunded. Write it like 49.50.');
  const refunded = await merchant.submit(shipped.landed.text, `${path}/refund`, { amount: '10,00' });
  expect(textOf(refunded.landed.text, 'message')).toBe('Refunded DKK 10.00 (DKK 10.00 refunded in all).');

  const dk = (await api('GET', `/sales-units/dk/orders/${orderId}`)).json;
  expect(dk.status).toBe('COMPLETED');
  expect(dk.payment.aggregate).toMatchObject({ captured: 54_800, refunded: 1_000 });
  const atDk = (await (await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}?msn=223456`)).json()) as { aggregate: { refundedAmount: { value: number; currency: string } } };
  expect(atDk.aggregate.refundedAmount).toEqual({ value: 1_000, currency: 'DKK' });
  // The other units' orders with the same id are untouched.
  for (const other of ['no', 'fi']) expect((await api('GET', `/sales-units/${other}/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT');

  // The list tells the refund after settlement of dk's order, and of no other unit's.
  await eventually(async () => {
    const rows = rowsOf((await merchant.send('/merchant')).text).filter((r) => r.includes(`data-order-id="${orderId}"`));
    expect(plain(rows.find((r) => unitOfRow(r) === 'dk') ?? '')).toContain('DKK 10.00 refunded');
    expect(rows.filter((r) => r.includes('data-refunded=')).map(unitOfRow)).toEqual(['dk']);
  }, 20_000);
});

test('cancelling fi’s order from the list cancels fi’s only', async () => {
  const list = (await merchant.send('/merchant?unit=fi')).text;
  const cancelled = await merchant.submit(list, `/merchant/sales-units/fi/orders/${orderId}/cancel`);
  expect(cancelled.posted.location).toBe(`/merchant/sales-units/fi/orders/${orderId}?notice=cancelled`);
  expect(cancelled.landed.text).toMatch(/role="status" id="message">Cancelled: the reservation is released and nothing was charged\.</);
  expect((await api('GET', `/sales-units/fi/orders/${orderId}`)).json.status).toBe('CANCELLED');
  expect((await api('GET', `/sales-units/no/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT');
});

test('an order id without its unit asks which unit; an unknown unit is a 404 page', async () => {
  const which = await merchant.send(`/merchant/orders/${orderId}`);
  expect(which.status).toBe(400);
  for (const unit of UNITS) expect(which.text).toContain(`href="/merchant/sales-units/${unit.name}/orders/${orderId}"`);
  const unknown = await merchant.send(`/merchant/sales-units/se/orders/${orderId}`);
  expect(unknown.status).toBe(404);
  expect(plain(unknown.text)).toContain('salesUnit: not a sales unit of this service');
});

test('the demo shop sells through the unit ?unit= names: its brand, currency and MSN; an unknown unit is a 400', async () => {
  const page = await fetch(`${stack.serviceUrl}/?unit=dk`, { headers: { 'accept-language': 'en' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('Pay with MobilePay');
  expect(html).toContain('name="unit" value="dk"');
  expect(html).toMatch(/<strong aria-current="page">dk: MobilePay \(DKK\)<\/strong>/);
  expect(html).toContain('href="/?unit=fi"');
  const unknown = await fetch(`${stack.serviceUrl}/?unit=se`);
  expect(unknown.status).toBe(400);
  expect(await unknown.text()).toContain('unit: must be one of no, dk, fi');

  const checkout = await fetch(`${stack.serviceUrl}/shop/checkout`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': 'en' },
    body: 'unit=dk&wool-socks=2&knitted-scarf=0',
    redirect: 'manual',
  });
  expect(checkout.status).toBe(303);
  const listed = (await (await fetch(`${stack.emulatorUrl}/_emulator/payments?msn=223456`)).json()) as { payments: { reference: string; amount: unknown }[] };
  const newest = listed.payments[0]!;
  expect(newest.reference).toMatch(/^shop-/);
  expect(newest.amount).toEqual({ value: 2 * 29_900 + 4_900, currency: 'DKK' });
  expect((await api('GET', `/sales-units/dk/orders/${newest.reference}`)).json.status).toBe('PENDING_PAYMENT');
});
