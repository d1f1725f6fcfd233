import { control, paymentRequest, startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());
beforeEach(async () => {
  await control(emu, 'POST', '/reset');
});

async function create(overrides: Record<string, unknown> = {}): Promise<string> {
  const res = await vipps.createPayment(overrides);
  return (res.body as { reference: string }).reference;
}

interface LedgerBody {
  entries: { seq: number; kind: string; reference: string; amount: { currency: string; value: number }; pspReference: string; idempotencyKey: string | null; at: string }[];
  totals: Record<string, { authorized: number; captured: number; cancelled: number; refunded: number }>;
}

describe('emulator control API', () => {
  it('reports health', async () => {
    await create();
    const res = await control(emu, 'GET', '/health');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'ok', payments: 1 });
  });

  it('lists payments newest first, filtered by state and limited', async () => {
    const first = await create();
    const second = await create();
    const third = await create();
    await control(emu, 'POST', `/payments/${second}/approve`);
    const all = (await control(emu, 'GET', '/payments')).body as { payments: { reference: string }[] };
    expect(all.payments.map((p) => p.reference)).toEqual([third, second, first]);
    const created = (await control(emu, 'GET', '/payments?state=CREATED&limit=1')).body as { payments: { reference: string }[] };
    expect(created.payments.map((p) => p.reference)).toEqual([third]);
    const authorized = (await control(emu, 'GET', '/payments?state=AUTHORIZED')).body as { payments: { reference: string }[] };
    expect(authorized.payments.map((p) => p.reference)).toEqual([second]);
  });

  it('refuses bad listing parameters with 400 naming the field', async () => {
    const badState = await control(emu, 'GET', '/payments?state=PAID');
    expect(badState.status).toBe(400);
    expect((badState.body as { fields: { name: string }[] }).fields[0]?.name).toBe('state');
    expect(((await control(emu, 'GET', '/payments?limit=0')).body as { fields: { name: string }[] }).fields[0]?.name).toBe('limit');
  });

  it('shows the full internal view with events and landing token, the phone number masked', async () => {
    const reference = await create({ customer: { phoneNumber: '4798765432' } });
    const res = await control(emu, 'GET', `/payments/${reference}`);
    expect(res.status).toBe(200);
    const view = res.body as { landingToken: string; redirectUrl: string; customerPhoneNumber: string; events: { name: string }[]; state: string };
    expect(view.redirectUrl).toContain(view.landingToken);
    expect(view.customerPhoneNumber).toBe('47******32');
    expect(res.text).not.toContain('4798765432');
    expect(view.events.map((e) => e.name)).toEqual(['CREATED']);
  });

  it.each([
    ['approve', 'AUTHORIZED'],
    ['reject', 'ABORTED'],
    ['expire', 'EXPIRED'],
  ])('%s moves a CREATED payment to %s, then refuses with 409', async (action, state) => {
    const reference = await create();
    const res = await control(emu, 'POST', `/payments/${reference}/${action}`);
    expect(res.status).toBe(200);
    expect((res.body as { state: string }).state).toBe(state);
    expect(((await vipps.getPayment(reference)).body as { state: string }).state).toBe(state);
    expect((await control(emu, 'POST', `/payments/${reference}/${action}`)).status).toBe(409);
  });

  it('answers 404 for an unknown payment', async () => {
    expect((await control(emu, 'POST', '/payments/nobody-here-1/approve')).status).toBe(404);
  });

  it('moves the capture deadline of an authorized payment and refuses other states or a bad date', async () => {
    const reference = await create();
    const until = '2030-01-01T00:00:00.000Z';
    expect((await control(emu, 'PUT', `/payments/${reference}/capture-deadline`, { captureGuaranteedUntil: until })).status).toBe(409);
    await control(emu, 'POST', `/payments/${reference}/approve`);
    const bad = await control(emu, 'PUT', `/payments/${reference}/capture-deadline`, { captureGuaranteedUntil: 'tomorrow' });
    expect(bad.status).toBe(400);
    expect((bad.body as { fields: { name: string }[] }).fields[0]?.name).toBe('captureGuaranteedUntil');
    expect((await control(emu, 'PUT', `/payments/${reference}/capture-deadline`, { captureGuaranteedUntil: until })).status).toBe(200);
    expect(((await vipps.getPayment(reference)).body as { captureGuaranteedUntil: string }).captureGuaranteedUntil).toBe(until);
  });

  it('approves with a capture guarantee of its own, and refuses a bad one naming the field', async () => {
    const reference = await create();
    const bad = await control(emu, 'POST', `/payments/${reference}/approve`, { captureGuaranteeSeconds: 0 });
    expect(bad.status).toBe(400);
    expect((bad.body as { fields: { name: string }[] }).fields[0]?.name).toBe('captureGuaranteeSeconds');
    expect(((await vipps.getPayment(reference)).body as { state: string }).state).toBe('CREATED');
    const before = Date.now();
    expect((await control(emu, 'POST', `/payments/${reference}/approve`, { captureGuaranteeSeconds: 30 })).status).toBe(200);
    const until = Date.parse(((await vipps.getPayment(reference)).body as { captureGuaranteedUntil: string }).captureGuaranteedUntil);
    expect(until).toBeGreaterThanOrEqual(before + 30_000);
    expect(until).toBeLessThan(Date.now() + 30_000 + 1);
  });

  it('records every money movement once in the ledger with totals per currency', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 6_000, 'ledger-cap');
    await vipps.refund(reference, 1_000, 'ledger-ref');
    await vipps.cancel(reference);
    await create(); // CREATED only: no money moved
    const ledger = (await control(emu, 'GET', '/ledger')).body as LedgerBody;
    expect(ledger.entries.map((e) => [e.kind, e.amount.value, e.idempotencyKey])).toEqual([
      ['authorize', 10_000, null],
      ['capture', 6_000, 'ledger-cap'],
      ['refund', 1_000, 'ledger-ref'],
      ['cancel', 4_000, null],
    ]);
    expect(ledger.entries.every((e) => /^\d+$/.test(e.pspReference) && !Number.isNaN(Date.parse(e.at)))).toBe(true);
    expect(ledger.totals).toEqual({ NOK: { authorized: 10_000, captured: 6_000, cancelled: 4_000, refunded: 1_000 } });
  });

  it('reset forgets payments, keys, webhooks, receipts, ledger, faults and deliveries', async () => {
    const body = paymentRequest();
    await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: 'reset-key' });
    await vipps.forceApprove(body.reference as string);
    await vipps.call('POST', '/webhooks/v1/webhooks', { body: { url: 'https://shop.example/h', events: ['epayments.payment.created.v1'] } });
    const orderId = uniqueReference('om');
    const receipt = { orderLines: [{ name: 'x', id: '1', totalAmount: 1, totalAmountExcludingTax: 1, totalTaxAmount: 0, taxRate: 0 }], bottomLine: { currency: 'NOK' } };
    await vipps.call('POST', `/order-management/v2/ECOM/receipts/${orderId}`, { body: receipt });
    await control(emu, 'PUT', '/faults', { latencyMs: 1 });

    expect((await control(emu, 'POST', '/reset')).status).toBe(204);

    expect((await vipps.getPayment(body.reference as string)).status).toBe(404);
    const reused = await vipps.call('POST', '/epayment/v1/payments', { body: { ...body, amount: { currency: 'NOK', value: 500 } }, idempotencyKey: 'reset-key' });
    expect(reused.status).toBe(201);
    expect(((await vipps.call('GET', '/webhooks/v1/webhooks')).body as { webhooks: unknown[] }).webhooks).toEqual([]);
    expect((await vipps.call('GET', `/order-management/v2/ECOM/${orderId}`)).status).toBe(404);
    expect(((await control(emu, 'GET', '/ledger')).body as LedgerBody).entries).toEqual([]);
    expect((await control(emu, 'GET', '/faults')).body).toEqual({});
    expect(((await control(emu, 'GET', '/webhook-deliveries')).body as { deliveries: unknown[] }).deliveries).toEqual([]);
  });

  it('answers unknown control paths with a JSON 404', async () => {
    const res = await control(emu, 'GET', '/nothing');
    expect(res.status).toBe(404);
    expect(res.mediaType).toBe('application/json');
  });
});
