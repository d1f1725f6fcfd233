import { emptyBook, foldPage, takePayouts } from '../../../src/workflows/settlement/ledgerBook';
import type { LedgerRef, SettlementEntry } from '../../../src/workflows/messages/settlement';

const ledger: LedgerRef = { ledgerId: '7123456', currency: 'NOK', units: [{ name: 'no', msn: '123456' }] };

function entry(entryType: string, pspReference: string, reference: string, amount: number, balanceAfter: number, ledgerDate = '2026-12-01'): SettlementEntry {
  return { pspReference, ledgerDate, entryType, reference, currency: 'NOK', amount, balanceAfter, recipientHandle: 'api:123456' };
}

const funds = [
  entry('capture', 'c1', 'order-a', 10_000, 10_000),
  entry('capture', 'c2', 'order-b', 5_000, 15_000),
  entry('refund', 'r1', 'order-a', -2_000, 13_000),
  entry('fees-retained', 'f1', 'f1', -388, 12_612),
  entry('scheduled-for-payout', '2000001', 'payout 2000001', -12_612, 0),
];
const fees = [entry('capture-fee', 'c1', 'order-a', -275, -275), entry('capture-fee', 'c2', 'order-b', -113, -388), entry('fees-retained', 'f1', 'f1', 388, 0)];

test('a closed date becomes one payout whose orders add up to its gross, fees and net', () => {
  const book = emptyBook();
  foldPage(book, ledger, 'funds', funds);
  foldPage(book, ledger, 'fees', fees);
  const [payout, ...more] = takePayouts(book, ledger);
  expect(more).toEqual([]);
  expect(payout).toMatchObject({ payoutId: '2000001', ledgerDates: ['2026-12-01'], gross: 13_000, fees: 388, net: 12_612, scheduledAmount: 12_612 });
  expect(payout!.orders).toEqual([
    { salesUnit: 'no', reference: 'order-a', captured: 10_000, refunded: 2_000, disputed: 0, corrected: 0, gross: 8_000, fees: 275, net: 7_725, findings: [] },
    { salesUnit: 'no', reference: 'order-b', captured: 5_000, refunded: 0, disputed: 0, corrected: 0, gross: 5_000, fees: 113, net: 4_887, findings: [] },
  ]);
});

test('reading the same pages again, before or after the payout, changes nothing', () => {
  const once = emptyBook();
  foldPage(once, ledger, 'funds', funds);
  foldPage(once, ledger, 'fees', fees);
  const twice = emptyBook();
  foldPage(twice, ledger, 'funds', funds);
  foldPage(twice, ledger, 'funds', funds.slice(0, 3));
  foldPage(twice, ledger, 'fees', fees);
  foldPage(twice, ledger, 'fees', fees);
  expect(takePayouts(twice, ledger)).toEqual(takePayouts(once, ledger));
  foldPage(twice, ledger, 'funds', funds);
  expect(takePayouts(twice, ledger)).toEqual([]);
  expect(twice.dates).toEqual({});
});

test('a date without a payout is carried into the next one', () => {
  const book = emptyBook();
  foldPage(book, ledger, 'funds', [entry('capture', 'c1', 'order-a', 1_000, 1_000, '2026-12-01'), entry('capture', 'c2', 'order-b', 2_000, 3_000, '2026-12-02'), entry('scheduled-for-payout', '2000002', 'p', -3_000, 0, '2026-12-02')]);
  const [payout] = takePayouts(book, ledger);
  expect(payout).toMatchObject({ ledgerDates: ['2026-12-01', '2026-12-02'], gross: 3_000, fees: 0, net: 3_000 });
});

test('a refund in a payout without the capture, a dispute and a correction are findings on their lines', () => {
  const book = emptyBook();
  foldPage(book, ledger, 'funds', [
    entry('capture', 'c9', 'order-c', 9_000, 9_000, '2026-12-03'),
    entry('refund', 'r2', 'order-a', -1_000, 8_000, '2026-12-03'),
    entry('retained-disputed-capture', 'd1', 'order-b', -2_000, 6_000, '2026-12-03'),
    entry('correction', 'k1', 'incident-7', 500, 6_500, '2026-12-03'),
    entry('scheduled-for-payout', '2000003', 'p', -6_500, 0, '2026-12-03'),
  ]);
  const findings = Object.fromEntries(takePayouts(book, ledger)[0]!.orders.map((o) => [o.reference, o.findings]));
  expect(findings).toEqual({ 'order-c': [], 'order-a': ['refund-after-settlement'], 'order-b': ['disputed'], 'incident-7': ['corrected'] });
});

test('two sales units sharing a ledger, each with an order of the same reference, get a line each', () => {
  const shared: LedgerRef = { ledgerId: '7000001', currency: 'NOK', units: [{ name: 'no', msn: '123456' }, { name: 'no-web', msn: '654321' }] };
  const book = emptyBook();
  foldPage(book, shared, 'funds', [
    entry('capture', 'c1', 'shop-1001', 1_000, 1_000),
    { ...entry('capture', 'c2', 'shop-1001', 2_000, 3_000), recipientHandle: 'api:654321' },
    entry('scheduled-for-payout', '2000004', 'p', -3_000, 0),
  ]);
  const lines = takePayouts(book, shared)[0]!.orders.map((o) => [o.salesUnit, o.reference, o.captured]);
  expect(lines).toEqual([
    ['no', 'shop-1001', 1_000],
    ['no-web', 'shop-1001', 2_000],
  ]);
});
