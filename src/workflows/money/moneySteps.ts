/**
 * Sending a money operation to Vipps and resolving an unknown outcome by proof. One operation at a
 * time; the same key on every attempt of a generation.
 */
import { isCancellation, patched } from '@temporalio/workflow';
import type { MoneyCallResult, PaymentSnapshot } from '../messages/activityContract';
import { describeFailure } from '../runtime/failures';
import { formatMoney } from '../messages/money';
import { keyForGeneration } from '../order/commands';
import { markUnknown, proofIn, renewKey, scheduleRetry, startAttempt, unknownRetryDelay, type MoneyOp } from './moneyOperation';
import { applyProof, opDone, opRefused } from './moneyOutcomes';
import { applyAggregate, capturable, describeAmount, note, nowIso, recordError, requestReconcile } from '../order/orderBook';
import { isAuthorized, type OrderData, type StepContext } from '../order/orderData';
import { OVER_CAPTURED_BLOCKS } from '../order/orderRules';
import { applyPaymentRead, lookFailed } from './paymentSteps';

/** patched() ids of changes to what this module sends (see docs/workflow.md, "Versioning"). */
const PATCHES = {
  lookBeforeNewKey: 'look-before-new-key',
  readAfterMoneyMovedRefusal: 'read-after-money-moved-refusal',
  freeLinesLocally: 'free-lines-captured-locally',
  holdWhileOverCaptured: 'no-capture-while-over-captured',
} as const;

/**
 * Refusals that say the money has moved already, or that our amounts are stale: the key was used
 * before (4010, 4020, 4150), more than is left (6090, 6150), already captured, refunded or
 * cancelled (6040, 6050, 6070, 6170, 6180), nothing captured (6020), not in a state for it
 * (6190, 6200, 6210). Each is followed by a fresh read, so the order shows what Vipps holds.
 */
const MONEY_MOVED_CODES: ReadonlySet<number> = new Set([4010, 4020, 4150, 6020, 6040, 6050, 6070, 6090, 6150, 6170, 6180, 6190, 6200, 6210]);

function call({ order, acts }: StepContext, op: MoneyOp): Promise<MoneyCallResult> {
  const moneyActivities = acts.money;
  const base = { reference: order.input.orderId, idempotencyKey: op.key };
  const attempt = op.attempts > 1 ? ` (attempt ${op.attempts}, same key)` : '';
  switch (op.kind) {
    case 'capture':
      return moneyActivities.capturePayment.executeWithOptions({ summary: `Capture ${formatMoney(op.amount!)} (${op.id})${attempt}` }, [{ ...base, amount: op.amount! }]);
    case 'refund':
      return moneyActivities.refundPayment.executeWithOptions({ summary: `Refund ${formatMoney(op.amount!)} (${op.id})${attempt}` }, [{ ...base, amount: op.amount! }]);
    case 'release':
      return moneyActivities.cancelPayment.executeWithOptions({ summary: `Release ${describeAmount(order, capturable(order))} (${op.id})${attempt}` }, [{ ...base, transactionOnly: false }]);
    case 'void':
      return moneyActivities.cancelPayment.executeWithOptions({ summary: `Cancel the unauthorized payment${attempt}` }, [{ ...base, transactionOnly: true }]);
  }
}

/**
 * Checks that need no call: a release with nothing left, a capture of free lines only (Vipps
 * refuses a capture of 0), a capture while Vipps already holds more than the order asked for, a
 * capture larger than what is reserved.
 */
function settledLocally(order: OrderData, op: MoneyOp, now: number): boolean {
  if (op.attempts > 0 || op.status !== 'QUEUED') return false;
  if (op.kind === 'capture' && op.amount!.value === 0 && patched(PATCHES.freeLinesLocally)) {
    opDone(order, op, now, 'answer');
    note(order, now, 'nothing to capture', `${op.id}: only free lines`);
    return true;
  }
  if (op.kind === 'capture' && order.alerts.includes('OVER_CAPTURED') && patched(PATCHES.holdWhileOverCaptured)) {
    opRefused(order, op, { at: nowIso(now), step: 'capturePayment', message: `not sent: ${OVER_CAPTURED_BLOCKS}` }, now);
    return true;
  }
  if (op.kind === 'release' && capturable(order) === 0) {
    opDone(order, op, now, 'answer');
    note(order, now, 'nothing was left to release', op.id);
    return true;
  }
  if (op.kind === 'capture' && op.amount!.value > capturable(order)) {
    const message = `cannot capture ${formatMoney(op.amount!)}: only ${describeAmount(order, capturable(order))} is still reserved`;
    opRefused(order, op, { at: nowIso(now), step: 'capturePayment', message }, now);
    return true;
  }
  return false;
}

