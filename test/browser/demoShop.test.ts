/**
 * The demo shop in real headless Chromium (Debian's package, driven by playwright-core): pay with
 * Vipps MobilePay, approve on the emulator's landing page, see the confirmation, ship and refund on
 * the merchant page, then find the order in the Temporal UI by its search attribute and see its
 * encrypted payloads decoded there by the codec server.
 * Screenshots of every step go to artifacts/browser/ (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { CHROMIUM_PATH } from '../../scripts/system-deps';
import { intlAmount } from '../support/intlAmount';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const SHOTS = join(__dirname, '..', '..', 'artifacts', 'browser');
let stack: LocalStack;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent' },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // No sandbox as root; no background traffic on a machine without internet.
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  // An English browser: the one-unit stack has no market, so its pages would be English anyway.
  page = await browser.newPage({ viewport: { width: 1100, height: 800 }, locale: 'en-US' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** An element's text as read: the merchant pages keep amounts together with no-break spaces. */
async function text(selector: string): Promise<string | undefined> {
  return (await page.textContent(selector))?.replace(/\u00a0/g, ' ');
}

test('a customer pays in the demo shop, the merchant ships and refunds, the operator finds the order in the Temporal UI', async () => {
  // 1. The shop, under the one merchant name the emulator's landing page shows too.
  await page.goto(`${stack.serviceUrl}/`);
  expect(await page.textContent('h1')).toContain('The Knitting Shop');
  expect((await fetch(`${stack.serviceUrl}/favicon.ico`)).headers.get('content-type')).toContain('image/svg+xml');
  expect(await page.textContent('#total')).toBe(intlAmount('en', 29_900 + 44_900 + 4_900, 'NOK'));
  await page.fill('#qty-knitted-scarf', '0');
  // The total follows the cart as it changes, before anything is paid.
  expect(await page.textContent('#total')).toBe(intlAmount('en', 34_800, 'NOK'));
  await shot('01-shop');
  await Promise.all([page.waitForURL(/\/landing\?token=/), page.click('#pay-with-vipps')]);

  // 2. The Vipps MobilePay landing page (the emulator's stand-in for the phone).
  expect(await page.textContent('#merchant')).toBe('The Knitting Shop');
  expect(await page.textContent('#amount')).toMatch(/348/);
  await shot('02-landing');
  await Promise.all([page.waitForURL(/\/orders\/[^/]+\/return\?t=/), page.click('#approve')]);

  // 3. Back in the shop: the return page shows what the order confirmed with Vipps, in the customer's words.
  await page.waitForSelector('#result');
  expect(await page.textContent('#result')).toBe('Thank you! Your order is confirmed');
  expect(await page.textContent('#amount')).toBe(intlAmount('en', 34_800, 'NOK'));
  expect(await page.getAttribute('#continue', 'href')).toBe(`${stack.serviceUrl}/`);
  const orderId = (await page.textContent('#order-id'))!.trim();
  const returnUrl = page.url();
  expect(returnUrl).toMatch(/\/return\?t=[\w-]{20,}/);
  await shot('03-confirmation');

  // 4. The merchant logs in with the API key, then reads the list (from Temporal's search index) and the order.
  await page.goto(`${stack.serviceUrl}/merchant`);
  await page.waitForURL(/\/merchant\/login\?next=/);
  await page.fill('#key', stack.apiKey);
  await Promise.all([page.waitForURL(new RegExp(`${stack.serviceUrl}/merchant$`)), page.click('#login')]);
  const row = page.locator(`tr[data-order-id="${orderId}"]`);
  await expect(row.locator('[data-testid="status"]').getAttribute('data-status')).resolves.toBe('AWAITING_SHIPMENT');
  await shot('04-merchant-list');
  await Promise.all([page.waitForURL(/\/merchant\/orders\//), row.locator(`a[href="/merchant/orders/${orderId}"]`).click()]);
  expect(await text('#payment')).toBe('NOK 348.00 reserved');
  expect(await text('[data-testid="status"]')).toBe('Paid, ready to ship');
  const body = (await page.textContent('main'))!;
  expect(body).not.toContain('token=');
  expect(body).not.toContain('"aggregate"');
  await shot('05-merchant-order');
  await Promise.all([page.waitForURL(/\/merchant\/orders\/[^?]+\?notice=shipped$/), page.click('[data-action="ship"]')]);
  expect(await page.getAttribute('#message', 'role')).toBe('status');
  expect(await text('#message')).toBe('Marked shipped: NOK 348.00 captured so far. Completed.');
  expect(await page.getAttribute('[data-testid="status"]', 'data-status')).toBe('COMPLETED');
  expect(await text('#payment')).toBe('captured in full (NOK 348.00)');
  await shot('06-shipped');
  // The refund field starts empty; more than was captured is refused before Vipps is asked, in an alert.
  const amount = page.getByLabel('Amount to refund (NOK)');
  expect(await amount.inputValue()).toBe('');
  await amount.fill('400');
  await Promise.all([page.waitForURL(/\?notice=refund-too-much$/), page.click('[data-action="refund"]')]);
  expect(await page.getAttribute('#message', 'role')).toBe('alert');
  expect(await text('#message')).toBe('That is more than can be refunded: at most NOK 348.00.');
  await shot('06b-refund-refused');
  await page.getByLabel('Amount to refund (NOK)').fill('49.00');
  await Promise.all([page.waitForURL(/\?notice=refunded&refund=/), page.click('[data-action="refund"]')]);
  expect(await page.getAttribute('#message', 'role')).toBe('status');
  expect(await text('#message')).toBe('Refunded NOK 49.00 (NOK 49.00 refunded in all).');
  expect(await text('#refunded')).toBe('NOK 49.00');
  await shot('07-refunded');

  // 5. The customer's link (with its token) still works after settlement: the return page reads the order's result.
  await page.goto(returnUrl);
  expect(await page.textContent('#result')).toBe('Thank you! Your order is on its way');
  expect(await page.textContent('main')).toContain(`${intlAmount('en', 34_800, 'NOK')} was charged and ${intlAmount('en', 4_900, 'NOK')} refunded`);
  await shot('08-return-after-shipping');

  // 6. The money, as Vipps (the emulator) saw it: one capture of the whole order, one refund.
  const ledger = (await (await fetch(`${stack.emulatorUrl}/_emulator/ledger?reference=${orderId}`)).json()) as { entries: { kind: string; reference: string; amount: { value: number } }[] };
  expect(ledger.entries.filter((e) => e.reference === orderId).map((e) => [e.kind, e.amount.value])).toEqual([
    ['authorize', 34_800],
    ['capture', 34_800],
    ['refund', 4_900],
  ]);

  // 7. The operator finds the order in the Temporal UI by its search attribute.
  const query = encodeURIComponent(`VippsReference="${orderId}"`);
  await page.goto(`${stack.temporalUiUrl}/namespaces/${stack.namespace}/workflows?query=${query}`);
  await page.getByText(`order-${orderId}`).first().waitFor({ timeout: 30_000 });
  await shot('09-temporal-ui');

  // 8. The order's page: Temporal stores only ciphertext (test/security checks the history), and
  // the UI shows the workflow's input as JSON, decoded by the codec server.
  await page.goto(`${stack.temporalUiUrl}/namespaces/${stack.namespace}/workflows/order-${orderId}`);
  await page.getByText('"description"').first().waitFor({ timeout: 30_000 });
  expect(await page.getByText('"orderLines"').count()).toBeGreaterThan(0);
  await shot('09b-temporal-ui-decoded-payloads');
});

test('a customer who rejects the payment reads that in plain words, with a way back to the shop', async () => {
  await page.goto(`${stack.serviceUrl}/`);
  await Promise.all([page.waitForURL(/\/landing\?token=/), page.click('#pay-with-vipps')]);
  await Promise.all([page.waitForURL(/\/orders\/[^/]+\/return\?t=/), page.click('#reject')]);
  await page.waitForSelector('#result');
  expect(await page.textContent('#result')).toBe('The payment was not completed');
  expect(await page.textContent('main')).toContain('You stopped the payment in Vipps MobilePay. You have not been charged.');
  expect(await page.textContent('#continue')).toBe('Back to The Knitting Shop');
  await shot('10-return-rejected');
});

test('the API reference page works offline', async () => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${stack.serviceUrl}/docs`);
  await page.getByText('Vipps MobilePay orders').first().waitFor({ timeout: 30_000 });
  expect(await page.title()).toBe('Vipps MobilePay orders — API reference');
  // The plugin's script puts the product's mark where Fastify's logo would be.
  await expect(page.locator('.topbar a.link img').getAttribute('src')).resolves.toMatch(/^data:image\/svg\+xml;base64,/);
  await page.getByText('/orders/{orderId}/shipments').first().waitFor();
  await shot('11-api-reference');
  await page.locator('.topbar').screenshot({ path: join(SHOTS, '11b-api-reference-top-bar.png') });
  expect(requests.filter((u) => !u.startsWith(stack.serviceUrl) && !u.startsWith('data:'))).toEqual([]);
});
