import { control, errorCodeOf, fetchAccessToken, startTestEmulator, type TestEmulator, uniqueReference, VippsTestClient } from './support/emulator';

let emu: TestEmulator;
let vipps: VippsTestClient;
beforeAll(async () => {
  emu = await startTestEmulator();
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());
afterEach(async () => {
  await control(emu, 'DELETE', '/faults');
});

async function captures(reference: string): Promise<number> {
  const ledger = (await control(emu, 'GET', `/ledger?reference=${reference}`)).body as { entries: { kind: string }[] };
  return ledger.entries.filter((e) => e.kind === 'capture').length;
}

describe('failNext before', () => {
  it('answers with the given status without running the operation; a retry with the same key then succeeds', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', count: 1, status: 503, when: 'before' }] });
    const failed = await vipps.capture(reference, 1_000, 'before-fault-key');
    expect(failed.status).toBe(503);
    expect(failed.mediaType).toBe('application/problem+json');
    expect(await captures(reference)).toBe(0);
    const retried = await vipps.capture(reference, 1_000, 'before-fault-key');
    expect(retried.status).toBe(200);
    expect(await captures(reference)).toBe(1);
  });

  it('only matches the given reference', async () => {
    const target = await vipps.authorizedPayment();
    const bystander = await vipps.authorizedPayment();
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: '*', reference: target, count: 1, status: 502 }] });
    expect((await vipps.getPayment(bystander)).status).toBe(200);
    expect((await vipps.getPayment(target)).status).toBe(502);
    expect((await vipps.getPayment(target)).status).toBe(200);
  });

  it('returns a proper problem with an ErrorCode such as 6280 and that code status', async () => {
    const reference = await vipps.authorizedPayment();
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', errorCode: 6280 }] });
    const res = await vipps.capture(reference, 100, uniqueReference('c'));
    expect(res.status).toBe(500);
    expect(errorCodeOf(res)).toBe('6280');
    expect((res.body as { title: string }).title).toBe('Capture failed, try again later');
  });

  it('can fail the access-token call with 429 and Retry-After', async () => {
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'accessToken', status: 429, retryAfterSeconds: 7 }] });
    const res = await fetch(`${emu.url}/accesstoken/get`, {
      method: 'POST',
      headers: { client_id: emu.config.credentials.clientId, client_secret: 'x', 'Ocp-Apim-Subscription-Key': 'y' },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    await expect(fetchAccessToken(emu)).resolves.toMatch(/\./);
  });

  it('counts down: count 2 fails exactly two calls', async () => {
    const reference = await vipps.authorizedPayment();
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'getPayment', count: 2, status: 504 }] });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await vipps.getPayment(reference)).status);
    expect(statuses).toEqual([504, 504, 200]);
  });
});

describe('failNext after (lost response)', () => {
  it('runs the capture, answers 500, and the retry with the same key returns the stored success without a second capture', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'capturePayment', when: 'after', status: 500 }] });
    const lost = await vipps.capture(reference, 2_500, 'lost-response-key');
    expect(lost.status).toBe(500);
    expect(await captures(reference)).toBe(1);
    const retried = await vipps.capture(reference, 2_500, 'lost-response-key');
    expect(retried.status).toBe(200);
    expect((retried.body as { aggregate: { capturedAmount: { value: number } } }).aggregate.capturedAmount.value).toBe(2_500);
    expect(await captures(reference)).toBe(1);
  });

  it('creates the payment before losing the answer; the retry returns 201 with the same body', async () => {
    const reference = uniqueReference('lost-create');
    await control(emu, 'PUT', '/faults', { failNext: [{ operation: 'createPayment', when: 'after', status: 504 }] });
    const lost = await vipps.createPayment({ reference }, { idempotencyKey: 'lost-create-key' });
    expect(lost.status).toBe(504);
    expect((await vipps.getPayment(reference)).status).toBe(200);
    const retried = await vipps.createPayment({ reference }, { idempotencyKey: 'lost-create-key' });
    expect(retried.status).toBe(201);
    expect((retried.body as { reference: string }).reference).toBe(reference);
  });
});

