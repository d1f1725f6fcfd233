import { ExpiryQueue } from '../src/state/expiryQueue';
import { control, startTestEmulator, type TestEmulator, VippsTestClient, waitFor } from './support/emulator';

describe('payment expiry over HTTP', () => {
  let emu: TestEmulator;
  let vipps: VippsTestClient;
  beforeAll(async () => {
    emu = await startTestEmulator({ paymentExpiryMs: 150 });
    vipps = await VippsTestClient.connect(emu);
  });
  afterAll(() => emu.close());

  async function listedState(reference: string): Promise<string | undefined> {
    const res = await control(emu, 'GET', '/payments?limit=1000');
    return (res.body as { payments: { reference: string; state: string }[] }).payments.find((p) => p.reference === reference)?.state;
  }

  it('expires a CREATED payment on its own timer, without anyone reading it, with an EXPIRED event', async () => {
    const created = await vipps.createPayment();
    const reference = (created.body as { reference: string }).reference;
    // The listing does not expire payments lazily, so this proves the timer fired.
    await waitFor(async () => ((await listedState(reference)) === 'EXPIRED' ? true : undefined), 3_000);
    const events = (await vipps.events(reference)).body as { name: string; amount: { value: number } }[];
    expect(events.map((e) => e.name)).toEqual(['CREATED', 'EXPIRED']);
    expect(events[1]?.amount.value).toBe(49_900);
  });


  it('refuses to approve an expired payment', async () => {
    const created = await vipps.createPayment();
    const reference = (created.body as { reference: string }).reference;
    await waitFor(async () => ((await listedState(reference)) === 'EXPIRED' ? true : undefined), 3_000);
    expect((await vipps.forceApprove(reference)).status).toBe(400);
  });
});

describe('expiry of approved payments', () => {
  it('never expires a payment that was approved in time, neither by timer nor on read', async () => {
    // A frozen clock: approval is "in time" however slow the machine is.
    let now = Date.now();
    const emu = await startTestEmulator({ paymentExpiryMs: 100, tokenTtlSeconds: 24 * 3600 }, { clock: { now: () => now } });
    try {
      const vipps = await VippsTestClient.connect(emu);
      const reference = await vipps.authorizedPayment();
      now += 3600 * 1000;
      await new Promise((resolve) => setTimeout(resolve, 250));
      expect(((await vipps.getPayment(reference)).body as { state: string }).state).toBe('AUTHORIZED');
      expect(((await vipps.events(reference)).body as { name: string }[]).map((e) => e.name)).toEqual(['CREATED', 'AUTHORIZED']);
    } finally {
      await emu.close();
    }
  });
});

describe('expiresAt of a long-living payment', () => {
  it('keeps the payment CREATED until expiresAt and expires it once that time has passed', async () => {
    let now = Date.now();
    const emu = await startTestEmulator({ paymentExpiryMs: 50, tokenTtlSeconds: 24 * 3600 }, { clock: { now: () => now } });
    try {
      const vipps = await VippsTestClient.connect(emu);
      const expiresAt = new Date(now + 2 * 3600 * 1000).toISOString();
      const receipt = {
        orderLines: [{ name: 'x', id: '1', totalAmount: 1000, totalAmountExcludingTax: 800, totalTaxAmount: 200, taxRate: 2500 }],
        bottomLine: { currency: 'NOK' },
      };
      const reference = ((await vipps.createPayment({ expiresAt, receipt })).body as { reference: string }).reference;
      now += 3600 * 1000;
      expect(((await vipps.getPayment(reference)).body as { state: string }).state).toBe('CREATED');
      now += 3600 * 1000;
      expect(((await vipps.getPayment(reference)).body as { state: string }).state).toBe('EXPIRED');
    } finally {
      await emu.close();
    }
  });
});

describe('ExpiryQueue', () => {
  afterEach(() => jest.useRealTimers());

  it('fires due entries in deadline order, including deadlines beyond the 24.8-day timer limit', () => {
    jest.useFakeTimers();
    const fired: string[] = [];
    const queue = new ExpiryQueue({ now: () => Date.now() }, (key) => fired.push(key.reference));
    const DAY = 24 * 3600 * 1000;
    const start = Date.now();
    queue.schedule({ msn: '1', reference: 'thirty-days' }, start + 30 * DAY);
    queue.schedule({ msn: '1', reference: 'two-seconds' }, start + 2_000);
    queue.schedule({ msn: '1', reference: 'one-second' }, start + 1_000);
    queue.schedule({ msn: '1', reference: 'one-second-too' }, start + 1_000);
    jest.advanceTimersByTime(999);
    expect(fired).toEqual([]);
    jest.advanceTimersByTime(1_001);
    expect(fired.slice(0, 2).sort()).toEqual(['one-second', 'one-second-too']);
    expect(fired[2]).toBe('two-seconds');
    jest.advanceTimersByTime(25 * DAY);
    expect(fired).toHaveLength(3);
    jest.advanceTimersByTime(5 * DAY);
    expect(fired).toHaveLength(4);
    expect(fired.at(-1)).toBe('thirty-days');
    queue.stop();
  });

  it('keeps ordering correct for thousands of random deadlines', () => {
    jest.useFakeTimers();
    const fired: number[] = [];
    const queue = new ExpiryQueue({ now: () => Date.now() }, (key) => fired.push(Number(key.reference)));
    const start = Date.now();
    const deadlines = Array.from({ length: 5_000 }, (_, i) => ((i * 7919) % 10_000) + 1);
    deadlines.forEach((d) => queue.schedule({ msn: '1', reference: String(d) }, start + d));
    jest.advanceTimersByTime(10_001);
    expect(fired).toHaveLength(5_000);
    expect(fired).toEqual([...deadlines].sort((a, b) => a - b));
    queue.stop();
  });

  it('fires nothing after clear', () => {
    jest.useFakeTimers();
    const fired: string[] = [];
    const queue = new ExpiryQueue({ now: () => Date.now() }, (key) => fired.push(key.reference));
    queue.schedule({ msn: '1', reference: 'a' }, Date.now() + 10);
    queue.clear();
    jest.advanceTimersByTime(100);
    expect(fired).toEqual([]);
  });
});
