import fsPromises, { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadEmulatorConfig } from '../src/config';
import { type Clock } from '../src/options';
import {
  type ApiCallOptions,
  control,
  httpRequest,
  type HttpResult,
  startTestEmulator,
  type TestEmulator,
  uniqueReference,
  VippsTestClient,
  waitFor,
} from './support/emulator';
import { WebhookReceiver } from './support/webhookReceiver';

/**
 * EMULATOR_STATE_FILE: what a client relies on survives a restart of the emulator, over real
 * HTTP, with a new emulator (and a new port) on the same file each time.
 */

let dir: string;
let stateFile: string;
const running: TestEmulator[] = [];

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulator-state-'));
  stateFile = path.join(dir, 'nested', 'state.json');
});
afterEach(async () => {
  jest.restoreAllMocks();
  for (const emu of running.splice(0)) await emu.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function start(overrides: Parameters<typeof startTestEmulator>[0] = {}, clock?: Clock): Promise<TestEmulator> {
  const emu = await startTestEmulator({ stateFile, ...overrides }, clock ? { clock } : {});
  running.push(emu);
  return emu;
}

async function stop(emu: TestEmulator): Promise<void> {
  running.splice(running.indexOf(emu), 1);
  await emu.close();
}

/** Calls another emulator with the headers (and so the access token) of a client of the first one. */
function callWith(vipps: VippsTestClient, emu: TestEmulator, method: string, urlPath: string, options: ApiCallOptions = {}): Promise<HttpResult> {
  return httpRequest(emu.url, method, urlPath, { ...options, headers: vipps.headers(options) });
}

interface SavedFile {
  version: number;
  savedAt: string;
  accessTokenKey: string;
  payments: { reference: string; state: string }[];
  idempotency: unknown[];
  webhooks: { id: string; secret: string }[];
  orders: unknown[];
  ledger: unknown[];
}

async function savedFile(): Promise<SavedFile> {
  return JSON.parse(await readFile(stateFile, 'utf8')) as SavedFile;
}

const receipt = {
  orderLines: [{ name: 'socks', id: 'line-1', totalAmount: 10_000, totalAmountExcludingTax: 8_000, totalTaxAmount: 2_000, taxRate: 2500 }],
  bottomLine: { currency: 'NOK', receiptNumber: '42' },
};

describe('EMULATOR_STATE_FILE', () => {
  it('is read from the environment and optional', () => {
    expect(loadEmulatorConfig({ EMULATOR_STATE_FILE: '/var/lib/emulator/state.json' }).stateFile).toBe('/var/lib/emulator/state.json');
    expect(loadEmulatorConfig({}).stateFile).toBeUndefined();
    expect(loadEmulatorConfig({ EMULATOR_STATE_FILE: '' }).stateFile).toBeUndefined();
  });
});

describe('a restart with a state file', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await WebhookReceiver.start();
  });
  afterEach(() => receiver.close());

  it('keeps payments, idempotent answers, webhooks, receipts, the ledger and access tokens', async () => {
    const first = await start();
    const vipps = await VippsTestClient.connect(first);

    const hookPath = '/hooks/persist?shop=1';
    const registered = await vipps.call('POST', '/webhooks/v1/webhooks', {
      body: { url: receiver.url(hookPath), events: ['epayments.payment.captured.v1'] },
    });
    expect(registered.status).toBe(201);
    const { id: webhookId, secret } = registered.body as { id: string; secret: string };
    receiver.useSecret(hookPath, secret);

    const reference = await vipps.authorizedPayment(10_000);
    const captureKey = uniqueReference('capture');
    const captured = await vipps.capture(reference, 4_000, captureKey);
    expect(captured.status).toBe(200);
    await waitFor(() => (receiver.acceptedNames(reference).length === 1 ? true : undefined));

    const orderId = uniqueReference('om');
    expect((await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt })).status).toBe(201);

    const paymentBefore = await vipps.getPayment(reference);
    const eventsBefore = await vipps.events(reference);
    const ledgerBefore = (await control(first, 'GET', '/ledger')).body;
    await stop(first);

    const file = await savedFile();
    expect(file.version).toBe(1);
    expect(file.payments.map((p) => p.reference)).toEqual([reference]);

    const second = await start();

    // The token from before the restart is still accepted (same signing key).
    const payment = await callWith(vipps, second, 'GET', `/epayment/v1/payments/${reference}`);
    expect(payment.status).toBe(200);
    expect(payment.body).toEqual(paymentBefore.body);
    expect((payment.body as { aggregate: { capturedAmount: { value: number } } }).aggregate.capturedAmount.value).toBe(4_000);
    const events = await callWith(vipps, second, 'GET', `/epayment/v1/payments/${reference}/events`);
    expect(events.body).toEqual(eventsBefore.body);
    expect((events.body as { name: string }[]).map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    expect((await control(second, 'GET', '/ledger')).body).toEqual(ledgerBefore);

    // The same Idempotency-Key gets the same bytes and moves no money.
    const replay = await callWith(vipps, second, 'POST', `/epayment/v1/payments/${reference}/capture`, {
      idempotencyKey: captureKey,
      body: { modificationAmount: { currency: 'NOK', value: 4_000 } },
    });
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(captured.text);
    expect((await control(second, 'GET', '/ledger')).body).toEqual(ledgerBefore);

    // The receipt is still there: write-once holds across the restart.
    const again = await callWith(vipps, second, 'POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    expect(again.status).toBe(409);
    const order = await callWith(vipps, second, 'GET', `/order-management/v2/ECOM/${orderId}`);
    expect((order.body as { receipt: unknown }).receipt).toEqual(receipt);

    // The registration is still there, and new deliveries are signed with the secret the shop holds.
    const hooks = await callWith(vipps, second, 'GET', '/webhooks/v1/webhooks');
    expect((hooks.body as { webhooks: { id: string }[] }).webhooks.map((w) => w.id)).toEqual([webhookId]);
    const more = await callWith(vipps, second, 'POST', `/epayment/v1/payments/${reference}/capture`, {
      idempotencyKey: uniqueReference('capture'),
      body: { modificationAmount: { currency: 'NOK', value: 1_000 } },
    });
    expect(more.status).toBe(200);
    await waitFor(() => (receiver.acceptedNames(reference).length === 2 ? true : undefined));
    const deliveries = receiver.forReference(reference);
    expect(deliveries.map((w) => w.verification.ok)).toEqual([true, true]);

    // pspReferences continue after the stored ones instead of starting somewhere random.
    const pspReferences = ((await callWith(vipps, second, 'GET', `/epayment/v1/payments/${reference}/events`)).body as { pspReference: string }[]).map(
      (e) => Number(e.pspReference),
    );
    expect(pspReferences).toEqual([...pspReferences].sort((a, b) => a - b));
    expect(new Set(pspReferences).size).toBe(4);
    const ledger = (await control(second, 'GET', '/ledger')).body as { entries: { kind: string; seq: number }[] };
    expect(ledger.entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'authorize'],
      [2, 'capture'],
      [3, 'capture'],
    ]);
  });

  it('expires at start a CREATED payment whose deadline passed while the emulator was stopped', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const first = await start({ paymentExpiryMs: 60_000, tokenTtlSeconds: 24 * 3600 }, clock);
    const vipps = await VippsTestClient.connect(first);
    const hookPath = '/hooks/expired';
    const registered = await vipps.call('POST', '/webhooks/v1/webhooks', {
      body: { url: receiver.url(hookPath), events: ['epayments.payment.expired.v1'] },
    });
    receiver.useSecret(hookPath, (registered.body as { secret: string }).secret);
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    const expiresAt = now + 60_000;
    await stop(first);

    now += 61_000;
    const second = await start({ paymentExpiryMs: 60_000, tokenTtlSeconds: 24 * 3600 }, clock);
    // The listing never expires lazily, so EXPIRED here means it happened at start.
    const listed = (await control(second, 'GET', '/payments')).body as { payments: { reference: string; state: string }[] };
    expect(listed.payments).toEqual([expect.objectContaining({ reference, state: 'EXPIRED' })]);
    const events = (await callWith(vipps, second, 'GET', `/epayment/v1/payments/${reference}/events`)).body as { name: string; timestamp: string }[];
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'EXPIRED']);
    expect(Date.parse(events[1]?.timestamp ?? '')).toBe(expiresAt);
    await waitFor(() => (receiver.acceptedNames(reference).length === 1 ? true : undefined));
    expect(receiver.acceptedNames(reference)).toEqual(['EXPIRED']);
    expect(receiver.forReference(reference)[0]?.verification.ok).toBe(true);
  });

  it('re-arms the expiry timer of a CREATED payment that is not due yet', async () => {
    const first = await start({ paymentExpiryMs: 1_500 });
    const vipps = await VippsTestClient.connect(first);
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    await stop(first);

    const second = await start({ paymentExpiryMs: 1_500 });
    expect(second.emulator.state.payments.get(second.config.credentials.msn, reference)?.state).toBe('CREATED');
    expect(second.emulator.context.payments.expiry.size).toBe(1);
    // Read from the store (not through find(), which would expire lazily): only the timer can do it.
    await waitFor(() => (second.emulator.state.payments.get(second.config.credentials.msn, reference)?.state === 'EXPIRED' ? true : undefined), 5_000);
  });
});