describe('random faults', () => {
  it('errorRate 1 answers every Vipps API call with 503 before processing', async () => {
    await control(emu, 'PUT', '/faults', { errorRate: 1 });
    const reference = uniqueReference();
    const res = await vipps.createPayment({ reference });
    expect(res.status).toBe(503);
    await control(emu, 'DELETE', '/faults');
    expect((await vipps.getPayment(reference)).status).toBe(404);
  });

  it('rateLimitRate 1 answers 429 in the gateway shape with Retry-After', async () => {
    await control(emu, 'PUT', '/faults', { rateLimitRate: 1, retryAfterSeconds: 3 });
    const res = await vipps.getPayment('whatever-ref-1');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.body).toEqual({ statusCode: 429, message: expect.any(String) as unknown });
  });

  it('does not touch the emulator control API', async () => {
    await control(emu, 'PUT', '/faults', { errorRate: 1 });
    expect((await control(emu, 'GET', '/health')).status).toBe(200);
  });
});

describe('latency', () => {
  it('adds latencyMs to every Vipps API request', async () => {
    await control(emu, 'PUT', '/faults', { latencyMs: 200 });
    const started = Date.now();
    await vipps.getPayment('latency-ref-1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(195);
  });
});

describe('rate limits', () => {
  it('allows 5 captures per reference per minute and answers the 6th with 429 and Retry-After', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    await control(emu, 'PUT', '/faults', { rateLimits: true });
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await vipps.capture(reference, 100, uniqueReference('c'))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const limited = await vipps.capture(reference, 100, uniqueReference('c'));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await captures(reference)).toBe(5);
    // Another reference has its own budget.
    const other = await vipps.authorizedPayment(10_000);
    expect((await vipps.capture(other, 100, uniqueReference('c'))).status).toBe(200);
  });

  it('allows 120 reads per reference per minute', async () => {
    const reference = await vipps.authorizedPayment();
    await control(emu, 'PUT', '/faults', { rateLimits: true });
    const statuses = await Promise.all(Array.from({ length: 121 }, () => vipps.getPayment(reference).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(120);
    expect(statuses.filter((s) => s === 429)).toHaveLength(1);
  });

  it('are off unless switched on', async () => {
    const reference = await vipps.authorizedPayment(10_000);
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await vipps.capture(reference, 100, uniqueReference('c'))).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
  });
});

describe('PUT /_emulator/faults validation', () => {
  it.each([
    [{ errorRate: 2 }, 'errorRate'],
    [{ failNext: [{ operation: 'shipOrder' }] }, 'failNext.0.operation'],
    [{ failNext: [{ operation: 'capturePayment', errorCode: 1234 }] }, 'failNext.0.errorCode'],
    [{ webhooks: { dropRate: -1 } }, 'webhooks.dropRate'],
    [{ latencyMS: 10 }, 'latencyMS'],
  ])('refuses %o with 400 naming %s', async (body, field) => {
    const res = await control(emu, 'PUT', '/faults', body);
    expect(res.status).toBe(400);
    expect((res.body as { fields: { name: string }[] }).fields.map((f) => f.name)).toContain(field);
  });

  it('shows the switches with the remaining counts, and DELETE clears them', async () => {
    await control(emu, 'PUT', '/faults', { latencyMs: 5, failNext: [{ operation: 'getPayment', count: 2 }] });
    await vipps.getPayment('count-down-ref');
    const current = (await control(emu, 'GET', '/faults')).body as { latencyMs: number; failNext: { count: number }[] };
    expect(current.latencyMs).toBe(5);
    expect(current.failNext[0]?.count).toBe(1);
    expect((await control(emu, 'DELETE', '/faults')).status).toBe(204);
    expect((await control(emu, 'GET', '/faults')).body).toEqual({});
  });
});
