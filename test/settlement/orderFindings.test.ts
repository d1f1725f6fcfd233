import { NOTHING_FLAGGED, orderFindings } from '../../src/settlement/orderFindings';
import type { PayoutOrderLine } from '../../src/workflows/messages/settlement';

const line = (over: Partial<PayoutOrderLine>): PayoutOrderLine => ({ salesUnit: 'no', reference: 'shop-1001', captured: 0, refunded: 0, disputed: 0, corrected: 0, gross: 0, fees: 0, net: 0, findings: [], ...over });

test('a refund the order made itself is no finding; one Vipps shows beyond the order’s own is a portal refund of the difference', () => {
  expect(orderFindings(line({ refunded: 7_000 }), 'NOK', { order: { ownCaptured: 0, ownRefunded: 7_000 }, vippsRefunded: 7_000, flaggedBefore: NOTHING_FLAGGED })).toEqual([]);
  expect(orderFindings(line({ refunded: 7_000 }), 'NOK', { order: { ownCaptured: 0, ownRefunded: 2_000 }, vippsRefunded: 7_000, flaggedBefore: NOTHING_FLAGGED })).toEqual([expect.objectContaining({ kind: 'portal-refund', amount: 5_000 })]);
});

test('a portal refund flagged on an earlier payout is not flagged again when the order refunds later', () => {
  // 5,000 from the portal (flagged before), then the order's own 3,000: Vipps shows 8,000.
  expect(orderFindings(line({ refunded: 3_000 }), 'NOK', { order: { ownCaptured: 0, ownRefunded: 3_000 }, vippsRefunded: 8_000, flaggedBefore: { ...NOTHING_FLAGGED, 'portal-refund': 5_000 } })).toEqual([]);
});

test('a portal refund is never flagged above what this payout carries of refunds', () => {
  expect(orderFindings(line({ refunded: 1_000 }), 'NOK', { order: { ownCaptured: 0, ownRefunded: 0 }, vippsRefunded: 9_000, flaggedBefore: NOTHING_FLAGGED })).toEqual([expect.objectContaining({ kind: 'portal-refund', amount: 1_000 })]);
});

test('disputes and corrections are flagged with their amounts, in words that say which way the money went', () => {
  const found = orderFindings(line({ disputed: -20_000, corrected: 150 }), 'DKK', { order: { ownCaptured: 0, ownRefunded: 0 }, flaggedBefore: NOTHING_FLAGGED });
  expect(found.map((f) => [f.kind, f.amount])).toEqual([['disputed', 20_000], ['corrected', 150]]);
  expect(found[0]!.detail).toBe('200.00 DKK of the capture was retained for a dispute');
  expect(orderFindings(line({ disputed: 20_000 }), 'DKK', { order: { ownCaptured: 0, ownRefunded: 0 }, flaggedBefore: NOTHING_FLAGGED })[0]!.detail).toBe('200.00 DKK of a disputed capture was returned');
});

test('money for a reference with no order here is an unknown-order finding, and nothing else is judged', () => {
  expect(orderFindings(line({ captured: 10_000, refunded: 2_000 }), 'EUR', { flaggedBefore: NOTHING_FLAGGED })).toEqual([{ kind: 'unknown-order', amount: 8_000, detail: 'the ledger has 80.00 EUR for reference shop-1001, and this sales unit has no order with that id' }]);
});

test('captures the order made itself are no finding; captures Vipps shows beyond them are a capture mismatch, flagged once and never above the payout’s captures', () => {
  const own = { ownCaptured: 10_000, ownRefunded: 0 };
  expect(orderFindings(line({ captured: 10_000 }), 'NOK', { order: own, vippsCaptured: 10_000, flaggedBefore: NOTHING_FLAGGED })).toEqual([]);
  const found = orderFindings(line({ captured: 14_000 }), 'NOK', { order: own, vippsCaptured: 14_000, flaggedBefore: NOTHING_FLAGGED });
  expect(found).toEqual([expect.objectContaining({ kind: 'capture-mismatch', amount: 4_000 })]);
  expect(found[0]!.detail).toBe("40.00 NOK was captured outside this order (the business portal or another system): Vipps shows 140.00 NOK captured, the order's own captures 100.00 NOK");
  // The portal's 4,000 went with an earlier payout and was flagged there; this payout carries the order's own.
  expect(orderFindings(line({ captured: 10_000 }), 'NOK', { order: own, vippsCaptured: 14_000, flaggedBefore: { ...NOTHING_FLAGGED, 'capture-mismatch': 4_000 } })).toEqual([]);
  // The order captured 10,000 earlier; the portal's 3,000 is all this payout carries.
  expect(orderFindings(line({ captured: 3_000 }), 'NOK', { order: own, vippsCaptured: 13_000, flaggedBefore: NOTHING_FLAGGED })).toEqual([expect.objectContaining({ kind: 'capture-mismatch', amount: 3_000 })]);
});
