import { control, startTestEmulator, type TestEmulator, VippsTestClient } from './support/emulator';
import { capturedPayment, closeLedgers, type Entry, feedPage, ledgerOf, ok, type Payout, wholeFeed } from './support/settlement';

/** The Report API's ledgers in the emulator: entries from captures and refunds, fees, ledger dates, payouts. */

const DAY = 24 * 3600 * 1000;
let now = Date.parse('2026-12-02T10:00:00Z'); // 11:00 in Oslo
const clock = { now: () => now };
let emu: TestEmulator;
let vipps: VippsTestClient;
let ledgerId: string;

beforeAll(async () => {
  emu = await startTestEmulator(
    { feeFixedMinor: 100, feePercentBasisPoints: 175, reportPageSize: 3, tokenTtlSeconds: 365 * 24 * 3600 },
    { clock, additionalMsns: ['654321'] },
  );
  vipps = await VippsTestClient.connect(emu);
});
afterAll(() => emu.close());
beforeEach(async () => {
  ok(await control(emu, 'POST', '/reset'), 204);
  ledgerId = (await ledgerOf(emu)).ledgerId;
});

const sum = (entries: Entry[]) => entries.reduce((s, e) => s + e.amount, 0);

describe('funds and fees entries', () => {
  it('a capture is a funds entry and a capture fee with the pspReference of its CAPTURED event; a refund costs nothing', async () => {
    const reference = await capturedPayment(vipps, 10_000);
    ok(await vipps.refund(reference, 2_500, `${reference}-r`));
    const events = ok(await vipps.events(reference)) as { name: string; pspReference: string }[];
    const pspOf = (name: string) => events.find((e) => e.name === name)?.pspReference;

    const funds = (await wholeFeed(vipps, ledgerId, 'funds')).items;
    const fees = (await wholeFeed(vipps, ledgerId, 'fees')).items;
    expect(funds.map((e) => [e.entryType, e.amount, e.pspReference, e.reference])).toEqual([
      ['capture', 10_000, pspOf('CAPTURED'), reference],
      ['refund', -2_500, pspOf('REFUNDED'), reference],
    ]);
    // 100 øre + 1.75 % of 10 000 øre = 275 øre, on the fees account (negative: owed to Vipps).
    expect(fees.map((e) => [e.entryType, e.amount, e.pspReference])).toEqual([['capture-fee', -275, pspOf('CAPTURED')]]);
    expect(funds.map((e) => [e.balanceBefore, e.balanceAfter])).toEqual([[0, 10_000], [10_000, 7_500]]);
    expect(new Set(funds.map((e) => `${e.ledgerDate} ${e.recipientHandle} ${e.currency}`))).toEqual(new Set(['2026-12-02 api:123456 NOK']));
  });

  it('a portal capture is a real capture of the payment (API rules, CAPTURED event, funds entry and fee) without an Idempotency-Key', async () => {
    const reference = await vipps.authorizedPayment(10_000, { reference: `portal-capture-${Date.now()}` });
    expect((await control(emu, 'POST', `/payments/${reference}/portal-capture`, { amount: 10_001 })).status).toBe(409);
    expect((await control(emu, 'POST', `/payments/${reference}/portal-capture`, { amount: 0 })).status).toBe(400);
    ok(await control(emu, 'POST', `/payments/${reference}/portal-capture`, { amount: 4_000 }));
    const payment = ok(await vipps.getPayment(reference)) as { aggregate: { capturedAmount: { value: number } } };
    expect(payment.aggregate.capturedAmount.value).toBe(4_000);
    const events = ok(await vipps.events(reference)) as { name: string; idempotencyKey: string | null }[];
    expect(events.filter((e) => e.name === 'CAPTURED')).toEqual([expect.objectContaining({ idempotencyKey: null })]);
    // The rest of the reservation is the API's to capture; the portal's share is gone from it.
    expect((await vipps.capture(reference, 6_001, `${reference}-c`)).status).toBe(400);
    ok(await vipps.capture(reference, 6_000, `${reference}-c2`));
    const funds = (await wholeFeed(vipps, ledgerId, 'funds')).items.filter((e) => e.reference === reference);
    expect(funds.map((e) => [e.entryType, e.amount])).toEqual([['capture', 4_000], ['capture', 6_000]]);
    expect((await wholeFeed(vipps, ledgerId, 'fees')).items.map((e) => e.amount)).toEqual([-(100 + 70), -(100 + 105)]);
  });

  it('each sales unit has its own ledger, and fees can differ per unit from the next capture on', async () => {
    const other = await ledgerOf(emu, '654321');
    ok(await control(emu, 'PUT', '/ledgers/fees', { msn: '654321', fixedMinor: 0, percent: '2.5' }));
    const reference = await vipps.authorizedPayment(20_000, { reference: `other-unit-${Date.now()}` });
    await vipps.capture(reference, 20_000, `${reference}-c`); // configured MSN: default fee
    const onOther = (await vipps.createPayment({ amount: { currency: 'NOK', value: 4_000 } }, { msn: '654321' })).body as { reference: string };
    ok(await vipps.forceApprove(onOther.reference, {}, { msn: '654321' }));
    ok(await vipps.capture(onOther.reference, 4_000, `${onOther.reference}-c`, { msn: '654321' }));

    expect((await wholeFeed(vipps, ledgerId, 'fees')).items.map((e) => e.amount)).toEqual([-(100 + 350)]);
    expect((await wholeFeed(vipps, other.ledgerId, 'fees')).items.map((e) => e.amount)).toEqual([-100]);
    expect((await wholeFeed(vipps, other.ledgerId, 'funds')).items.map((e) => e.reference)).toEqual([onOther.reference]);
  });
});