/** Sends (or re-sends, with the same key) one operation and records its outcome. */
export async function sendMoneyOp(ctx: StepContext, op: MoneyOp): Promise<void> {
  const { order, clock } = ctx;
  if (op.renewKey) {
    // Histories from before this check minted the new key at once (and must replay so).
    if (patched(PATCHES.lookBeforeNewKey)) return lookBeforeNewKey(ctx, op);
    renewKey(op, (g) => keyForGeneration(order, op, g));
  }
  if (settledLocally(order, op, clock())) return;
  startAttempt(op);
  let result: MoneyCallResult;
  try {
    result = await call(ctx, op);
  } catch (err) {
    if (isCancellation(err)) {
      // The workflow is being cancelled: the call may or may not have reached Vipps. Unknown, so
      // the compensation (orderWorkflow.ts) sends it again with the same key, at once.
      if (op.status === 'IN_FLIGHT') markUnknown(op, { at: nowIso(clock()), step: `${op.kind}Payment`, message: 'outcome unknown: the call was cut short by the workflow cancellation' });
      throw err;
    }
    if (op.status !== 'IN_FLIGHT') return; // a webhook proved the outcome meanwhile
    const error = describeFailure(`${op.kind}Payment`, err, nowIso(clock()));
    recordError(order, clock(), { ...error, message: `outcome unknown: ${error.message}` });
    markUnknown(op, error);
    await lookForProof(ctx, op);
    scheduleRetry(op, clock(), order.input.policy.unknownRetryBaseMs);
    return;
  }
  if (result.outcome === 'done') {
    if (op.status === 'IN_FLIGHT') opDone(order, op, clock(), 'answer');
    applyAggregate(order, result.payment.aggregate, false);
    if (op.kind === 'void') order.payment.state = result.payment.state;
    return;
  }
  if (op.status !== 'IN_FLIGHT') return;
  const { refusal } = result;
  opRefused(order, op, { at: nowIso(clock()), step: `${op.kind}Payment`, message: refusal.message, ...pick(refusal) }, clock());
  if (refusal.errorCode !== undefined && MONEY_MOVED_CODES.has(refusal.errorCode) && isAuthorized(order) && patched(PATCHES.readAfterMoneyMovedRefusal)) {
    requestReconcile(order, clock());
  }
}

function pick(r: { status?: number; errorCode?: number }): { status?: number; errorCode?: number } {
  return { ...(r.status !== undefined && { status: r.status }), ...(r.errorCode !== undefined && { errorCode: r.errorCode }) };
}

/**
 * The payment's event log shows every operation Vipps applied, with its Idempotency-Key: our key
 * there settles the operation. Not finding it proves nothing yet (the call may still be in flight
 * at Vipps), so the operation stays unknown and the same key is sent again later.
 */
export async function lookForProof(ctx: StepContext, op: MoneyOp): Promise<void> {
  const { order, clock } = ctx;
  let found: { events: { name: string; success: boolean; idempotencyKey?: string | null }[]; payment: PaymentSnapshot };
  try {
    found = await ctx.acts.read.getPaymentEvents.executeWithOptions({ summary: `Look for key ${op.key} in the payment's event log` }, [order.input.orderId]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    recordError(order, clock(), describeFailure('getPaymentEvents', err, nowIso(clock())));
    return;
  }
  applyProof(order, op, found.events, clock(), 'event-log');
  applyPaymentRead(order, found.payment, clock());
}

/**
 * Before a refused operation gets its next key: is the refused key in the payment's event log
 * after all? Applied there: the operation is done (no second capture). Absent, or recorded as
 * failed: the new key is minted and the operation sent at the next step. No log (Vipps did not
 * answer): look again later, backing off like an unknown outcome.
 */
async function lookBeforeNewKey(ctx: StepContext, op: MoneyOp): Promise<void> {
  const { order, clock } = ctx;
  let found: { events: { name: string; success: boolean; idempotencyKey?: string | null }[]; payment: PaymentSnapshot };
  try {
    found = await ctx.acts.read.getPaymentEvents.executeWithOptions({ summary: `Look for key ${op.key} in the payment's event log before a new key` }, [order.input.orderId]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    recordError(order, clock(), describeFailure('getPaymentEvents', err, nowIso(clock())));
    op.lookupFailures = (op.lookupFailures ?? 0) + 1;
    op.nextAttemptAt = clock() + unknownRetryDelay(op.lookupFailures, order.input.policy.unknownRetryBaseMs);
    // A pending payment past its expiry that cannot be looked at: counted like a failed read, so an operator hears of it.
    if (!isAuthorized(order)) lookFailed(order, clock());
    return;
  }
  if (!op.renewKey || op.status !== 'QUEUED') return; // a webhook settled it meanwhile
  if (proofIn(op, found.events) === 'done') {
    delete op.renewKey;
    delete op.lookupFailures;
    opDone(order, op, clock(), 'event-log');
    note(order, clock(), `no new key for ${op.id}`, `the event log shows ${op.key} applied`);
  } else {
    const old = op.key;
    renewKey(op, (g) => keyForGeneration(order, op, g));
    note(order, clock(), `${op.id} gets a new key`, `${old} is not applied in the event log; next key ${op.key}`);
  }
  applyPaymentRead(order, found.payment, clock());
}
