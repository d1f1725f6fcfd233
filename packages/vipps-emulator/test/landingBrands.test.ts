/**
 * The landing page of a payment shows its unit's app: with deploy/sales-units.example.yaml a dk or
 * fi payment's page says MobilePay in the brand's blue, a no payment's Vipps in its orange, each
 * in the market's language. The element ids the browser tests click stay the same.
 */
import { join } from 'node:path';
import { loadEmulatorConfig, type EmulatorConfig } from '../src/config';
import { httpRequest, startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';

const EXAMPLE = join(__dirname, '../../../deploy/sales-units.example.yaml');
const CURRENCY = { no: 'NOK', dk: 'DKK', fi: 'EUR' } as const;
type UnitName = keyof typeof CURRENCY;

let emu: TestEmulator;
const clients = {} as Record<UnitName, VippsTestClient>;

function asUnit(config: EmulatorConfig, name: UnitName): EmulatorConfig {
  const unit = config.units!.find((u) => u.name === name)!;
  return { ...config, credentials: { ...unit.credentials, msn: unit.msn } };
}

beforeAll(async () => {
  const fromFile = loadEmulatorConfig({ SALES_UNITS_FILE: EXAMPLE }, { port: 0 });
  emu = await startTestEmulator({ units: fromFile.units!, credentials: fromFile.credentials, currency: fromFile.currency, merchantName: 'The Knitting Shop' });
  for (const name of Object.keys(CURRENCY) as UnitName[]) clients[name] = await VippsTestClient.connect({ url: emu.url, config: asUnit(emu.config, name) });
});
afterAll(() => emu.close());

function elementText(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`).exec(html)?.[1];
}

/** A new payment at the unit, and its landing page as the customer's browser gets it. */
async function landing(unit: UnitName, overrides: Record<string, unknown> = {}): Promise<{ reference: string; html: string }> {
  const created = await clients[unit].createPayment({ amount: { currency: CURRENCY[unit], value: 54_800 }, ...overrides });
  const { reference, redirectUrl } = created.body as { reference: string; redirectUrl: string };
  const url = new URL(redirectUrl);
  const page = await httpRequest(emu.url, 'GET', `${url.pathname}${url.search}`);
  expect(page.status).toBe(200);
  return { reference, html: page.text };
}

test.each([
  ['dk', 'da', 'MobilePay', 'Betal med MobilePay', 'Afvis', '#5a78ff', '#ff5b24'],
  ['fi', 'fi', 'MobilePay', 'Maksa MobilePaylla', 'Hylkää', '#5a78ff', '#ff5b24'],
  ['no', 'nb', 'Vipps', 'Betal med Vipps', 'Avvis', '#ff5b24', '#5a78ff'],
] as const)('a %s payment: %s, %s in title, heading and button, in the brand colour', async (unit, lang, brand, approve, reject, colour, otherColour) => {
  const { reference, html } = await landing(unit);
  expect(html).toContain(`<html lang="${lang}">`);
  expect(/<title>([^<]*)<\/title>/.exec(html)?.[1]).toMatch(new RegExp(`^.*The Knitting Shop – ${brand}$`));
  expect(elementText(html, 'brand')).toBe(brand);
  expect(elementText(html, 'approve')).toBe(approve);
  expect(elementText(html, 'reject')).toBe(reject);
  expect(elementText(html, 'merchant')).toBe('The Knitting Shop');
  expect(elementText(html, 'reference')).toBe(reference);
  expect(html).toContain(`--accent: ${colour}`);
  expect(html).toContain(encodeURIComponent(`fill="${colour}"`));
  expect(html).not.toContain(otherColour);
});

test('a decided dk payment keeps the brand and language on its state page', async () => {
  const { reference } = await landing('dk');
  expect((await clients.dk.forceApprove(reference)).status).toBe(200);
  const view = (await httpRequest(emu.url, 'GET', `/_emulator/payments/${reference}?msn=223456`)).body as { landingToken: string };
  const html = (await httpRequest(emu.url, 'GET', `/landing?token=${view.landingToken}`)).text;
  expect(elementText(html, 'brand')).toBe('MobilePay');
  expect(elementText(html, 'state')).toBe('AUTHORIZED');
  expect(html).toContain('Denne betaling er <span id="state"');
  expect(elementText(html, 'return')).toBe('Tilbage til The Knitting Shop');
});

test('an unknown link has no unit: the brandless English page', async () => {
  const html = (await httpRequest(emu.url, 'GET', '/landing?token=nope')).text;
  expect(html).toContain('<html lang="en">');
  expect(html).not.toContain('id="brand"');
  expect(elementText(html, 'not-found')).toBe('This link is unknown or no longer valid.');
});