describe('the feed', () => {
  it('returns every entry exactly once across pages, then the same cursor with tryLater until new entries arrive', async () => {
    for (let i = 0; i < 4; i++) await capturedPayment(vipps, 1_000 + i);
    const first = await wholeFeed(vipps, ledgerId, 'funds');
    expect(first.items.map((e) => e.amount)).toEqual([1_000, 1_001, 1_002, 1_003]);
    expect(first.pages).toBe(2); // pages of 3

    const atEnd = await feedPage(vipps, ledgerId, 'funds', first.cursor);
    expect(atEnd).toEqual({ cursor: first.cursor, items: [], tryLater: true });

    await capturedPayment(vipps, 5_000);
    const next = await feedPage(vipps, ledgerId, 'funds', first.cursor);
    expect(next.items.map((e) => e.amount)).toEqual([5_000]);
    expect(next.tryLater).toBe(true);
    expect(next.cursor).not.toBe(first.cursor);
  });

  it('refuses a cursor of another topic or a made-up one with 400 naming the cursor', async () => {
    const feesCursor = (await feedPage(vipps, ledgerId, 'fees')).cursor;
    for (const cursor of [feesCursor, 'not-a-cursor']) {
      const res = await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/feed?cursor=${cursor}`);
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ extraDetails: [{ name: 'cursor' }] });
    }
  });
});

describe('ledger dates and payouts', () => {
  it('closing schedules the payout: fees retained, gross − fees = net to the øre, and the date becomes readable', async () => {
    const a = await capturedPayment(vipps, 49_900);
    const b = await capturedPayment(vipps, 10_000, [4_000, 6_000]);
    ok(await vipps.refund(b, 1_000, `${b}-r`));
    const date = (await ledgerOf(emu)).openLedgerDate;
    expect((await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/${date}`)).status).toBe(404);

    const { payouts } = await closeLedgers(emu);
    const fees = 973 + 170 + 205; // 100 + 1.75 % of 49 900, 4 000 and 6 000, rounded half up
    const payout = payouts.find((p) => p.ledgerId === ledgerId) as Payout;
    expect(payout).toMatchObject({ ledgerDates: [date], gross: 49_900 + 10_000 - 1_000, fees, net: 58_900 - fees });

    const funds = (await wholeFeed(vipps, ledgerId, 'funds')).items;
    expect(funds.slice(-2).map((e) => [e.entryType, e.amount, e.balanceAfter])).toEqual([
      ['fees-retained', -fees, 58_900 - fees],
      ['scheduled-for-payout', -(58_900 - fees), 0],
    ]);
    expect(funds.at(-1)?.pspReference).toBe(payout.payoutId);
    const feesFeed = (await wholeFeed(vipps, ledgerId, 'fees')).items;
    expect(sum(feesFeed)).toBe(0);

    const byDate = ok(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/${date}`)) as { items: Entry[]; cursor: string };
    expect(byDate.items).toEqual(funds.slice(0, 3)); // a page of 3, then a cursor
    const rest = ok(await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/funds/dates/${date}?cursor=${byDate.cursor}`)) as { items: Entry[]; cursor: string };
    expect([...byDate.items, ...rest.items]).toEqual(funds);
    expect(rest.cursor).toBe('');

    const detail = ok(await control(emu, 'GET', `/ledgers/payouts/${payout.payoutId}`)) as { orders: { reference: string; gross: number; fees: number; net: number }[] };
    expect(detail.orders).toEqual([
      expect.objectContaining({ reference: a, captured: 49_900, refunded: 0, gross: 49_900, fees: 973, net: 48_927 }),
      expect.objectContaining({ reference: b, captured: 10_000, refunded: 1_000, gross: 9_000, fees: 375, net: 8_625 }),
    ]);
    expect(detail.orders.reduce((s, o) => s + o.net, 0)).toBe(payout.net);
    const ledger = await ledgerOf(emu);
    expect(ledger).toMatchObject({ closedThrough: date, balances: { funds: 0, fees: 0 } });
    expect(ok(await vipps.call('GET', '/settlement/v1/ledgers'))).toMatchObject({ items: [{ ledgerId, firstPayout: payout.payoutId, lastPayout: payout.payoutId }, {}] });
  });

  it('entries after a close go to the next ledger date; a negative balance pays nothing and carries over', async () => {
    const reference = await capturedPayment(vipps, 10_000);
    const first = (await closeLedgers(emu)).payouts.find((p) => p.ledgerId === ledgerId) as Payout;
    expect((await control(emu, 'POST', `/payments/${reference}/portal-refund`, { amount: 10_001 })).status).toBe(409);
    ok(await control(emu, 'POST', `/payments/${reference}/portal-refund`, { amount: 10_000 }));
    // A portal refund is a refund of the payment: the ePayment API shows it too.
    const payment = ok(await vipps.getPayment(reference)) as { aggregate: { refundedAmount: { value: number } } };
    expect(payment.aggregate.refundedAmount.value).toBe(10_000);
    const refund = (await wholeFeed(vipps, ledgerId, 'funds')).items.at(-1) as Entry;
    expect(refund).toMatchObject({ entryType: 'refund', amount: -10_000, ledgerDate: '2026-12-03' });

    expect((await closeLedgers(emu)).payouts.filter((p) => p.ledgerId === ledgerId)).toEqual([]);
    expect((await ledgerOf(emu)).balances.funds).toBe(-10_000);
    await capturedPayment(vipps, 30_000);
    const third = (await closeLedgers(emu)).payouts.find((p) => p.ledgerId === ledgerId) as Payout;
    expect(third).toMatchObject({ ledgerDates: ['2026-12-03', '2026-12-04'], gross: 20_000, fees: 625, net: 19_375 });
    expect(first.net).toBe(10_000 - 275);
  });

  it('closes a date by itself once the clock passes the cutoff (midnight in Oslo)', async () => {
    const before = now;
    try {
      now = Date.parse('2026-12-02T22:50:00Z'); // 23:50 in Oslo
      await capturedPayment(vipps, 10_000);
      now = Date.parse('2026-12-02T23:05:00Z'); // 00:05 on the 3rd
      const ledger = await ledgerOf(emu);
      expect(ledger).toMatchObject({ closedThrough: '2026-12-02', openLedgerDate: '2026-12-03' });
      expect(ledger.payouts).toEqual([expect.objectContaining({ ledgerDates: ['2026-12-02'], net: 10_000 - 275 })]);
      const payoutEntry = (await wholeFeed(vipps, ledgerId, 'funds')).items.at(-1) as Entry;
      expect(payoutEntry).toMatchObject({ entryType: 'scheduled-for-payout', time: '2026-12-02T23:00:00.000Z' });
      now += 3 * DAY;
      expect((await vipps.call('GET', `/report/v2/ledgers/${ledgerId}/fees/dates/2026-12-04`)).body).toEqual({ cursor: '', items: [], tryLater: false });
    } finally {
      now = before;
    }
  });
});

