import {
  control,
  errorCodeOf,
  paymentRequest,
  startTestEmulator,
  type TestEmulator,
  uniqueReference,
  VippsTestClient,
} from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator({ webhookHttpHosts: ['shop.internal'] });
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

const receipt = {
  orderLines: [{ name: 'socks', id: 'line-1', totalAmount: 49_900, totalAmountExcludingTax: 39_920, totalTaxAmount: 9_980, taxRate: 2500 }],
  bottomLine: { currency: 'NOK' },
};

describe('createPayment success', () => {
  it('answers 201 with the reference and a landing-page redirectUrl on the public URL for WEB_REDIRECT', async () => {
    const res = await vipps.createPayment({ reference: 'acme-shop-123-order123abc' });
    expect(res.status).toBe(201);
    expect(res.mediaType).toBe('application/json');
    const body = res.body as { reference: string; redirectUrl: string };
    expect(body.reference).toBe('acme-shop-123-order123abc');
    const redirect = new URL(body.redirectUrl);
    expect(`${redirect.protocol}//${redirect.host}`).toBe(emu.emulator.context.publicUrl());
    expect(redirect.pathname).toBe('/landing');
    expect(redirect.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
  });

  it.each(['NATIVE_REDIRECT', 'QR'])('hands out a redirectUrl for %s', async (userFlow) => {
    const res = await vipps.createPayment({ userFlow });
    expect(res.status).toBe(201);
    expect((res.body as { redirectUrl?: string }).redirectUrl).toContain('/landing?token=');
  });

  it('leaves redirectUrl out for PUSH_MESSAGE', async () => {
    const res = await vipps.createPayment({ userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' }, returnUrl: undefined });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body as object)).toEqual(['reference']);
  });

  it('accepts a custom app scheme, http to loopback and http to a configured local host as returnUrl', async () => {
    for (const returnUrl of ['vippsmt-shop://return?id=1', 'http://localhost:3000/return', 'http://127.0.0.1/x', 'http://shop.internal/return']) {
      const res = await vipps.createPayment({ returnUrl });
      expect({ returnUrl, status: res.status }).toEqual({ returnUrl, status: 201 });
    }
  });

  it('shows a new payment as CREATED with an all-zero aggregate, its metadata and the CREATED pspReference', async () => {
    const created = await vipps.createPayment({ metadata: { orderId: '42' } });
    const reference = (created.body as { reference: string }).reference;
    const res = await vipps.getPayment(reference);
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body).toMatchObject({
      state: 'CREATED',
      reference,
      amount: { currency: 'NOK', value: 49_900 },
      paymentMethod: { type: 'WALLET' },
      profile: {},
      metadata: { orderId: '42' },
      redirectUrl: (created.body as { redirectUrl: string }).redirectUrl,
      aggregate: {
        authorizedAmount: { currency: 'NOK', value: 0 },
        cancelledAmount: { currency: 'NOK', value: 0 },
        capturedAmount: { currency: 'NOK', value: 0 },
        refundedAmount: { currency: 'NOK', value: 0 },
      },
    });
    expect(body.captureGuaranteedUntil).toBeUndefined();
    const events = (await vipps.events(reference)).body as { name: string; pspReference: string; idempotencyKey: string }[];
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ name: 'CREATED', pspReference: body.pspReference, idempotencyKey: `create-${reference}`, success: true });
    expect(events[0]?.pspReference).toMatch(/^\d+$/);
  });

  it('accepts a long-living payment with receipt and expiresAt 1 day ahead', async () => {
    const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const res = await vipps.createPayment({ expiresAt, receipt });
    expect(res.status).toBe(201);
    const view = await control(emu, 'GET', `/payments/${(res.body as { reference: string }).reference}`);
    expect((view.body as { expiresAt: string }).expiresAt).toBe(expiresAt);
  });
});