describe('saving', () => {
  it('writes the file shortly after a change, without close(), so a crash loses little', async () => {
    const emu = await start();
    const vipps = await VippsTestClient.connect(emu);
    const reference = ((await vipps.createPayment()).body as { reference: string }).reference;
    // Default delay (1 s): written in the background, well before the test would time out.
    const file = await waitFor(async () => {
      const saved = await savedFile().catch(() => undefined);
      return saved?.payments.some((p) => p.reference === reference) ? saved : undefined;
    }, 3_000, 50);
    expect(file.payments).toHaveLength(1);

    // A second emulator on the file (as after a crash of the first) sees the payment. The first
    // is still running; it must not write again, so that the file is only what the autosave wrote.
    running.splice(running.indexOf(emu), 1);
    try {
      const second = await start();
      expect((await callWith(vipps, second, 'GET', `/epayment/v1/payments/${reference}`)).status).toBe(200);
    } finally {
      await emu.emulator.close({ saveState: false });
    }
  });

  it('saves the empty state on POST /_emulator/reset, keeping the token key', async () => {
    const emu = await start();
    const vipps = await VippsTestClient.connect(emu);
    await vipps.authorizedPayment();
    await vipps.call('POST', '/webhooks/v1/webhooks', { body: { url: 'https://shop.example/hooks', events: ['epayments.payment.captured.v1'] } });
    await stop(emu);
    const before = await savedFile();
    expect(before.payments).toHaveLength(1);

    const second = await start();
    expect((await control(second, 'POST', '/reset')).status).toBe(204);
    const after = await savedFile();
    expect(after).toMatchObject({ version: 1, payments: [], idempotency: [], webhooks: [], orders: [], ledger: [] });
    expect(after.accessTokenKey).toBe(before.accessTokenKey);
    expect((await callWith(vipps, second, 'GET', '/webhooks/v1/webhooks')).status).toBe(200);
  });

  it('writes through a temp file and rename, and nothing at all without EMULATOR_STATE_FILE', async () => {
    const open = jest.spyOn(fsPromises, 'open');
    const rename = jest.spyOn(fsPromises, 'rename');

    const inMemory = await startTestEmulator();
    running.push(inMemory);
    expect(inMemory.config.stateFile).toBeUndefined();
    const vipps = await VippsTestClient.connect(inMemory);
    await vipps.authorizedPayment();
    await control(inMemory, 'POST', '/reset');
    await stop(inMemory);
    expect(open).not.toHaveBeenCalled();
    expect(rename).not.toHaveBeenCalled();

    // The same spies do see the writes of an emulator with a state file.
    const persistent = await start();
    await stop(persistent);
    expect(rename).toHaveBeenCalledWith(expect.stringMatching(/state\.json\.\d+\.tmp$/), stateFile);
  });
});

