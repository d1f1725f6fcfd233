/**
 * The merchant pages in real headless Chromium on a service of three sales units (the example
 * units file, the emulator): the list with its Unit column and filter, an order of a unit that is
 * not the first, its buttons, and its notices. Amounts and buttons are checked not to wrap, in a
 * wide window and a narrow one. Screenshots go to artifacts/browser/merchant-*.png (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { LocalStack } from '../../scripts/local-stack';
import { CHROMIUM_PATH } from '../../scripts/system-deps';
import { startE2eStack, stackApi } from '../support/e2eStack';
import { eventually } from '../support/eventually';
import { newOrderId, sampleOrder } from '../support/orders';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const SHOTS = join(__dirname, '..', '..', 'artifacts', 'browser');
const UNITS = { no: { msn: '123456', currency: 'NOK' }, dk: { msn: '223456', currency: 'DKK' }, fi: { msn: '323456', currency: 'EUR' } } as const;
type UnitName = keyof typeof UNITS;

let stack: LocalStack;
let browser: Browser;
let page: Page;
const api = stackApi(() => stack);
const dkOrder = newOrderId('dk-shop');

/** An order of `value` minor units in one line (plus nothing else), so big totals are easy to make. */
function orderOf(orderId: string, unit: UnitName, value: number) {
  const line = { id: 'sofa', name: 'Sofa', totalAmount: value, totalAmountExcludingTax: value - Math.round(value / 5), totalTaxAmount: Math.round(value / 5), taxRate: 2500, unitInfo: { unitPrice: value, quantity: '1' } };
  return { ...sampleOrder(orderId), salesUnit: unit, amount: { value, currency: UNITS[unit].currency }, orderLines: [line] };
}

async function placed(unit: UnitName, value: number, then: 'approve' | 'leave' = 'approve', orderId = newOrderId(unit)): Promise<string> {
  expect((await api('POST', '/orders', orderOf(orderId, unit, value))).status).toBe(201);
  if (then === 'approve') {
    expect((await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve?msn=${UNITS[unit].msn}`, { method: 'POST' })).status).toBe(200);
    await eventually(async () => expect((await api('GET', `/sales-units/${unit}/orders/${orderId}`)).json.status).toBe('AWAITING_SHIPMENT'), 20_000);
  }
  return orderId;
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  quietTemporalLogs();
  stack = await startE2eStack({ SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml') });
  // A list with something of everything: a big amount, each currency, each state.
  const shipped = await placed('no', 1_234_550);
  expect((await api('POST', `/sales-units/no/orders/${shipped}/shipments`, { shipmentId: 'box-1' })).status).toBe(200);
  const cancelled = await placed('fi', 8_990);
  expect((await api('POST', `/sales-units/fi/orders/${cancelled}/cancel`, {})).status).toBe(200);
  await placed('no', 129_900, 'leave');
  await placed('fi', 25_000);
  await placed('dk', 349_500, 'approve', dkOrder);
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `merchant-${name}.png`), fullPage: true });
}

async function text(selector: string): Promise<string | undefined> {
  return (await page.textContent(selector))?.replace(/\u00a0/g, ' ');
}

/**
 * Texts of amounts, buttons and the date and the time of a timestamp that the browser laid out on
 * more than one line (a row's buttons count as one: all on one line). A script string: this
 * project's types have no DOM.
 */
const WRAPPED_SCRIPT = `(() => {
  const lines = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el.firstChild ?? el);
    return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
  };
  const buttonRows = (el) => new Set([...el.querySelectorAll('button')].map((b) => Math.round(b.getBoundingClientRect().top))).size;
  return [...document.querySelectorAll('td.num, td.actions, button, time > span')]
    .filter((el) => (el.matches('td.actions') ? buttonRows(el) > 1 : lines(el) > 1))
    .map((el) => el.textContent);
})()`;

const wrapped = () => page.evaluate<string[]>(WRAPPED_SCRIPT);

test('the operator reads every unit’s orders, filters by unit, and ships and refunds a dk order on its page', async () => {
  await page.goto(`${stack.serviceUrl}/merchant`);
  await page.waitForURL(/\/merchant\/login\?next=/);
  await page.fill('#key', stack.apiKey);
  await Promise.all([page.waitForURL(new RegExp(`${stack.serviceUrl}/merchant$`)), page.click('#login')]);
  const dkRow = page.locator(`tr[data-order-id="${dkOrder}"]`);
  await eventually(async () => {
    await page.reload();
    expect(await dkRow.count()).toBe(1);
  }, 20_000);
  expect(await page.locator('th', { hasText: 'Unit' }).count()).toBe(1);
  expect((await dkRow.locator('td').nth(1).textContent())?.trim()).toBe('dk');
  expect((await dkRow.locator('td.num').textContent())?.replace(/\u00a0/g, ' ')).toBe('DKK 3,495.00');
  const totals = (await page.locator('td.num').allTextContents()).map((t) => t.replace(/\u00a0/g, ' '));
  for (const total of ['NOK 12,345.50', '€89.90', '€250.00', 'NOK 1,299.00']) expect(totals.some((t) => t.startsWith(total))).toBe(true);
  expect(await wrapped()).toEqual([]);
  await shot('list');

  // Narrower, the table gets tight, but amounts and buttons still keep to one line.
  await page.setViewportSize({ width: 820, height: 800 });
  expect(await wrapped()).toEqual([]);
  await shot('list-narrow');
  await page.setViewportSize({ width: 1100, height: 800 });

  await page.selectOption('#unit', 'dk');
  await Promise.all([page.waitForURL(/\/merchant\?unit=dk$/), page.click('#filter')]);
  const units = await Promise.all((await page.locator('tr[data-order-id]').all()).map((row) => row.getAttribute('data-sales-unit')));
  expect(new Set(units)).toEqual(new Set(['dk']));
  await shot('list-dk');

  await Promise.all([page.waitForURL(new RegExp(`/merchant/sales-units/dk/orders/${dkOrder}$`)), dkRow.locator('a').first().click()]);
  expect(await text('#sales-unit')).toBe('dk · MobilePay, DKK');
  expect(await text('[data-testid="status"]')).toBe('Paid, ready to ship');
  expect(await text('#payment')).toBe('DKK 3,495.00 reserved');
  expect(await wrapped()).toEqual([]);
  await shot('order');

  await Promise.all([page.waitForURL(/\?notice=shipped$/), page.click('[data-action="ship"]')]);
  expect(await page.getAttribute('#message', 'role')).toBe('status');
  expect(await text('#message')).toBe('Marked shipped: DKK 3,495.00 captured so far. Completed.');
  await page.getByLabel('Amount to refund (DKK)').fill('4000');
  await Promise.all([page.waitForURL(/\?notice=refund-too-much$/), page.click('[data-action="refund"]')]);
  expect(await page.getAttribute('#message', 'role')).toBe('alert');
  expect(await text('#message')).toBe('That is more than can be refunded: at most DKK 3,495.00.');
  await shot('refund-refused');
  await page.getByLabel('Amount to refund (DKK)').fill('95,50');
  await Promise.all([page.waitForURL(/\?notice=refunded&refund=/), page.click('[data-action="refund"]')]);
  expect(await text('#message')).toBe('Refunded DKK 95.50 (DKK 95.50 refunded in all).');
  expect(await text('#refunded')).toBe('DKK 95.50');
  await shot('order-refunded');

  const view = (await api('GET', `/sales-units/dk/orders/${dkOrder}`)).json;
  expect(view.payment.aggregate).toMatchObject({ captured: 349_500, refunded: 9_550 });
});
