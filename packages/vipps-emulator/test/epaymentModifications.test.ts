import { control, errorCodeOf, startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator({ captureGuaranteeMs: 7 * 24 * 3600 * 1000 });
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

const NOK = (value: number) => ({ currency: 'NOK', value });

async function createdPayment(value = 10_000, overrides: Record<string, unknown> = {}): Promise<{ reference: string; token: string }> {
  const res = await vipps.createPayment({ amount: NOK(value), ...overrides });
  const body = res.body as { reference: string; redirectUrl?: string };
  return { reference: body.reference, token: body.redirectUrl ? (new URL(body.redirectUrl).searchParams.get('token') ?? '') : '' };
}

interface Modification {
  amount: unknown;
  state: string;
  pspReference: string;
  reference: string;
  aggregate: Record<string, { value: number }>;
}

describe('forceApprove', () => {
  it('authorizes a CREATED payment with 200 and no body, then GET shows captureGuaranteedUntil', async () => {
    const { reference } = await createdPayment();
    const before = Date.now();
    const res = await vipps.forceApprove(reference);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const payment = (await vipps.getPayment(reference)).body as { state: string; aggregate: Modification['aggregate']; captureGuaranteedUntil: string };
    expect(payment.state).toBe('AUTHORIZED');
    expect(payment.aggregate.authorizedAmount?.value).toBe(10_000);
    const guarantee = Date.parse(payment.captureGuaranteedUntil) - before;
    expect(guarantee).toBeGreaterThanOrEqual(7 * 24 * 3600 * 1000 - 1000);
    expect(guarantee).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 5000);
  });

  it('accepts the token from redirectUrl and refuses another token with 10010', async () => {
    const { reference, token } = await createdPayment();
    const wrong = await vipps.forceApprove(reference, { token: 'not-the-token' });
    expect(wrong.status).toBe(400);
    expect(errorCodeOf(wrong)).toBe('10010');
    expect((await vipps.forceApprove(reference, { token })).status).toBe(200);
  });

  it('refuses a payment that is not CREATED with 400, ErrorCode 10010 and the state in the detail', async () => {
    const reference = await vipps.authorizedPayment();
    const res = await vipps.forceApprove(reference);
    expect(res.status).toBe(400);
    expect(errorCodeOf(res)).toBe('10010');
    expect((res.body as { detail: string }).detail).toContain('AUTHORIZED');
  });

  it('sets profile.sub on authorization when a scope was requested', async () => {
    const { reference } = await createdPayment(10_000, { profile: { scope: 'name phoneNumber' } });
    expect(((await vipps.getPayment(reference)).body as { profile: object }).profile).toEqual({});
    await vipps.forceApprove(reference);
    expect(((await vipps.getPayment(reference)).body as { profile: { sub?: string } }).profile.sub).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers 404 with 5090 for an unknown reference', async () => {
    const res = await vipps.forceApprove('unknown-payment-1');
    expect(res.status).toBe(404);
    expect(errorCodeOf(res)).toBe('5090');
  });
});

