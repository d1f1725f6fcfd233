/**
 * The return page in real headless Chromium in the four languages, each from a browser set to it:
 * Bokmål for a Vipps order of the no unit, Danish and Finnish for MobilePay orders of dk and fi,
 * English for a dk order from an English browser (deploy/sales-units.example.yaml, the emulator).
 * Amounts and quantities as the locale writes them; the waiting page with its ways on; the demo
 * shop's live total; a phone-sized Finnish page, whose long words must not overflow.
 * Screenshots: artifacts/browser/return-*.png and shop-da.png (git-ignored).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startLocalStack, type LocalStack } from '../../scripts/local-stack';
import { CHROMIUM_PATH } from '../../scripts/system-deps';
import { messagesFor } from '../../src/http/pages/i18n/pageLanguage';
import type { Locale } from '../../src/http/pages/i18n/locales';
import { stackApi } from '../support/e2eStack';
import { intlAmount } from '../support/intlAmount';
import { newOrderId } from '../support/orders';
import { quietTemporalLogs } from '../support/temporalLogs';

jest.setTimeout(120_000);

const SHOTS = join(__dirname, '..', '..', 'artifacts', 'browser');
const UNITS = { no: { msn: '123456', currency: 'NOK' }, dk: { msn: '223456', currency: 'DKK' }, fi: { msn: '323456', currency: 'EUR' } } as const;
type UnitName = keyof typeof UNITS;

/** Product names are the shop's: each order is named in its customer's language. */
const NAMES: Record<Locale, [string, string, string]> = {
  nb: ['Ullsokker', 'Strikket skjerf', 'Frakt'],
  da: ['Uldsokker', 'Strikket halstørklæde', 'Fragt'],
  fi: ['Villasukat', 'Neulottu kaulahuivi', 'Toimitus'],
  en: ['Wool socks', 'Knitted scarf', 'Shipping'],
};
/** Two pairs of socks at 649.75, a scarf and shipping: 1 797.50, so thousands show. */
const TOTAL = 2 * 64_975 + 44_900 + 4_900;

