/**
 * The emulator serving the sales units of SALES_UNITS_FILE, as Vipps serves several MSNs: each
 * key set acts for its own units only, each MSN takes its own currency, keeps a reservation for
 * its market's time, and a full-capture unit refuses a partial capture with 6140.
 */
import { join } from 'node:path';
import { loadEmulatorConfig, type EmulatorConfig } from '../src/config';
import { errorCodeOf, httpRequest, startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from './support/emulator';
import { ledgerOf, ok, wholeFeed } from './support/settlement';

const EXAMPLE = join(__dirname, '../../../deploy/sales-units.example.yaml');

let emu: TestEmulator;
const clients: Record<string, VippsTestClient> = {};

/** The emulator's config seen by one unit's client: its key set and MSN. */
function asUnit(config: EmulatorConfig, name: string): EmulatorConfig {
  const unit = config.units!.find((u) => u.name === name)!;
  return { ...config, credentials: { ...unit.credentials, msn: unit.msn } };
}

beforeAll(async () => {
  const fromFile = loadEmulatorConfig({ SALES_UNITS_FILE: EXAMPLE }, { port: 0 });
  emu = await startTestEmulator({ units: fromFile.units!, credentials: fromFile.credentials, currency: fromFile.currency });
  for (const name of ['no', 'dk', 'fi']) clients[name] = await VippsTestClient.connect({ url: emu.url, config: asUnit(emu.config, name) });
});
afterAll(() => emu.close());

test('the file gives each unit its own MSN, currency and key set; the first unit is the default', () => {
  const units = emu.config.units!;
  expect(units.map((u) => [u.name, u.msn, u.currency, u.partialCapture])).toEqual([
    ['no', '123456', 'NOK', true],
    ['dk', '223456', 'DKK', true],
    ['fi', '323456', 'EUR', false],
  ]);
  expect(new Set(units.map((u) => u.credentials.subscriptionKey)).size).toBe(3);
  expect(emu.config.credentials.msn).toBe('123456');
});

test('a payment on dk is in DKK; NOK there is refused naming the currency', async () => {
  const dk = clients.dk!;
  const ok = await dk.createPayment({ amount: { currency: 'DKK', value: 10_000 } });
  expect(ok.status).toBe(201);
  const wrong = await dk.createPayment({ amount: { currency: 'NOK', value: 10_000 } });
  expect(wrong.status).toBe(400);
  expect(wrong.text).toMatch(/currency/i);
});

test("one unit's key set cannot act for another unit's MSN", async () => {
  const dk = clients.dk!;
  const res = await dk.createPayment({ amount: { currency: 'NOK', value: 10_000 } }, { msn: '123456' });
  expect(res.status).toBe(403);
  const token = await httpRequest(emu.url, 'POST', '/accesstoken/get', {
    headers: { ...dk.headers(), client_id: emu.config.units![1]!.credentials.clientId, client_secret: emu.config.units![1]!.credentials.clientSecret, 'Merchant-Serial-Number': '323456' },
  });
  expect(token.status).toBe(401);
});

test('the same reference on two units is two payments, each at its own MSN', async () => {
  const reference = uniqueReference('twins');
  expect((await clients.no!.createPayment({ reference, amount: { currency: 'NOK', value: 10_000 } })).status).toBe(201);
  expect((await clients.dk!.createPayment({ reference, amount: { currency: 'DKK', value: 20_000 } })).status).toBe(201);
  expect(((await clients.no!.getPayment(reference)).body as { amount: { currency: string } }).amount.currency).toBe('NOK');
  expect(((await clients.dk!.getPayment(reference)).body as { amount: { value: number } }).amount.value).toBe(20_000);
});

test('dk keeps a reservation for 14 days (MobilePay), no for 180 (Vipps)', async () => {
  const guaranteeDays = async (client: VippsTestClient, currency: string) => {
    const created = await client.createPayment({ amount: { currency, value: 10_000 } });
    const reference = (created.body as { reference: string }).reference;
    expect((await client.forceApprove(reference)).status).toBe(200);
    const payment = (await client.getPayment(reference)).body as { captureGuaranteedUntil: string };
    return Math.round((Date.parse(payment.captureGuaranteedUntil) - Date.now()) / 86_400_000);
  };
  expect(await guaranteeDays(clients.dk!, 'DKK')).toBe(14);
  expect(await guaranteeDays(clients.no!, 'NOK')).toBe(180);
});

test('fi captures in full: a partial capture is refused with 6140 and changes nothing; the full one goes through', async () => {
  const fi = clients.fi!;
  const created = await fi.createPayment({ amount: { currency: 'EUR', value: 10_000 } });
  const reference = (created.body as { reference: string }).reference;
  expect((await fi.forceApprove(reference)).status).toBe(200);
  const capture = (value: number, key: string) =>
    fi.call('POST', `/epayment/v1/payments/${reference}/capture`, { idempotencyKey: key, body: { modificationAmount: { currency: 'EUR', value } } });
  const partial = await capture(4_000, 'fi-partial');
  expect(partial.status).toBe(400);
  expect(errorCodeOf(partial)).toBe('6140');
  expect(((await fi.getPayment(reference)).body as { aggregate: { capturedAmount: { value: number } } }).aggregate.capturedAmount.value).toBe(0);
  expect((await capture(10_000, 'fi-full')).status).toBe(200);
});

test("each unit's ledger (Report API) is in the unit's currency, and so are its entries", async () => {
  for (const [name, currency] of [['no', 'NOK'], ['dk', 'DKK'], ['fi', 'EUR']] as const) {
    const client = clients[name]!;
    const reference = ((await client.createPayment({ amount: { currency, value: 10_000 } })).body as { reference: string }).reference;
    ok(await client.forceApprove(reference));
    const capture = { idempotencyKey: `${reference}-c`, body: { modificationAmount: { currency, value: 10_000 } } };
    ok(await client.call('POST', `/epayment/v1/payments/${reference}/capture`, capture));
    const ledger = await ledgerOf(emu, client.config.credentials.msn);
    const listed = (await client.call('GET', '/settlement/v1/ledgers')).body as { items: { ledgerId: string; currency: string }[] };
    expect(listed.items.find((l) => l.ledgerId === ledger.ledgerId)?.currency).toBe(currency);
    const funds = (await wholeFeed(client, ledger.ledgerId, 'funds')).items.filter((e) => e.reference === reference);
    const fees = (await wholeFeed(client, ledger.ledgerId, 'fees')).items.filter((e) => e.reference === reference);
    expect([...funds, ...fees].map((e) => [e.entryType, e.currency])).toEqual([['capture', currency], ['capture-fee', currency]]);
  }
});
