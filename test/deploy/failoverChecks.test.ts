/**
 * The failover test (npm run test:cluster) is only as good as its ledger checks; these show that
 * each check fails on the money error it exists for. No cluster needed.
 */
import { checkOrder, type LedgerEntry, type OrderRecord } from '../cluster/scenarios';
import { ORDER_TOTAL, type OrderView } from '../cluster/shop';

const T0 = '2026-11-28T10:00:00.000Z';
const T1 = '2026-11-28T10:00:01.000Z';
const T2 = '2026-11-28T10:00:02.000Z';

const entry = (kind: LedgerEntry['kind'], value: number, at: string, idempotencyKey: string | null = `k-${kind}-${value}-${at}`): LedgerEntry => ({
  kind,
  reference: 'o-1',
  amount: { value },
  idempotencyKey,
  at,
});

function record(overrides: Partial<OrderRecord> = {}): OrderRecord {
  return {
    orderId: 'o-1',
    workflowId: 'order-o-1',
    kind: 'two-shipments',
    shipments: [
      { shipmentId: 'p1', amount: 30_000, requestedAt: T0 },
      { shipmentId: 'p2', amount: ORDER_TOTAL - 30_000, requestedAt: T1 },
    ],
    refunds: [],
    cancelled: false,
    expectedStatus: 'COMPLETED',
    ...overrides,
  };
}

function view(aggregate: Partial<OrderView['payment']['aggregate']> = {}, status = 'COMPLETED'): OrderView {
  return {
    orderId: 'o-1',
    workflowId: 'order-o-1',
    status,
    payment: { aggregate: { authorized: ORDER_TOTAL, captured: ORDER_TOTAL, cancelled: 0, refunded: 0, ...aggregate } },
    shipments: [],
    refunds: [],
  };
}

const good = () => [entry('authorize', ORDER_TOTAL, T0), entry('capture', 30_000, T1), entry('capture', ORDER_TOTAL - 30_000, T2)];

test('a correct order passes', () => {
  expect(checkOrder(record(), view(), good())).toEqual([]);
});

test('a shipment captured twice is caught', () => {
  const ledger = [...good(), entry('capture', 30_000, T2)];
  expect(checkOrder(record(), view({ captured: ORDER_TOTAL + 30_000 }), ledger).join('\n')).toMatch(/3 captures for 2 shipments/);
});

test('a capture before its shipment was asked for is caught', () => {
  const early = [entry('authorize', ORDER_TOTAL, T0), entry('capture', 30_000, '2026-11-28T09:59:59.000Z'), entry('capture', ORDER_TOTAL - 30_000, T2)];
  expect(checkOrder(record(), view(), early).join('\n')).toMatch(/before its shipment was requested/);
});

test('two captures with one idempotency key are caught', () => {
  const ledger = [entry('authorize', ORDER_TOTAL, T0), entry('capture', 30_000, T1, 'same'), entry('capture', ORDER_TOTAL - 30_000, T2, 'same')];
  expect(checkOrder(record(), view(), ledger).join('\n')).toMatch(/idempotency keys not unique/);
});

test('a cancel that did not release the rest is caught', () => {
  const cancelled = record({ kind: 'ship-part-then-cancel', shipments: [{ shipmentId: 'p1', amount: 30_000, requestedAt: T0 }], cancelled: true });
  const ledger = [entry('authorize', ORDER_TOTAL, T0), entry('capture', 30_000, T1)];
  const problems = checkOrder(cancelled, view({ captured: 30_000 }), ledger).join('\n');
  expect(problems).toMatch(/leaves 24800 reserved/);
  expect(problems).toMatch(/0 cancels/);
});

test('a refund paid twice, or more than was captured, is caught', () => {
  const refunded = record({ refunds: [{ refundId: 'r1', amount: 5_000 }] });
  const twice = [...good(), entry('refund', 5_000, T2), entry('refund', 5_000, T2)];
  expect(checkOrder(refunded, view({ refunded: 10_000 }), twice).join('\n')).toMatch(/refunded \[5000,5000\], asked \[5000\]/);
  const tooMuch = record({ refunds: [{ refundId: 'r1', amount: ORDER_TOTAL + 1 }] });
  const over = [...good(), entry('refund', ORDER_TOTAL + 1, T2)];
  expect(checkOrder(tooMuch, view({ refunded: ORDER_TOTAL + 1 }), over).join('\n')).toMatch(/refunded 54801 > captured 54800/);
});

test('an order that did not reach its end state is caught', () => {
  expect(checkOrder(record(), view({}, 'PARTIALLY_SHIPPED'), good()).join('\n')).toMatch(/status PARTIALLY_SHIPPED, expected COMPLETED/);
});