let stack: LocalStack;
let browser: Browser;
const api = stackApi(() => stack);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  quietTemporalLogs();
  stack = await startLocalStack({
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    ephemeralPorts: true,
    overrides: { LOG_LEVEL: 'silent', EMULATOR_LOG_LEVEL: 'silent', SALES_UNITS_FILE: join(__dirname, '../../deploy/sales-units.example.yaml') },
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

function line(id: string, name: string, unitPrice: number, quantity: number, isShipping = false) {
  const total = unitPrice * quantity;
  const tax = Math.round(total / 5);
  return { id, name, totalAmount: total, totalAmountExcludingTax: total - tax, totalTaxAmount: tax, taxRate: 2500, unitInfo: { unitPrice, quantity: String(quantity), quantityUnit: 'PCS' }, ...(isShipping && { isShipping }) };
}

async function placeOrder(unit: UnitName, locale: Locale): Promise<string> {
  const orderId = newOrderId(`lang-${locale}`);
  const [socks, scarf, shipping] = NAMES[locale];
  const placed = await api('POST', '/orders', {
    salesUnit: unit,
    orderId,
    amount: { value: TOTAL, currency: UNITS[unit].currency },
    description: `${locale} order`,
    orderLines: [line('socks', socks, 64_975, 2), line('scarf', scarf, 44_900, 1), line('shipping', shipping, 4_900, 1, true)],
  });
  expect(placed.status).toBe(201);
  return orderId;
}

async function pageIn(locale: Locale, viewport = { width: 1000, height: 760 }): Promise<Page> {
  const context = await browser.newContext({ locale: { nb: 'nb-NO', da: 'da-DK', fi: 'fi-FI', en: 'en-GB' }[locale], viewport });
  return context.newPage();
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** Nothing on the page is wider than the page itself. */
async function overflowing(page: Page): Promise<string[]> {
  // A string: this project compiles without the DOM's types.
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > width + 1).map((e) => e.tagName + ': ' + e.textContent.slice(0, 40));
  })()`);
}

describe.each([
  ['nb', 'no', 'Vipps'],
  ['da', 'dk', 'MobilePay'],
  ['fi', 'fi', 'MobilePay'],
  ['en', 'dk', 'MobilePay'],
] as const)('%s (%s unit)', (locale, unit, brand) => {
  test(`a confirmed order in ${locale} with the ${brand} brand`, async () => {
    const orderId = await placeOrder(unit, locale);
    expect((await fetch(`${stack.emulatorUrl}/_emulator/payments/${orderId}/approve?msn=${UNITS[unit].msn}`, { method: 'POST' })).status).toBe(200);
    const page = await pageIn(locale);
    await page.goto(stack.returnUrl(orderId, unit));
    await page.waitForSelector('#result');
    const t = messagesFor(locale);
    const currency = UNITS[unit].currency;
    const total = intlAmount(locale, TOTAL, currency);
    expect(await page.getAttribute('html', 'lang')).toBe(locale);
    expect(await page.textContent('#result')).toBe(t.confirmed.title);
    expect(await page.textContent('main')).toContain(t.confirmed.text(total, brand));
    expect(await page.textContent('#amount')).toBe(total);
    expect(await page.textContent('main')).toContain(`2 × ${NAMES[locale][0]}${t.unitPrice(intlAmount(locale, 64_975, currency))}`);
    expect(await page.textContent('#continue')).toBe(t.backTo('The Knitting Shop'));
    expect(await overflowing(page)).toEqual([]);
    await shot(page, `return-${locale}`);
    await page.context().close();
  });
});

test('the waiting page in Finnish: the payment can be opened again, the shop is a click away, and it fits a phone', async () => {
  const orderId = await placeOrder('fi', 'fi');
  const page = await pageIn('fi', { width: 390, height: 844 });
  await page.goto(stack.returnUrl(orderId, 'fi'));
  await page.waitForSelector('#result');
  const t = messagesFor('fi');
  expect(await page.textContent('#result')).toBe(t.pending.title);
  expect(await page.textContent('#open-payment')).toBe(t.pending.openPayment('MobilePay'));
  expect(await page.getAttribute('#open-payment', 'href')).toMatch(/^http:\/\/[^/]+\/landing\?token=/);
  expect(await page.textContent('#continue')).toBe(t.backTo('The Knitting Shop'));
  expect(await overflowing(page)).toEqual([]);
  await shot(page, 'return-fi-waiting-phone');
  // The link leads to the landing page of this very payment.
  await Promise.all([page.waitForURL(/\/landing\?token=/), page.click('#open-payment')]);
  expect(await page.textContent('#amount')).toMatch(/1[\s.,]?797/);
  await page.context().close();
});

test('the demo shop in Danish: its total follows the cart, in Danish amounts', async () => {
  const page = await pageIn('da');
  await page.goto(`${stack.serviceUrl}/`);
  expect(await page.textContent('#pay-with-vipps')).toBe('Betal med Vipps');
  expect(await page.textContent('#total')).toBe(intlAmount('da', 29_900 + 44_900 + 4_900, 'NOK'));
  await page.fill('#qty-wool-socks', '4');
  expect(await page.textContent('#total')).toBe(intlAmount('da', 4 * 29_900 + 44_900 + 4_900, 'NOK'));
  await page.fill('#qty-knitted-scarf', '0');
  await page.fill('#qty-wool-socks', '0');
  expect(await page.textContent('#total')).toBe(intlAmount('da', 0, 'NOK'));
  await page.fill('#qty-wool-socks', '2');
  await shot(page, 'shop-da');
  await page.context().close();
});

test('the demo shop without script: the form asks the server for the total', async () => {
  const context = await browser.newContext({ locale: 'nb-NO', javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${stack.serviceUrl}/`);
  await page.fill('#qty-wool-socks', '3');
  await Promise.all([page.waitForURL(/[?&]wool-socks=3/), page.click('#update-total')]);
  expect(await page.textContent('#total')).toBe(intlAmount('nb', 3 * 29_900 + 44_900 + 4_900, 'NOK'));
  expect(await page.inputValue('#qty-wool-socks')).toBe('3');
  await shot(page, 'shop-nb-no-script');
  await context.close();
});