describe('disputes and corrections', () => {
  it('a dispute retains the capture; won, the money returns; lost, it stays gone; a correction is its own entry', async () => {
    const won = await capturedPayment(vipps, 8_000);
    const lost = await capturedPayment(vipps, 2_000);
    const d1 = ok(await control(emu, 'POST', '/ledgers/disputes', { reference: won }), 201) as { disputeId: string; amount: number };
    const d2 = ok(await control(emu, 'POST', '/ledgers/disputes', { reference: lost, amount: 1_500 }), 201) as { disputeId: string };
    expect(d1.amount).toBe(8_000);
    expect((await control(emu, 'POST', '/ledgers/disputes', { reference: won })).status).toBe(409); // nothing left to dispute
    ok(await control(emu, 'POST', `/ledgers/disputes/${d1.disputeId}/resolve`, { outcome: 'returned' }));
    ok(await control(emu, 'POST', `/ledgers/disputes/${d2.disputeId}/resolve`, { outcome: 'lost' }));
    expect((await control(emu, 'POST', `/ledgers/disputes/${d2.disputeId}/resolve`, { outcome: 'returned' })).status).toBe(409);
    ok(await control(emu, 'POST', '/ledgers/corrections', { amount: -123, reference: 'incident-42' }), 201);

    const funds = (await wholeFeed(vipps, ledgerId, 'funds')).items;
    expect(funds.map((e) => [e.entryType, e.reference, e.amount])).toEqual([
      ['capture', won, 8_000],
      ['capture', lost, 2_000],
      ['retained-disputed-capture', won, -8_000],
      ['retained-disputed-capture', lost, -1_500],
      ['returned-disputed-capture', won, 8_000],
      ['correction', 'incident-42', -123],
    ]);
    const payout = (await closeLedgers(emu)).payouts.find((p) => p.ledgerId === ledgerId) as Payout;
    expect(payout).toMatchObject({ gross: 10_000 - 1_500 - 123, fees: 240 + 135 });
    expect(payout.gross - payout.fees).toBe(payout.net);
  });
});

