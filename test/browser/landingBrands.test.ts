/**
 * The emulator's landing page of each unit of the example units file in real headless Chromium,
 * on a phone's width: MobilePay's blue for dk and fi, Vipps' orange for no, the market's language,
 * and nothing wider than the screen. Only the emulator runs (no Temporal, no service).
 * Screenshots go to artifacts/browser/landing-<unit>.png (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { VippsClient } from '@vipps-orders/vipps';
import { loadEmulatorConfig, startEmulator, type RunningEmulator } from '@vipps-orders/vipps-emulator';
import { CHROMIUM_PATH } from '../../scripts/system-deps';
import { clientConfigFor, loadSalesUnits } from '../../src/salesUnits/unitConfig';

jest.setTimeout(60_000);

const SHOTS = join(__dirname, '..', '..', 'artifacts', 'browser');
const EXAMPLE = join(__dirname, '../../deploy/sales-units.example.yaml');

let emulator: RunningEmulator;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const config = loadEmulatorConfig({ SALES_UNITS_FILE: EXAMPLE, EMULATOR_LOG_LEVEL: 'silent', EMULATOR_MERCHANT_NAME: 'The Knitting Shop' }, { port: 0 });
  emulator = await startEmulator({ ...config, host: '127.0.0.1' });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

/** A payment at the unit, with its own keys and MSN, as the service would create it; its landing page's URL. */
async function landingUrl(unitName: string): Promise<string> {
  const units = loadSalesUnits({ SALES_UNITS_FILE: EXAMPLE, VIPPS_BASE_URL: emulator.url });
  const unit = units.registry.units.find((u) => u.name === unitName)!;
  const vipps = new VippsClient(clientConfigFor(units, unit));
  const reference = `landing-${unitName}-${Date.now()}`;
  const created = await vipps.createPayment(
    {
      amount: { currency: unit.currency!, value: 54_800 },
      paymentMethod: { type: 'WALLET' },
      reference,
      userFlow: 'WEB_REDIRECT',
      returnUrl: `https://shop.example/return?order=${reference}`,
      paymentDescription: 'Wool socks and a knitted scarf',
    },
    { idempotencyKey: reference },
  );
  return created.redirectUrl!;
}

/** Elements wider than the window: on a phone nothing may need a sideways scroll. */
function overflowing(page: Page): Promise<string[]> {
  // A string: this project compiles without the DOM's types.
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 0.5).map((e) => e.id || e.tagName);
  })()`);
}

/** A CSS property of an element as the browser computed it, e.g. rgb(90, 120, 255). */
function computed(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)})).getPropertyValue(${JSON.stringify(property)})`);
}

test.each([
  ['dk', 'da', 'MobilePay', 'Betal til The Knitting Shop – MobilePay', 'Betal med MobilePay', 'rgb(90, 120, 255)'],
  ['no', 'nb', 'Vipps', 'Betal til The Knitting Shop – Vipps', 'Betal med Vipps', 'rgb(255, 91, 36)'],
  ['fi', 'fi', 'MobilePay', 'Maksu: The Knitting Shop – MobilePay', 'Maksa MobilePaylla', 'rgb(90, 120, 255)'],
] as const)('the %s landing page: %s, %s, in its colour', async (unit, lang, brand, title, approve, colour) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  await page.goto(await landingUrl(unit));
  expect(await page.getAttribute('html', 'lang')).toBe(lang);
  expect(await page.title()).toBe(title);
  expect(await page.textContent('#brand')).toBe(brand);
  expect(await page.textContent('#merchant')).toBe('The Knitting Shop');
  expect(await page.textContent('#approve')).toBe(approve);
  expect(await computed(page, '#approve', 'background-color')).toBe(colour);
  expect(await computed(page, '#brand', 'color')).toBe(colour);
  expect(await overflowing(page)).toEqual([]);
  await page.screenshot({ path: join(SHOTS, `landing-${unit}.png`), fullPage: true });
  await page.close();
});
