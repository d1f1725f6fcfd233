import type { OrderStatus, OrderView } from '../../src/workflows/messages';
import type { DemoTarget } from './demoTarget';
import { demoUnits, msnQuery, orderPath, unitLabel, type DemoUnit } from './demoUnits';
import { api, DemoFailure, emulator, money } from './orderApi';
import { FIRST_BOX, ORDER_TOTAL, placeAndShip, type Say } from './orderFlow';

type Env = Record<string, string | undefined>;

export const REFUND = 29_900;

/** One unit's order at the end, as the service and as the emulator (Vipps) see it. */
export interface UnitOutcome {
  unit?: string;
  msn: string;
  currency: string;
  workflowId: string;
  status: OrderStatus;
  /** The payment the emulator holds for the order id at the unit's MSN. */
  payment: { msn: string; currency: string; captured: number; refunded: number };
  /** The captures in the emulator's money ledger, in order. */
  captures: number[];
}

export interface DemoResult {
  orderId: string;
  /** The unit whose order got the refund. */
  refundedOn: DemoUnit;
  units: UnitOutcome[];
}

interface EmulatorPayment {
  msn: string;
  amount: { currency: string };
  aggregate: { capturedAmount: { value: number }; refundedAmount: { value: number } };
}

interface MoneyMovement {
  kind: string;
  reference: string;
  amount: { value: number };
}

/** What the order and the emulator must show once the refund is done; the first difference is a DemoFailure. */
async function outcomeOf(t: DemoTarget, unit: DemoUnit, orderId: string, refunded: number, say: Say): Promise<UnitOutcome> {
  const view = (await api<OrderView>(t, 'GET', orderPath(unit, orderId))).json;
  const held = await emulator<EmulatorPayment>(t, `/_emulator/payments/${orderId}${msnQuery(unit)}`);
  const payment = { msn: held.msn, currency: held.amount.currency, captured: held.aggregate.capturedAmount.value, refunded: held.aggregate.refundedAmount.value };
  const query = `reference=${orderId}${unit.name ? `&msn=${unit.msn}` : ''}`;
  const movements = (await emulator<{ entries: MoneyMovement[] }>(t, `/_emulator/ledger?${query}`)).entries.filter((e) => e.reference === orderId);
  const captures = movements.filter((e) => e.kind === 'capture').map((e) => e.amount.value);

  const label = unitLabel(unit);
  const expected = { msn: unit.msn, currency: unit.currency, captured: ORDER_TOTAL, refunded };
  if (JSON.stringify(payment) !== JSON.stringify(expected)) throw new DemoFailure(`${label}: the emulator holds ${JSON.stringify(payment)}, expected ${JSON.stringify(expected)}`);
  if (view.status !== 'COMPLETED' || view.payment.aggregate.refunded !== refunded) throw new DemoFailure(`${label}: the order is ${view.status} with ${view.payment.aggregate.refunded} refunded, expected COMPLETED with ${refunded}`);
  const boxes = unit.partialCapture ? [FIRST_BOX, ORDER_TOTAL - FIRST_BOX] : [ORDER_TOTAL];
  if (JSON.stringify(captures) !== JSON.stringify(boxes)) throw new DemoFailure(`${label}: the emulator's ledger shows captures ${JSON.stringify(captures)}, expected ${JSON.stringify(boxes)}`);
  say(`${label}: the emulator's ledger agrees: ${movements.map((e) => `${e.kind} ${money(e.amount.value, unit.currency)}`).join(', ')}`);
  return { ...(unit.name && { unit: unit.name }), msn: unit.msn, currency: unit.currency, workflowId: view.workflowId, status: view.status, payment, captures };
}

/**
 * The demo's flow for one order id on every sales unit (the id on purpose the same on each: the
 * units keep their orders apart), each in its unit's currency; then a refund on one unit, and a
 * check that each order completed at its own MSN and only the refunded one lost money.
 * Without SALES_UNITS_FILE, the one unit of the VIPPS_* variables, as the demo always did.
 */
export async function runDemo(t: DemoTarget, env: Env, say: Say): Promise<DemoResult> {
  const units = demoUnits(env, t.emulatorUrl);
  const orderId = `demo-${Date.now()}`;
  if (units.length > 1) say(`${units.length} sales units in SALES_UNITS_FILE (${units.map((u) => u.name).join(', ')}): the same order id ${orderId} on each`);
  for (const unit of units) {
    if (units.length > 1) say(`sales unit ${unitLabel(unit)}`);
    await placeAndShip(t, unit, orderId, say);
  }

  // Not the first unit when there are several: its orders keep unprefixed ids, so a refund that
  // reached the wrong order would most likely land there.
  const refundedOn = units[1] ?? units[0]!;
  const refund = await api<OrderView>(t, 'POST', `${orderPath(refundedOn, orderId)}/refunds`, { refundId: 'return-1', amount: { value: REFUND, currency: refundedOn.currency } });
  const where = units.length > 1 ? ` on ${refundedOn.name}` : '';
  say(`refund return-1 of ${money(REFUND, refundedOn.currency)}${where}: refunded ${money(refund.json.payment.aggregate.refunded, refundedOn.currency)}`);

  const outcomes: UnitOutcome[] = [];
  for (const unit of units) outcomes.push(await outcomeOf(t, unit, orderId, unit === refundedOn ? REFUND : 0, say));
  if (units.length > 1) say(`each order completed at its own MSN in its own currency; only ${refundedOn.name}'s was refunded`);
  return { orderId, refundedOn, units: outcomes };
}
