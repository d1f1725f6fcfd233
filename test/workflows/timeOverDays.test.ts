/**
 * Deadlines over days, on Temporal's time-skipping server: the order's decision clock must keep up
 * with the wall clock (here: the server's clock) across days of waiting and Vipps calls that fail
 * slowly in between, so the capture-deadline warning, the deadline handling and the payment's
 * give-up come on time (±1 minute), not when the lag of every slow call has added up.
 */
import { DEFAULT_ORDER_POLICY } from '../../src/workflows/order/policy';
import type { OrderPolicy, OrderView } from '../../src/workflows/messages';
import { temporal } from '@temporalio/proto';
import { useTimeSkipping, type ActivityCall, type TimeSkippingKit } from '../support/timeSkipping';
import { newOrderId, sampleOrder } from '../support/orders';

jest.setTimeout(300_000);

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const EventType = temporal.api.enums.v1.EventType;
/** The bounds docs/workflow.md states for a pending order while Vipps fails ("Backoff on failure"). */
const LOOKS_PER_HOUR = 70;
const HISTORY_EVENTS_PER_HOUR = 1_000;

const kit = useTimeSkipping();
const view = (orderId: string) => kit.view(orderId);

function webhook(name: 'AUTHORIZED' | 'CAPTURED', pspReference: string, idempotencyKey?: string) {
  return { name, pspReference, timestamp: new Date().toISOString(), success: true, ...(idempotencyKey && { idempotencyKey }) };
}

/** Steps server time until `seen` holds; returns the server time it first held at. */
async function stepUntil(k: TimeSkippingKit, until: number, step: number, seen: () => Promise<boolean>): Promise<number | undefined> {
  for (;;) {
    if (await seen()) return k.now();
    const now = await k.now();
    if (now >= until) return undefined;
    await k.sleep(Math.min(step, until - now));
  }
}

async function authorized(policy: Partial<OrderPolicy>): Promise<{ orderId: string; authorizedAt: number; view: () => Promise<OrderView> }> {
  const orders = kit.orders({ ...DEFAULT_ORDER_POLICY, ...policy });
  const orderId = newOrderId('days');
  await orders.placeOrder(sampleOrder(orderId));
  kit.fake.approve(orderId);
  const authorizedAt = await kit.now();
  await orders.notifyPaymentEvent(orderId, webhook('AUTHORIZED', 'psp-auth'));
  const view = () => kit.view(orderId);
  const at = await stepUntil(kit, authorizedAt + MINUTE, SECOND, async () => (await view()).status === 'AWAITING_SHIPMENT');
  if (at === undefined) throw new Error('the order was not authorized');
  return { orderId, authorizedAt, view };
}

/** A webhook on `day` that asks for a look at the payment, while every read hangs 15 s and then fails, for a bit over a minute: the look fails as a whole. */
async function failingLookOnDay(orderId: string, authorizedAt: number, day: number, policy: Partial<OrderPolicy>): Promise<void> {
  await kit.sleep(authorizedAt + day * DAY - (await kit.now()));
  kit.fake.script(orderId).readsDown = true;
  kit.slow.set(orderId, { getPayment: 15 * SECOND, getPaymentEvents: 15 * SECOND });
  kit.fake.externalCapture(orderId, 4_900);
  await kit.orders({ ...DEFAULT_ORDER_POLICY, ...policy }).notifyPaymentEvent(orderId, webhook('CAPTURED', 'psp-portal', 'portal-capture'));
  await kit.sleep(70 * SECOND);
  kit.fake.script(orderId).readsDown = false;
  kit.slow.delete(orderId);
  await kit.sleep(10 * MINUTE);
  const reads = kit.calls.filter((c) => c.name === 'getPayment' && c.input === orderId && c.at >= authorizedAt + day * DAY);
  expect(reads.length).toBeGreaterThan(1); // the look failed and was tried again
}

describe('capture deadline after days with Vipps failing in between', () => {
  test('the 48-hour warning arrives at its time ±1 minute after a look that failed for a minute on day 4', async () => {
    const policy = { captureDeadlineFallbackMs: 7 * DAY, captureDeadlineWarningMs: 2 * DAY };
    const { orderId, authorizedAt, view } = await authorized(policy);
    await failingLookOnDay(orderId, authorizedAt, 4, policy);
    const warnAt = authorizedAt + 5 * DAY;
    await kit.sleep(warnAt - 2 * MINUTE - (await kit.now()));
    expect((await view()).alerts).not.toContain('CAPTURE_DEADLINE_NEAR');
    const seen = await stepUntil(kit, warnAt + 5 * MINUTE, 20 * SECOND, async () => (await view()).alerts.includes('CAPTURE_DEADLINE_NEAR'));
    expect(seen).toBeDefined();
    expect(Math.abs(seen! - warnAt)).toBeLessThanOrEqual(MINUTE);
  });
});