describe('createPayment schema errors', () => {
  it('answers 400 problem+json naming each invalid field, without an ErrorCode', async () => {
    const res = await vipps.createPayment({ reference: 'short', amount: { currency: 'NOK', value: 1.5 } });
    expect(res.status).toBe(400);
    expect(res.mediaType).toBe('application/problem+json');
    const body = res.body as { type: string; status: number; instance: string; traceId: string; extraDetails: { name: string }[] };
    expect(body.type).toBe('https://httpstatuses.io/400');
    expect(body.status).toBe(400);
    expect(body.instance).toBe('/v1/payments');
    expect(body.traceId).toBeTruthy();
    expect(body.extraDetails.map((d) => d.name).sort()).toEqual(['amount.value', 'reference']);
    expect(errorCodeOf(res)).toBeUndefined();
  });

  it('names a missing required field', async () => {
    const body = paymentRequest();
    delete body.userFlow;
    const res = await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: uniqueReference('k') });
    expect(res.status).toBe(400);
    expect((res.body as { extraDetails: { name: string }[] }).extraDetails.map((d) => d.name)).toEqual(['userFlow']);
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await vipps.call('POST', '/epayment/v1/payments', {
      rawBody: '{"amount":',
      headers: { 'content-type': 'application/json' },
      idempotencyKey: 'broken-json',
    });
    expect(res.status).toBe(400);
    expect(res.mediaType).toBe('application/problem+json');
  });

  it('requires the Idempotency-Key header and limits it to 50 characters', async () => {
    const missing = await vipps.call('POST', '/epayment/v1/payments', { body: paymentRequest() });
    expect(missing.status).toBe(400);
    expect((missing.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('Idempotency-Key');
    const tooLong = await vipps.createPayment({}, { idempotencyKey: 'k'.repeat(51) });
    expect(tooLong.status).toBe(400);
    expect((tooLong.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('Idempotency-Key');
  });
});

describe('createPayment domain rules', () => {
  const expiresIn = (ms: number) => new Date(Date.now() + ms).toISOString();
  const MIN = 60_000;
  const cases: [string, string, Record<string, unknown>][] = [
    ['a currency other than the sales unit one', '5040', { amount: { currency: 'DKK', value: 1000 } }],
    ['SEK without CARD_PASSTHROUGH', '5040', { amount: { currency: 'SEK', value: 1000 } }],
    ['an amount below the NOK minimum', '6010', { amount: { currency: 'NOK', value: 99 } }],
    ['WEB_REDIRECT without returnUrl', '4140', { returnUrl: undefined }],
    ['NATIVE_REDIRECT without returnUrl', '4140', { userFlow: 'NATIVE_REDIRECT', returnUrl: undefined }],
    ['a plain http returnUrl to a public host', '4090', { returnUrl: 'http://shop.example/return' }],
    ['a javascript: returnUrl', '4090', { returnUrl: 'javascript:alert(1)' }],
    ['PUSH_MESSAGE without customer', '4140', { userFlow: 'PUSH_MESSAGE' }],
    ['six metadata pairs', '4100', { metadata: { a: '1', b: '2', c: '3', d: '4', e: '5', f: '6' } }],
    ['a metadata key over 100 characters', '4120', { metadata: { ['k'.repeat(101)]: 'v' } }],
    ['a metadata value over 500 characters', '4130', { metadata: { k: 'v'.repeat(501) } }],
    ['CARD with PUSH_MESSAGE', '4160', { paymentMethod: { type: 'CARD' }, userFlow: 'PUSH_MESSAGE', customer: { phoneNumber: '4712345678' } }],
    ['expiresAt less than 10 minutes ahead', '6120', { expiresAt: expiresIn(5 * MIN), receipt }],
    ['expiresAt more than 60 days ahead', '6110', { expiresAt: expiresIn(61 * 24 * 60 * MIN), receipt }],
    ['expiresAt without a receipt', '6130', { expiresAt: expiresIn(60 * MIN) }],
  ];

  it.each(cases)('refuses %s with 400 and ErrorCode %s', async (_what, code, overrides) => {
    const res = await vipps.createPayment(overrides);
    expect(res.status).toBe(400);
    expect(res.mediaType).toBe('application/problem+json');
    expect(errorCodeOf(res)).toBe(code);
    expect((res.body as { extraDetails: unknown[] }).extraDetails).toEqual([{ name: 'ErrorCode', reason: code }]);
  });

  it('says which field is missing in the 4140 detail', async () => {
    const res = await vipps.createPayment({ returnUrl: undefined });
    expect((res.body as { detail: string }).detail).toContain('returnUrl');
    const push = await vipps.createPayment({ userFlow: 'PUSH_MESSAGE' });
    expect((push.body as { detail: string }).detail).toContain('customer');
  });

  it('accepts SEK for CARD_PASSTHROUGH', async () => {
    const res = await vipps.createPayment({ amount: { currency: 'SEK', value: 1000 }, paymentMethod: { type: 'CARD_PASSTHROUGH' } });
    expect(res.status).toBe(201);
  });

  it('refuses an existing reference with a new Idempotency-Key with 409 and ErrorCode 4150', async () => {
    const first = await vipps.createPayment();
    const reference = (first.body as { reference: string }).reference;
    const again = await vipps.createPayment({ reference }, { idempotencyKey: 'another-key-for-the-same-reference' });
    expect(again.status).toBe(409);
    expect(errorCodeOf(again)).toBe('4150');
  });

  it('does not create anything when a rule refuses the payment', async () => {
    const reference = uniqueReference();
    await vipps.createPayment({ reference, amount: { currency: 'NOK', value: 1 } });
    expect((await vipps.getPayment(reference)).status).toBe(404);
  });
});

describe('MSN and Vipps-System headers', () => {
  it('requires Merchant-Serial-Number (400 naming it)', async () => {
    const res = await vipps.createPayment({}, { msn: null });
    expect(res.status).toBe(400);
    expect((res.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('Merchant-Serial-Number');
  });

  it('refuses an MSN the credentials do not cover with 403', async () => {
    const res = await vipps.getPayment('some-reference-1', { msn: '999999' });
    expect(res.status).toBe(403);
    expect(res.mediaType).toBe('application/problem+json');
  });

  it('refuses a Vipps-System-Name longer than 30 characters with 400 naming the header', async () => {
    const res = await vipps.createPayment({}, { headers: { 'Vipps-System-Name': 'x'.repeat(31) } });
    expect(res.status).toBe(400);
    expect((res.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('Vipps-System-Name');
  });

  it('answers an unknown reference with 404 and ErrorCode 5090', async () => {
    for (const res of [await vipps.getPayment('does-not-exist-1'), await vipps.events('does-not-exist-1')]) {
      expect(res.status).toBe(404);
      expect(errorCodeOf(res)).toBe('5090');
    }
  });

  it('answers a malformed reference in the path with 400 naming reference', async () => {
    const res = await vipps.getPayment('bad_ref!');
    expect(res.status).toBe(400);
    expect((res.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('reference');
  });
});