describe('capture over HTTP', () => {
  it('captures partially: 200 ModificationResponse with the CREATED pspReference, state AUTHORIZED, a CAPTURED event', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const created = ((await vipps.getPayment(reference)).body as { pspReference: string }).pspReference;
    const res = await vipps.capture(reference, 4_000, uniqueReference('cap'));
    expect(res.status).toBe(200);
    expect(res.mediaType).toBe('application/json');
    const body = res.body as Modification;
    expect(body).toMatchObject({ reference, state: 'AUTHORIZED', pspReference: created, amount: NOK(10_000) });
    expect(body.aggregate.capturedAmount?.value).toBe(4_000);
    const events = (await vipps.events(reference)).body as { name: string; amount: { value: number }; pspReference: string }[];
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED', 'CAPTURED']);
    expect(events[2]?.amount.value).toBe(4_000);
    expect(events[2]?.pspReference).not.toBe(created);
  });

  it('refuses capture of a CREATED payment with 6080', async () => {
    const { reference } = await createdPayment();
    expect(errorCodeOf(await vipps.capture(reference, 100, uniqueReference('cap')))).toBe('6080');
  });

  it('refuses capture of a TERMINATED payment with 6200', async () => {
    const { reference } = await createdPayment();
    await vipps.cancel(reference);
    const res = await vipps.capture(reference, 100, uniqueReference('cap'));
    expect(res.status).toBe(400);
    expect(errorCodeOf(res)).toBe('6200');
  });

  it('refuses to capture more than the remaining reservation with 6090', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 9_000, uniqueReference('cap'));
    expect(errorCodeOf(await vipps.capture(reference, 1_001, uniqueReference('cap')))).toBe('6090');
  });

  it('refuses a wrong currency or a zero amount with 4040', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const dkk = await vipps.call('POST', `/epayment/v1/payments/${reference}/capture`, {
      idempotencyKey: uniqueReference('cap'),
      body: { modificationAmount: { currency: 'DKK', value: 100 } },
    });
    expect(errorCodeOf(dkk)).toBe('4040');
    expect(errorCodeOf(await vipps.capture(reference, 0, uniqueReference('cap')))).toBe('4040');
  });

  it('refuses capture after cancel with 6070', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 1_000, uniqueReference('cap'));
    await vipps.cancel(reference);
    expect(errorCodeOf(await vipps.capture(reference, 1_000, uniqueReference('cap')))).toBe('6070');
  });

  it('refuses capture after the capture deadline with 6100', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const moved = await control(emu, 'PUT', `/payments/${reference}/capture-deadline`, { captureGuaranteedUntil: new Date(Date.now() - 1000).toISOString() });
    expect(moved.status).toBe(200);
    expect(errorCodeOf(await vipps.capture(reference, 100, uniqueReference('cap')))).toBe('6100');
  });

  it('requires an Idempotency-Key on capture', async () => {
    const reference = await vipps.authorizedPayment();
    const res = await vipps.call('POST', `/epayment/v1/payments/${reference}/capture`, { body: { modificationAmount: NOK(100) } });
    expect(res.status).toBe(400);
    expect((res.body as { extraDetails: { name: string }[] }).extraDetails[0]?.name).toBe('Idempotency-Key');
  });

  it('answers 404 with 5090 when capturing an unknown payment', async () => {
    const res = await vipps.capture('unknown-payment-2', 100, uniqueReference('cap'));
    expect(res.status).toBe(404);
    expect(errorCodeOf(res)).toBe('5090');
  });
});

describe('cancel over HTTP', () => {
  it('terminates a CREATED payment without a body: authorized 0, cancelled = amount', async () => {
    const { reference } = await createdPayment(5_000);
    const res = await vipps.cancel(reference);
    expect(res.status).toBe(200);
    const body = res.body as Modification;
    expect(body.state).toBe('TERMINATED');
    expect(body.aggregate.authorizedAmount?.value).toBe(0);
    expect(body.aggregate.cancelledAmount?.value).toBe(5_000);
  });

  it('releases the rest after a partial capture and records a CANCELLED event of that amount', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 2_500, uniqueReference('cap'));
    const res = await vipps.cancel(reference, { cancelTransactionOnly: false });
    expect((res.body as Modification).aggregate.cancelledAmount?.value).toBe(7_500);
    const events = (await vipps.events(reference)).body as { name: string; amount: { value: number } }[];
    expect(events.at(-1)).toMatchObject({ name: 'CANCELLED', amount: NOK(7_500) });
  });

  it('refuses cancelTransactionOnly on an authorized payment with 6060 and releases nothing', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const res = await vipps.cancel(reference, { cancelTransactionOnly: true });
    expect(errorCodeOf(res)).toBe('6060');
    const payment = (await vipps.getPayment(reference)).body as Modification;
    expect(payment.aggregate.cancelledAmount?.value).toBe(0);
  });

  it('refuses to cancel a fully captured payment with 6040', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 10_000, uniqueReference('cap'));
    expect(errorCodeOf(await vipps.cancel(reference))).toBe('6040');
  });

  it('answers a repeated cancel with 200, the same aggregate and no new event', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const first = await vipps.cancel(reference);
    const second = await vipps.cancel(reference);
    expect(second.status).toBe(200);
    expect((second.body as Modification).aggregate).toEqual((first.body as Modification).aggregate);
    const events = (await vipps.events(reference)).body as { name: string }[];
    expect(events.filter((e) => e.name === 'CANCELLED')).toHaveLength(1);
  });

  it('refuses to cancel ABORTED and EXPIRED payments with 6050', async () => {
    const aborted = await createdPayment();
    await control(emu, 'POST', `/payments/${aborted.reference}/reject`);
    expect(errorCodeOf(await vipps.cancel(aborted.reference))).toBe('6050');
    const expired = await createdPayment();
    await control(emu, 'POST', `/payments/${expired.reference}/expire`);
    expect(errorCodeOf(await vipps.cancel(expired.reference))).toBe('6050');
  });

  it('refuses to cancel after the capture deadline with 6030', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await control(emu, 'PUT', `/payments/${reference}/capture-deadline`, { captureGuaranteedUntil: new Date(Date.now() - 1000).toISOString() });
    expect(errorCodeOf(await vipps.cancel(reference))).toBe('6030');
  });
});

