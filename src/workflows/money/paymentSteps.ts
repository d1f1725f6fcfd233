/**
 * Creating the payment and looking at it. A look (getPayment) is the only thing that moves the
 * order from pending to authorized or ended: webhooks and the customer's return only ask for one.
 */
import { isCancellation } from '@temporalio/workflow';
import type { PaymentSnapshot } from '../messages/activityContract';
import { describeFailure } from '../runtime/failures';
import { formatMoney } from '../messages/money';
import { afterReconcile, endUnauthorized } from './moneyOutcomes';
import { addAlert, applyAggregate, clearAlert, note, nowIso, ourTotals, recordError, setStatus } from '../order/orderBook';
import { isAuthorized, type OrderData, type StepContext } from '../order/orderData';
import { derivedStatus, isFinal } from '../order/orderRules';
import { operationKey } from '@vipps-orders/vipps/keys';
import { readWindowMs } from '../runtime/activityProxies';

/** Backoff between looks at a payment past its expiry while Vipps does not answer. */
export const MAX_BACKOFF_AFTER_EXPIRY_MS = 3_600_000;
/** Failed looks (reads or cancels) after the expiry before an operator is alerted. */
export const UNRESOLVED_AFTER_FAILURES = 5;

const NOT_PAID_REASONS = {
  ABORTED: 'the customer rejected the payment',
  EXPIRED: 'the payment expired before the customer approved it',
  TERMINATED: 'the payment was cancelled before it was authorized',
} as const;

/** The create key follows the request's content, so a corrected request after a refusal gets a fresh key. */
export function createKey(order: OrderData): string {
  const id = `c${order.input.requestFingerprint.replace(/[^a-zA-Z0-9]/g, '').slice(0, 24)}`;
  return operationKey({ reference: order.input.orderId, operation: 'create', idKind: 'sequence', id });
}

export async function createPayment(ctx: StepContext): Promise<void> {
  const { order, clock } = ctx;
  const { input } = order;
  try {
    const result = await ctx.acts.create.createPayment.executeWithOptions({ summary: `Create Vipps payment of ${formatMoney(input.amount)}` }, [
      {
        reference: input.orderId,
        idempotencyKey: createKey(order),
        amount: input.amount,
        description: input.description,
        returnUrl: input.returnUrl,
        ...(input.sealedCustomerPhone && { sealedCustomerPhone: input.sealedCustomerPhone }),
      },
    ]);
    if (result.outcome === 'done') return created(order, clock(), result.redirectUrl);
    const { refusal } = result;
    return createFailed(order, clock(), {
      at: nowIso(clock()),
      step: 'createPayment',
      message: refusal.message,
      ...(refusal.status !== undefined && { status: refusal.status }),
      ...(refusal.errorCode !== undefined && { errorCode: refusal.errorCode }),
    });
  } catch (err) {
    if (isCancellation(err)) throw err;
    // Unknown outcome: the payment may exist. Its reference is ours alone, so a read tells.
    const error = describeFailure('createPayment', err, nowIso(clock()));
    recordError(order, clock(), error);
    const read = await tryRead(ctx, 'after an unanswered create');
    if (read?.found && read.payment.redirectUrl) return created(order, clock(), read.payment.redirectUrl);
    return createFailed(order, clock(), { ...error, message: `Vipps did not answer; no payment link was given to the customer (${error.message})` });
  }
}

function created(order: OrderData, now: number, redirectUrl: string): void {
  order.payment.redirectUrl = redirectUrl;
  order.payment.state = 'CREATED';
  order.create = { status: 'DONE' };
  note(order, now, 'payment created');
}

function createFailed(order: OrderData, now: number, error: NonNullable<OrderData['lastError']>): void {
  order.create = { status: 'REFUSED', error };
  order.failureReason = `the payment could not be created: ${error.message}`;
  recordError(order, now, error);
  setStatus(order, now, 'PAYMENT_FAILED', order.failureReason);
}

