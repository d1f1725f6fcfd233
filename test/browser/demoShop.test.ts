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
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

test('a customer pays in the demo shop, the merchant ships and refunds, the operator finds the order in the Temporal UI', async () => {
  // 1. The shop.
  await page.goto(`${stack.serviceUrl}/`);
  await page.fill('#qty-knitted-scarf', '0');
  await shot('01-shop');
  await Promise.all([page.waitForURL(/\/landing\?token=/), page.click('#pay-with-vipps')]);

  // 2. The Vipps MobilePay landing page (the emulator's stand-in for the phone).
  expect(await page.textContent('#merchant')).toContain('Demo Shop');
  expect(await page.textContent('#amount')).toMatch(/348/);
  await shot('02-landing');
  await Promise.all([page.waitForURL(/\/orders\/[^/]+\/return$/), page.click('#approve')]);

  // 3. Back in the shop: the return page shows what the order confirmed with Vipps.
  await page.waitForSelector('#result');
  expect(await page.textContent('#result')).toBe('Order confirmed');
  const orderId = (await page.textContent('#order-id'))!.trim();
  await shot('03-confirmation');

  // 4. The merchant page: ship, then refund part of it.
  await page.goto(`${stack.serviceUrl}/merchant`);
  const row = page.locator(`tr[data-order-id="${orderId}"]`);
  await expect(row.locator('[data-testid="status"]').textContent()).resolves.toBe('AWAITING_SHIPMENT');
  await shot('04-merchant');
  await Promise.all([page.waitForURL(/\/merchant\?msg=/), row.locator('[data-action="ship"]').click()]);
  expect(await page.textContent('#message')).toContain('shipped, now COMPLETED');
  await expect(page.locator(`tr[data-order-id="${orderId}"] [data-testid="status"]`).textContent()).resolves.toBe('COMPLETED');
  await shot('05-shipped');
  await page.locator(`tr[data-order-id="${orderId}"] input[name="amount"]`).fill('49.00');
  await Promise.all([page.waitForURL(/\/merchant\?msg=/), page.locator(`tr[data-order-id="${orderId}"] [data-action="refund"]`).click()]);
  expect(await page.textContent('#message')).toContain('refunded NOK 49.00');
  await shot('06-refunded');

  // 5. The money, as Vipps (the emulator) saw it: one capture of the whole order, one refund.
  const ledger = (await (await fetch(`${stack.emulatorUrl}/_emulator/ledger?reference=${orderId}`)).json()) as { entries: { kind: string; reference: string; amount: { value: number } }[] };
  expect(ledger.entries.filter((e) => e.reference === orderId).map((e) => [e.kind, e.amount.value])).toEqual([
    ['authorize', 34_800],
    ['capture', 34_800],
    ['refund', 4_900],
  ]);

  // 6. The operator finds the order in the Temporal UI by its search attribute.
  const query = encodeURIComponent(`VippsReference="${orderId}"`);
  await page.goto(`${stack.temporalUiUrl}/namespaces/${stack.namespace}/workflows?query=${query}`);
  await page.getByText(`order-${orderId}`).first().waitFor({ timeout: 30_000 });
  await shot('07-temporal-ui');

  // 7. The order's page: Temporal stores only ciphertext (test/security checks the history), and
  // the UI shows the workflow's input as JSON, decoded by the codec server.
  await page.goto(`${stack.temporalUiUrl}/namespaces/${stack.namespace}/workflows/order-${orderId}`);
  await page.getByText('"description"').first().waitFor({ timeout: 30_000 });
  expect(await page.getByText('"orderLines"').count()).toBeGreaterThan(0);
  await shot('08-temporal-ui-decoded-payloads');
});