describe('refund over HTTP', () => {
  it('refunds part of the captured amount with a REFUNDED event carrying the Idempotency-Key', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 6_000, uniqueReference('cap'));
    const key = uniqueReference('ref');
    const res = await vipps.refund(reference, 2_000, key);
    expect(res.status).toBe(200);
    expect((res.body as Modification).aggregate.refundedAmount?.value).toBe(2_000);
    const events = (await vipps.events(reference)).body as { name: string; idempotencyKey: string }[];
    expect(events.at(-1)).toMatchObject({ name: 'REFUNDED', idempotencyKey: key });
  });

  it('refuses a refund of a CREATED payment with 6210', async () => {
    const { reference } = await createdPayment();
    expect(errorCodeOf(await vipps.refund(reference, 100, uniqueReference('ref')))).toBe('6210');
  });

  it('refuses a refund before any capture with 6020', async () => {
    const reference = await vipps.authorizedPayment();
    expect(errorCodeOf(await vipps.refund(reference, 100, uniqueReference('ref')))).toBe('6020');
  });

  it('refuses to refund more than captured with 6150', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 1_000, uniqueReference('cap'));
    expect(errorCodeOf(await vipps.refund(reference, 1_001, uniqueReference('ref')))).toBe('6150');
  });

  it('refuses a refund more than 365 days after authorization with 6220', async () => {
    let now = Date.now();
    const clocked = await startTestEmulator({}, { clock: { now: () => now } });
    try {
      const client = await VippsTestClient.connect(clocked);
      const reference = await client.authorizedPayment(10_000);
      await client.capture(reference, 1_000, 'cap-1');
      now += 366 * 24 * 3600 * 1000;
      // A new token: the first one expired during the jump.
      const later = await VippsTestClient.connect(clocked);
      const res = await later.refund(reference, 100, 'ref-1');
      expect(res.status).toBe(400);
      expect(errorCodeOf(res)).toBe('6220');
    } finally {
      await clocked.close();
    }
  });
});

describe('aggregate invariants over HTTP', () => {
  it('hold in every response of a mixed capture/refund/cancel sequence', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const steps = [
      () => vipps.capture(reference, 3_000, uniqueReference('c')),
      () => vipps.refund(reference, 1_000, uniqueReference('r')),
      () => vipps.capture(reference, 8_000, uniqueReference('c')),
      () => vipps.capture(reference, 2_000, uniqueReference('c')),
      () => vipps.refund(reference, 5_000, uniqueReference('r')),
      () => vipps.cancel(reference),
      () => vipps.capture(reference, 1, uniqueReference('c')),
      () => vipps.refund(reference, 4_000, uniqueReference('r')),
    ];
    for (const step of steps) {
      await step();
      const { aggregate } = (await vipps.getPayment(reference)).body as Modification;
      const [authorized, captured, cancelled, refunded] = ['authorizedAmount', 'capturedAmount', 'cancelledAmount', 'refundedAmount'].map(
        (k) => aggregate[k]?.value ?? NaN,
      ) as [number, number, number, number];
      expect(captured + cancelled).toBeLessThanOrEqual(authorized);
      expect(refunded).toBeLessThanOrEqual(captured);
    }
    const final = ((await vipps.getPayment(reference)).body as Modification).aggregate;
    expect([final.capturedAmount?.value, final.cancelledAmount?.value, final.refundedAmount?.value]).toEqual([5_000, 5_000, 5_000]);
  });
});
