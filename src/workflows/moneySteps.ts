/**
 * Sending a money operation to Vipps and resolving an unknown outcome by proof. One operation at a
 * time; the same key on every attempt of a generation.
 */
import { isCancellation } from '@temporalio/workflow';
import type { MoneyCallResult, PaymentSnapshot } from './activityContract';
import { describeFailure } from './failures';
import { formatMoney } from './money';
import { markUnknown, scheduleRetry, startAttempt, type MoneyOp } from './moneyOperation';
import { applyProof, opDone, opRefused } from './moneyOutcomes';
import { applyAggregate, capturable, describeAmount, note, nowIso, recordError } from './orderBook';
import type { OrderData, StepContext } from './orderData';
import { applyPaymentRead } from './paymentSteps';

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

/** Checks that need no call: a release with nothing left, a capture larger than what is reserved. */
function settledLocally(order: OrderData, op: MoneyOp, now: number): boolean {
  if (op.attempts > 0 || op.status !== 'QUEUED') return false;
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
  if (settledLocally(order, op, clock())) return;
  startAttempt(op);
  let result: MoneyCallResult;
  try {
    result = await call(ctx, op);
  } catch (err) {
    if (isCancellation(err)) throw err;
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
