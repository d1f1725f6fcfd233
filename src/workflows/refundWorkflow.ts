/**
 * A refund after the order is settled (its workflow has ended): a short workflow of its own, id
 * `refund-<orderId>.<refundId>`, so a repeated request joins the same run. It reads the payment
 * (the truth), checks what can still be refunded, refunds with the same deterministic key the
 * order would have used, resolves an unknown outcome by proof, and ends.
 *
 * Two refunds of one order may run at once: each checks the refundable amount first, and Vipps
 * refuses one that would exceed it (6150), which ends that refund as refused; nothing is refunded twice.
 */
import { ApplicationFailure, isCancellation, setHandler, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { activityProxies } from './runtime/activityProxies';
import { refundKey } from './order/commands';
import { describeFailure, parseCommand } from './runtime/failures';
import { FAILURE_TYPES } from './messages/failureTypes';
import { formatMoney } from './messages/money';
import { markUnknown, newMoneyOp, proofIn, scheduleRetry, settleDone, settleRefused, startAttempt, type MoneyOp } from './money/moneyOperation';
import { OrderId, RefundRequest } from './messages/commandSchemas';
import { getRefundQuery, type RefundOutcome } from './messages/definitions';
import type { OrderPolicy } from './messages/requests';
import { OrderAlerts, OrderStatusAttribute } from './messages/searchAttributes';
import type { RefundView } from './messages/views';

export interface RefundWorkflowInput {
  orderId: string;
  refundId: string;
  amount: RefundRequest['amount'];
  policy: Pick<OrderPolicy, 'callRetryWindowMs' | 'unknownRetryBaseMs'>;
  /** The order's sales unit (see OrderWorkflowInput.salesUnit). */
  salesUnit?: string;
}

export async function refundWorkflow(raw: RefundWorkflowInput): Promise<RefundOutcome> {
  const orderId = parseCommand(OrderId, raw.orderId);
  const req = parseCommand(RefundRequest, { refundId: raw.refundId, amount: raw.amount });
  const now = () => new Date().toISOString();
  const { money: moneyActivities, read: readActivities } = activityProxies(raw.policy, undefined, raw.salesUnit);
  const op = newMoneyOp({ id: `refund:${req.refundId}`, kind: 'refund', key: refundKey(orderId, req.refundId), amount: req.amount, at: now() });
  let alerted = false;
  setHandler(getRefundQuery, () => view(op, req.refundId));
  const refused = (message: string, extra: { status?: number; errorCode?: number } = {}) => settleRefused(op, { at: now(), step: 'refundPayment', message, ...extra }, now());

  // The truth first: an earlier attempt with our key may have gone through already.
  if (!(await lookForProof(orderId, op, now, true))) {
    while (op.status !== 'DONE' && op.status !== 'REFUSED') {
      startAttempt(op);
      try {
        const result = await moneyActivities.refundPayment.executeWithOptions({ summary: `Refund ${formatMoney(req.amount)} (${req.refundId})` }, [
          { reference: orderId, idempotencyKey: op.key, amount: req.amount },
        ]);
        if (result.outcome === 'done') settleDone(op, now(), 'answer');
        else refused(result.refusal.message, { ...(result.refusal.status !== undefined && { status: result.refusal.status }), ...(result.refusal.errorCode !== undefined && { errorCode: result.refusal.errorCode }) });
      } catch (err) {
        if (isCancellation(err)) throw err;
        markUnknown(op, describeFailure('refundPayment', err, now()));
        if (await lookForProof(orderId, op, now, false)) break;
        scheduleRetry(op, Date.now(), raw.policy.unknownRetryBaseMs);
        if (op.escalated && !alerted) {
          alerted = true;
          // Visible to operators: the refund's outcome is still being resolved with its own key.
          upsertSearchAttributes([
            { key: OrderStatusAttribute, value: 'NEEDS_ATTENTION' },
            { key: OrderAlerts, value: ['OUTCOME_UNKNOWN'] },
          ]);
        }
        await sleep(Math.max(1, (op.nextAttemptAt ?? Date.now()) - Date.now()), { summary: `Next attempt with key ${op.key}` });
      }
    }
  }
  if (alerted) {
    // The label says how it ended: refunded, or refused by Vipps (its key proven failed).
    const refunded = op.status === 'DONE';
    upsertSearchAttributes([
      { key: OrderStatusAttribute, value: refunded ? 'COMPLETED' : 'NEEDS_ATTENTION' },
      { key: OrderAlerts, value: refunded ? [] : ['REFUND_FAILED'] },
    ]);
  }
  return { orderId, refund: view(op, req.refundId) };

  /** Settles the operation from the event log; before the first attempt, also refuses what cannot be refunded. */
  async function lookForProof(reference: string, o: MoneyOp, at: () => string, beforeFirstAttempt: boolean): Promise<boolean> {
    let found;
    try {
      found = await readActivities.getPaymentEvents.executeWithOptions({ summary: `Look for refund key ${o.key}` }, [reference]);
    } catch (err) {
      if (isCancellation(err)) throw err;
      return false;
    }
    const proof = proofIn(o, found.events);
    if (proof === 'done') settleDone(o, at(), 'event-log');
    if (proof === 'refused') refused(`Vipps recorded the refund with key ${o.key} as failed`);
    if (proof || !beforeFirstAttempt) return proof !== undefined;
    const a = found.payment.aggregate;
    const available = a.captured - a.refunded;
    if (req.amount.value > available) {
      // Nothing was sent: the run fails (no "refund failed" row, the refund id stays free) and the caller gets a 409.
      throw ApplicationFailure.create({
        type: FAILURE_TYPES.refundNotPossible,
        message: `amount ${formatMoney(req.amount)} exceeds what can be refunded (${formatMoney({ value: Math.max(0, available), currency: req.amount.currency })})`,
        nonRetryable: true,
      });
    }
    return false;
  }
}

function view(op: MoneyOp, refundId: string): RefundView {
  return {
    refundId,
    amount: op.amount!,
    status: op.status === 'DONE' ? 'REFUNDED' : op.status === 'REFUSED' ? 'REFUND_FAILED' : 'REFUND_UNKNOWN',
    requestedAt: op.requestedAt,
    ...(op.status === 'DONE' && op.settledAt && { refundedAt: op.settledAt }),
    idempotencyKey: op.key,
    ...(op.error && op.status !== 'DONE' && { error: op.error }),
  };
}