describe('an unusable state file', () => {
  const cases: [string, string, RegExp][] = [
    ['not JSON', '{"version": 1, "payments": [', /is not valid JSON/],
    ['empty', '', /is not valid JSON/],
    ['another version', JSON.stringify({ version: 2 }), /has version 2; this emulator reads version 1/],
    ['without a version', JSON.stringify({ payments: [] }), /has version undefined/],
    [
      'of the wrong shape',
      JSON.stringify({ version: 1, savedAt: new Date().toISOString(), accessTokenKey: 'x'.repeat(43), payments: [{ reference: 'abc' }], idempotency: [], webhooks: [], orders: [], ledger: [] }),
      /does not match the version 1 format \(payments\.0\./,
    ],
  ];

  it.each(cases)('fails startEmulator with a message naming the file when it is %s', async (_name, content, problem) => {
    await fsPromises.mkdir(path.dirname(stateFile), { recursive: true });
    await writeFile(stateFile, content);
    const attempt = startTestEmulator({ stateFile });
    await expect(attempt).rejects.toThrow(stateFile);
    await expect(attempt).rejects.toThrow(problem);
    // Left as it was, for the developer to look at.
    expect(await readFile(stateFile, 'utf8')).toBe(content);
  });

  it('fails when a stored payment breaks the payment invariants', async () => {
    const first = await start();
    const vipps = await VippsTestClient.connect(first);
    const reference = await vipps.authorizedPayment(10_000);
    await stop(first);
    const file = JSON.parse(await readFile(stateFile, 'utf8')) as { payments: { capturedValue: number }[] };
    const stored = file.payments[0];
    if (stored) stored.capturedValue = 20_000;
    await writeFile(stateFile, JSON.stringify(file));
    await expect(startTestEmulator({ stateFile })).rejects.toThrow(`${stateFile} is inconsistent (payment ${first.config.credentials.msn}/${reference}:`);
  });
});