/** The first call of `name` for the order at or after `from` (server time), if any. */
function firstCall(orderId: string, name: ActivityCall['name'], from: number, match: (input: unknown) => boolean = () => true): ActivityCall | undefined {
  return kit.calls.find((c) => c.name === name && c.at >= from && (c.input === orderId || (c.input as { reference?: string }).reference === orderId) && match(c.input));
}

const isRelease = (input: unknown) => (input as { transactionOnly: boolean }).transactionOnly === false;
const isVoid = (input: unknown) => (input as { transactionOnly: boolean }).transactionOnly === true;

async function workflowTaskFailures(orderId: string): Promise<number> {
  const history = await kit.env().client.workflow.getHandle(`order-${orderId}`).fetchHistory();
  return history.events!.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED || e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT).length;
}

describe('at the capture deadline, after days with Vipps failing in between', () => {
  const base = { captureDeadlineFallbackMs: 7 * DAY, captureDeadlineWarningMs: 2 * DAY };

  test('hold: the order goes to an operator at the deadline ±1 minute', async () => {
    const policy = { ...base, captureDeadlinePolicy: 'hold' as const };
    const { orderId, authorizedAt, view } = await authorized(policy);
    await failingLookOnDay(orderId, authorizedAt, 6, policy);
    const deadline = authorizedAt + 7 * DAY;
    await kit.sleep(deadline - 2 * MINUTE - (await kit.now()));
    expect((await view()).alerts).not.toContain('CAPTURE_DEADLINE_PASSED');
    const seen = await stepUntil(kit, deadline + 5 * MINUTE, 20 * SECOND, async () => (await view()).alerts.includes('CAPTURE_DEADLINE_PASSED'));
    expect(seen).toBeDefined();
    expect(Math.abs(seen! - deadline)).toBeLessThanOrEqual(MINUTE);
    expect((await view()).status).toBe('NEEDS_ATTENTION');
  });

  test('cancel: the unshipped rest is released the release margin (30 minutes) before the deadline ±1 minute, while Vipps still accepts a cancel', async () => {
    const policy = { ...base, captureDeadlinePolicy: 'cancel' as const, captureDeadlineReleaseMarginMs: 30 * MINUTE };
    const { orderId, authorizedAt, view } = await authorized(policy);
    await failingLookOnDay(orderId, authorizedAt, 6, policy);
    const deadline = authorizedAt + 7 * DAY;
    const releaseAt = deadline - 30 * MINUTE;
    await kit.sleep(releaseAt - 2 * MINUTE - (await kit.now()));
    expect(firstCall(orderId, 'cancelPayment', authorizedAt, isRelease)).toBeUndefined();
    const seen = await stepUntil(kit, deadline + 5 * MINUTE, 20 * SECOND, () => Promise.resolve(firstCall(orderId, 'cancelPayment', authorizedAt, isRelease) !== undefined));
    expect(seen).toBeDefined();
    const sentAt = firstCall(orderId, 'cancelPayment', authorizedAt, isRelease)!.at;
    expect(Math.abs(sentAt - releaseAt)).toBeLessThanOrEqual(MINUTE);
    expect(sentAt).toBeLessThan(deadline);
    await stepUntil(kit, deadline + 10 * MINUTE, 10 * SECOND, async () => (await view()).orderLines.every((l) => l.state === 'CANCELLED'));
    expect((await view()).orderLines.map((l) => l.state)).toEqual(['CANCELLED', 'CANCELLED', 'CANCELLED']);
  });

  test('cancel: a release refused at the deadline (6030) is not sent again with new keys; the order waits for an operator, whose acknowledge of the lapsed rest settles it', async () => {
    const policy = { ...base, captureDeadlinePolicy: 'cancel' as const };
    const { orderId, authorizedAt, view } = await authorized(policy);
    kit.fake.script(orderId).cancelsFail = { refuse: { status: 400, errorCode: 6030 } };
    const deadline = authorizedAt + 7 * DAY;
    await kit.sleep(deadline + HOUR - (await kit.now()));
    await stepUntil(kit, deadline + 2 * HOUR, MINUTE, async () => (await view()).alerts.includes('RELEASE_FAILED'));
    await kit.sleep(DAY);
    expect(kit.fake.keys(orderId, 'cancelPayment')).toHaveLength(1);
    expect(kit.fake.count(orderId, 'getPayment')).toBeLessThan(10);
    const v = await view();
    expect(v.status).toBe('NEEDS_ATTENTION');
    expect(v.alerts).toContain('RELEASE_FAILED');
    expect(await workflowTaskFailures(orderId)).toBe(0);
    // The exit: the operator records the rest as lapsed (Vipps will neither capture nor release it now), and the order settles.
    const acked = await kit.orders(policy).acknowledge(orderId, { alert: 'RELEASE_FAILED', reason: 'the reservation lapsed at the capture deadline' });
    expect(acked.order.alerts).not.toContain('RELEASE_FAILED');
    expect(acked.order.status).toBe('CANCELLED');
    expect(kit.fake.keys(orderId, 'cancelPayment')).toHaveLength(1);
  });

  test('cancel: a capture with an unknown outcome open at the deadline queues one release behind it, with no workflow task failure', async () => {
    const policy = { ...base, captureDeadlinePolicy: 'cancel' as const };
    const { orderId, authorizedAt, view } = await authorized(policy);
    const deadline = authorizedAt + 7 * DAY;
    await kit.sleep(deadline - 30 * MINUTE - (await kit.now()));
    kit.fake.fault(orderId, 'capturePayment', ...Array.from({ length: 200 }, () => 'down' as const));
    await kit.orders(policy).ship(orderId, { shipmentId: 'box-1', orderLineIds: ['socks'] }).catch(() => undefined);
    await stepUntil(kit, deadline + 10 * MINUTE, MINUTE, async () => (await view()).alerts.includes('OUTCOME_UNKNOWN') && (await kit.now()) > deadline + 5 * MINUTE);
    const during = await view();
    expect(during.orderLines.find((l) => l.id === 'socks')?.state).toBe('SHIPPED');
    expect(await workflowTaskFailures(orderId)).toBe(0);
    kit.fake.script(orderId).faults.capturePayment = [];
    await stepUntil(kit, deadline + 3 * HOUR, 5 * MINUTE, () => Promise.resolve(firstCall(orderId, 'cancelPayment', authorizedAt, isRelease) !== undefined));
    await kit.sleep(MINUTE);
    const after = await view();
    expect(kit.fake.moneyEvents(orderId, 'CAPTURED').map((e) => e.amount)).toEqual([30_000]);
    expect(kit.fake.keys(orderId, 'cancelPayment')).toHaveLength(1);
    expect(after.orderLines.map((l) => l.state)).toEqual(['SHIPPED', 'CANCELLED', 'CANCELLED']);
    expect(await workflowTaskFailures(orderId)).toBe(0);
  });
});