describe('with automatic closing off', () => {
  it('a ledger date lasts past its cutoff until it is closed; after the close, entries go to the next date', async () => {
    let t = Date.parse('2026-12-02T10:00:00Z');
    const manual = await startTestEmulator({ ledgerAutoClose: false, feeFixedMinor: 0, feePercentBasisPoints: 0, tokenTtlSeconds: 365 * 24 * 3600 }, { clock: { now: () => t } });
    try {
      const client = await VippsTestClient.connect(manual);
      const id = (await ledgerOf(manual)).ledgerId;
      await capturedPayment(client, 1_000);
      t += DAY;
      await capturedPayment(client, 2_000);
      expect((await client.call('GET', `/report/v2/ledgers/${id}/funds/dates/2026-12-02`)).status).toBe(404);
      expect((await wholeFeed(client, id, 'funds')).items.map((e) => [e.amount, e.ledgerDate])).toEqual([[1_000, '2026-12-02'], [2_000, '2026-12-02']]);
      const { payouts } = await closeLedgers(manual);
      expect(payouts.map((p) => [p.ledgerDates, p.gross, p.fees, p.net])).toEqual([[['2026-12-02'], 3_000, 0, 3_000]]);
      expect((await client.call('GET', `/report/v2/ledgers/${id}/funds/dates/2026-12-02`)).status).toBe(200);
      await capturedPayment(client, 4_000);
      expect((await wholeFeed(client, id, 'funds')).items.at(-1)).toMatchObject({ amount: 4_000, ledgerDate: '2026-12-03' });
    } finally {
      await manual.close();
    }
  });
});
