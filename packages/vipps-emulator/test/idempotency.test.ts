import {
  control,
  errorCodeOf,
  paymentRequest,
  startTestEmulator,
  type TestEmulator,
  uniqueReference,
  VippsTestClient,
} from './support/emulator';

const OTHER_MSN = '654321';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator({}, { additionalMsns: [OTHER_MSN] });
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());

interface LedgerBody {
  entries: { kind: string; reference: string; idempotencyKey: string | null; amount: { value: number } }[];
}

async function ledgerFor(reference: string): Promise<LedgerBody['entries']> {
  return ((await control(emu, 'GET', `/ledger?reference=${reference}`)).body as LedgerBody).entries;
}

async function eventNames(reference: string, msn?: string): Promise<string[]> {
  const res = await vipps.events(reference, msn ? { msn } : {});
  return (res.body as { name: string }[]).map((e) => e.name);
}

describe('replaying the same request with the same Idempotency-Key', () => {
  it('returns the identical createPayment answer and creates nothing twice', async () => {
    const body = paymentRequest();
    const first = await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: 'create-replay-1' });
    const again = await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: 'create-replay-1' });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(await eventNames(body.reference as string)).toEqual(['CREATED']);
  });

  it('treats a reordered but equal body as the same request', async () => {
    const body = paymentRequest();
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const first = await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: 'create-reordered' });
    const again = await vipps.call('POST', '/epayment/v1/payments', { body: reordered, idempotencyKey: 'create-reordered' });
    expect(again.text).toBe(first.text);
  });

  it('captures exactly once: identical answer, one CAPTURED event, one ledger entry', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const first = await vipps.capture(reference, 3_000, 'capture-once-1');
    const again = await vipps.capture(reference, 3_000, 'capture-once-1');
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect((await eventNames(reference)).filter((n) => n === 'CAPTURED')).toHaveLength(1);
    const captures = (await ledgerFor(reference)).filter((e) => e.kind === 'capture');
    expect(captures).toEqual([expect.objectContaining({ idempotencyKey: 'capture-once-1', amount: { currency: 'NOK', value: 3_000 } })]);
  });

  it('refunds exactly once for a retried refund', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 5_000, 'cap-for-refund');
    await vipps.refund(reference, 1_000, 'refund-once');
    await vipps.refund(reference, 1_000, 'refund-once');
    expect((await ledgerFor(reference)).filter((e) => e.kind === 'refund')).toHaveLength(1);
  });

  it('replays a cancel sent with a key without a second CANCELLED event', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const first = await vipps.cancel(reference, {}, { idempotencyKey: 'cancel-once' });
    const again = await vipps.cancel(reference, {}, { idempotencyKey: 'cancel-once' });
    expect(again.text).toBe(first.text);
    expect((await ledgerFor(reference)).filter((e) => e.kind === 'cancel')).toHaveLength(1);
  });
});

describe('reusing a key for something else', () => {
  it('answers a capture with a different amount with 409 ErrorCode 4010 and does not capture', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 1_000, 'capture-conflict');
    const res = await vipps.capture(reference, 2_000, 'capture-conflict');
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4010');
    expect((await ledgerFor(reference)).filter((e) => e.kind === 'capture')).toHaveLength(1);
  });

  it('answers a refund with a different amount with 409 ErrorCode 4150', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 5_000, uniqueReference('cap'));
    await vipps.refund(reference, 1_000, 'refund-conflict');
    const res = await vipps.refund(reference, 1_500, 'refund-conflict');
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4150');
  });

  it('answers a create with a different body under the same key with 409 ErrorCode 4020', async () => {
    const body = paymentRequest();
    await vipps.call('POST', '/epayment/v1/payments', { body, idempotencyKey: 'create-conflict' });
    const res = await vipps.call('POST', '/epayment/v1/payments', {
      body: { ...body, amount: { currency: 'NOK', value: 12_345 } },
      idempotencyKey: 'create-conflict',
    });
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4020');
  });

  it('answers the same key used for another operation (capture key reused for refund) with 409', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.capture(reference, 5_000, 'shared-key');
    const res = await vipps.refund(reference, 5_000, 'shared-key');
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4150');
    expect((await ledgerFor(reference)).filter((e) => e.kind === 'refund')).toHaveLength(0);
  });

  it('answers the same key used for another reference with 409 (keys are per MSN, across references)', async () => {
    const a = await vipps.authorizedPayment(10_000);
    const b = await vipps.authorizedPayment(10_000);
    await vipps.capture(a, 1_000, 'key-across-references');
    const res = await vipps.capture(b, 1_000, 'key-across-references');
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4010');
  });

  it('answers a cancel with a changed body under the same key with 409 ErrorCode 4020', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await vipps.cancel(reference, { cancelTransactionOnly: true }, { idempotencyKey: 'cancel-conflict' });
    const res = await vipps.cancel(reference, { cancelTransactionOnly: false }, { idempotencyKey: 'cancel-conflict' });
    expect(res.status).toBe(409);
    expect(errorCodeOf(res)).toBe('4020');
  });
});

describe('stored 4xx answers', () => {
  it('keeps a refused capture refused for that key even after the payment becomes capturable', async () => {
    const created = await vipps.createPayment();
    const reference = (created.body as { reference: string }).reference;
    const refused = await vipps.capture(reference, 1_000, 'capture-too-early');
    expect(errorCodeOf(refused)).toBe('6080');
    await vipps.forceApprove(reference);
    const again = await vipps.capture(reference, 1_000, 'capture-too-early');
    expect(again.status).toBe(400);
    expect(again.text).toBe(refused.text);
    expect(await ledgerFor(reference)).toEqual([expect.objectContaining({ kind: 'authorize' })]);
    expect((await vipps.capture(reference, 1_000, 'capture-after-approval')).status).toBe(200);
  });

  it('does not store schema errors: the same key works once the body is valid', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const invalid = await vipps.call('POST', `/epayment/v1/payments/${reference}/capture`, {
      idempotencyKey: 'schema-then-valid',
      body: { modificationAmount: { currency: 'NOK' } },
    });
    expect(invalid.status).toBe(400);
    expect(errorCodeOf(invalid)).toBeUndefined();
    expect((await vipps.capture(reference, 1_000, 'schema-then-valid')).status).toBe(200);
  });
});

describe('per-MSN scoping', () => {
  it('lets two MSNs use the same key and the same reference independently', async () => {
    const reference = uniqueReference('shared');
    const mine = await vipps.createPayment({ reference }, { idempotencyKey: 'same-key-both-msns' });
    const theirs = await vipps.createPayment({ reference, amount: { currency: 'NOK', value: 777 } }, {
      idempotencyKey: 'same-key-both-msns',
      msn: OTHER_MSN,
    });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    const ours = (await vipps.getPayment(reference)).body as { amount: { value: number } };
    const other = (await vipps.getPayment(reference, { msn: OTHER_MSN })).body as { amount: { value: number } };
    expect(ours.amount.value).toBe(49_900);
    expect(other.amount.value).toBe(777);
  });

  it('does not show one MSN the payments of another', async () => {
    const reference = await vipps.authorizedPayment();
    const res = await vipps.getPayment(reference, { msn: OTHER_MSN });
    expect(res.status).toBe(404);
    expect(errorCodeOf(res)).toBe('5090');
  });
});