describe('payment give-up while Vipps reads fail slowly', () => {
  test('the pending payment is cancelled at its give-up time ±1 minute while every read hangs 15 s and fails', async () => {
    const orders = kit.orders({ ...DEFAULT_ORDER_POLICY });
    const orderId = newOrderId('giveup');
    const startedAt = await kit.now();
    kit.fake.script(orderId).readsDown = true;
    kit.slow.set(orderId, { getPayment: 15 * SECOND, getPaymentEvents: 15 * SECOND });
    await orders.placeOrder(sampleOrder(orderId));
    const giveUpAt = startedAt + DEFAULT_ORDER_POLICY.paymentExpiryMs + DEFAULT_ORDER_POLICY.expiryGraceMs;
    const seen = await stepUntil(kit, giveUpAt + 5 * MINUTE, 20 * SECOND, () => Promise.resolve(firstCall(orderId, 'cancelPayment', startedAt, isVoid) !== undefined));
    expect(seen).toBeDefined();
    expect(Math.abs(firstCall(orderId, 'cancelPayment', startedAt, isVoid)!.at - giveUpAt)).toBeLessThanOrEqual(MINUTE);
    await stepUntil(kit, giveUpAt + 10 * MINUTE, 10 * SECOND, async () => (await view(orderId)).status === 'PAYMENT_FAILED');
    expect((await view(orderId)).status).toBe('PAYMENT_FAILED');
  });
});

describe('history growth while Vipps fails', () => {
  test('a pending order whose reads fail at once writes at most 1,000 history events in an hour, polling from 1 s', async () => {
    const policy = { ...DEFAULT_ORDER_POLICY, pollInitialMs: SECOND, paymentExpiryMs: 3 * HOUR, continueAsNewAfterEvents: 100_000 };
    const orders = kit.orders(policy);
    const orderId = newOrderId('storm');
    kit.fake.script(orderId).unknownToVipps = true;
    await orders.placeOrder(sampleOrder(orderId));
    const startedAt = await kit.now();
    const handle = kit.env().client.workflow.getHandle(`order-${orderId}`);
    for (let minutes = 10; minutes <= 60; minutes += 10) {
      await kit.sleep(startedAt + minutes * MINUTE - (await kit.now()));
      const events = (await handle.fetchHistory()).events!.length;
      expect(events).toBeLessThanOrEqual(HISTORY_EVENTS_PER_HOUR);
    }
    const reads = kit.fake.count(orderId, 'getPayment');
    expect(reads).toBeGreaterThan(50); // it kept looking, once a minute
    expect(reads).toBeLessThanOrEqual(LOOKS_PER_HOUR);
  });
});