async function tryRead({ order, acts }: StepContext, why: string) {
  try {
    return await acts.read.getPayment.executeWithOptions({ summary: `Check payment (${why})` }, [order.input.orderId]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    return undefined;
  }
}

/** One look at the payment, for a wake-up, polling, the expiry or a reconcile. */
export async function readPayment(ctx: StepContext, why: string): Promise<void> {
  const { order, clock } = ctx;
  const woke = order.pending.wake !== undefined;
  delete order.pending.wake;
  let read;
  try {
    read = await ctx.acts.read.getPayment.executeWithOptions({ summary: `Check payment (${why})` }, [order.input.orderId]);
  } catch (err) {
    if (isCancellation(err)) throw err;
    recordError(order, clock(), describeFailure('getPayment', err, nowIso(clock())));
    lookFailed(order, clock());
    return;
  } finally {
    order.pending.reads++;
  }
  if (!read.found) {
    if (!isAuthorized(order) && clock() >= order.pending.giveUpAt) {
      // Past its expiry Vipps says the payment does not exist: nothing can be reserved.
      endUnauthorized(order, clock(), 'Vipps does not know this payment (404); nothing was reserved');
      return;
    }
    recordError(order, clock(), { at: nowIso(clock()), step: 'getPayment', message: 'Vipps does not know this payment (404)', status: 404 });
    lookFailed(order, clock());
    return;
  }
  applyPaymentRead(order, read.payment, clock(), woke);
}

/** A failed look: try again later; after the expiry, slower and slower, and tell an operator. */
export function lookFailed(order: OrderData, now: number): void {
  if (order.reconcile && isAuthorized(order)) {
    order.reconcile.failures++;
    order.reconcile.at = now + Math.min(order.input.policy.unknownRetryBaseMs * 2 ** order.reconcile.failures, MAX_BACKOFF_AFTER_EXPIRY_MS);
    return;
  }
  if (isAuthorized(order) || isFinal(order.status)) return;
  const p = order.pending;
  if (now < p.giveUpAt) {
    // Failures back off like answers do: a struggling Vipps gets one look per pollMax at most.
    p.pollDelayMs = Math.min(p.pollDelayMs * 2, order.input.policy.pollMaxMs);
    schedulePoll(order, now);
    return;
  }
  p.failuresAfterExpiry++;
  p.nextPollAt = now + Math.min(order.input.policy.pollMaxMs * 2 ** p.failuresAfterExpiry, MAX_BACKOFF_AFTER_EXPIRY_MS);
  if (p.failuresAfterExpiry >= UNRESOLVED_AFTER_FAILURES) {
    addAlert(order, 'PAYMENT_UNRESOLVED');
    setStatus(order, now, 'NEEDS_ATTENTION', 'the payment could not be checked or cancelled after its expiry');
  }
}

/** What a fresh look at the payment means for the order. */
export function applyPaymentRead(order: OrderData, p: PaymentSnapshot, now: number, woke = false): void {
  if (isAuthorized(order)) {
    const before = JSON.stringify(order.payment.aggregate);
    applyAggregate(order, p.aggregate, true);
    if (order.reconcile && before !== JSON.stringify(order.payment.aggregate) && !explainedByUs(order)) {
      addAlert(order, 'EXTERNAL_CHANGE');
      note(order, now, 'payment changed outside this workflow', JSON.stringify(order.payment.aggregate));
    }
    delete order.reconcile;
    afterReconcile(order, now);
    return;
  }
  order.payment.state = p.state;
  applyAggregate(order, p.aggregate, true);
  if (p.state === 'AUTHORIZED') return authorize(order, p, now);
  if (p.state !== 'CREATED') return endUnauthorized(order, now, NOT_PAID_REASONS[p.state]);
  const pending = order.pending;
  if (!woke) pending.pollDelayMs = Math.min(pending.pollDelayMs * 2, order.input.policy.pollMaxMs);
  schedulePoll(order, now);
  if (now >= pending.giveUpAt) lookFailed(order, now);
}

/**
 * The next look while pending. A look that could still be running at the give-up would hold the
 * void back behind it (a read may take its whole retry window), so none starts in the last window
 * before the give-up: the void goes first then, and a 6060 answer asks for the look.
 */
function schedulePoll(order: OrderData, now: number): void {
  const p = order.pending;
  p.nextPollAt = now + p.pollDelayMs;
  if (now < p.giveUpAt && p.nextPollAt > p.giveUpAt - readWindowMs(order.input.policy)) p.nextPollAt = Math.max(p.nextPollAt, p.giveUpAt);
}

/** Our own captures and refunds account for everything Vipps shows. */
function explainedByUs(order: OrderData): boolean {
  const a = order.payment.aggregate;
  const captures = ourTotals(order, 'capture');
  const refunds = ourTotals(order, 'refund');
  return a.captured <= captures.done + captures.open && a.refunded <= refunds.done + refunds.open;
}

function authorize(order: OrderData, p: PaymentSnapshot, now: number): void {
  const { policy } = order.input;
  order.payment.authorizedAt = now;
  if (p.captureGuaranteedUntil) {
    order.payment.captureDeadline = Date.parse(p.captureGuaranteedUntil);
    order.payment.captureDeadlineSource = 'vipps';
  } else {
    order.payment.captureDeadline = now + policy.captureDeadlineFallbackMs;
    order.payment.captureDeadlineSource = 'policy';
  }
  order.searchVersion++;
  const voidOp = order.ops.find((o) => o.kind === 'void');
  if (voidOp && (voidOp.status === 'QUEUED' || voidOp.status === 'UNKNOWN')) {
    // cancelTransactionOnly cannot touch an authorized payment: the cancel becomes a release.
    voidOp.status = 'REFUSED';
    voidOp.error = { at: nowIso(now), step: 'void', message: 'the payment was authorized; a release follows instead' };
  }
  if (order.cancel?.status === 'FAILED') delete order.cancel;
  clearAlert(order, 'PAYMENT_UNRESOLVED');
  note(order, now, 'payment authorized', `${formatMoney({ value: p.aggregate.authorized, currency: order.input.amount.currency })}, capture by ${new Date(order.payment.captureDeadline).toISOString()}`);
  setStatus(order, now, derivedStatus(order));
}
